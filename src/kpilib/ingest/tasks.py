"""Background jobs of the ingestion, run by the `django-tasks-db` worker (`kpilib manage db_worker`).

A file import is queued by `services.batch_commit` (or `batch_retry`) once the request's
transaction commits; the worker runs `intake.batch_run`, which writes all the batch's
facts in one transaction and reports progress per chunk for the page's progress bar.

`batch_preview_task` reads, maps and checks a draft batch's sample for the preview page
(`previews`), queued whenever the file's mapping or encoding is set.

`fail_stale_imports_task` is periodic: a schedule (cron running
`kpilib manage fail_stale_imports`, or enqueueing this task) marks imports whose worker
died as failed. No page does it: GET never writes.
"""

from django.db import transaction
from django.tasks import task
from django.utils import translation

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest import intake, selectors
from kpilib.ingest.models import ImportBatch
from kpilib.ingest.previews import preview_key, preview_store


@task()
def facts_import_task(batch_id: int, language: str) -> dict[str, int]:
    """Import a queued file batch; problems are shown in the language of whoever committed."""
    with translation.override(language):
        report = intake.batch_run(origin=Origin.TASK, batch_id=batch_id)
    if report is None:
        return {}
    return {
        "imported": report.imported,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "quarantined": report.quarantined,
    }


@task()
def batch_preview_task(batch_id: int, key: str, language: str) -> dict[str, int]:
    """Prepare the preview of a draft batch, unless its mapping changed since it was queued."""
    batch = ImportBatch.objects.select_related("source").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.DRAFT or preview_key(batch) != key:
        return {}  # committed, deleted, or a newer mapping queued its own preview
    with translation.override(language):
        preview = selectors.batch_preview(batch)
    preview_store(batch, preview)
    return {"rows": preview.rows, "problem_rows": preview.problem_rows}


def enqueue_preview(batch: ImportBatch, language: str) -> None:
    """Queue the preview of the batch as it is now (the worker sees it once this commits)."""
    batch_preview_task.enqueue(batch.pk, preview_key(batch), language)


@task()
def fail_stale_imports_task() -> int:
    """Periodic: mark running imports with no progress for `STALE_AFTER` as failed (audited)."""
    return intake.batches_fail_stale(actor=SYSTEM, origin=Origin.TASK)


def enqueue_import(batch_id: int, language: str) -> None:
    """Put a batch on the worker's queue and remember the task id on the batch."""
    result = facts_import_task.enqueue(batch_id, language)
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch_id).update(task_id=str(result.id))
