"""`kpilib score` end to end: golden scorecards, every input format and encoding, bad input."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.engine.packs import builtin_pack, dump_pack

FIXTURES = Path(__file__).parents[1] / "fixtures" / "facts"
FACTS = FIXTURES / "presales_2026q3.csv"
GOLDEN = FIXTURES / "presales_2026q3.expected.json"
GOLDEN_ZH = FIXTURES / "presales_2026q3.zh-Hans.expected.json"
runner = CliRunner()


def score(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["score", *(str(argument) for argument in arguments)])
    return result.exit_code, result.stdout, result.stderr


def fixture_rows() -> list[dict[str, str]]:
    with FACTS.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_golden_scorecards_for_the_presales_quarter() -> None:
    # given the fixture facts of six engineers, one per branch of §4
    # when the quarter is scored as JSON
    exit_code, stdout, stderr = score("--facts", FACTS, "--period", "2026-Q3", "--format", "json")
    # then the output is exactly the golden file (checked by hand against §4)
    assert (exit_code, stderr) == (0, "")
    assert stdout == GOLDEN.read_text(encoding="utf-8")


def test_golden_scorecards_explained_in_chinese() -> None:
    # given the same facts
    # when scored with Chinese explanations
    exit_code, stdout, _ = score(
        "--facts", FACTS, "--period", "2026-Q3", "--format", "json", "--language", "zh-Hans"
    )
    # then the Chinese golden file
    assert exit_code == 0
    assert stdout == GOLDEN_ZH.read_text(encoding="utf-8")


def test_golden_numbers_are_the_hand_computed_ones() -> None:
    # given the golden output
    scorecards = json.loads(GOLDEN.read_text(encoding="utf-8"))
    # when totals, grades and ranks are read
    # then they are the numbers worked out by hand from §4
    summary = [
        (card["employee_id"], card["total"] and round(card["total"], 6), card["grade"], card["rank"])
        for card in scorecards
    ]
    assert summary == [
        ("E01", 73.0, "B", 2),  # 30 + 8.5 + 7.5 + 10 + 8 + 9
        ("E02", round(100 * 62 / 85, 6), "B", 3),  # 35 + 15 + 0 + 4 + 8, no survey
        ("E03", 100.0, "S", 1),
        ("E04", 13.0, "D", 5),  # 10 + 0 + 3 + 0 + 0 + 0
        # facts only outside the quarter: no data, not scored (it was 65 / 85, a B)
        ("E05", None, None, None),
        ("E06", 68.0, "C", 4),  # 20 + 15 + 15 + 5 + 6 + 7
    ]
    e05 = next(card for card in scorecards if card["employee_id"] == "E05")
    assert {line["status"] for line in e05["indicators"]} == {"missing"}


def test_the_same_facts_as_xlsx_and_json_score_the_same(tmp_path: Path) -> None:
    # given the fixture facts saved as a workbook and as JSON
    rows = fixture_rows()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append([cell or None for cell in row.values()])
    workbook.save(tmp_path / "facts.xlsx")
    (tmp_path / "facts.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    # when each is scored
    outputs = [
        score("--facts", tmp_path / name, "--period", "2026-Q3", "--format", "json")
        for name in ("facts.xlsx", "facts.json")
    ]
    # then each gives the golden scorecards
    for exit_code, stdout, _ in outputs:
        assert exit_code == 0
        assert stdout == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encoding", "bom"), [("gbk", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")]
)
def test_chinese_excel_exports_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    # given facts with Chinese employee ids saved by Chinese Excel (GBK) or with a BOM
    content = "employee_id,metric,occurred_on,value,customer_id\n王芳,complaint,2026-08-01,,华为\n李娜,satisfaction_score,2026/08/02,90,腾讯\n"
    path = tmp_path / "facts.csv"
    path.write_bytes(bom + content.encode(encoding))
    # when scored
    exit_code, stdout, stderr = score("--facts", path, "--period", "2026-Q3", "--format", "json")
    # then both engineers are scored with their names intact
    assert (exit_code, stderr) == (0, "")
    scorecards = json.loads(stdout)
    assert [card["employee_id"] for card in scorecards] == sorted(["王芳", "李娜"])
    assert {card["employee_id"]: card["indicators"][3]["points"] for card in scorecards}[
        "王芳"
    ] == 10


def test_bad_facts_exit_2_with_one_line_per_problem(tmp_path: Path) -> None:
    # given facts with a bad date, a bad value and an empty metric
    path = tmp_path / "facts.csv"
    path.write_text(
        "employee_id,metric,occurred_on,value\n"
        "E1,complaint,2026-08-01,\n"
        "E1,complaint,2026-08-41,\n"
        "E1,satisfaction_score,2026-08-01,ninety\n"
        "E1,,2026-08-01,\n",
        encoding="utf-8",
    )
    # when scored
    exit_code, stdout, stderr = score("--facts", path, "--period", "2026-Q3", "--format", "json")
    # then exit 2, nothing on stdout, and exactly one line per problem on stderr
    assert (exit_code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"{path}:3: occurred_on: not a date YYYY-MM-DD or YYYY/MM/DD: '2026-08-41'",
        f"{path}:4: value: not a number: 'ninety'",
        f"{path}:5: metric: required value is empty",
    ]


def test_bad_options_are_all_reported_at_once(tmp_path: Path) -> None:
    # given a missing file, an unreadable period, an unknown format, language and plan
    missing = tmp_path / "nope.csv"
    # when scored
    exit_code, stdout, stderr = score(
        "--facts",
        missing,
        "--period",
        "2026-Q5",
        "--format",
        "pdf",
        "--language",
        "fr",
        "--plan",
        "ceo",
    )
    # then every problem on its own line
    assert (exit_code, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"{missing}: cannot read file: no such file",
        "--format: 'pdf' is not one of table, json, csv, xlsx",
        "--language: 'fr' is not one of zh-Hans, en",
        "--period: cannot read period '2026-Q5': expected 2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30",
        "--plan: no plan 'ceo' in pack 'presales' (plans: customer-success, delivery-engineer, presales-engineer, presales-manager, solution-architect)",
    ]


def test_required_options_are_named() -> None:
    # given no options at all
    # when scored
    exit_code, _, stderr = score()
    # then both required options are asked for
    assert exit_code == 2
    assert stderr.splitlines() == [
        "--facts: required: the facts file to score",
        "--period: required: 2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30",
    ]


def test_a_broken_library_is_reported_with_its_line(tmp_path: Path) -> None:
    # given a library whose complaints rule has a negative base
    library = tmp_path / "library.yaml"
    library.write_text(
        dump_pack(builtin_pack("presales")).replace("base: 15.0", "base: -15.0"), encoding="utf-8"
    )
    line = next(
        number
        for number, text in enumerate(library.read_text(encoding="utf-8").splitlines(), 1)
        if "base: -15.0" in text
    )
    # when scored with it
    exit_code, _, stderr = score("--facts", FACTS, "--period", "2026-Q3", "--library", library)
    # then exit 2 naming the file, line and path
    assert exit_code == 2
    assert stderr.splitlines() == [f"{library}:{line}: indicators[3].rule.base: must be ≥ 0"]


def test_another_library_and_plan_can_be_scored(tmp_path: Path) -> None:
    # given a library whose plan weighs only complaints and daily reports
    document = yaml.safe_load(dump_pack(builtin_pack("presales")))
    document["plans"].append(
        {
            "code": "quality-desk",
            "name": {"zh-Hans": "质量岗", "en": "Quality desk"},
            "position": "quality_engineer",
            "weights": {"complaints": 60, "daily_report": 40},
        }
    )
    library = tmp_path / "library.yaml"
    library.write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    # when E01 (1 complaint: 10 of 15; reports 9 of 10) is scored on that plan
    exit_code, stdout, _ = score(
        "--facts",
        FACTS,
        "--period",
        "2026-Q3",
        "--library",
        library,
        "--plan",
        "quality-desk",
        "--format",
        "json",
    )
    # then points are scaled to the plan's weights: 10 × 60/15 + 9 × 40/10
    assert exit_code == 0
    first = json.loads(stdout)[0]
    assert [indicator["points"] for indicator in first["indicators"]] == [
        pytest.approx(40),
        pytest.approx(36),
    ]
    assert first["total"] == pytest.approx(76)


def test_csv_output_is_one_rounded_row_per_employee_and_indicator() -> None:
    # given the fixture facts
    # when scored as CSV
    exit_code, stdout, _ = score("--facts", FACTS, "--period", "2026-Q3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(stdout)))
    # then 6 × 6 rows with totals rounded to 2 decimals for export
    assert exit_code == 0
    assert len(rows) == 36
    assert list(rows[0]) == [
        "employee_id",
        "total",
        "grade",
        "rank",
        "code",
        "value",
        "points",
        "max_points",
        "status",
        "explanation",
    ]
    e02 = [row for row in rows if row["employee_id"] == "E02"]
    assert {row["total"] for row in e02} == {"72.94"}
    assert e02[1]["status"] == "missing"
    assert e02[1]["points"] == ""


def test_xlsx_output_goes_to_the_output_file(tmp_path: Path) -> None:
    # given an output path
    output = tmp_path / "scorecards.xlsx"
    # when scored as XLSX
    exit_code, stdout, _ = score(
        "--facts", FACTS, "--period", "2026-Q3", "--format", "xlsx", "--output", output
    )
    # then nothing on stdout and a workbook with one row per employee and indicator
    assert (exit_code, stdout) == (0, "")
    sheet = load_workbook(output).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 37
    assert rows[1][:5] == ("E01", 73, "B", 2, "tech_resolution")


def test_table_output_shows_points_per_indicator() -> None:
    # given the fixture facts
    # when scored as a table (the default)
    exit_code, stdout, _ = score("--facts", FACTS, "--period", "2026-Q3")
    lines = stdout.splitlines()
    # then a title, a header, a rule and one aligned row per engineer, — for not scored
    assert exit_code == 0
    assert lines[0] == "presales-engineer · 2026-Q3 · 6 employees (points; — not scored)"
    assert lines[1].split() == [
        "employee_id", "total", "grade", "rank", "tech_resolution", "customer_satisfaction",
        "revisit_completion", "complaints", "learning_growth", "daily_report",
    ]  # fmt: skip
    assert lines[4].split() == [
        "E02",
        "72.94",
        "B",
        "3",
        "35.00",
        "—",
        "15.00",
        "0.00",
        "4.00",
        "8.00",
    ]
    # and the engineer without facts in the quarter shows no data, no points
    assert lines[7].split() == ["E05", "—", "no", "data", "—", "—", "—", "—", "—", "—", "—"]
    assert len(lines) == 9


def test_the_installed_command_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    # given a facts file whose header lacks occurred_on
    path = tmp_path / "facts.csv"
    path.write_text("employee_id,metric\nE1,complaint\n", encoding="utf-8")
    # when the console command runs as a user would
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpilib.cli.main",
            "score",
            "--facts",
            str(path),
            "--period",
            "2026-Q3",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # then exit 2 and one plain line
    assert completed.returncode == 2
    assert completed.stderr == f"{path}:1: occurred_on: required column is missing\n"


@pytest.mark.parametrize(
    ("output_format", "expected"), [("json", "[]\n"), ("csv", "employee_id,total")]
)
def test_a_file_with_only_a_header_scores_nobody(
    tmp_path: Path, output_format: str, expected: str
) -> None:
    # given a facts file with a header and no rows
    path = tmp_path / "facts.csv"
    path.write_text("employee_id,metric,occurred_on\n", encoding="utf-8")
    # when scored
    exit_code, stdout, _ = score("--facts", path, "--period", "2026-Q3", "--format", output_format)
    # then an empty result, not an error
    assert exit_code == 0
    assert stdout.startswith(expected)


def test_an_empty_table_still_has_its_header(tmp_path: Path) -> None:
    # given a facts file with a header and no rows
    path = tmp_path / "facts.csv"
    path.write_text("employee_id,metric,occurred_on\n", encoding="utf-8")
    # when scored as a table
    exit_code, stdout, _ = score("--facts", path, "--period", "2026-Q3")
    # then the title says 0 employees and the header is there
    assert exit_code == 0
    assert (
        stdout.splitlines()[0] == "presales-engineer · 2026-Q3 · 0 employees (points; — not scored)"
    )
    assert stdout.splitlines()[1].startswith("employee_id")


def test_xlsx_output_keeps_formula_looking_text_as_text(tmp_path: Path) -> None:
    # given facts whose employee number a spreadsheet would run as a formula
    hostile = tmp_path / "facts.csv"
    text = FACTS.read_text(encoding="utf-8").replace("E01,", '=HYPERLINK("http://x"),')
    hostile.write_text(text, encoding="utf-8")
    output = tmp_path / "scorecards.xlsx"
    # when scored as XLSX
    exit_code, _, _ = score(
        "--facts", hostile, "--period", "2026-Q3", "--format", "xlsx", "--output", output
    )
    # then the cell is text behind an apostrophe, and the header is frozen and filterable
    assert exit_code == 0
    sheet = load_workbook(output)["scorecards"]
    ids = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "'=HYPERLINK(\"http://x\")" in ids
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
