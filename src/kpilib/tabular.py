"""Reading the tables users give us (CSV, XLSX, JSON) into all-text Polars frames.

Shared by every reader of user files: the employee import, the fact import and the
offline `kpilib score`. Framework-free: no Django, so the engine and the CLI can use it.

`read_table` returns one string column per named header column (names stripped of
spaces) plus `__line__`, the 1-based physical line of each record in the file: the
header is line 1 of a CSV, an XLSX record's line is its sheet row, a JSON record's line
is its position in the array (first object = 1). Blank lines and empty sheet rows are
not records. Cells keep their text; empty cells are null. Interpreting the text
(dates, numbers, required columns) is the caller's job.

Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel's "Unicode text", tab-separated),
and GB18030, a superset of GBK (what Chinese Excel writes), when the text reads as Chinese.
Anything else (Latin-1 also decodes as GB18030, into mojibake) is not certain:
`EncodingUncertain` names the likeliest encoding, and the caller asks the person to choose
(`encoding=`, one of `ENCODINGS`; `decoded_sample` shows what each choice reads as).
Only non-UTF-8 files are decoded in Python; UTF-8 bytes go to Polars' multi-threaded
reader untouched. CSV separators `,`, `;` and tab are recognised from the header line.

Limits on hostile files, each refusal naming its limit: `MAX_LINE_BYTES` per line (CSV),
`MAX_COLUMNS` columns, `MAX_JSON_DEPTH` levels of JSON, `MAX_XLSX_UNPACKED_BYTES` (and
`MAX_XLSX_SHARED_STRINGS_BYTES`) unpacked from a workbook; a date cell that is not a real
day is a problem on its line. The upload size limit is the web's (settings).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import math
import mmap
import os
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import polars as pl

from kpilib.engine.errors import InputError, Problem

LINE = "__line__"
UTF8_BOM = b"\xef\xbb\xbf"
HEAD_SIZE = 65536
SURVEY_CHUNK = 1 << 24
SEPARATORS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSON_SUFFIXES = (".json",)
# Limits on hostile files; each refusal names its limit. A record is one object in a JSON
# list (depth 2), so 20 levels leave room for anything legitimate.
MAX_JSON_DEPTH = 20
MAX_LINE_BYTES = 1 << 20
MAX_COLUMNS = 1_000
# An XLSX is a zip: a small upload can unpack to gigabytes (a "zip bomb"). openpyxl keeps
# the shared strings in memory and streams the sheets, so both are capped by what the
# archive declares before anything is unpacked (zipfile also stops at the declared size).
MAX_XLSX_UNPACKED_BYTES = 1 << 29
MAX_XLSX_SHARED_STRINGS_BYTES = 1 << 27


def read_table(
    path: str | os.PathLike[str],
    *,
    columns: Collection[str] | None = None,
    encoding: str | None = None,
) -> pl.DataFrame:
    """Read a CSV, XLSX or JSON file (chosen by suffix; anything else is CSV).

    `columns` limits the result to those header names (others are not parsed, which
    keeps big files fast); names not in the file are simply absent from the result.
    `encoding` as in `read_table_bytes`. Raises `InputError` when the file cannot be read.
    """
    name = str(path)
    suffix = Path(name).suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES or suffix in JSON_SUFFIXES:
            return read_table_bytes(
                Path(path).read_bytes(), name=name, columns=columns, encoding=encoding
            )
        return _read_csv(_csv_text_of_file(Path(path), name, encoding), name, columns)
    except OSError as error:
        reason = f"cannot read file: {error.strerror or error}"
        raise InputError([Problem(name, None, None, reason)]) from None


def read_table_bytes(
    data: bytes,
    *,
    name: str,
    columns: Collection[str] | None = None,
    encoding: str | None = None,
    max_rows: int | None = None,
) -> pl.DataFrame:
    """Like `read_table` for content already in memory (an upload); `name` gives its format.

    `encoding` (one of `ENCODINGS`) is what the person chose; None detects it and raises
    `EncodingUncertain` when the text could be read more than one way. `max_rows` reads
    only the first records (a preview); the rest of a CSV is not parsed at all.
    """
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(data, name, columns, max_rows)
    if suffix in JSON_SUFFIXES:
        return _read_json(data, name, columns, encoding, max_rows)
    utf8 = utf8_bytes(data, name, encoding)
    if max_rows is not None:
        utf8 = _first_lines(utf8, max_rows + 1)
    _check_line_lengths(utf8, name)
    return _read_csv(_CsvText(utf8, b'"' in utf8, utf8[:HEAD_SIZE]), name, columns)


# --- text ---------------------------------------------------------------------------


# The encodings a person may choose when the text could be read more than one way.
ENCODINGS = ("gb18030", "utf-8", "utf-16", "cp1252", "latin-1")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SAMPLE_LINES = 8


@dataclass(frozen=True, slots=True)
class Detected:
    """The encoding a file's bytes were read in, and whether that reading is certain."""

    encoding: str
    certain: bool


