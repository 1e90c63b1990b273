"""Background tasks of the appraisal app (run by `kpilib manage db_worker`)."""

from django.tasks import task

from kpilib import clock
from kpilib.appraisal.reminders import reminders_send


@task()
def send_reminders() -> int:
    """Daily: e-mail the owners of cycle phases due soon."""
    return reminders_send(today=clock.today())
