"""`kpilib library lint` end to end: JSON shape, table, languages, history, exit codes 0/1/2."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from kpilib.cli.main import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"
CHECKS = ["specific", "measurable", "achievable", "relevant", "time_bound"]
runner = CliRunner()


def lint(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["library", "lint", *(str(argument) for argument in arguments)])
    return result.exit_code, result.stdout, result.stderr


def lint_json(*arguments: str | Path) -> tuple[int, list[dict[str, Any]]]:
    exit_code, stdout, stderr = lint(*arguments, "--format", "json")
    assert stderr == ""
    reports: list[dict[str, Any]] = json.loads(stdout)
    return exit_code, reports


def test_smart_library_exits_0_with_one_object_per_indicator() -> None:
    # given a library of two SMART indicators and history around their full-marks lines
    library, history = FIXTURES / "good.yaml", FIXTURES / "history.csv"
    # when the installed entry point lints it as a user would
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpilib.cli.main",
            "library",
            "lint",
            str(library),
            "--history",
            str(history),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # then it exits 0 and every check of every indicator passed, in the pack's order
    assert completed.returncode == 0, completed.stderr
    reports = json.loads(completed.stdout)
    assert [list(report) for report in reports] == [["code", "checks", "messages"]] * 2
    assert [report["code"] for report in reports] == ["customer_satisfaction", "complaints"]
    assert [report["checks"] for report in reports] == [dict.fromkeys(CHECKS, "pass")] * 2
    assert [report["messages"] for report in reports] == [[], []]


def test_without_history_achievable_is_unknown_and_does_not_fail() -> None:
    # given the SMART library and no history
    # when linted
    exit_code, reports = lint_json(FIXTURES / "good.yaml")
    # then Achievable is unknown with an info message, and the exit status is still 0
    assert exit_code == 0
    assert [report["checks"]["achievable"] for report in reports] == ["unknown", "unknown"]
    assert reports[0]["messages"] == [
        {
            "check": "achievable",
            "severity": "info",
            "message": "no past values (at least 5 needed), so whether full marks are within"
            " reach cannot be told. Give this indicator's past measured values.",
        }
    ]


def test_vague_indicator_exits_1_with_reasons_and_the_rewrite() -> None:
    # given product.md §2's "提升客户满意度" without objective or period, next to a SMART one
    # when linted in Chinese
    exit_code, reports = lint_json(FIXTURES / "vague.yaml", "--language", "zh-Hans")
    # then the exit status is 1 and only the vague indicator fails, saying why and how
    assert exit_code == 1
    vague, smart = reports
    assert vague["checks"] == {
        "specific": "fail",
        "measurable": "pass",
        "achievable": "unknown",
        "relevant": "fail",
        "time_bound": "fail",
    }
    assert smart["checks"]["specific"] == "pass"
    specific = [item for item in vague["messages"] if item["check"] == "specific"]
    assert {item["severity"] for item in specific} == {"error"}
    assert specific[0]["message"].startswith("中文名称「提升客户满意度」用了「提升」")
    assert "「客户满意度 ≥ 95 分（客户调研）本季度」" in specific[0]["message"]
    assert "「项目支持满意度 ≥ 90%（NPS 调研）本季度」" in specific[0]["message"]


def test_messages_follow_the_chosen_language() -> None:
    # given the vague library
    # when linted with the default language and in Chinese
    _, english = lint_json(FIXTURES / "vague.yaml")
    _, chinese = lint_json(FIXTURES / "vague.yaml", "--language", "zh-Hans")
    # then the same messages come in each language
    time_bound = [
        [item["message"] for item in reports[0]["messages"] if item["check"] == "time_bound"]
        for reports in (english, chinese)
    ]
    assert time_bound[0][0].startswith("no period is written")
    assert time_bound[1][0].startswith("未写明 period")


def test_history_out_of_reach_fails_achievable(tmp_path: Path) -> None:
    # given satisfaction history that never came near the full-marks line of 95
    history = tmp_path / "history.csv"
    rows = "".join(f"customer_satisfaction,{value}\n" for value in (70, 72, 75, 78, 80, 84))
    history.write_text(f"indicator,value\n{rows}", encoding="utf-8")
    # when linted with it
    exit_code, reports = lint_json(FIXTURES / "good.yaml", "--history", history)
    # then Achievable fails for that indicator only
    assert exit_code == 1
    assert [report["checks"]["achievable"] for report in reports] == ["fail", "unknown"]
    assert (
        "above the 99th percentile (83.8) of 6 past results"
        in (reports[0]["messages"][0]["message"])
    )


def test_table_marks_each_check_and_prints_the_messages_below() -> None:
    # given the vague library
    # when linted as a table
    exit_code, stdout, _ = lint(FIXTURES / "vague.yaml")
    # then each indicator has a row of marks, and the reasons follow with the indicator's code
    assert exit_code == 1
    assert "SMART: S Specific · M Measurable · A Achievable · R Relevant · T Time-bound" in stdout
    rows = {line.split("│")[1].strip(): line for line in stdout.splitlines() if "│" in line}
    assert [mark for mark in "✓✗?" if mark in rows["vague_satisfaction"]] == ["✓", "✗", "?"]
    assert rows["customer_satisfaction"].count("✓") == 4
    assert "✗ vague_satisfaction · Specific: The Chinese name '提升客户满意度' uses" in stdout
    assert stdout.rstrip().endswith("1 of 2 indicators fail a SMART check.")


def test_table_in_chinese_uses_chinese_headings() -> None:
    # given the SMART library
    # when linted as a table in Chinese
    exit_code, stdout, _ = lint(FIXTURES / "good.yaml", "--language", "zh-Hans")
    # then the legend, headings and summary are Chinese
    assert exit_code == 0
    assert "SMART: S 具体 · M 可衡量 · A 可达成 · R 相关 · T 有时限" in stdout
    assert "客户投诉次数" in stdout
    assert "2 项指标中有 0 项未通过 SMART 检查。" in stdout


def test_invalid_pack_exits_2_naming_each_problem_by_line_and_path() -> None:
    # given a pack with an unknown period and a zero weight
    invalid = FIXTURES / "invalid.yaml"
    # when linted
    exit_code, stdout, stderr = lint(invalid)
    # then nothing is checked and each problem is one line on stderr
    assert (exit_code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"{invalid}:20: indicators[0].period: must be one of 'month', 'quarter' or 'year'",
        f"{invalid}:24: indicators[0].default_weight: must be > 0",
    ]


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    # given a missing file and a file that is not YAML
    missing = tmp_path / "missing.yaml"
    broken = tmp_path / "broken.yaml"
    broken.write_text("indicators: [unclosed\n", encoding="utf-8")
    # when each is linted
    results = [lint(missing), lint(broken)]
    # then each exits 2 with one line naming the file and no traceback
    assert [result[0] for result in results] == [2, 2]
    assert results[0][2] == f"{missing}: cannot read file: No such file or directory\n"
    assert results[1][2].startswith(f"{broken}:2: not valid YAML")
    assert all("Traceback" not in stderr for _, _, stderr in results)


def test_bad_history_rows_exit_2_with_line_and_column(tmp_path: Path) -> None:
    # given history naming an indicator the pack lacks and a value that is no number
    history = tmp_path / "history.csv"
    history.write_text(
        "indicator,value\ncustomer_satisfaction,91\ncsat,90\ncomplaints,two\n", encoding="utf-8"
    )
    # when linted with it
    exit_code, stdout, stderr = lint(FIXTURES / "good.yaml", "--history", history)
    # then every bad row is named, nothing is checked
    assert (exit_code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"{history}:3: indicator: no indicator 'csat' in the pack",
        f"{history}:4: value: not a number: 'two'",
    ]


def test_file_and_pack_together_are_refused() -> None:
    # given both a file and a built-in pack, and then neither
    # when linted
    both = lint(FIXTURES / "good.yaml", "--pack", "presales")
    neither = lint()
    # then each is refused with the usage to follow
    assert both[0] == neither[0] == 2
    assert both[2] == neither[2] == "give a library FILE.yaml or --pack NAME (one of them)\n"


def test_unknown_builtin_pack_exits_2() -> None:
    # given a built-in pack name that does not exist
    # when linted / then the known names are listed
    exit_code, _, stderr = lint("--pack", "finance")
    assert exit_code == 2
    assert stderr.startswith("--pack: no built-in pack 'finance' (built-in: presales")


def test_builtin_presales_pack_passes() -> None:
    # given the built-in presales pack
    # when linted
    exit_code, reports = lint_json("--pack", "presales")
    # then no indicator fails a check
    failing = {
        report["code"]: [
            item["message"] for item in report["messages"] if item["severity"] == "error"
        ]
        for report in reports
        if "fail" in report["checks"].values()
    }
    assert failing == {}
    assert exit_code == 0
