"""Background jobs of 360 feedback, run by the `django-tasks-db` worker.

`send_feedback_reminders_task` is periodic (cron running `kpilib manage
send_feedback_reminders`, or enqueueing this task, once a day): raters with open forms are
reminded 7 and 2 days before a campaign's deadline and every 3 days after it.
"""

from django.tasks import task

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback.reminders import feedback_send_reminders


@task()
def send_feedback_reminders_task() -> int:
    """Periodic: remind raters with open 360 forms (once per rater, campaign and day)."""
    return feedback_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=clock.today())
