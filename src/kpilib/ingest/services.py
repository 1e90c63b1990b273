"""Writing facts and everything around them: sources, owner mappings, tokens, batches, quarantine.

Every intake runs the same steps (`_process`): map the columns, let the connector make
facts, check them (`pipeline.check`), then either refuse the whole intake (all or
nothing, the default: `InputError` lists every problem and nothing is written) or write
the good rows and quarantine the bad ones (`partial`). Facts are written in chunks of
`CHUNK` rows inside the caller's transaction (`store`), so an import that dies halfway
leaves nothing behind; progress is reported after each chunk.

Auditing: a committed batch is one audit event (its source, file, hash and counts: the
facts it created are its rows, found through `Fact.batch`); every fact an import
*changes* is an audit event with each changed field before and after. Sources, owner
mappings, tokens and quarantine decisions are audited like any other object.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.errors import InputError, Problem
from kpilib.importing import ImportReport
from kpilib.ingest import store
from kpilib.ingest.connectors import GENERIC, slots_of
from kpilib.ingest.errors import IngestError, RequestConflict, TooManyFacts, WebhookRefused
from kpilib.ingest.models import (
    ApiToken,
    Fact,
    ImportBatch,
    OwnerAlias,
    QuarantinedRow,
    Source,
    WebhookDelivery,
)
from kpilib.ingest.pipeline import (
    EMPLOYEE_PK,
    BadRow,
    Checked,
    check,
    fact_text,
    mapped,
    text_table,
)
from kpilib.ingest.progress import progress_clear, progress_read, progress_write, seconds_since
from kpilib.ingest.selectors import PREVIEW_SAMPLE, batch_table
from kpilib.org.models import Employee
from kpilib.tabular import ENCODINGS, XLSX_SUFFIXES, detect_encoding, read_table_bytes

CHUNK = 50_000
MAX_API_FACTS = 10_000
MAX_STORED_PROBLEMS = 1_000
WEBHOOK_WINDOW = timedelta(minutes=5)
STALE_AFTER = timedelta(minutes=2)
FILE = ImportBatch.Channel.FILE
Progress = Callable[[int, int], None]






def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- sources, owner mappings, tokens -------------------------------------------------


@transaction.atomic
def source_create(
    *, actor: Any, origin: Origin, name: str, kind: str = GENERIC, webhook_secret: str = ""
) -> Source:
    source = Source(name=name, kind=kind, webhook_secret=webhook_secret)
    source.full_clean()
    source.save()
    audit_record(actor=actor, origin=origin, instance=source, before=None)
    return source


@transaction.atomic
def source_update(*, actor: Any, origin: Origin, source: Source, **changes: Any) -> Source:
    before = audit_snapshot(Source.objects.get(pk=source.pk))
    for name, value in changes.items():
        setattr(source, name, value)
    source.full_clean()
    source.save()
    audit_record(actor=actor, origin=origin, instance=source, before=before)
    return source


def source_named(*, actor: Any, origin: Origin, name: str) -> Source:
    """The source called `name`; a new name makes a plain facts source.

    Raises InputError when `name` cannot name a source (letters, digits, `-` and `_`).
    """
    existing = Source.objects.filter(name=name).first()
    if existing is not None:
        return existing
    try:
        return source_create(actor=actor, origin=origin, name=name)
    except ValidationError as error:
        reasons = [message for messages in error.message_dict.values() for message in messages]
        raise InputError([Problem("--source", None, name, reason) for reason in reasons]) from None


@transaction.atomic
def owner_alias_set(
    *, actor: Any, origin: Origin, source: Source, alias: str, employee: Employee
) -> OwnerAlias:
    """Map how `source` names an owner (a CRM user name or id) to an employee."""
    alias = alias.strip()
    if not alias:
        raise IngestError(gettext("the name or id in the source is empty"))
    existing = OwnerAlias.objects.filter(source=source, alias=alias).first()
    if existing is None:
        created = OwnerAlias.objects.create(source=source, alias=alias, employee=employee)
        audit_record(actor=actor, origin=origin, instance=created, before=None)
        return created
    before = audit_snapshot(existing)
    existing.employee = employee
    existing.save(update_fields=["employee"])
    audit_record(actor=actor, origin=origin, instance=existing, before=before)
    return existing


@transaction.atomic
def owner_alias_delete(*, actor: Any, origin: Origin, alias: OwnerAlias) -> None:
    audit_record(actor=actor, origin=origin, instance=alias, before=None, deleted=True)
    alias.delete()


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    snapshot = audit_snapshot(token)
    snapshot.pop("token_hash", None)  # never keep credentials in the trail
    return snapshot


@transaction.atomic
def api_token_create(
    *, actor: Any, origin: Origin, name: str, user: Any, source: Source
) -> tuple[ApiToken, str]:
    """A new token for `user` posting facts of `source`; the raw token is returned once only."""
    raw = f"kpi_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=user, source=source, prefix=raw[:12], token_hash=_token_hash(raw)
    )
    audit_record(
        actor=actor,
        origin=origin,
        instance=token,
        before=None,
        after=_token_snapshot(token),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, origin: Origin, token: ApiToken) -> ApiToken:
    before = _token_snapshot(ApiToken.objects.get(pk=token.pk))
    token.is_active = False
    token.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        origin=origin,
        instance=token,
        before=before,
        after=_token_snapshot(token),
    )
    return token


def api_token_use(*, raw: str) -> ApiToken | None:
    """The active token whose hash matches `raw` (its last use recorded), or None."""
    token = (
        ApiToken.objects.select_related("user", "source")
        .filter(token_hash=_token_hash(raw), is_active=True, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


# --- the shared intake steps ---------------------------------------------------------


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


def _remember_mapping(*, actor: Any, origin: Origin, batch: ImportBatch) -> None:
    """The mapping a file used becomes its source's saved mapping (reused next time)."""
    if batch.mapping and batch.mapping != batch.source.column_mapping:
        source_update(
            actor=actor,
            origin=origin,
            source=batch.source,
            column_mapping=batch.mapping,
        )


