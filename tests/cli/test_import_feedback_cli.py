"""`kpilib import feedback FILE --campaign` (issue 14, item 10): the summary line, exit 2
with one `file:line: column: reason` line per problem, the campaign by id or name."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.feedback.models import Response
from tests.factories import Org, make_org
from tests.feedback.test_import import HEADER
from tests.feedback.test_services import _campaign

pytestmark = pytest.mark.today("2026-11-02")


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def _file(tmp_path: Path, org: Org, rows: list[str], encoding: str = "gbk") -> Path:
    path = tmp_path / "360答卷.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode(encoding))
    return path


def test_a_gbk_export_imports_by_campaign_name_and_again_is_unchanged(org: Org, tmp_path: Path) -> None:
    campaign = _campaign(org)
    engineer = org.engineer.employee_id
    path = _file(tmp_path, org, [
        f"{engineer},{org.peer.employee_id},peer,collab_responsive,4,很及时",
        f"{engineer},客户-01,customer,collab_responsive,,",
    ])
    result = CliRunner().invoke(app, ["import", "feedback", str(path), "--campaign", campaign.name, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-2:] == [
        "dry run: checked, nothing written", "imported 2, updated 0, unchanged 0, quarantined 0",
    ]
    assert not Response.objects.exists()
    result = CliRunner().invoke(app, ["import", "feedback", str(path), "--campaign", str(campaign.pk)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "imported 2, updated 0, unchanged 0, quarantined 0"
    result = CliRunner().invoke(app, ["import", "feedback", str(path), "--campaign", str(campaign.pk)])
    assert result.stdout.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 2, quarantined 0"


def test_bad_rows_exit_2_naming_file_line_and_column(org: Org, tmp_path: Path) -> None:
    campaign = _campaign(org)
    engineer = org.engineer.employee_id
    path = _file(tmp_path, org, [
        f"E9999,{org.peer.employee_id},peer,collab_responsive,4,",
        f"{engineer},{org.peer.employee_id},peer,collab_responsive,9,",
    ], encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "feedback", str(path), "--campaign", str(campaign.pk)])
    assert result.exit_code == 2
    assert "360答卷.csv:2: subject_id: no employee 'E9999'" in result.stderr
    assert "360答卷.csv:3: score: 9 is outside 1–5 (empty = not able to rate)" in result.stderr
    assert not Response.objects.exists()
    result = CliRunner().invoke(app, ["import", "feedback", str(path), "--campaign", "没有这个活动"])
    assert result.exit_code == 2
    assert "--campaign: no 360 campaign '没有这个活动'" in result.stderr
