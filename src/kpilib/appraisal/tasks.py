"""Background tasks of the appraisal app (run by `kpilib manage db_worker`)."""

from django.tasks import task

from kpilib import clock
from kpilib.appraisal.reminders import reminders_send
from kpilib.audit.origin import SYSTEM, Origin


@task()
def send_reminders() -> int:
    """Daily: remind the owners of cycle phases due soon (e-mail and group robots)."""
    return reminders_send(actor=SYSTEM, origin=Origin.TASK, today=clock.today())
