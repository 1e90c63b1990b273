"""Fuzzing the file readers: whatever bytes arrive as a CSV, JSON or XLSX upload, or as a
facts file, the reader returns a table or raises InputError with problems that name the
file. No other exception may escape to a page, a task or the command line."""

import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kpilib.engine.errors import InputError
from kpilib.engine.facts import read_facts
from kpilib.tabular import read_table_bytes
from tests.fuzz.budget import FUZZ

HEADER_WORDS = ["employee_id", "metric", "occurred_on", "value", "customer_id", "备注", ""]
CELLS = st.one_of(
    st.sampled_from(
        ["E01", "张三", "complaint", "2026-07-03", "2026/07/03", "2026-02-30", "0000-00-00",
         "9999-99-99", "1", "-1", "1e309", "nan", "", " ", '"', '""', "=1+1", "\ufeff", "\x00"]
    ),
    st.text(max_size=12),
)


def _csv(header: list[str], rows: list[list[str]], separator: str) -> str:
    return "\n".join(separator.join(row) for row in [header, *rows])


csv_texts = st.builds(
    _csv,
    st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=6),
    st.lists(st.lists(CELLS, max_size=7), max_size=8),
    st.sampled_from([",", ";", "\t"]),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"])
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), CELLS),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(CELLS, inner, max_size=4)),
    max_leaves=20,
)


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _refused_cleanly(error: InputError, name: str) -> None:
    assert error.problems
    assert all(problem.file == name for problem in error.problems)


@FUZZ
@given(text=csv_texts, encoding=encodings)
def test_any_csv_upload_is_a_table_or_named_problems(text: str, encoding: str) -> None:
    # given CSV-shaped text in an encoding people send
    data = _encoded(text, encoding)
    # when it is read as an upload
    try:
        read_table_bytes(data, name="upload.csv")
    except InputError as error:
        # then a refusal names the file
        _refused_cleanly(error, "upload.csv")


@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_as_csv_json_or_xlsx_are_a_table_or_named_problems(data: bytes) -> None:
    # given arbitrary bytes
    for name in ("any.csv", "any.json", "any.xlsx"):
        # when they are read as each format
        try:
            read_table_bytes(data, name=name)
        except InputError as error:
            # then a refusal names the file
            _refused_cleanly(error, name)


@FUZZ
@given(value=json_values)
def test_any_json_document_is_a_table_or_named_problems(value: object) -> None:
    # given any JSON document
    data = json.dumps(value, ensure_ascii=False).encode()
    # when it is read as an upload
    try:
        read_table_bytes(data, name="upload.json")
    except InputError as error:
        # then a refusal names the file
        _refused_cleanly(error, "upload.json")


@FUZZ
@given(rows=st.lists(st.lists(CELLS, max_size=5), max_size=6))
def test_any_workbook_is_a_table_or_named_problems(rows: list[list[str]]) -> None:
    # given a workbook with any cells (a header row of the required names first)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["employee_id", "metric", "occurred_on", "value"])
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    # when it is read as an upload
    try:
        read_table_bytes(output.getvalue(), name="upload.xlsx")
    except InputError as error:
        # then a refusal names the file
        _refused_cleanly(error, "upload.xlsx")


@FUZZ
@given(text=csv_texts, encoding=encodings)
def test_any_facts_file_is_typed_facts_or_named_problems(
    tmp_path_factory: object, text: str, encoding: str
) -> None:
    # given a facts file with any content
    folder = tmp_path_factory.mktemp("facts")  # type: ignore[attr-defined]
    path = Path(folder) / "facts.csv"
    path.write_bytes(_encoded(text, encoding))
    # when the scorer reads it
    try:
        facts = read_facts(path)
    except InputError as error:
        # then a refusal names the file
        _refused_cleanly(error, str(path))
    else:
        # or the facts carry the required columns, typed
        assert {"employee_id", "metric", "occurred_on"} <= set(facts.columns)
