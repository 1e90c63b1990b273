"""`kpilib import exams FILE` (issue 13, item 12): summary line, exit 2 with one line per problem."""

import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.cli.main import app
from kpilib.ingest.models import Fact
from kpilib.training.services import exam_save
from tests.factories import Org, make_org

pytestmark = pytest.mark.today(datetime.date(2026, 10, 8))


@pytest.fixture
def org(db: None) -> Org:
    org = make_org()
    exam_save(actor=SYSTEM, origin=Origin.CLI, code="product-q3", name="产品知识考试")
    return org


def test_an_lms_export_imports_and_prints_the_summary(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "成绩.csv"
    path.write_bytes(
        f"工号,考试编码,成绩,考试日期,记录ID\n{org.engineer.employee_id},product-q3,91,2026-08-05,R1\n".encode("gbk")
    )
    result = CliRunner().invoke(app, ["import", "exams", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, quarantined 0"
    assert Fact.objects.get(metric="training_exam").value == 91.0


def test_a_bad_row_exits_2_naming_the_file_line_and_column(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "lms.csv"
    path.write_text("工号,考试编码,成绩,考试日期,记录ID\nE9999,product-q3,91,2026-08-05,R1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "exams", str(path)])
    assert result.exit_code == 2
    assert "lms.csv:2: 工号: no employee 'E9999'" in result.stderr
    assert not Fact.objects.exists()
