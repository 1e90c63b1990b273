"""Background jobs of the ingestion, run by the `django-tasks-db` worker (`kpilib manage db_worker`).

A file import is queued by `services.batch_commit` (or `batch_retry`) once the request's
transaction commits; the worker runs `services.batch_run`, which writes all the batch's
facts in one transaction and reports progress per chunk for the page's progress bar.

`fail_stale_imports_task` is periodic: a schedule (cron running
`kpilib manage fail_stale_imports`, or enqueueing this task) marks imports whose worker
died as failed. No page does it: GET never writes.
"""

from django.db import transaction
from django.tasks import task
from django.utils import translation

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest import services
from kpilib.ingest.models import ImportBatch


@task()
def facts_import_task(batch_id: int, language: str) -> dict[str, int]:
    """Import a queued file batch; problems are shown in the language of whoever committed."""
    with translation.override(language):
        report = services.batch_run(origin=Origin.TASK, batch_id=batch_id)
    if report is None:
        return {}
    return {
        "imported": report.imported,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "quarantined": report.quarantined,
    }


@task()
def fail_stale_imports_task() -> int:
    """Periodic: mark running imports with no progress for `STALE_AFTER` as failed (audited)."""
    return services.batches_fail_stale(actor=SYSTEM, origin=Origin.TASK)


def enqueue_import(batch_id: int, language: str) -> None:
    """Put a batch on the worker's queue and remember the task id on the batch."""
    result = facts_import_task.enqueue(batch_id, language)
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch_id).update(task_id=str(result.id))
