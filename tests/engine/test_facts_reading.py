"""Reading fact files (kpilib.tabular + engine.facts): formats, encodings, lines, problems."""

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from kpilib.engine.errors import InputError, Problem
from kpilib.engine.facts import MAX_PROBLEMS, read_facts, typed_facts
from kpilib.tabular import LINE, read_table, read_table_bytes

HEADER = "employee_id,metric,occurred_on,value,customer_id,区域\n"


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as refused:
        read_facts(path)
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b"")],
)
def test_utf8_bom_and_chinese_excel_encodings_read_alike(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    # given the same facts saved as UTF-8, UTF-8 with BOM, GBK and GB18030
    content = HEADER + "张伟,complaint,2026-08-01,,客户甲,华东\n"
    path = write(tmp_path, "facts.csv", prefix + content.encode(encoding))
    # when read
    facts = read_facts(path)
    # then the Chinese text and the header survive
    assert facts.select("employee_id", "customer_id", "区域").row(0) == ("张伟", "客户甲", "华东")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_comma_semicolon_and_tab_separated_files(tmp_path: Path, separator: str) -> None:
    # given a file separated by `separator`
    content = (
        HEADER.replace(",", separator)
        + separator.join(["E1", "complaint", "2026/08/01", "2", "C1", "x"])
        + "\n"
    )
    # when read
    facts = read_facts(write(tmp_path, "facts.txt", content.encode()))
    # then the columns are found and typed
    assert facts.select("employee_id", "occurred_on", "value").row(0) == (
        "E1",
        date(2026, 8, 1),
        2.0,
    )


def test_lines_are_physical_lines_even_with_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    # given a blank line and a quoted note spanning two lines before a bad date
    content = (
        HEADER
        + '\nE1,complaint,2026-08-01,,C1,"line one\nline two"\nE1,complaint,2026-8-32,,C1,x\n'
    )
    # when read
    problems = problems_of(write(tmp_path, "facts.csv", content.encode()))
    # then the bad date is reported on line 5 of the file
    assert problems == [
        f"{tmp_path / 'facts.csv'}:5: occurred_on: not a date YYYY-MM-DD or YYYY/MM/DD: '2026-8-32'"
    ]


def test_every_bad_cell_is_reported_in_file_order(tmp_path: Path) -> None:
    # given rows with an empty employee, a bad date, a bad number and a missing metric
    content = HEADER + (
        ",complaint,2026-08-01,,C1,x\n"
        "E1,complaint,01/08/2026,,C1,x\n"
        "E1,satisfaction_score,2026-08-01,九十,C1,x\n"
        "E2,,2026-08-01,1e999,,\n"
        "E3,complaint,2026-08-01, 3 ,,\n"
    )
    path = write(tmp_path, "facts.csv", content.encode())
    # when read
    problems = problems_of(path)
    # then one line per problem, naming file, line, column and reason (the padded ` 3 ` is fine)
    assert problems == [
        f"{path}:2: employee_id: required value is empty",
        f"{path}:3: occurred_on: not a date YYYY-MM-DD or YYYY/MM/DD: '01/08/2026'",
        f"{path}:4: value: not a number: '九十'",
        f"{path}:5: metric: required value is empty",
        f"{path}:5: value: not a number: '1e999'",
    ]


def test_missing_required_columns_are_reported_on_the_header_line(tmp_path: Path) -> None:
    # given a file without metric and occurred_on
    path = write(tmp_path, "facts.csv", b"employee_id,value\nE1,3\n")
    # when read
    # then each missing column is named on line 1
    assert problems_of(path) == [
        f"{path}:1: metric: required column is missing",
        f"{path}:1: occurred_on: required column is missing",
    ]


def test_a_long_list_of_problems_is_capped(tmp_path: Path) -> None:
    # given 150 rows with bad dates
    content = HEADER + "E1,complaint,someday,,,\n" * 150
    # when read
    problems = problems_of(write(tmp_path, "facts.csv", content.encode()))
    # then the first 100 are listed and the rest counted
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == f"{tmp_path / 'facts.csv'}: … and 50 more problems"


def test_values_are_numbers_and_empty_means_one(tmp_path: Path) -> None:
    # given empty, blank, padded, negative and decimal values
    content = (
        HEADER
        + "E1,a,2026-08-01,,,\nE1,a,2026-08-01,  ,,\nE1,a,2026-08-01, -1 ,,\nE1,a,2026-08-01,87.5,,\n"
    )
    # when read
    facts = read_facts(write(tmp_path, "facts.csv", content.encode()))
    # then 1, 1, −1, 87.5
    assert facts.get_column("value").to_list() == [1.0, 1.0, -1.0, 87.5]


def test_padded_ids_and_metrics_are_trimmed(tmp_path: Path) -> None:
    # given an employee id and a metric with spaces around them
    content = HEADER + " E1 ,complaint ,2026-08-01,,,\nE1,complaint,2026-08-02,,,\n"
    # when read
    facts = read_facts(write(tmp_path, "facts.csv", content.encode()))
    # then both rows belong to E1 and the same metric
    assert facts.select("employee_id", "metric").unique().rows() == [("E1", "complaint")]


def test_a_row_with_too_many_fields_is_reported(tmp_path: Path) -> None:
    # given a row with one field too many
    content = HEADER + "E1,complaint,2026-08-01,,C1,x,surplus\n"
    path = write(tmp_path, "facts.csv", content.encode())
    # when read
    # then the line says so
    assert problems_of(path) == [f"{path}:2: has 7 fields but the header has 6"]


def test_a_duplicated_header_is_reported(tmp_path: Path) -> None:
    # given a header naming value twice
    path = write(
        tmp_path, "facts.csv", b"employee_id,metric,occurred_on,value,value\nE1,a,2026-08-01,1,2\n"
    )
    # when read
    # then the duplicate is named
    assert problems_of(path) == [f"{path}:1: value: the column appears twice in the header"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "the file is empty"),
        (
            "latin.csv",
            HEADER.encode() + b"E1,a,2026-08-01,,\x80\xff\xfe,x\n",
            # neither UTF-8 nor GB18030: never guessed silently (issue 12, item 14)
            "cannot tell the encoding for certain (it looks like cp1252): choose it",
        ),
        (
            "broken.json",
            b'[{"employee_id": "E1",\n',
            "not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "object.json",
            b'{"employee_id": "E1"}',
            "must be a JSON list of objects (one per record)",
        ),
        ("broken.xlsx", b"PK not really", "not a readable XLSX workbook (BadZipFile)"),
    ],
)
def test_unreadable_files_are_reported_plainly(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    # given a file that cannot be read as a table
    path = write(tmp_path, name, content)
    # when read
    problems = problems_of(path)
    # then one problem gives the reason
    assert len(problems) == 1
    assert problems[0].endswith(reason)


def test_xlsx_rows_are_sheet_rows_and_dates_are_dates(tmp_path: Path) -> None:
    # given a workbook with a real date cell, a number cell, an empty row and a bad date
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["employee_id", "metric", "occurred_on", "value"])
    sheet.append(["E1", "satisfaction_score", date(2026, 8, 1), 92.0])
    sheet.append([None, None, None, None])
    sheet.append(["E1", "complaint", "someday", None])
    workbook.save(tmp_path / "facts.xlsx")
    # when read
    table = read_table(tmp_path / "facts.xlsx")
    problems = problems_of(tmp_path / "facts.xlsx")
    # then cells read as text, the empty row is skipped, and lines are sheet rows
    assert table.rows() == [
        ("E1", "satisfaction_score", "2026-08-01", "92", 2),
        ("E1", "complaint", "someday", None, 4),
    ]
    assert problems == [
        f"{tmp_path / 'facts.xlsx'}:4: occurred_on: not a date YYYY-MM-DD or YYYY/MM/DD: 'someday'"
    ]


