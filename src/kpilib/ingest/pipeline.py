"""Checking an intake before anything is written: columns mapped, rows typed, owners matched.

The flow is set-based (Polars), the same for files, API requests, webhooks and quarantine
re-submissions:

1. `mapped`: the file's columns renamed to the source's slots (the connector's vendor
   columns, or the product.md §5 columns for a plain facts file) by the given mapping,
   else the one saved on the source, else by matching names; a required slot left
   unmapped is a problem of line 1.
2. `fact_text`: the connector turns vendor rows into §5 text rows (`connectors.py`).
3. `check`: the engine's `typed_facts` types and checks every row (a bad row is found
   however many there are: the engine lists its first 100 problems, so a table with
   more is split in halves until each part lists them all); owners are matched with a
   join on employee number, then e-mail, then the source's owner mapping table (never
   by guess: an e-mail two employees share matches nobody); rows without an
   `external_id` get one derived from their content (`row:` + BLAKE2b of owner, metric,
   date, value, customer, project and attributes, plus `#n` for the n-th identical row),
   so re-importing the same file is idempotent; an id twice in one intake is a problem.

A bad row that the quarantine already holds (same source, same values) is recognised:
if it was fixed or discarded it counts as unchanged, if it still waits it is not queued
twice. Reads the database (employees, owner aliases, quarantine), never writes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext, gettext_noop

from kpilib.engine.errors import InputError, Problem
from kpilib.engine.facts import typed_facts
from kpilib.ingest.connectors import (
    CONNECTORS,
    FACT_COLUMNS,
    GENERIC,
    OWNER_EMAIL,
    slots_of,
    vendor_facts,
)
from kpilib.ingest.models import OwnerAlias, QuarantinedRow, Source
from kpilib.org.models import Employee
from kpilib.tabular import LINE

FILE_LINE = "__file_line__"
EMPLOYEE_PK = "employee_pk"
STORED = (
    EMPLOYEE_PK,
    "employee_id",
    "metric",
    "occurred_on",
    "value",
    "customer_id",
    "project_id",
    "source",
    "external_id",
    "attributes",
    "line",
)
LIMITS = {"metric": 64, "source": 64, "external_id": 200, "customer_id": 200, "project_id": 200}
_SYSTEM = {LINE, FILE_LINE, OWNER_EMAIL, *FACT_COLUMNS}
_ENGINE_REASONS = (
    (re.compile(r"^required value is empty$"), gettext_noop("required value is empty")),
    (
        re.compile(r"^not a date YYYY-MM-DD or YYYY/MM/DD: '(?P<text>.*)'$", re.S),
        gettext_noop("not a date YYYY-MM-DD or YYYY/MM/DD: '%(text)s'"),
    ),
    (
        re.compile(r"^not a number: '(?P<text>.*)'$", re.S),
        gettext_noop("not a number: '%(text)s'"),
    ),
    # The file readers' (kpilib.tabular, framework-free) reasons.
    (
        re.compile(r"^not a real date: '(?P<text>.*)'$", re.S),
        gettext_noop("not a real date: '%(text)s'"),
    ),
    (
        re.compile(r"^JSON nested deeper than the limit of (?P<limit>\d+) levels$"),
        gettext_noop("JSON nested deeper than the limit of %(limit)s levels"),
    ),
    (
        re.compile(
            r"^the workbook unpacks to (?P<size>[\d,]+) bytes: more than the limit of (?P<limit>[\d,]+) bytes$"
        ),
        gettext_noop("the workbook unpacks to %(size)s bytes: more than the limit of %(limit)s bytes"),
    ),
    (
        re.compile(r"^the line is longer than the limit of (?P<limit>[\d,]+) bytes$"),
        gettext_noop("the line is longer than the limit of %(limit)s bytes"),
    ),
    (
        re.compile(r"^(?P<count>[\d,]+) columns: more than the limit of (?P<limit>[\d,]+) columns$"),
        gettext_noop("%(count)s columns: more than the limit of %(limit)s columns"),
    ),
    (
        re.compile(r"^cannot tell the encoding for certain \(it looks like (?P<guess>[\w-]+)\): choose it$"),
        gettext_noop("cannot tell the encoding for certain (it looks like %(guess)s): choose it"),
    ),
    (
        re.compile(r"^not (?P<encoding>[\w-]+) text$"),
        gettext_noop("not %(encoding)s text"),
    ),
)


def localised_reason(reason: str) -> str:
    """An engine or file reader reason (English) in the active language."""
    for pattern, message in _ENGINE_REASONS:
        match = pattern.match(reason)
        if match:
            return gettext(message) % match.groupdict() if match.groupdict() else gettext(message)
    return reason


def localised_problems(problems: Sequence[Problem]) -> list[Problem]:
    """The problems of an engine or reader refusal with their reasons in the active language."""
    return [
        Problem(problem.file, problem.line, problem.column, localised_reason(problem.reason))
        for problem in problems
    ]


@dataclass
class BadRow:
    """A row that cannot become a fact: where it was, what it said, and why not."""

    line: int
    values: dict[str, str | None]
    problems: list[tuple[str, str]]

    @property
    def digest(self) -> str:
        return values_digest(self.values)


@dataclass
class Checked:
    """The outcome of checking an intake: facts ready to store and the rows that are not."""

    facts: pl.DataFrame
    bad: list[BadRow] = field(default_factory=list)
    waiting_rows: list[BadRow] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0
    known: int = 0

    def problems(self, file: str) -> list[Problem]:
        return [
            Problem(file, row.line, column, reason)
            for row in self.bad
            for column, reason in row.problems
        ]


def values_digest(values: Mapping[str, str | None]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


# --- mapping ------------------------------------------------------------------------


def resolve_mapping(
    headers: Sequence[str], kind: str, mapping: Mapping[str, str] | None
) -> dict[str, str]:
    """slot → file column: the mapping's choice when that column exists, else the same name.

    A slot the mapping sets to "" stays unmapped.
    """
    required, optional = slots_of(kind)
    by_name = {header.strip().casefold(): header for header in headers}
    resolved: dict[str, str] = {}
    for slot in (*required, *optional):
        chosen = (mapping or {}).get(slot)
        if chosen == "":
            continue
        if chosen in headers:
            resolved[slot] = str(chosen)
        elif slot.casefold() in by_name:
            resolved[slot] = by_name[slot.casefold()]
    return resolved


def mapped(
    table: pl.DataFrame, *, kind: str, mapping: Mapping[str, str] | None, file: str
) -> pl.DataFrame:
    """The table with its columns renamed to the source's slots; other columns of a plain
    facts file stay as attributes. Raises InputError naming each required slot unmapped."""
    headers = [column for column in table.columns if column != LINE]
    resolved = resolve_mapping(headers, kind, mapping)
    required, optional = slots_of(kind)
    missing = [slot for slot in required if slot not in resolved]
    if missing:
        reason = gettext("required column is missing")
        raise InputError([Problem(file, 1, slot, reason) for slot in missing])
    used = set(resolved.values())
    slots = {*required, *optional}
    extras = (
        [pl.col(header) for header in headers if header not in used and header not in slots]
        if kind == GENERIC
        else []
    )
    return table.select(
        *(pl.col(header).alias(slot) for slot, header in resolved.items()),
        *extras,
        pl.col(LINE),
    )


def fact_text(table: pl.DataFrame, *, kind: str) -> tuple[pl.DataFrame, int]:
    """§5 text rows from a mapped table, and how many vendor rows were not facts."""
    if kind == GENERIC:
        return table, 0
    return vendor_facts(CONNECTORS[kind], table)


def text_table(
    records: Sequence[Mapping[str, object]],
    lines: Sequence[int],
    *,
    columns: Sequence[str] = (),
) -> pl.DataFrame:
    """An all-text table (like `read_table`'s) from records such as JSON objects; `columns`
    are present even when no record has them."""
    names = dict.fromkeys(columns)
    for record in records:
        names.update(dict.fromkeys(record))
    values = {name: [_cell(record.get(name)) for record in records] for name in names}
    schema = {**dict.fromkeys(names, pl.String), LINE: pl.Int64}
    return pl.DataFrame({**values, LINE: list(lines)}, schema=schema)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if text.strip() else None


# --- checking -----------------------------------------------------------------------


def _typed(table: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """The engine's typed facts of the good rows and every problem of the bad ones."""
    try:
        return typed_facts(table, file=file), []
    except InputError as error:
        located = [problem for problem in error.problems if problem.line is not None]
        if len(located) < len(error.problems) and table.height > 1:
            half = table.height // 2
            head, head_problems = _typed(table.slice(0, half), file)
            tail, tail_problems = _typed(table.slice(half), file)
            return pl.concat([head, tail]), head_problems + tail_problems
        bad = [problem.line for problem in located]
        return typed_facts(table.filter(~pl.col(LINE).is_in(bad)), file=file), located


@dataclass(frozen=True)
class _Owners:
    numbers: dict[str, int]
    emails: dict[str, int]
    aliases: dict[str, int]


def _owners(source: Source) -> _Owners:
    numbers: dict[str, int] = {}
    emails: dict[str, int] = {}
    shared: set[str] = set()
    for pk, number, email in Employee.objects.values_list("pk", "employee_id", "email"):
        numbers[number] = pk
        key = email.strip().lower()
        if key in emails:
            shared.add(key)
        elif key:
            emails[key] = pk
    aliases = {
        alias.strip().lower(): pk
        for alias, pk in OwnerAlias.objects.filter(source=source).values_list(
            "alias", "employee_id"
        )
    }
    return _Owners(numbers, {k: v for k, v in emails.items() if k not in shared}, aliases)


def _lookup(expression: pl.Expr, table: Mapping[str, int]) -> pl.Expr:
    if not table:
        return pl.lit(None, dtype=pl.Int64)
    return expression.replace_strict(
        list(table), list(table.values()), default=None, return_dtype=pl.Int64
    )


def _matched(typed: pl.DataFrame, owners: _Owners) -> pl.DataFrame:
    """Adds `employee_pk`: the employee by number, e-mail, or the source's alias table."""
    owner = pl.col("employee_id")
    owner_key = owner.str.strip_chars().str.to_lowercase()
    email_key = (
        pl.col(OWNER_EMAIL).str.strip_chars().str.to_lowercase()
        if OWNER_EMAIL in typed.columns
        else pl.lit(None, dtype=pl.String)
    )
    matched = typed.with_columns(_lookup(owner, owners.numbers).alias(EMPLOYEE_PK))
    if not matched.get_column(EMPLOYEE_PK).null_count():
        return matched  # everyone by number: the other look-ups are not needed
    return matched.with_columns(
        pl.coalesce(
            pl.col(EMPLOYEE_PK),
            _lookup(owner_key, owners.emails),
            _lookup(email_key, owners.emails),
            _lookup(owner_key, owners.aliases),
            _lookup(email_key, owners.aliases),
        ).alias(EMPLOYEE_PK)
    )


def _attributes(table: pl.DataFrame) -> pl.Expr:
    extras = [column for column in table.columns if column not in _SYSTEM]
    if not extras:
        return pl.lit("{}")
    return pl.struct(pl.col(extras).cast(pl.String)).struct.json_encode()


def _blake(texts: pl.Series) -> pl.Series:
    return pl.Series(
        [hashlib.blake2b(text.encode(), digest_size=16).hexdigest() for text in texts],
        dtype=pl.String,
    )


def _with_ids(facts: pl.DataFrame, source_name: str, *, rows_name_source: bool) -> pl.DataFrame:
    """Source and external id for every row; a missing id is derived from the content.

    Only a file HR uploads may name each row's source system (product.md §5); an API
    token or a webhook speaks for its own data source alone. Facts are matched by (source,
    external_id), so a row naming another source could otherwise overwrite its facts.
    """
    facts = facts.with_columns(
        pl.coalesce(pl.col("source"), pl.lit(source_name)).alias("source")
        if rows_name_source and "source" in facts.columns
        else pl.lit(source_name).alias("source"),
        (
            pl.col("external_id")
            if "external_id" in facts.columns
            else pl.lit(None, pl.String).alias("external_id")
        ),
    )
    missing = facts.get_column("external_id").is_null()
    if not missing.any():
        return facts
    content = pl.concat_str(
        [
            pl.col(column).cast(pl.String).fill_null("")
            for column in ("employee_id", "metric", "occurred_on", "value")
        ]
        + [
            pl.col(column).fill_null("") if column in facts.columns else pl.lit("")
            for column in ("customer_id", "project_id")
        ]
        + [pl.col("attributes")],
        separator="\x1f",
    )
    without = facts.filter(missing).with_columns(content.alias("__content__"))
    derived = without.with_columns(
        (
            pl.lit("row:")
            + _blake(without.get_column("__content__"))
            + pl.when(pl.int_range(pl.len()).over("__content__") > 0)
            .then(pl.lit("#") + pl.int_range(pl.len()).over("__content__").cast(pl.String))
            .otherwise(pl.lit(""))
        ).alias("external_id")
    ).drop("__content__")
    return pl.concat([facts.filter(~missing), derived]).sort(LINE)


def _length_problems(facts: pl.DataFrame) -> list[tuple[int, str, str]]:
    found = []
    for column, limit in LIMITS.items():
        if column not in facts.columns:
            continue
        too_long = facts.filter(pl.col(column).str.len_chars() > limit)
        reason = gettext("longer than %(limit)d characters") % {"limit": limit}
        found += [(row, column, reason) for row in too_long.get_column(LINE)]
    return found


def _duplicate_problems(facts: pl.DataFrame) -> list[tuple[int, str, str]]:
    keys = ["source", "external_id"]
    again = ~pl.struct(keys).is_first_distinct()
    if not facts.select(again.any()).item():
        return []
    repeated = (
        facts.filter(pl.struct(keys).is_duplicated())
        .with_columns(pl.col(FILE_LINE).first().over(keys).alias("__first__"))
        .filter(again)
    )
    return [
        (
            row,
            "external_id",
            gettext("%(id)s appears again (first on line %(line)d)")
            % {"id": external_id, "line": first},
        )
        for row, external_id, first in repeated.select(LINE, "external_id", "__first__").iter_rows()
    ]


def _unknown_owner_problems(facts: pl.DataFrame) -> list[tuple[int, str, str]]:
    unknown = facts.filter(pl.col(EMPLOYEE_PK).is_null())
    email = OWNER_EMAIL if OWNER_EMAIL in unknown.columns else None
    found = []
    for record in unknown.iter_rows(named=True):
        owner, address = record["employee_id"], record[email] if email else None
        if address and address != owner:
            reason = gettext("unknown owner %(owner)s (%(email)s)") % {
                "owner": owner,
                "email": address,
            }
        else:
            reason = gettext("unknown owner %(owner)s") % {"owner": owner}
        found.append((record[LINE], "employee_id", reason))
    return found


def check(
    text: pl.DataFrame,
    *,
    source: Source,
    file: str,
    rows: int,
    skipped: int = 0,
    recognise_quarantined: bool = True,
    rows_name_source: bool = True,
) -> Checked:
    """Check §5 text rows (LINE = the file line) and sort them into facts and bad rows.

    With `recognise_quarantined`, bad rows the quarantine already holds are set apart;
    `rows_name_source` lets a row's `source` cell choose its source (files only).
    """
    text = text.with_columns(
        pl.col(LINE).alias(FILE_LINE), pl.int_range(pl.len(), dtype=pl.Int64).alias(LINE)
    )
    if OWNER_EMAIL in text.columns:
        text = text.with_columns(pl.coalesce("employee_id", OWNER_EMAIL).alias("employee_id"))
    typed, engine_problems = _typed(text, file)
    problems: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for problem in engine_problems:
        problems[int(problem.line or 0)].append(
            (str(problem.column or ""), localised_reason(problem.reason))
        )
    typed = _matched(typed, _owners(source)).with_columns(_attributes(typed).alias("attributes"))
    typed = _with_ids(typed, source.name, rows_name_source=rows_name_source)
    for row, column, reason in (
        _length_problems(typed) + _duplicate_problems(typed) + _unknown_owner_problems(typed)
    ):
        problems[row].append((column, reason))
    checked = Checked(
        facts=_stored(typed.filter(~pl.col(LINE).is_in(list(problems)))),
        rows=rows,
        skipped=skipped,
    )
    if problems:
        _sort_bad_rows(checked, text, problems, source if recognise_quarantined else None)
    return checked


def _stored(typed: pl.DataFrame) -> pl.DataFrame:
    return typed.select(
        pl.col(EMPLOYEE_PK),
        pl.col("employee_id"),
        pl.col("metric"),
        pl.col("occurred_on"),
        pl.col("value"),
        *(
            pl.col(column).fill_null("") if column in typed.columns else pl.lit("").alias(column)
            for column in ("customer_id", "project_id")
        ),
        pl.col("source"),
        pl.col("external_id"),
        pl.col("attributes"),
        pl.col(FILE_LINE).alias("line"),
    )


def _sort_bad_rows(
    checked: Checked,
    text: pl.DataFrame,
    problems: Mapping[int, list[tuple[str, str]]],
    source: Source | None,
) -> None:
    """Bad rows with their original values; those the quarantine knows are not new."""
    columns = [column for column in text.columns if column not in (LINE, FILE_LINE)]
    bad = text.filter(pl.col(LINE).is_in(list(problems))).sort(LINE)
    rows = [
        BadRow(
            line=int(record[FILE_LINE]),
            values={column: record[column] for column in columns},
            problems=problems[record[LINE]],
        )
        for record in bad.iter_rows(named=True)
    ]
    statuses = _quarantine_statuses(source, [row.digest for row in rows]) if source else {}
    for row in rows:
        status = statuses.get(row.digest)
        if status is None:
            checked.bad.append(row)
        elif status == QuarantinedRow.Status.OPEN:
            checked.waiting_rows.append(row)
        else:
            checked.known += 1


def _quarantine_statuses(source: Source, digests: list[str]) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for start in range(0, len(digests), 500):
        for digest, status in QuarantinedRow.objects.filter(
            source=source, digest__in=digests[start : start + 500]
        ).values_list("digest", "status"):
            if statuses.get(digest) != QuarantinedRow.Status.OPEN:
                statuses[digest] = status
    return statuses
