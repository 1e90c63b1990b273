"""The run of an intake, shared by every way facts come in, and the worker's side of a file import.

Every intake runs the same steps (`_process`): map the columns, let the connector make
facts, check them (`pipeline.check`), then either refuse the whole intake (all or
nothing, the default: `InputError` lists every problem and nothing is written) or write
the good rows and quarantine the bad ones (`partial`). Facts are written in chunks of
`CHUNK` rows inside the caller's transaction (`store`), so an import that dies halfway
leaves nothing behind; progress is reported after each chunk.

The worker runs `batch_run` (a queued file batch) and `batches_fail_stale` (imports whose
worker died); `tasks` calls only this module, and the services that queue work call
`tasks`, so the two never import each other. Names with a leading underscore are the
ingest app's own steps, for its service modules (`kpilib.ingest.services`) only.

Auditing: a committed batch is one audit event (its source, file, hash and counts: the
facts it created are its rows, found through `Fact.batch`); every fact an import
*changes* is an audit event with each changed field before and after.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record
from kpilib.engine.errors import InputError, Problem
from kpilib.importing import ImportReport
from kpilib.ingest import store
from kpilib.ingest.connectors import GENERIC
from kpilib.ingest.models import (
    Fact,
    ImportBatch,
    QuarantinedRow,
)
from kpilib.ingest.pipeline import (
    EMPLOYEE_PK,
    BadRow,
    Checked,
    check,
    fact_text,
    mapped,
)
from kpilib.ingest.progress import progress_clear, progress_read, progress_write, seconds_since
from kpilib.ingest.selectors import batch_table

CHUNK = 50_000
MAX_STORED_PROBLEMS = 1_000
STALE_AFTER = timedelta(minutes=2)
FILE = ImportBatch.Channel.FILE
Progress = Callable[[int, int], None]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _keep_file(batch: ImportBatch, data: bytes) -> None:
    """Store the original file once per content (named by its SHA-256) and link the batch."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(batch.file_name).suffix.lower()[:10]
    name = f"ingest/{digest[:2]}/{digest}{suffix}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    batch.file.name = name
    batch.file_hash = digest


def _batch_summary(batch: ImportBatch) -> dict[str, Any]:
    return {
        "source": batch.source.name,
        "channel": batch.channel,
        "status": batch.status,
        "file_name": batch.file_name,
        "file_hash": batch.file_hash,
        "request_id": batch.request_id,
        "partial": batch.partial,
        "rows": batch.rows,
        "imported": batch.imported,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "quarantined": batch.quarantined,
    }


def _audit_updates(changed: pl.DataFrame, *, actor: Any, origin: Origin) -> None:
    fields = ("metric", "value", "customer_id", "project_id")
    for record in changed.iter_rows(named=True):
        fact = Fact(
            pk=record[store.FACT_ID],
            employee_id=record[EMPLOYEE_PK],
            occurred_on=record["occurred_on"],
            source=record["source"],
            external_id=record["external_id"],
            **{name: record[name] for name in fields},
        )
        before = {
            "employee": record["old_employee_pk"],
            "occurred_on": record["old_occurred_on"].isoformat(),
            "attributes": json.loads(record["old_attributes"]),
            **{name: record[f"old_{name}"] for name in fields},
        }
        after = {
            "employee": record[EMPLOYEE_PK],
            "occurred_on": record["occurred_on"].isoformat(),
            "attributes": json.loads(record["attributes"]),
            **{name: record[name] for name in fields},
        }
        audit_record(actor=actor, origin=origin, instance=fact, before=before, after=after)


def _write(
    checked: Checked,
    *,
    batch: ImportBatch,
    actor: Any,
    origin: Origin,
    progress: Progress | None,
) -> ImportReport:
    """Insert the new facts, update the changed ones (audited), count the unchanged."""
    report = ImportReport(unchanged=checked.known)
    total = checked.facts.height
    if progress:
        progress(0, total)
    stored = store.sources_with_facts(checked.facts.get_column("source").unique().to_list())
    for start in range(0, total, CHUNK):
        chunk = store.classified(checked.facts.slice(start, CHUNK), stored_sources=stored)
        change = pl.col(store.CHANGE)
        new = chunk.filter(change == store.NEW)
        changed = chunk.filter(change == store.UPDATED)
        store.insert(new, batch_id=batch.pk)
        if not changed.is_empty():
            _audit_updates(changed, actor=actor, origin=origin)
            store.update(changed, batch_id=batch.pk)
        report.imported += new.height
        report.updated += changed.height
        report.unchanged += chunk.height - new.height - changed.height
        if progress:
            progress(min(start + CHUNK, total), total)
    if checked.skipped:
        report.notes.append(
            ngettext(
                "%(count)d row is not a fact for this connector (for example an open deal) "
                "and was skipped",
                "%(count)d rows are not facts for this connector (for example open deals) "
                "and were skipped",
                checked.skipped,
            )
            % {"count": checked.skipped}
        )
    return report


def _quarantine(batch: ImportBatch, rows: Sequence[BadRow]) -> None:
    QuarantinedRow.objects.bulk_create(
        [
            QuarantinedRow(
                batch=batch,
                source=batch.source,
                line=row.line,
                values=row.values,
                problems=[list(problem) for problem in row.problems],
                digest=row.digest,
            )
            for row in rows
        ],
        batch_size=1000,
    )


def _all_problems(checked: Checked, file: str) -> list[Problem]:
    waiting = [
        Problem(file, row.line, column, reason)
        for row in checked.waiting_rows
        for column, reason in row.problems
    ]
    return sorted(
        checked.problems(file) + waiting,
        key=lambda problem: (problem.line or 0, problem.column or ""),
    )