class EncodingUncertain(InputError):
    """The text could be read in more than one encoding: `guess` is the likeliest one."""

    def __init__(self, name: str, guess: str) -> None:
        reason = f"cannot tell the encoding for certain (it looks like {guess}): choose it"
        super().__init__([Problem(name, None, None, reason)])
        self.guess = guess


def detect_encoding(data: bytes) -> Detected:
    """UTF-8 (with or without BOM) and UTF-16 with BOM are certain; so is GB18030 when the
    text reads as Chinese. Anything else is a guess (charset-normalizer's, or GB18030
    when it decodes): single-byte text such as Latin-1 also decodes as GB18030, turning
    `Müller` into `M黮ler`, so that reading is never taken for granted."""
    if data.startswith(UTF16_BOMS):
        return Detected("utf-16", True)
    if data.isascii():
        return Detected("utf-8", True)
    sample = whole_lines(data[: HEAD_SIZE * 4]) if len(data) > HEAD_SIZE * 4 else data
    if _decodes(data, "utf-8"):
        return Detected("utf-8", True)
    if _decodes(sample, "gb18030"):
        return Detected("gb18030", _reads_as_chinese(sample.decode("gb18030")))
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guess = best.encoding if best is not None else "cp1252"
    if guess not in ENCODINGS:
        guess = "cp1252" if _decodes(sample, "cp1252") else "latin-1"
    return Detected(guess, False)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def whole_lines(data: bytes) -> bytes:
    """`data` up to its last newline, so a sample does not end inside a character or line
    (UTF-16 newlines are two bytes)."""
    if data.startswith(codecs.BOM_UTF16_LE):
        end = data.rfind(b"\n\x00")
        while end != -1 and end % 2:
            end = data.rfind(b"\n\x00", 0, end + 1)
        return data if end == -1 else data[: end + 2]
    if data.startswith(codecs.BOM_UTF16_BE):
        end = data.rfind(b"\x00\n")
        while end != -1 and end % 2:
            end = data.rfind(b"\x00\n", 0, end + 1)
        return data if end == -1 else data[: end + 2]
    end = data.rfind(b"\n")
    return data if end == -1 else data[: end + 1]


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def _reads_as_chinese(text: str) -> bool:
    """Whether GB18030-decoded text looks like Chinese rather than Latin-1 read wrongly.

    Mojibake of a Latin-1 accent is one ideograph inside a Latin word (`M黮ler`,
    `Fran鏾is`); Chinese words are runs of ideographs beside punctuation or spaces."""
    runs = list(CJK.finditer(text))
    ideographs = sum(len(run.group()) for run in runs)
    others = sum(1 for character in CJK.sub("", text) if not character.isascii())
    if not runs or others > ideographs:
        return False  # mostly non-ASCII that is not Chinese: not what Chinese Excel writes
    inside_words = sum(
        1
        for run in runs
        if len(run.group()) == 1
        and run.start() > 0
        and run.end() < len(text)
        and text[run.start() - 1].isascii()
        and text[run.start() - 1].isalpha()
        and text[run.end()].isascii()
        and text[run.end()].isalpha()
    )
    return inside_words * 5 < len(runs)


def decoded_sample(data: bytes, encoding: str, *, lines: int = SAMPLE_LINES) -> list[str]:
    """The first lines of the file read in `encoding` (undecodable bytes shown as �)."""
    head = data[: HEAD_SIZE]
    if encoding == "utf-16" and not head.startswith(UTF16_BOMS):
        encoding = "utf-16-le"
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    return text.splitlines()[:lines]


