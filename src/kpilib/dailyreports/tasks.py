"""Background jobs of daily reports, run by the `django-tasks-db` worker.

`record_missing_reports_task` is periodic (cron running `kpilib manage
record_missing_reports`, or enqueueing this task, e.g. at 10:05 on working days): it turns
every report day whose deadline passed without a submission into a
`daily_report_missing` fact. No page does it: GET never writes.

`default_unrated_reports_task` is periodic (cron running `kpilib manage
default_unrated_reports`, or enqueueing this task, daily): a submitted report nobody rated
by its rating deadline counts as normal (0), and its fact says it is a default.

`send_report_reminders_task` is periodic too (cron running `kpilib manage
send_report_reminders`, or enqueueing this task, e.g. at 17:30 on working days): it
reminds everyone who has not submitted today's report, once per person and day.
"""

from datetime import timedelta

from django.tasks import task

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.reminders import reports_send_reminders

LOOKBACK_DAYS = 45


@task()
def record_missing_reports_task() -> int:
    """Periodic: missing-report facts for the last `LOOKBACK_DAYS` days (idempotent)."""
    now = clock.now()
    return services.reports_record_missing(
        actor=SYSTEM,
        origin=Origin.TASK,
        since=clock.today() - timedelta(days=LOOKBACK_DAYS),
        now=now,
    )


@task()
def default_unrated_reports_task() -> int:
    """Periodic: reports unrated past their rating deadline count as normal (idempotent)."""
    return services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=clock.now())


@task()
def send_report_reminders_task() -> int:
    """Periodic: remind who has not submitted today's report (once per person and day)."""
    return reports_send_reminders(
        actor=SYSTEM, origin=Origin.TASK, day=clock.today(), now=clock.now()
    )