def test_json_records_are_numbered_from_one(tmp_path: Path) -> None:
    # given a JSON list of facts, the second with a bad value and a nested attribute in the third
    records = [
        {"employee_id": "E1", "metric": "a", "occurred_on": "2026-08-01", "value": 3},
        {"employee_id": "E1", "metric": "a", "occurred_on": "2026-08-01", "value": "many"},
    ]
    path = write(tmp_path, "facts.json", json.dumps(records).encode())
    nested = write(
        tmp_path,
        "nested.json",
        json.dumps([*records[:1], {"employee_id": "E1", "tags": ["x"]}]).encode(),
    )
    # when read
    # then problems are numbered by record
    assert problems_of(path) == [f"{path}:2: value: not a number: 'many'"]
    assert problems_of(nested) == [f"{nested}:2: tags: must be text or a number"]


def test_only_the_wanted_columns_are_read() -> None:
    # given a table with extra columns
    content = b"employee_id,metric,occurred_on,value,source,external_id\nE1,a,2026-08-01,,crm,x1\n"
    # when only some columns are asked for
    table = read_table_bytes(content, name="facts.csv", columns={"metric", "source", "absent"})
    # then exactly those present come back, with the line
    assert table.columns == ["metric", "source", LINE]
    assert table.schema[LINE] == pl.Int64