def utf8_bytes(data: bytes, name: str, encoding: str | None = None) -> bytes:
    """The content as UTF-8 without BOM, read in `encoding`, or else in the detected one
    (raising `EncodingUncertain` when detection is not certain)."""
    if encoding is None:
        detected = detect_encoding(data)
        if not detected.certain:
            raise EncodingUncertain(name, detected.encoding)
        if detected.encoding == "utf-8":
            return data.removeprefix(UTF8_BOM)  # detection has decoded it already
        encoding = detected.encoding
    if not encoding.startswith("utf-16"):
        data = data.removeprefix(UTF8_BOM)
    if encoding == "utf-8" and data.isascii():
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        reason = f"not {encoding} text"
        raise InputError([Problem(name, line, None, reason)]) from None
    except LookupError:
        raise InputError([Problem(name, None, None, f"unknown encoding {encoding}")]) from None
    if encoding == "utf-8":
        return data
    return text.lstrip("\ufeff").encode("utf-8")


def _first_lines(utf8: bytes, count: int) -> bytes:
    """The first `count` lines of UTF-8 text (all of it when it has fewer)."""
    end = -1
    for _ in range(count):
        end = utf8.find(b"\n", end + 1)
        if end == -1:
            return utf8
    return utf8[: end + 1]


def _text_cell(value: object) -> str | None:
    """The text of a spreadsheet or JSON cell: numbers without a needless `.0`, dates ISO."""
    match value:
        case None:
            return None
        case bool():
            return "true" if value else "false"
        case datetime() if value.time() == time(0, 0):
            return value.date().isoformat()
        case datetime() | date():
            return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        case float() if math.isfinite(value) and value.is_integer():
            return str(int(value))
        case str():
            return value if value.strip() else None
        case _:
            return str(value)


# --- CSV ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CsvText:
    """A CSV's UTF-8 content for Polars: the file itself when it is UTF-8, else bytes."""

    source: Path | bytes
    has_quotes: bool
    head: bytes

    def content(self) -> bytes:
        """The whole content as UTF-8 bytes without BOM (read only on the rare slow paths)."""
        if isinstance(self.source, bytes):
            return self.source
        data = self.source.read_bytes()
        return data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data


def _csv_text_of_file(path: Path, name: str, encoding: str | None = None) -> _CsvText:
    """Survey a file through a memory map: UTF-8 files are then parsed by Polars in place."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            raise InputError([Problem(name, None, None, "the file is empty")])
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            is_utf8, has_quotes = _survey(mapped)
            is_utf8 = is_utf8 and encoding in (None, "utf-8")
            if is_utf8:
                _check_line_lengths(mapped, name)
            head = mapped[:HEAD_SIZE]
    if is_utf8:
        return _CsvText(path, has_quotes, head.removeprefix(UTF8_BOM))
    data = utf8_bytes(path.read_bytes(), name, encoding)
    _check_line_lengths(data, name)
    return _CsvText(data, b'"' in data, data[:HEAD_SIZE])


def _check_line_lengths(content: bytes | mmap.mmap, name: str) -> None:
    """Refuse a line longer than `MAX_LINE_BYTES` (a file that is one 10 MB line, say).

    Looks for a newline in each half-limit block: a line over the limit covers a whole
    block, so only blocks without one are measured. A few `find`s per megabyte."""
    step = MAX_LINE_BYTES // 2
    size = len(content)
    for start in range(0, size - step + 1, step):
        if content.find(b"\n", start, start + step) != -1:
            continue
        line_start = content.rfind(b"\n", 0, start) + 1
        line_end = content.find(b"\n", start + step)
        if (size if line_end == -1 else line_end) - line_start > MAX_LINE_BYTES:
            line = 1 + sum(  # mmap has no count(): a chunk at a time
                content[chunk : min(chunk + SURVEY_CHUNK, line_start)].count(b"\n")
                for chunk in range(0, line_start, SURVEY_CHUNK)
            )
            reason = f"the line is longer than the limit of {MAX_LINE_BYTES:,} bytes"
            raise InputError([Problem(name, line, None, reason)])


def _survey(mapped: mmap.mmap) -> tuple[bool, bool]:
    """(is UTF-8, has a quote character), a chunk at a time so memory stays flat."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    has_quotes = False
    for start in range(0, len(mapped), SURVEY_CHUNK):
        chunk = mapped[start : start + SURVEY_CHUNK]
        has_quotes = has_quotes or b'"' in chunk
        pending = decoder.getstate()[0]
        if chunk.isascii() and not pending:
            continue
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return False, has_quotes
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, has_quotes
    return True, has_quotes