# --- files ---------------------------------------------------------------------------


@transaction.atomic
def facts_import(
    *,
    actor: Any, origin: Origin,
    data: bytes,
    file_name: str,
    source: str,
    mapping: Mapping[str, str] | None = None,
    partial: bool = False,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> ImportReport:
    """Import a facts file (CSV/XLSX/JSON; a connector's export for a connector source).

    `encoding` is the person's choice when the file's encoding is not certain (else
    `tabular.EncodingUncertain`, an InputError, is raised and nothing is written).

    Idempotent by (source, external_id). All or nothing by default: raises InputError
    listing every problem and writes nothing. With `partial`, good rows are written and
    bad ones quarantined. The original file is kept with the batch.
    """
    batch = ImportBatch(
        source=source_named(actor=actor, origin=origin, name=source),
        channel=FILE,
        status=ImportBatch.Status.RUNNING,
        actor=_user(actor),
        file_name=file_name,
        mapping=dict(mapping or {}),
        partial=partial,
        started_at=timezone.now(),
        encoding=encoding or "",
    )
    _keep_file(batch, data)
    batch.save()
    table = read_table_bytes(data, name=file_name, encoding=encoding)
    report, _ = _process(batch, table, actor=actor, origin=origin, progress=progress)
    _remember_mapping(actor=actor, origin=origin, batch=batch)
    return report


@transaction.atomic
def batch_upload(
    *,
    actor: Any,
    origin: Origin,
    data: bytes,
    file_name: str,
    source: Source | None = None,
    new_source: str = "",
    new_kind: str = GENERIC,
) -> ImportBatch:
    """Keep an uploaded file as a draft batch, to be mapped, previewed and committed.

    The file comes from `source`, or from a new source named `new_source` (of connector
    `new_kind`) created with it: one action, so an unreadable file leaves no new source.
    The file's first rows are read now, so an unreadable file is refused at once (the
    rest is read by the preview's sample and the import). When its encoding is not
    certain the batch keeps the likeliest one and the mapping page asks the person."""
    encoding, certain = "", True
    if not file_name.lower().endswith(XLSX_SUFFIXES):
        detected = detect_encoding(data)
        encoding, certain = detected.encoding, detected.certain
    read_table_bytes(data, name=file_name, encoding=encoding or None, max_rows=PREVIEW_SAMPLE)
    if source is None:
        source = source_create(actor=actor, origin=origin, name=new_source, kind=new_kind)
    batch = ImportBatch(
        source=source,
        channel=ImportBatch.Channel.FILE,
        actor=_user(actor),
        file_name=file_name,
        mapping=dict(source.column_mapping),
        encoding=encoding,
        encoding_certain=certain,
    )
    _keep_file(batch, data)
    batch.save()
    audit_record(
        actor=actor, origin=origin, instance=batch, before=None, after=_batch_summary(batch)
    )
    _queue_preview(batch)
    return batch


def _queue_preview(batch: ImportBatch) -> None:
    """The preview is read on the worker, never in the request (`previews`). Enqueued
    inside the transaction: the database queue shows it to the worker with this commit."""
    from kpilib.ingest.tasks import enqueue_preview

    enqueue_preview(batch, translation.get_language() or "en")


@transaction.atomic
def batch_set_encoding(
    *, actor: Any, origin: Origin, batch: ImportBatch, encoding: str
) -> ImportBatch:
    """Read a draft batch's file in the encoding the person chose (one of `ENCODINGS`)."""
    if batch.status != ImportBatch.Status.DRAFT:
        raise IngestError(gettext("This import has already been committed."))
    if encoding not in ENCODINGS:
        raise IngestError(gettext("Unknown encoding %(encoding)s.") % {"encoding": encoding})
    before = {"encoding": batch.encoding}
    batch.encoding = encoding
    batch.save(update_fields=["encoding"])
    audit_record(
        actor=actor, origin=origin, instance=batch, before=before, after={"encoding": encoding}
    )
    _queue_preview(batch)
    return batch


@transaction.atomic
def batch_map(
    *, actor: Any, origin: Origin, batch: ImportBatch, mapping: Mapping[str, str]
) -> ImportBatch:
    """Choose which column of the file fills each field of the source."""
    if batch.status != ImportBatch.Status.DRAFT:
        raise IngestError(gettext("This import has already been committed."))
    before = {"mapping": batch.mapping}
    batch.mapping = dict(mapping)
    batch.save(update_fields=["mapping"])
    audit_record(
        actor=actor, origin=origin, instance=batch, before=before, after={"mapping": batch.mapping}
    )
    _queue_preview(batch)
    return batch


@transaction.atomic
def batch_commit(*, actor: Any, origin: Origin, batch: ImportBatch, partial: bool) -> ImportBatch:
    """Queue a previewed file for import on the task worker (enqueued once this commits)."""
    from kpilib.ingest.tasks import enqueue_import

    if batch.status != ImportBatch.Status.DRAFT:
        raise IngestError(gettext("This import has already been committed."))
    before = {"status": batch.status, "partial": batch.partial}
    batch.partial = partial
    batch.status = ImportBatch.Status.QUEUED
    batch.save(update_fields=["partial", "status"])
    audit_record(
        actor=actor,
        origin=origin,
        instance=batch,
        before=before,
        after={"status": batch.status, "partial": batch.partial},
    )
    _remember_mapping(actor=actor, origin=origin, batch=batch)
    language = translation.get_language() or "en"
    transaction.on_commit(lambda: enqueue_import(batch.pk, language))
    return batch


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


@transaction.atomic
def batch_retry(*, actor: Any, origin: Origin, batch: ImportBatch) -> ImportBatch:
    """Queue a failed file import again (its original file is kept)."""
    from kpilib.ingest.tasks import enqueue_import

    if batch.status != ImportBatch.Status.FAILED or batch.channel != ImportBatch.Channel.FILE:
        raise IngestError(gettext("Only a failed file import can be retried."))
    before = _batch_state(batch)
    batch.status = ImportBatch.Status.QUEUED
    batch.error = ""
    batch.problems = []
    batch.actor = _user(actor) or batch.actor
    batch.save(update_fields=["status", "error", "problems", "actor"])
    audit_record(
        actor=actor,
        origin=origin,
        instance=batch,
        before=before,
        after=_batch_state(batch),
    )
    language = translation.get_language() or "en"
    transaction.on_commit(lambda: enqueue_import(batch.pk, language))
    return batch


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


# --- API and webhooks ----------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """The answer to an API or webhook intake (stored for idempotent replays)."""

    status: int
    body: dict[str, Any]


def _item_errors(checked: Checked | None, problems: Sequence[Problem]) -> list[dict[str, Any]]:
    rows: list[tuple[int | None, str, str]] = []
    if checked is not None:
        rows = [
            (row.line, column, reason)
            for row in (*checked.bad, *checked.waiting_rows)
            for column, reason in row.problems
        ]
    else:
        rows = [(problem.line, problem.column or "", problem.reason) for problem in problems]
    return [
        {"index": line - 1 if line else None, "field": column, "reason": reason}
        for line, column, reason in sorted(rows, key=lambda row: row[0] or 0)
    ]


def facts_receive(
    *,
    actor: Any, origin: Origin,
    source: Source,
    records: Sequence[Mapping[str, Any]],
    channel: str,
    request_id: str = "",
    body: bytes = b"",
    partial: bool = False,
) -> Receipt:
    """Take a batch of facts from the API (product.md §5 fields) or a webhook (the source's
    columns). Replaying a `request_id` returns the first answer without importing again;
    the same id with a different body is refused. Items are numbered from 0."""
    if len(records) > MAX_API_FACTS:
        raise TooManyFacts(
            gettext("at most %(limit)d facts per request") % {"limit": MAX_API_FACTS}
        )
    request_hash = hashlib.sha256(body).hexdigest() if body else ""
    if request_id:
        earlier = ImportBatch.objects.filter(
            source=source, channel=channel, request_id=request_id
        ).first()
        if earlier is not None:
            return _replayed(earlier, request_hash)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source=source,
                channel=channel,
                status=ImportBatch.Status.RUNNING,
                actor=_user(actor),
                request_id=request_id,
                request_hash=request_hash,
                partial=partial,
                started_at=timezone.now(),
            )
    except IntegrityError:
        raise RequestConflict(
            gettext("A request with this Idempotency-Key is in progress.")
        ) from None
    required, _ = slots_of(_kind(batch))
    table = text_table(records, range(1, len(records) + 1), columns=required)
    try:
        with transaction.atomic():
            report, checked = _process(
                batch, table, actor=actor, origin=origin, progress=None
            )
            receipt = Receipt(
                200,
                {
                    "batch": batch.pk,
                    "imported": report.imported,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "quarantined": report.quarantined,
                    "skipped": checked.skipped,
                    "errors": _item_errors(checked, ()),
                },
            )
            ImportBatch.objects.filter(pk=batch.pk).update(response=asdict(receipt))
    except InputError as error:
        receipt = Receipt(
            422,
            {
                "batch": batch.pk,
                "detail": gettext("Nothing was imported: some facts have problems."),
                "errors": _item_errors(None, error.problems),
            },
        )
        _fail(batch.pk, error=receipt.body["detail"], problems=error.problems)
        ImportBatch.objects.filter(pk=batch.pk).update(response=asdict(receipt))
    return receipt


