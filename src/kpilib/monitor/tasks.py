"""Background jobs of the KPI monitor, run by the `django-tasks-db` worker.

`weekly_digest_task` is periodic (cron running `kpilib manage send_weekly_digest`, or
enqueueing this task, once a week, e.g. Monday 08:00): each manager's and director's
digest of the meters off track and what changed, and one count-only message per company
to its group robots (`kpilib.monitor.digest`), once per ISO week.
"""

from django.tasks import task

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.monitor.digest import weekly_digest_send


@task()
def weekly_digest_task() -> int:
    """Periodic: the weekly KPI digest (once per manager, company and ISO week)."""
    return weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=clock.today())