def _separator(text_head: bytes) -> str:
    header_line = text_head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _header(text: _CsvText, name: str, separator: str) -> list[str | None]:
    try:
        first = pl.read_csv(
            text.source, has_header=False, n_rows=1, infer_schema=False, separator=separator
        )
        cells: Sequence[str | None] = first.row(0)
    except pl.exceptions.NoDataError:
        raise InputError([Problem(name, None, None, "the file is empty")]) from None
    except pl.exceptions.PolarsError:
        records = _python_csv_records(text.content().decode("utf-8"), separator, name)
        if not records:
            raise InputError([Problem(name, None, None, "the file is empty")]) from None
        cells = records[0][1]
    names = [cell.strip().lstrip("\ufeff").strip() if cell else "" for cell in cells]
    return [cell or None for cell in names]


def _checked_names(header: list[str | None], name: str) -> None:
    seen: set[str] = set()
    problems = []
    for column in header:
        if column is None:
            continue
        if column == LINE:
            problems.append(Problem(name, 1, column, "this column name is reserved; rename it"))
        elif column in seen:
            problems.append(Problem(name, 1, column, "the column appears twice in the header"))
        seen.add(column)
    if problems:
        raise InputError(problems)


@dataclass(frozen=True, slots=True)
class _CsvLayout:
    """Where the wanted columns are in a CSV and what they are called."""

    separator: str
    header: list[str | None]
    wanted: list[int]

    @property
    def names(self) -> list[str]:
        return [str(self.header[index]) for index in self.wanted]


def _header_line(text: _CsvText) -> bytes:
    if b"\n" in text.head or len(text.head) < HEAD_SIZE:
        return text.head.split(b"\n", 1)[0]
    if isinstance(text.source, bytes):
        return text.source[: MAX_LINE_BYTES + 1].split(b"\n", 1)[0]
    with text.source.open("rb") as file:
        return file.read(MAX_LINE_BYTES + 1).removeprefix(UTF8_BOM).split(b"\n", 1)[0]


def _check_column_count(text: _CsvText, name: str, separator: str) -> None:
    """Refuse a header of more than `MAX_COLUMNS` columns before any parser sees it."""
    header_line = _header_line(text)
    count = header_line.count(separator.encode()) + 1
    if count > MAX_COLUMNS and b'"' in header_line:
        count = len(next(csv.reader([header_line.decode("utf-8")], delimiter=separator)))
    _check_width(count, name)


def _layout(text: _CsvText, name: str, columns: Collection[str] | None) -> _CsvLayout:
    separator = _separator(text.head)
    _check_column_count(text, name, separator)
    header = _header(text, name, separator)
    _checked_names(header, name)
    wanted = [
        index
        for index, column in enumerate(header)
        if column is not None and (columns is None or column in columns)
    ]
    return _CsvLayout(separator, header, wanted)


def _read_csv(text: _CsvText, name: str, columns: Collection[str] | None) -> pl.DataFrame:
    layout = _layout(text, name, columns)
    try:
        # Column 0 stands in when nothing is wanted, so the table still has its rows.
        table = pl.read_csv(
            text.source,
            has_header=True,
            columns=layout.wanted or [0],
            infer_schema=False,
            separator=layout.separator,
            row_index_name=LINE,
            row_index_offset=2,
        )
    except pl.exceptions.PolarsError:
        return _read_csv_in_python(text.content(), name, layout)
    table = table.rename(dict(zip(table.columns[1:], layout.names, strict=False)))
    if text.has_quotes:
        lines = _quoted_record_lines(text.content(), table.height)
        if lines is None:
            return _read_csv_in_python(text.content(), name, layout)
        table = table.with_columns(lines)
    # Columns by exact name: pl.col would read a header "*" or "^a.*$" as a pattern.
    table = pl.DataFrame(
        [table.get_column(column) for column in layout.names]
        + [table.get_column(LINE).cast(pl.Int64)]
    )
    return _without_blank_records(table, text)