def _replayed(batch: ImportBatch, request_hash: str) -> Receipt:
    if batch.request_hash != request_hash:
        raise RequestConflict(
            gettext("This Idempotency-Key was already used with a different request body.")
        )
    if not batch.response:
        raise RequestConflict(gettext("A request with this Idempotency-Key is in progress."))
    return Receipt(int(batch.response["status"]), dict(batch.response["body"]))


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 (hex) of `timestamp` + "." + body: what a sender puts in the signature header."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def webhook_accept(
    *, actor: Any, origin: Origin, source: Source, timestamp: str, signature: str, body: bytes
) -> None:
    """Verify a webhook delivery: signed with the source's secret, recent, not seen before.

    Raises WebhookRefused with the reason; an accepted delivery is remembered for the
    replay window so that sending it again is refused.
    """
    if not source.webhook_secret:
        raise WebhookRefused(gettext("this source takes no webhooks"))
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookRefused(gettext("missing or malformed timestamp")) from None
    now = timezone.now()
    if abs(now.timestamp() - sent) > WEBHOOK_WINDOW.total_seconds():
        raise WebhookRefused(gettext("the timestamp is outside the accepted window"))
    expected = webhook_signature(source.webhook_secret, timestamp, body)
    given = signature.removeprefix("sha256=")
    if not hmac.compare_digest(expected, given):
        raise WebhookRefused(gettext("the signature does not match"))
    WebhookDelivery.objects.filter(received_at__lt=now - 2 * WEBHOOK_WINDOW).delete()
    delivery, created = WebhookDelivery.objects.get_or_create(source=source, signature=expected)
    if not created:
        raise WebhookRefused(gettext("this delivery was already received"))
    audit_record(actor=actor, origin=origin, instance=delivery, before=None)