def test_problem_text_leaves_out_unknown_parts() -> None:
    # given problems with and without a line and a column
    # when shown
    # then only the known parts appear
    assert str(Problem("f.csv", 3, "value", "bad")) == "f.csv:3: value: bad"
    assert str(Problem("--period", None, None, "bad")) == "--period: bad"


def test_the_one_pass_reading_agrees_with_the_careful_one(tmp_path: Path) -> None:
    # given a plain, clean UTF-8 file with an attribute column
    content = HEADER + "".join(
        f"E{n % 3},complaint,2026-08-{n % 28 + 1:02d},{n},C{n},华东\n" for n in range(50)
    )
    path = write(tmp_path, "facts.csv", content.encode())
    # when read by read_facts (one streaming pass) and by the careful reader
    fast = read_facts(path)
    careful = typed_facts(read_table(path), file=str(path))
    # then both give the same typed table
    assert fast.equals(careful)
    assert fast.columns == [
        "employee_id",
        "metric",
        "occurred_on",
        "value",
        "customer_id",
        "区域",
        LINE,
    ]


def test_a_blank_line_in_a_plain_file_is_not_a_record(tmp_path: Path) -> None:
    # given a plain file with a blank line between two facts
    path = write(
        tmp_path, "facts.csv", (HEADER + "E1,a,2026-08-01,,,\n\nE1,a,2026-08-02,,,\n").encode()
    )
    # when read
    facts = read_facts(path)
    # then two facts, on lines 2 and 4
    assert facts.get_column(LINE).to_list() == [2, 4]


@pytest.mark.parametrize("content", [b"\n", b"\r", b"\r\n\r\n"])
def test_a_file_of_blank_lines_is_reported_empty(tmp_path: Path, content: bytes) -> None:
    # given a facts file with nothing but line breaks (found by tests/fuzz)
    path = tmp_path / "facts.csv"
    path.write_bytes(content)
    # when it is read
    with pytest.raises(InputError) as raised:
        read_facts(path)
    # then the problem names the file
    assert raised.value.problems[0].file == str(path)



@pytest.mark.parametrize("name", ["upload.csv", "upload.json"])
def test_header_names_that_look_like_patterns_are_just_names(name: str) -> None:
    # given columns named "*" and "^a.*$" (Polars reads both as patterns; found by tests/fuzz)
    data = (
        b"*,^a.*$,b\n1,2,3\n\n"
        if name.endswith(".csv")
        else b'[{"*": "1", "^a.*$": "2", "b": "3"}]'
    )
    # when the upload is read
    table = read_table_bytes(data, name=name)
    # then each is one column with its own value
    assert table.select(pl.nth(0, 1, 2)).row(0) == ("1", "2", "3")
    assert table.columns[:3] == ["*", "^a.*$", "b"]


def test_the_line_column_name_is_reserved() -> None:
    # given a header that uses the readers' own line column
    # when it is read
    with pytest.raises(InputError) as raised:
        read_table_bytes(f"{LINE},b\n1,2\n".encode(), name="upload.csv")
    # then the refusal names the column
    assert raised.value.problems[0].column == LINE
