"""Background jobs of training, run by the `django-tasks-db` worker.

`send_certification_reminders_task` is periodic (cron running `kpilib manage
send_certification_reminders`, or enqueueing this task, once a day): it reminds people
and their managers 90, 60, 30 and 7 days before a certification expires.
"""

from django.tasks import task

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.training.reminders import certifications_send_reminders


@task()
def send_certification_reminders_task() -> int:
    return certifications_send_reminders(actor=SYSTEM, origin=Origin.TASK, today=clock.today())