# --- quarantine ----------------------------------------------------------------------


def quarantine_resubmit(
    *,
    actor: Any, origin: Origin,
    rows: Sequence[QuarantinedRow],
    edits: Mapping[int, Mapping[str, str | None]] | None = None,
) -> ImportReport:
    """Import fixed quarantined rows (`edits`: row id → changed values) of one source.

    Rows that are now good become facts and are marked resolved; rows still bad keep
    waiting with their new values and problems.
    """
    rows = [row for row in rows if row.status == QuarantinedRow.Status.OPEN]
    if not rows:
        return ImportReport()
    sources = {row.source_id for row in rows}
    if len(sources) != 1:
        raise IngestError(gettext("Re-submit the rows of one source at a time."))
    edits = edits or {}
    values = [{**row.values, **edits.get(row.pk, {})} for row in rows]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=rows[0].source,
            channel=ImportBatch.Channel.QUARANTINE,
            status=ImportBatch.Status.RUNNING,
            actor=_user(actor),
            partial=True,
            started_at=timezone.now(),
        )
        table = text_table(values, range(1, len(rows) + 1))
        report, checked = _process(batch, table, actor=actor, origin=origin, progress=None)
        still_bad = {bad.line: bad for bad in checked.bad}
        now = timezone.now()
        for position, (row, new_values) in enumerate(zip(rows, values, strict=True), start=1):
            before = audit_snapshot(row)
            row.values = new_values
            if position in still_bad:
                row.problems = [list(problem) for problem in still_bad[position].problems]
            else:
                row.status = QuarantinedRow.Status.RESOLVED
                row.resolved_batch = batch
                row.resolved_at = now
            row.save()
            audit_record(actor=actor, origin=origin, instance=row, before=before)
    return report


@transaction.atomic
def quarantine_discard(*, actor: Any, origin: Origin, rows: Sequence[QuarantinedRow]) -> int:
    """Give up on quarantined rows (they are kept, marked discarded, and audited)."""
    discarded = 0
    now = timezone.now()
    for row in rows:
        if row.status != QuarantinedRow.Status.OPEN:
            continue
        before = audit_snapshot(row)
        row.status = QuarantinedRow.Status.DISCARDED
        row.resolved_at = now
        row.save(update_fields=["status", "resolved_at"])
        audit_record(actor=actor, origin=origin, instance=row, before=before)
        discarded += 1
    return discarded
