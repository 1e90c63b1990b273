"""Background jobs of daily reports, run by the `django-tasks-db` worker.

`record_missing_reports_task` is periodic (cron running `kpilib manage
record_missing_reports`, or enqueueing this task, e.g. at 10:05 on working days): it turns
every report day whose deadline passed without a submission into a
`daily_report_missing` fact. No page does it: GET never writes.
"""

from datetime import timedelta

from django.tasks import task

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports import services

LOOKBACK_DAYS = 45


@task()
def record_missing_reports_task() -> int:
    """Periodic: missing-report facts for the last `LOOKBACK_DAYS` days (idempotent)."""
    now = clock.now()
    return services.reports_record_missing(
        actor=SYSTEM, origin=Origin.TASK, since=clock.today() - timedelta(days=LOOKBACK_DAYS), now=now
    )
