"""Reading the fact store: the engine's fact frame, drill-down, batches, quarantine, previews."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Count, Q, QuerySet

from kpilib.engine.errors import InputError, Problem
from kpilib.ingest import store
from kpilib.ingest.connectors import CONNECTORS, GENERIC, slots_of
from kpilib.ingest.models import Fact, ImportBatch, OwnerAlias, QuarantinedRow, Source
from kpilib.ingest.pipeline import (
    BadRow,
    check,
    fact_text,
    localised_problems,
    mapped,
    resolve_mapping,
)
from kpilib.ingest.progress import Progress, progress_read
from kpilib.org.models import Employee
from kpilib.tabular import (
    HEAD_SIZE,
    JSON_SUFFIXES,
    LINE,
    XLSX_SUFFIXES,
    decoded_sample,
    read_table_bytes,
    whole_lines,
)

PREVIEW_SAMPLE = 10
# The preview checks at most this many records, read from at most this many bytes of a
# CSV; the import (a task) checks every row.
PREVIEW_ROWS = 20_000
PREVIEW_BYTES = 16 << 20


def facts_frame(
    *,
    employee_ids: Collection[str] | None,
    start: date,
    end: date,
    attributes: Collection[str] = (),
    metrics: Collection[str] | None = None,
) -> pl.DataFrame:
    """The stored facts with `start <= occurred_on <= end` as the engine's typed fact frame.

    Columns as `engine.facts.typed_facts` gives them: `employee_id` (the employee number),
    `metric`, `occurred_on` (Date), `value` (Float64), `customer_id`, `project_id`,
    `source`, `external_id` (String, null when blank), plus one String column per name in
    `attributes` (read from the facts' other columns). `employee_ids` (numbers) limits
    the employees and `metrics` the metrics; None means all. Rows are in date order, then
    import order.
    """
    return store.window(
        employee_ids=employee_ids, start=start, end=end, attributes=attributes, metrics=metrics
    )


def facts_for(
    *, employee: Employee, metric_codes: Collection[str], start: date, end: date
) -> QuerySet[Fact]:
    """An employee's facts of some metrics in a window, with provenance, for drill-down."""
    return (
        Fact.objects.filter(
            employee=employee, metric__in=list(metric_codes), occurred_on__range=(start, end)
        )
        .select_related("batch", "batch__source")
        .order_by("occurred_on", "id")
    )


#: The attribute of a fact whose value nobody gave: kpilib put it in by a rule (its value
#: names the rule, e.g. `unrated` for a daily report counted as normal).
DEFAULTED = "defaulted"


def defaulted_counts(
    *, employee_ids: Collection[str], metric_codes: Collection[str], start: date, end: date
) -> dict[tuple[str, str, str], int]:
    """How many facts in a window are defaults, by (employee number, metric, rule): one
    grouped query over the facts that carry the `defaulted` attribute."""
    rows = (
        Fact.objects.filter(
            employee__employee_id__in=list(employee_ids),
            metric__in=list(metric_codes),
            occurred_on__range=(start, end),
            attributes__has_key=DEFAULTED,
        )
        .values_list("employee__employee_id", "metric", f"attributes__{DEFAULTED}")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(employee_id, metric, str(rule)): n for employee_id, metric, rule, n in rows}


def sources_overview() -> QuerySet[Source]:
    """Every source with its open quarantine count and owner mappings."""
    return Source.objects.annotate(
        open_rows=Count("quarantine", filter=Q(quarantine__status=QuarantinedRow.Status.OPEN)),
        alias_count=Count("aliases", distinct=True),
    ).order_by("name")


def batches_recent(*, limit: int = 20) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("source", "actor").order_by("-created_at", "-id")[
        :limit
    ]


def quarantine_open(*, source: Source | None = None) -> QuerySet[QuarantinedRow]:
    rows = QuarantinedRow.objects.filter(status=QuarantinedRow.Status.OPEN)
    if source is not None:
        rows = rows.filter(source=source)
    return rows.select_related("batch", "source").order_by("source__name", "batch_id", "line")


def owner_aliases(*, source: Source) -> QuerySet[OwnerAlias]:
    return source.aliases.select_related("employee").order_by("alias")


def batch_table(batch: ImportBatch, *, max_rows: int | None = None) -> pl.DataFrame:
    """The batch's kept original file, read in its encoding (`max_rows`: its first records).

    With `max_rows`, a CSV is read only as far as `PREVIEW_BYTES`, so a preview's memory
    does not grow with the file."""
    with batch.file.open("rb") as file:
        if max_rows is None or batch.file_name.lower().endswith((*XLSX_SUFFIXES, *JSON_SUFFIXES)):
            data = file.read()
        else:
            data = file.read(PREVIEW_BYTES + 1)
            if len(data) > PREVIEW_BYTES:
                data = whole_lines(data[:PREVIEW_BYTES])
    return read_table_bytes(
        data, name=batch.file_name, encoding=batch.encoding or None, max_rows=max_rows
    )


def batch_encoding_sample(batch: ImportBatch) -> list[str]:
    """The file's first lines as its current encoding reads them (for the person to judge)."""
    with batch.file.open("rb") as file:
        return decoded_sample(file.read(HEAD_SIZE), batch.encoding or "utf-8")


def batch_progress(batch: ImportBatch) -> Progress | None:
    return progress_read(batch.pk)


@dataclass(frozen=True)
class MappingChoice:
    """One field of the source and the file column chosen for it."""

    slot: str
    required: bool
    column: str | None
    documented: bool


def batch_mapping(batch: ImportBatch) -> tuple[list[str], list[MappingChoice]]:
    """The file's columns and, for each field of the source, the column that fills it."""
    headers = [
        column for column in batch_table(batch, max_rows=PREVIEW_SAMPLE).columns if column != LINE
    ]
    kind = batch.source.kind
    resolved = resolve_mapping(headers, kind, batch.mapping or batch.source.column_mapping)
    required, optional = slots_of(kind)
    documented = set(CONNECTORS[kind].documented) if kind != GENERIC else {*required, *optional}
    choices = [
        MappingChoice(slot, slot in required, resolved.get(slot), slot in documented)
        for slot in (*required, *optional)
    ]
    return headers, choices


@dataclass
class Preview:
    """What committing a file would do, without writing anything."""

    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    bad: list[BadRow] = field(default_factory=list)
    waiting: list[BadRow] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    truncated: bool = False  # only the first PREVIEW_ROWS records were checked
    limit: int = 0

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        return sorted(
            (row.line, column, reason)
            for row in (*self.bad, *self.waiting)
            for column, reason in row.problems
        )

    @property
    def problem_rows(self) -> int:
        return len(self.bad) + len(self.waiting)


def batch_preview(batch: ImportBatch) -> Preview:
    """Read, map and check a draft batch, and count what it would add, change and keep."""
    try:
        table = batch_table(batch, max_rows=PREVIEW_ROWS)
        kind = batch.source.kind
        slotted = mapped(
            table,
            kind=kind,
            mapping=batch.mapping or batch.source.column_mapping,
            file=batch.file_name,
        )
    except InputError as error:
        return Preview(file_problems=localised_problems(error.problems))
    text, skipped = fact_text(slotted, kind=kind)
    checked = check(text, source=batch.source, file=batch.file_name, rows=table.height)
    preview = Preview(
        truncated=table.height >= PREVIEW_ROWS,
        limit=PREVIEW_ROWS,
        rows=table.height,
        skipped=skipped,
        unchanged=checked.known,
        bad=checked.bad,
        waiting=checked.waiting_rows,
    )
    for start in range(0, checked.facts.height, 50_000):
        chunk = store.classified(checked.facts.slice(start, 50_000))
        counts = dict(chunk.group_by(store.CHANGE).len().iter_rows())
        preview.new += counts.get(store.NEW, 0)
        preview.updated += counts.get(store.UPDATED, 0)
        preview.unchanged += counts.get(store.UNCHANGED, 0)
    preview.sample = checked.facts.head(PREVIEW_SAMPLE).to_dicts()
    return preview


def quarantined_problems(*, source: str, data: bytes, file_name: str) -> list[Problem]:
    """The problems of the rows the latest import of this file into `source` quarantined."""
    batch = (
        ImportBatch.objects.filter(source__name=source, file_hash=hashlib.sha256(data).hexdigest())
        .order_by("-id")
        .first()
    )
    if batch is None:
        return []
    return [
        Problem(file_name, row.line, column, reason)
        for row in batch.quarantined_rows.order_by("line", "id")
        for column, reason in row.problems
    ]
