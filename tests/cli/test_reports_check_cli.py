"""`kpilib reports check` end to end (product.md §10): the JSON contract, the table, bad input."""

import json
from pathlib import Path

from typer.testing import CliRunner

from kpilib.cli.main import app

runner = CliRunner()
GOLDEN = Path(__file__).parents[1] / "fixtures" / "reports"


def check(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["reports", "check", *(str(argument) for argument in arguments)])
    return result.exit_code, result.stdout, result.stderr


def test_json_is_the_section_10_list_sorted_by_employee_and_date() -> None:
    # when the golden file is checked as JSON
    status, out, _ = check("--reports", GOLDEN / "reports.csv", "--format", "json")
    # then each object carries §10's keys first, in order, and one of the three qualities
    rows = json.loads(out)
    assert status == 0
    assert [list(row)[:4] for row in rows] == [["employee_id", "report_date", "quality", "hints"]] * 6
    assert [(row["employee_id"], row["report_date"]) for row in rows] == sorted(
        (row["employee_id"], row["report_date"]) for row in rows
    )
    assert [row["quality"] for row in rows] == [
        "constructive", "perfunctory", "perfunctory", "perfunctory", "constructive", "normal",
    ]
    assert rows[1]["hints"][0] == "repeats_previous"
    assert rows[1]["reasons"][0] == "100% identical to 2026-09-10"


def test_the_table_gives_the_reasons_in_chinese_on_request() -> None:
    status, out, _ = check("--reports", GOLDEN / "reports.csv", "--language", "zh-Hans")
    assert status == 0
    assert "太短：有效字数 2（至少 30）" in out
    assert out.splitlines()[0].startswith("employee_id")


def test_bad_rows_exit_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_id,report_date,content\n,2026-09-10,x\nE1,10/09/2026,y\n", encoding="utf-8")
    status, out, err = check("--reports", bad, "--format", "json")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"{bad}:2: employee_id: required",
        f"{bad}:3: report_date: not a date (YYYY-MM-DD): '10/09/2026'",
    ]


def test_a_missing_column_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    no_content = tmp_path / "r.csv"
    no_content.write_text("employee_id,report_date\nE1,2026-09-10\n", encoding="utf-8")
    assert check("--reports", no_content)[0] == 2
    assert "content: required column is missing" in check("--reports", no_content)[2]
    status, _, err = check("--reports", tmp_path / "none.csv")
    assert status == 2
    assert "no such file" in err
