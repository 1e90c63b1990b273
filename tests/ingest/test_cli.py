"""`kpilib import facts FILE --source NAME [--partial]` (product.md §6)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.ingest.models import Fact, QuarantinedRow
from tests.ingest.conftest import FACTS_HEADER, Team

GOOD = FACTS_HEADER + "E1001,complaint,2025-03-01,,C1,,ticket,T-1\n"
BAD = "E1002,complaint,2025-03-32,,C1,,ticket,T-2\nE1003,satisfaction_score,2025-03-02,high,C1,,survey,S-1\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _facts_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_the_summary_line_last_and_exits_0(
    team: Team, runner: CliRunner, tmp_path: Path
) -> None:
    # given a good facts file
    path = _facts_file(tmp_path, GOOD)
    # when it is imported twice
    first = runner.invoke(app, ["import", "facts", str(path), "--source", "crm"])
    second = runner.invoke(app, ["import", "facts", str(path), "--source", "crm"])
    # then each run ends with its summary and exits 0
    assert first.exit_code == 0, first.output
    assert (
        first.stdout.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, quarantined 0"
    )
    assert (
        second.stdout.strip().splitlines()[-1]
        == "imported 0, updated 0, unchanged 1, quarantined 0"
    )


def test_bad_rows_exit_2_with_one_line_per_problem_and_nothing_written(
    team: Team, runner: CliRunner, tmp_path: Path
) -> None:
    # given a file with two bad rows
    path = _facts_file(tmp_path, GOOD + BAD)
    # when it is imported all or nothing
    result = runner.invoke(app, ["import", "facts", str(path), "--source", "crm"])
    # then it exits 2, one line per problem on stderr, nothing written
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "facts.csv:3: occurred_on: not a date YYYY-MM-DD or YYYY/MM/DD: '2025-03-32'",
        "facts.csv:4: value: not a number: 'high'",
    ]
    assert not Fact.objects.exists()


def test_partial_writes_the_good_rows_and_names_the_quarantined_ones(
    team: Team, runner: CliRunner, tmp_path: Path
) -> None:
    # given the same file
    path = _facts_file(tmp_path, GOOD + BAD)
    # when imported with --partial
    result = runner.invoke(app, ["import", "facts", str(path), "--source", "crm", "--partial"])
    # then it exits 0, the good row is a fact and the bad ones wait, each named on stderr
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip().splitlines()[-1]
        == "imported 1, updated 0, unchanged 0, quarantined 2"
    )
    assert Fact.objects.count() == 1
    assert QuarantinedRow.objects.count() == 2
    assert "facts.csv:4: value: not a number: 'high' (quarantined)" in result.stderr


def test_missing_file_exits_2(team: Team, runner: CliRunner, tmp_path: Path) -> None:
    # when the file does not exist
    result = runner.invoke(app, ["import", "facts", str(tmp_path / "nope.csv"), "--source", "x"])
    # then one line says so
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope.csv'}: no such file"


def test_a_source_name_that_is_not_a_slug_exits_2(
    team: Team, runner: CliRunner, tmp_path: Path
) -> None:
    # given a good file
    path = _facts_file(tmp_path, GOOD)
    # when the source is named with a space
    result = runner.invoke(app, ["import", "facts", str(path), "--source", "Zoho CRM"])
    # then the name is refused in one line and nothing is written
    assert result.exit_code == 2
    assert result.stderr.startswith("--source: Zoho CRM: ")
    assert not Fact.objects.exists()
