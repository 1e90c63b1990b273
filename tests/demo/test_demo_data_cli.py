"""`kpilib demo-data` end to end: arguments in, three CSV files out."""

from typer.testing import CliRunner

from kpilib.cli.main import app


def test_demo_data_writes_org_units_employees_and_facts(tmp_path) -> None:
    # given a small organisation over two months
    arguments = ["demo-data", "--engineers", "12", "--months", "2", "--seed", "5"]
    arguments += ["--start", "2025-12", "--output-dir", str(tmp_path)]
    # when the command runs
    result = CliRunner().invoke(app, arguments)
    # then it succeeds, writes the three files and reports the window
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "employees.csv", "facts.csv", "org_units.csv",
    ]
    assert "2025-12..2026-01" in result.output
    facts_lines = (tmp_path / "facts.csv").read_text(encoding="utf-8").splitlines()
    assert f"{len(facts_lines) - 1} facts" in result.output


def test_malformed_start_month_is_refused_with_status_2(tmp_path) -> None:
    # given a start month that does not exist
    arguments = ["demo-data", "--start", "2025-13", "--output-dir", str(tmp_path)]
    # when the command runs
    result = CliRunner().invoke(app, arguments)
    # then it stops with the usage-error status and writes nothing
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []
