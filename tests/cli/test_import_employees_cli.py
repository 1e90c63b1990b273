"""`kpilib import employees FILE` (product.md §6): summary line, exit codes, stderr lines."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.org.models import Employee

HEADER = "employee_id,name,email,org_unit,position,manager_id,region,hire_date\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_import_prints_created_units_then_the_summary_line(
    db: None, runner: CliRunner, tmp_path: Path
) -> None:
    # given a good file
    path = tmp_path / "staff.csv"
    path.write_text(
        HEADER + "E1,张伟,,华东售前一组,售前工程师,,华东,2024-03-01\n", encoding="utf-8"
    )
    # when it is imported from the command line
    result = runner.invoke(app, ["import", "employees", str(path)])
    # then it exits 0 and the last line is the summary
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert "created org unit 华东售前一组" in lines
    assert lines[-1] == "imported 1, updated 0, unchanged 0, quarantined 0"


def test_bad_file_exits_2_with_one_line_per_problem(
    db: None, runner: CliRunner, tmp_path: Path
) -> None:
    # given a file with two bad rows
    path = tmp_path / "staff.csv"
    path.write_text(
        HEADER
        + "E1,,,华东售前一组,售前工程师,,华东,\nE2,李娜,,华东售前一组,售前工程师,,华东,2024-02-30\n",
        encoding="utf-8",
    )
    # when it is imported
    result = runner.invoke(app, ["import", "employees", str(path)])
    # then it exits 2, names each problem on stderr, and writes nothing
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "staff.csv:2: name: is empty",
        "staff.csv:3: hire_date: 2024-02-30 is not a valid date",
    ]
    assert not Employee.objects.exists()


def test_missing_file_exits_2(db: None, runner: CliRunner, tmp_path: Path) -> None:
    # when the file does not exist
    result = runner.invoke(app, ["import", "employees", str(tmp_path / "nope.csv")])
    # then the reason is one line and the exit status 2
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope.csv'}: no such file"