def scan_plain_csv(
    path: str | os.PathLike[str], *, columns: Collection[str] | None = None
) -> pl.LazyFrame | None:
    """A lazy scan of a plain CSV file, for callers that check every row themselves.

    Plain means UTF-8 (with or without BOM) and without any quote character, so every
    record is one line and record i is on line i + 2. Anything else gives None: use
    `read_table`, which handles every case. Unlike `read_table`, a blank line comes
    through as a row of nulls. Parse errors surface when the scan is collected.
    """
    name = str(path)
    if Path(name).suffix.lower() in (*XLSX_SUFFIXES, *JSON_SUFFIXES):
        return None
    try:
        text = _csv_text_of_file(Path(path), name)
    except OSError:
        return None
    if not isinstance(text.source, Path) or text.has_quotes:
        return None
    layout = _layout(text, name, columns)
    scan = pl.scan_csv(
        text.source,
        has_header=True,
        infer_schema=False,
        separator=layout.separator,
        row_index_name=LINE,
        row_index_offset=2,
    )
    # By position: Polars' own names keep the header's spaces and rename duplicates.
    return scan.select(
        *(
            pl.nth(index + 1).alias(column)
            for index, column in zip(layout.wanted, layout.names, strict=True)
        ),
        pl.col(LINE).cast(pl.Int64),
    )


def _quoted_record_lines(data: bytes, height: int) -> pl.Series | None:
    """Physical line of each record when quoted fields may span lines (None if unsure).

    Polars turns a blank line into a row of nulls, so rows and lines stay aligned (and
    without quotes record i is on line i + 2). With quotes, a line starts a record when
    the number of quote characters before it is even.
    """
    if b"\x00" in data:
        return None
    physical = pl.read_csv(
        data, has_header=False, separator="\x00", quote_char=None, infer_schema=False
    ).to_series()
    quotes = physical.str.count_matches('"', literal=True).fill_null(0)
    starts = (
        pl.DataFrame({"quotes_before": quotes.cum_sum() - quotes})
        .with_row_index(LINE, offset=1)
        .filter(pl.col("quotes_before") % 2 == 0)
        .slice(1)
        .get_column(LINE)
        .cast(pl.Int64)
    )
    return starts if starts.len() == height else None


def _without_blank_records(table: pl.DataFrame, text: _CsvText) -> pl.DataFrame:
    """Drop the rows Polars made of blank lines: they are not records."""
    columns = [column for column in table.columns if column != LINE]
    if not columns or any(table.get_column(column).null_count() == 0 for column in columns):
        return table  # no row is all null: null counts cost nothing
    # By position: a header "^a.*$" would be a pattern to pl.col (and to Series methods).
    positions = [index for index, column in enumerate(table.columns) if column != LINE]
    nulls = table.select(pl.nth(index).is_null().alias(f"_{index}") for index in positions)
    all_null = nulls.select(pl.all_horizontal(pl.all())).to_series()
    if not all_null.any():
        return table
    # A row can be all null in the columns read while its line has other fields.
    blank = all_null & table.get_column(LINE).is_in(_blank_line_numbers(text.content()).implode())
    return table.filter(~blank)


def _blank_line_numbers(data: bytes) -> pl.Series:
    """Numbers of the empty lines of the file."""
    import numpy as np

    content = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(content == ord("\n"))
    gaps = np.diff(newlines)
    after_carriage_return = content[newlines[1:] - 1] == ord("\r")
    empty = (gaps == 1) | ((gaps == 2) & after_carriage_return)
    # Line k + 2 sits between newline k and newline k + 1.
    return pl.Series(LINE, np.flatnonzero(empty) + 2, dtype=pl.Int64)


