"""`kpilib feedback summarize` end to end (product.md §11): JSON, table, encodings, bad input."""

import json
from pathlib import Path

from typer.testing import CliRunner

from kpilib.cli.main import app
from kpilib.tabular import Sheet, xlsx_bytes
from tests.engine.test_feedback_summary import EXPECTED, GOLDEN, _approx_equal

runner = CliRunner()
HEADER = "subject_id,rater_id,relationship,question,score,comment"


def summarize(*arguments: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["feedback", "summarize", *(str(argument) for argument in arguments)]
    )
    return result.exit_code, result.stdout, result.stderr


def test_json_is_the_section_11_list() -> None:
    # when the golden file is summarised as JSON
    status, out, err = summarize("--responses", GOLDEN, "--format", "json")
    # then it is the §11 list, sorted by subject, with the figures worked out by hand
    assert (status, err) == (0, "")
    assert _approx_equal(json.loads(out), EXPECTED)


def test_min_group_changes_what_is_shown() -> None:
    # when two raters are enough for a group
    status, out, _ = summarize("--responses", GOLDEN, "--format", "json", "--min-group", "2")
    found = {subject["subject_id"]: subject for subject in json.loads(out)}
    # then E01's two sales raters are shown on their own, leaving the delivery rater alone
    # in a withheld pool of one, and E02's two peers are shown
    assert status == 0
    assert [g["relationship"] for g in found["E01"]["groups"]] == ["manager", "peer", "sales"]
    assert found["E01"]["withheld_raters"] == 1
    assert "方案落地好" not in out
    assert found["E02"]["overall"] == (4 + 5 + 1) / 3
    assert found["E02"]["withheld_raters"] == 0


def test_the_table_shows_withheld_raters_and_no_rater_ids() -> None:
    status, out, _ = summarize("--responses", GOLDEN)
    assert status == 0
    assert out.splitlines()[0].split() == ["subject_id", "overall", "self", "gap", "groups"]
    assert "E02" in out
    assert "withheld: 2 rater(s)" in out
    assert "manager 3.50 (1), peer 4.00 (3), other 3.00 (3)" in out
    assert "secret" not in out
    assert not {"P1", "P2", "S1", "M01", "D1"} & set(out.replace(",", " ").split())


def test_a_gbk_csv_from_chinese_excel_is_read(tmp_path: Path) -> None:
    # given a GBK-encoded export with Chinese comments
    responses = tmp_path / "360.csv"
    lines = [HEADER, "张三,张三,self,沟通,4,自评意见", "张三,李四,manager,沟通,3,需要更主动"]
    responses.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    # when it is summarised
    status, out, err = summarize("--responses", responses, "--format", "json")
    # then the Chinese reads as Chinese
    assert (status, err) == (0, "")
    (subject,) = json.loads(out)
    assert (subject["subject_id"], subject["overall"], subject["gap"]) == ("张三", 3.0, 1.0)
    assert [c["text"] for c in subject["comments"]] == ["自评意见", "需要更主动"]


def test_an_xlsx_workbook_is_read(tmp_path: Path) -> None:
    responses = tmp_path / "360.xlsx"
    rows = [["E1", "M1", "manager", "q", 4, ""], ["E1", "E1", "self", "q", 2, ""]]
    responses.write_bytes(xlsx_bytes([Sheet("responses", HEADER.split(","), rows)]))
    status, out, _ = summarize("--responses", responses, "--format", "json")
    assert status == 0
    assert json.loads(out)[0]["gap"] == -2.0


def test_bad_rows_exit_2_with_file_line_and_column(tmp_path: Path) -> None:
    # given a file with an unknown relationship on line 2 and a score of 6 on line 4
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{HEADER}\nE1,R1,boss,q,3,\nE1,R2,peer,q,4,\nE1,R3,peer,q,6,\nE1,,peer,q,,\n",
        encoding="utf-8",
    )
    # when it is summarised
    status, out, err = summarize("--responses", bad, "--format", "json")
    # then nothing is printed on stdout and each problem is one line on stderr
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"{bad}:2: relationship: unknown relationship 'boss' (one of self, manager, peer, "
        "direct_report, sales, delivery, product, customer_success, customer, other)",
        f"{bad}:4: score: 6 is outside 1–5 (empty = not able to rate)",
        f"{bad}:5: rater_id: required",
    ]


def test_a_missing_column_file_and_bad_options_are_refused(tmp_path: Path) -> None:
    no_score = tmp_path / "r.csv"
    no_score.write_text(
        "subject_id,rater_id,relationship,question\nE1,R,peer,q\n", encoding="utf-8"
    )
    status, _, err = summarize("--responses", no_score)
    assert (status, err) == (2, f"{no_score}:1: score: required column is missing\n")
    status, _, err = summarize("--responses", tmp_path / "none.csv", "--min-group", "0")
    assert status == 2
    assert err.splitlines() == [
        f"{tmp_path / 'none.csv'}: cannot read file: no such file",
        "--min-group: must be at least 1, not 0",
    ]
    assert summarize("--format", "json")[2] == "--responses: required: the responses file\n"


def test_split_comments_keeps_every_sentence_of_shown_groups(tmp_path: Path) -> None:
    status, out, _ = summarize(
        "--responses", GOLDEN, "--format", "json", "--split-comments", "--seed", "3"
    )
    texts = sorted(c["text"] for c in json.loads(out)[0]["comments"])
    assert status == 0
    assert texts == sorted(c["text"] for c in EXPECTED[0]["comments"])  # type: ignore[union-attr]
