"""`kpilib review` end to end (product.md §8): the JSON contract, a hand-checked quarter,
the table, Chinese reasons and bad input (exit 2, one line per problem)."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpilib.cli.main import app

runner = CliRunner()
HEADER = ["employee_id", "metric", "occurred_on", "value", "customer_id"]


def review(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["review", *(str(argument) for argument in arguments)])
    return result.exit_code, result.stdout, result.stderr


def write_facts(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def quarter_facts(tmp_path: Path) -> Path:
    """Four engineers in 2026-Q3 (hand-checked below)."""
    rows: list[list[str]] = []
    for number, (complaints, satisfaction, wins) in enumerate(
        [(0, 95, 1), (0, 90, 2), (0, 85, 3), (1, 80, 4)], start=1
    ):
        employee = f"E{number}"
        rows.append([employee, "satisfaction_score", "2026-08-03", str(satisfaction), "C1"])
        rows.append([employee, "daily_report", "2026-08-04", "0", ""])
        rows.append([employee, "opportunity_won", "2026-08-05", str(wins), ""])
        rows += [[employee, "complaint", "2026-08-06", "", "C1"]] * complaints
    return write_facts(tmp_path / "facts.csv", rows)


def test_review_json_follows_section_8(quarter_facts: Path) -> None:
    # given four engineers: complaints 0, 0, 0, 1; satisfaction 95, 90, 85, 80
    # when the quarter is reviewed alone with a minimum of 2 employees
    exit_code, stdout, stderr = review(
        "--facts",
        quarter_facts,
        "--period",
        "2026-Q3",
        "--quarters",
        "1",
        "--min-employees",
        "2",
        "--format",
        "json",
    )
    assert (exit_code, stderr) == (0, "")
    document = json.loads(stdout)
    # then the header fields
    assert (document["period"], document["plan"], document["employees"]) == (
        "2026-Q3",
        "presales-engineer",
        4,
    )
    indicators = {item["code"]: item for item in document["indicators"]}
    assert list(indicators) == [
        "tech_resolution",
        "customer_satisfaction",
        "revisit_completion",
        "complaints",
        "learning_growth",
        "daily_report",
    ]
    # complaints: shares 1, 1, 1, 10/15 → mean 11/12, three of four at full marks
    complaints = indicators["complaints"]
    assert complaints["mean_share"] == pytest.approx(11 / 12)
    assert complaints["ceiling_rate"] == 0.75
    assert "ceiling" in complaints["flags"]
    assert complaints["recommendation"] == "replace"  # one quarter reviewed, flagged in it
    # satisfaction: linear 15 × (mean − 80) / 15 → shares 1, 2/3, 1/3, 0; wins 1, 2, 3, 4
    satisfaction = indicators["customer_satisfaction"]
    assert satisfaction["mean_share"] == pytest.approx(0.5)
    assert satisfaction["outcomes"] == {"opportunity_won": pytest.approx(-1.0)}
    # tech_resolution: no unresolved customers → everyone at 35 → ceiling and no spread
    assert indicators["tech_resolution"]["flags"][:2] == ["ceiling", "low_spread"]
    # complaints against satisfaction: r = 37.5 / √(18.75 · 125) = .77 < .8, so no pair
    assert document["redundant_pairs"] == []
    # no month has 12 months of history in this file
    assert document["anomalies"] == []
    assert {item["metric"] for item in document["not_checked"]} >= {"complaint"}


def test_review_explains_in_chinese(quarter_facts: Path) -> None:
    exit_code, stdout, _ = review(
        "--facts",
        quarter_facts,
        "--period",
        "2026-Q3",
        "--quarters",
        "1",
        "--min-employees",
        "2",
        "--format",
        "json",
        "--language",
        "zh-Hans",
    )
    assert exit_code == 0
    complaints = json.loads(stdout)["indicators"][3]
    assert complaints["reasons"][0] == "75% 的受评员工拿到满分（阈值 50%）：已无法区分绩效高低。"


def test_review_table_for_people(quarter_facts: Path) -> None:
    exit_code, stdout, _ = review(
        "--facts", quarter_facts, "--period", "2026-Q3", "--quarters", "1", "--min-employees", "2"
    )
    assert exit_code == 0
    lines = stdout.splitlines()
    assert lines[0] == "presales-engineer · 2026-Q3 (2026-Q3) · 4 employees"
    assert lines[1].split()[:3] == ["code", "scored", "scored_rate"]
    assert "complaints → replace" in lines
    assert "anomalies: none" in lines


def test_thresholds_are_options(quarter_facts: Path) -> None:
    # given a ceiling threshold above 75 %
    _, stdout, _ = review(
        "--facts",
        quarter_facts,
        "--period",
        "2026-Q3",
        "--quarters",
        "1",
        "--min-employees",
        "2",
        "--ceiling",
        "0.8",
        "--format",
        "json",
    )
    # then complaints (75 % at full marks) is no longer at the ceiling
    assert "ceiling" not in json.loads(stdout)["indicators"][3]["flags"]


def test_a_spike_is_found_with_its_suggested_indicator(tmp_path: Path) -> None:
    # given 20 engineers, one daily report a month for 15 months, one complaint a month
    # between them, then 12 complaints in November 2026
    rows: list[list[str]] = []
    for index in range(2025 * 12 + 8, 2026 * 12 + 11):  # 2025-09 … 2026-11
        month = f"{index // 12}-{index % 12 + 1:02d}"
        rows += [[f"E{n:02d}", "daily_report", f"{month}-10", "0", ""] for n in range(20)]
        complaints = 12 if month == "2026-11" else 1
        rows += [[f"E{n:02d}", "complaint", f"{month}-12", "", "C1"] for n in range(complaints)]
    facts = write_facts(tmp_path / "facts.csv", rows)
    exit_code, stdout, _ = review("--facts", facts, "--period", "2026-Q4", "--format", "json")
    assert exit_code == 0
    anomalies = json.loads(stdout)["anomalies"]
    # then November: .6 per engineer against .05
    assert [(a["metric"], a["month"]) for a in anomalies] == [("complaint", "2026-11")]
    assert anomalies[0]["value"] == pytest.approx(0.6)
    assert anomalies[0]["expected"] == pytest.approx(0.05)
    assert anomalies[0]["suggested_indicators"] == ["error_proofing_coverage"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--period", "2026-09"], "--period: '2026-09' is not a quarter (like 2026-Q4)"),
        (["--period", "2026-Q3", "--plan", "nope"], "--plan: no plan 'nope' in pack 'presales'"),
        (["--period", "2026-Q3", "--format", "xlsx"], "--format: 'xlsx' is not one of table, json"),
        (["--period", "2026-Q3", "--outcome", "revenue"], "--outcome: no 'revenue' facts in"),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(
    quarter_facts: Path, arguments: list[str], expected: str
) -> None:
    exit_code, stdout, stderr = review("--facts", quarter_facts, *arguments)
    assert exit_code == 2
    assert stdout == ""
    assert stderr.startswith(expected)
    assert len(stderr.strip().splitlines()) == 1


def test_a_bad_facts_file_names_the_line(tmp_path: Path) -> None:
    facts = write_facts(tmp_path / "bad.csv", [["E1", "complaint", "2026-13-40", "", ""]])
    exit_code, _, stderr = review("--facts", facts, "--period", "2026-Q3")
    assert exit_code == 2
    assert stderr.startswith(f"{facts}:2: occurred_on: not a date")