def _process(
    batch: ImportBatch,
    table: pl.DataFrame,
    *,
    actor: Any,
    origin: Origin,
    progress: Progress | None,
) -> tuple[ImportReport, Checked]:
    """Check and write one intake into `batch`; the caller holds the transaction.

    Raises InputError (nothing written) in all-or-nothing mode when any row is bad.
    """
    name = batch.file_name or batch.request_id or batch.channel
    kind = _kind(batch)
    mapping = (batch.mapping or batch.source.column_mapping) if batch.channel == FILE else None
    slotted = mapped(table, kind=kind, mapping=mapping, file=name)
    text, skipped = fact_text(slotted, kind=kind)
    resubmitted = batch.channel == ImportBatch.Channel.QUARANTINE
    checked = check(
        text,
        source=batch.source,
        file=name,
        rows=table.height,
        skipped=skipped,
        recognise_quarantined=not resubmitted,
        rows_name_source=batch.channel in {FILE, ImportBatch.Channel.QUARANTINE},
    )
    if not batch.partial and (checked.bad or checked.waiting_rows):
        raise InputError(_all_problems(checked, name))
    report = _write(checked, batch=batch, actor=actor, origin=origin, progress=progress)
    if not resubmitted:
        _quarantine(batch, checked.bad)
    report.quarantined = len(checked.bad) + len(checked.waiting_rows)
    _finish(batch, report, rows=table.height, actor=actor, origin=origin)
    return report, checked


def _kind(batch: ImportBatch) -> str:
    """Files and webhooks speak their source's columns; the API and the quarantine, §5's."""
    if batch.channel in (FILE, ImportBatch.Channel.WEBHOOK):
        return batch.source.kind
    return GENERIC


def _finish(
    batch: ImportBatch, report: ImportReport, *, rows: int, actor: Any, origin: Origin
) -> None:
    batch.status = ImportBatch.Status.COMMITTED
    batch.rows = rows
    batch.imported, batch.updated = report.imported, report.updated
    batch.unchanged, batch.quarantined = report.unchanged, report.quarantined
    batch.notes = list(report.notes)
    batch.problems, batch.error = [], ""
    batch.finished_at = timezone.now()
    batch.save()
    audit_record(
        actor=actor, origin=origin, instance=batch, before=None, after=_batch_summary(batch)
    )


def _problem_rows(problems: Sequence[Problem]) -> list[list[Any]]:
    return [
        [problem.line, problem.column, problem.reason] for problem in problems[:MAX_STORED_PROBLEMS]
    ]


def _fail(batch_id: int, *, error: str, problems: Sequence[Problem] = ()) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        error=error,
        problems=_problem_rows(problems),
        finished_at=timezone.now(),
    )


def batch_run(
    *, origin: Origin, batch_id: int, progress: Progress | None = None
) -> ImportReport | None:
    """Run a queued batch (the task body): all of it commits, or none of it and the batch
    is marked failed with its problems. Returns None if the batch was not queued.

    The facts are audited as written by whoever committed the batch (`SYSTEM` when no
    one did), with `origin` (the task's)."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now(), error="", problems=[]
    )
    if not claimed:
        return None
    report_progress = progress or (lambda done, total: progress_write(batch_id, done, total))
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_related("source", "actor").get(pk=batch_id)
            report, _ = _process(
                batch,
                batch_table(batch),
                actor=batch.actor or SYSTEM,
                origin=origin,
                progress=report_progress,
            )
    except InputError as error:
        reason = gettext("Nothing was imported: some rows have problems.")
        _fail(batch_id, error=reason, problems=error.problems)
        return None
    except Exception as error:
        _fail(batch_id, error=f"{type(error).__name__}: {error}")
        raise
    finally:
        progress_clear(batch_id)
    return report


def _batch_state(batch: ImportBatch) -> dict[str, str]:
    """What the audit records of a batch's retry or failure: its status and error."""
    return {"status": batch.status, "error": batch.error}


def batches_fail_stale(
    *, actor: Any, origin: Origin, older_than: timedelta = STALE_AFTER
) -> int:
    """Mark running imports whose worker stopped (no progress for `older_than`) as failed.

    Their transaction was rolled back with the worker, so none of their facts exist;
    the batch can be retried. Each batch marked is one audit event (status and error,
    before and after). Run by the periodic `fail_stale_imports_task` task or the `fail_stale_imports` command
    (`actor=SYSTEM`, `origin=Origin.TASK`), never by a page. Returns how many were marked.
    """
    marked = 0
    now = timezone.now()
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING):
        progress = progress_read(batch.pk)
        quiet = (
            timedelta(seconds=seconds_since(progress))
            if progress is not None
            else now - (batch.started_at or batch.created_at)
        )
        if quiet < older_than:
            continue
        with transaction.atomic():
            # Only a batch still running is marked: the worker may have finished meanwhile.
            current = (
                ImportBatch.objects.select_for_update()
                .filter(pk=batch.pk, status=ImportBatch.Status.RUNNING)
                .first()
            )
            if current is None:
                continue
            before = _batch_state(current)
            _fail(
                current.pk,
                error=gettext(
                    "The import stopped before it finished (its worker ended); nothing of it "
                    "was written. Retry it."
                ),
            )
            current.refresh_from_db()
            audit_record(
                actor=actor,
                origin=origin,
                instance=current,
                before=before,
                after=_batch_state(current),
            )
        progress_clear(batch.pk)
        marked += 1
    return marked