def _python_csv_records(text: str, separator: str, name: str) -> list[tuple[int, list[str]]]:
    """(start line, fields) of every non-blank record, by Python's reference CSV reader.

    What even that reader refuses (a carriage return inside an unquoted field, say) is an
    InputError at the line where it stopped."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    records = []
    start = 1
    try:
        for fields in reader:
            if fields:
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = f"not readable as CSV ({error}); check quotes and line breaks"
        raise InputError([Problem(name, reader.line_num, None, reason)]) from None
    return records


def _read_csv_in_python(data: bytes, name: str, layout: _CsvLayout) -> pl.DataFrame:
    """The slow, forgiving path for files Polars will not parse; reports ragged records."""
    try:
        records = _python_csv_records(data.decode("utf-8"), layout.separator, name)[1:]
    except csv.Error as error:
        raise InputError([Problem(name, None, None, f"not valid CSV: {error}")]) from None
    width = len(layout.header)
    problems = [
        Problem(name, line, None, f"has {len(fields)} fields but the header has {width}")
        for line, fields in records
        if len(fields) > width
    ]
    if problems:
        raise InputError(problems)
    named = list(zip(layout.wanted, layout.names, strict=True))
    return _frame_from_records(
        (
            (
                line,
                {column: fields[index] if index < len(fields) else None for index, column in named},
            )
            for line, fields in records
        ),
        layout.names,
    )


# --- XLSX and JSON ------------------------------------------------------------------


def _frame_from_records(
    records: Iterable[tuple[int, dict[str, str | None]]], names: list[str]
) -> pl.DataFrame:
    lines: list[int] = []
    values: dict[str, list[str | None]] = {column: [] for column in names}
    for line, record in records:
        lines.append(line)
        for column in names:
            values[column].append(record.get(column))
    schema = {**dict.fromkeys(names, pl.String), LINE: pl.Int64}
    return pl.DataFrame({**values, LINE: lines}, schema=schema)


def _read_xlsx(
    data: bytes, name: str, columns: Collection[str] | None, max_rows: int | None = None
) -> pl.DataFrame:
    from openpyxl import load_workbook

    _check_unpacked_size(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or non-XLSX file
        reason = f"not a readable XLSX workbook ({type(error).__name__})"
        raise InputError([Problem(name, None, None, reason)]) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        raise InputError([Problem(name, None, None, "the first sheet is empty")])
    header = [_text_cell(cell).strip() if _text_cell(cell) else None for cell in first]  # type: ignore[union-attr]
    while header and header[-1] is None:
        header.pop()
    _check_width(len(header), name)
    _checked_names(header, name)
    named = [
        (index, column)
        for index, column in enumerate(header)
        if column is not None and (columns is None or column in columns)
    ]

    def records() -> Iterable[tuple[int, dict[str, str | None]]]:
        for line, row in enumerate(rows, start=2):
            cells = [_text_cell(cell) for cell in row]
            if not any(cells):
                continue
            yield (
                line,
                {column: cells[index] if index < len(cells) else None for index, column in named},
            )

    try:
        table = _frame_from_records(
            itertools.islice(records(), max_rows), [column for _, column in named]
        )
    except (ValueError, OverflowError):
        # openpyxl turns a date cell (`t="d"`) into a datetime and fails on 2026-02-30.
        problem = _xlsx_bad_date(data, sheet, header, name)
        raise InputError([problem]) from None
    finally:
        workbook.close()
    return table


def _check_unpacked_size(data: bytes, name: str) -> None:
    """Refuse a workbook that would unpack past the limits, before openpyxl unpacks it."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return  # not a zip at all: openpyxl's refusal says so
    unpacked = sum(member.file_size for member in members)
    shared = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        limit, size = MAX_XLSX_UNPACKED_BYTES, unpacked
    elif shared > MAX_XLSX_SHARED_STRINGS_BYTES:
        limit, size = MAX_XLSX_SHARED_STRINGS_BYTES, shared
    else:
        return
    reason = f"the workbook unpacks to {size:,} bytes: more than the limit of {limit:,} bytes"
    raise InputError([Problem(name, None, None, reason)])


