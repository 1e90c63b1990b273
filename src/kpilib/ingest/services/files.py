"""Facts from files: the one-step import (CLI) and the draft batch the web maps, previews and
commits (`tasks` reads the preview and runs the import on the worker)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record
from kpilib.importing import ImportReport
from kpilib.ingest import tasks
from kpilib.ingest.connectors import GENERIC
from kpilib.ingest.errors import IngestError
from kpilib.ingest.intake import (
    FILE,
    Progress,
    _batch_state,
    _batch_summary,
    _keep_file,
    _process,
    _user,
)
from kpilib.ingest.models import (
    ImportBatch,
    Source,
)
from kpilib.ingest.selectors import PREVIEW_SAMPLE
from kpilib.ingest.services.sources import source_create, source_named, source_update
from kpilib.tabular import ENCODINGS, XLSX_SUFFIXES, detect_encoding, read_table_bytes


def _remember_mapping(*, actor: Any, origin: Origin, batch: ImportBatch) -> None:
    """The mapping a file used becomes its source's saved mapping (reused next time)."""
    if batch.mapping and batch.mapping != batch.source.column_mapping:
        source_update(
            actor=actor,
            origin=origin,
            source=batch.source,
            column_mapping=batch.mapping,
        )


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
    tasks.enqueue_preview(batch, translation.get_language() or "en")


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
    transaction.on_commit(lambda: tasks.enqueue_import(batch.pk, language))
    return batch


@transaction.atomic
def batch_retry(*, actor: Any, origin: Origin, batch: ImportBatch) -> ImportBatch:
    """Queue a failed file import again (its original file is kept)."""
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
    transaction.on_commit(lambda: tasks.enqueue_import(batch.pk, language))
    return batch