def _xlsx_bad_date(data: bytes, sheet: object, header: list[str | None], name: str) -> Problem:
    """The first date cell of the sheet that is not a real date, as a problem on its line."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_ISO8601

    cell_tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
    path = getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as xml:
        for _, element in iterparse(xml):
            if element.tag != cell_tag:
                continue
            text = "".join(element.itertext()).strip()
            if element.get("t") == "d" and text:
                try:
                    from_ISO8601(text)
                except (ValueError, OverflowError):
                    line, column = coordinate_to_tuple(element.get("r", "A1"))
                    field = header[column - 1] if column <= len(header) else None
                    return Problem(name, line, field, f"not a real date: '{text}'")
            element.clear()
    return Problem(name, None, None, "a date cell is not a real date")


JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)


def json_depth(text: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings aside).

    Vectorised, so a hostile file is measured before `json.loads` would recurse into it.
    """
    import numpy as np

    bare = np.frombuffer(JSON_STRING.sub(b'""', text), dtype=np.uint8)
    opening = (bare == ord("[")) | (bare == ord("{"))
    closing = (bare == ord("]")) | (bare == ord("}"))
    steps = opening.astype(np.int32) - closing.astype(np.int32)
    return int(np.cumsum(steps).max()) if steps.size else 0


def _read_json(
    data: bytes,
    name: str,
    columns: Collection[str] | None,
    encoding: str | None = None,
    max_rows: int | None = None,
) -> pl.DataFrame:
    text = utf8_bytes(data, name, encoding)
    if json_depth(text) > MAX_JSON_DEPTH:
        reason = f"JSON nested deeper than the limit of {MAX_JSON_DEPTH} levels"
        raise InputError([Problem(name, None, None, reason)])
    try:
        # Text, not bytes: json.loads would guess UTF-16/32 from NUL bytes in valid UTF-8.
        document = json.loads(text.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            [Problem(name, error.lineno, None, f"not valid JSON: {error.msg}")]
        ) from None
    if not isinstance(document, list):
        raise InputError(
            [Problem(name, None, None, "must be a JSON list of objects (one per record)")]
        )
    problems: list[Problem] = []
    records: list[tuple[int, dict[str, str | None]]] = []
    names: dict[str, None] = {}
    for line, item in enumerate(document[:max_rows], start=1):
        if not isinstance(item, dict):
            problems.append(Problem(name, line, None, "must be an object of column: value"))
            continue
        _check_width(len(item), name)
        record: dict[str, str | None] = {}
        for key, value in item.items():
            column = str(key).strip()
            if column == LINE:
                problems.append(Problem(name, line, column, "this column name is reserved; rename it"))
                continue
            if isinstance(value, dict | list):
                problems.append(Problem(name, line, column, "must be text or a number"))
                continue
            if columns is None or column in columns:
                names.setdefault(column)
                record[column] = _text_cell(value)
        records.append((line, record))
        _check_width(len(names), name)
    if problems:
        raise InputError(problems)
    return _frame_from_records(records, list(names))


def _check_width(count: int, name: str) -> None:
    if count > MAX_COLUMNS:
        reason = f"{count:,} columns: more than the limit of {MAX_COLUMNS:,} columns"
        raise InputError([Problem(name, 1, None, reason)])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A value safe to write into a spreadsheet cell: text that a spreadsheet would read as
    a formula (=, +, -, @ …) gets a leading apostrophe, so people's input stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Sheet:
    """One worksheet to write: a title, a header row and the data rows.

    `number_formats` maps a header to an Excel number format (`0.00`) applied to that
    column's cells, so rounded display never changes the stored, unrounded value."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    number_formats: dict[str, str] | None = None


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The one XLSX writer: every cell through `spreadsheet_cell` (formula guard), the
    header frozen and filterable, optional number formats. Streams rows (write-only)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        worksheet.freeze_panes = "A2"
        formats = {
            index: number_format
            for index, name in enumerate(sheet.header)
            if (number_format := (sheet.number_formats or {}).get(name))
        }
        worksheet.append([spreadsheet_cell(name) for name in sheet.header])
        count = 0
        for row in sheet.rows:
            count += 1
            if not formats:
                worksheet.append([spreadsheet_cell(value) for value in row])
                continue
            cells: list[object] = []
            for index, value in enumerate(row):
                cell = WriteOnlyCell(worksheet, value=spreadsheet_cell(value))
                if index in formats and isinstance(value, int | float):
                    cell.number_format = formats[index]
                cells.append(cell)
            worksheet.append(cells)
        if sheet.header:
            last = get_column_letter(len(sheet.header))
            worksheet.auto_filter.ref = f"A1:{last}{count + 1}"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
