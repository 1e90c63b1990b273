"""Who owes each phase of a cycle, and reminders before its deadline.

Owners by phase: goal setting and self-assessment — the employees; manager review — the
reviewers (managers); data collection, calibration and publication — the plan's
administrators (HR when none); acknowledgement — the employees. A reminder goes out once
per phase, when the phase's deadline is `KPILIB_REMINDER_DAYS` days away or already past,
by e-mail to every owner who has an address. Run it daily: `kpilib manage send_reminders`
(or the `send_reminders` task on the worker).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from kpilib.accounts.models import User
from kpilib.accounts.permissions import HR_ADMIN_GROUP
from kpilib.appraisal.models import Cycle

EMPLOYEES, REVIEWERS, ADMINISTRATORS = "employees", "reviewers", "administrators"
PHASE_OWNERS = {
    Cycle.Phase.GOAL_SETTING: EMPLOYEES,
    Cycle.Phase.DATA_COLLECTION: ADMINISTRATORS,
    Cycle.Phase.SELF_ASSESSMENT: EMPLOYEES,
    Cycle.Phase.MANAGER_REVIEW: REVIEWERS,
    Cycle.Phase.CALIBRATION: ADMINISTRATORS,
    Cycle.Phase.PUBLICATION: ADMINISTRATORS,
    Cycle.Phase.ACKNOWLEDGEMENT: EMPLOYEES,
}


@dataclass(frozen=True)
class Reminder:
    cycle: Cycle
    phase: str
    deadline: datetime.date
    recipients: list[User]


def phase_owners(cycle: Cycle, phase: str) -> list[User]:
    """The users who owe `phase` of the cycle (see the module docstring)."""
    role = PHASE_OWNERS.get(phase)
    participants = cycle.participants.select_related("employee__user", "reviewer__user")
    if role == EMPLOYEES:
        users = [p.employee.user for p in participants]
    elif role == REVIEWERS:
        users = [p.reviewer.user for p in participants if p.reviewer]
    elif role == ADMINISTRATORS:
        users = [a.user for a in cycle.plan.administrators.select_related("user")]
        if not any(users):
            group = Group.objects.filter(name=HR_ADMIN_GROUP).first()
            users = list(group.user_set.all()) if group else []
    else:
        users = []
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    return list(unique.values())


def due_reminders(today: datetime.date) -> list[Reminder]:
    """Cycles whose current phase is due within the reminder window and not yet reminded."""
    horizon = today + datetime.timedelta(days=settings.KPILIB_REMINDER_DAYS)
    reminders = []
    for cycle in Cycle.objects.exclude(phase=Cycle.Phase.CLOSED).select_related("plan"):
        raw = cycle.phase_deadlines.get(cycle.phase)
        if not raw or cycle.phase in cycle.reminders_sent:
            continue
        deadline = datetime.date.fromisoformat(raw)
        if deadline <= horizon:
            reminders.append(
                Reminder(cycle, cycle.phase, deadline, phase_owners(cycle, cycle.phase))
            )
    return reminders


def _message(reminder: Reminder, user: User) -> tuple[str, str, str, list[str]]:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        phase = Cycle.Phase(reminder.phase).label
        subject = gettext("%(cycle)s: %(phase)s is due on %(date)s") % {
            "cycle": reminder.cycle.local_name,
            "phase": phase,
            "date": reminder.deadline.isoformat(),
        }
        body = gettext(
            "The phase “%(phase)s” of %(cycle)s is due on %(date)s and waits for you. "
            "Open kpilib to do your part."
        ) % {"phase": phase, "cycle": reminder.cycle.local_name, "date": reminder.deadline.isoformat()}
    address = user.email or getattr(getattr(user, "employee", None), "email", "")
    return subject, body, settings.DEFAULT_FROM_EMAIL, [address]


@transaction.atomic
def reminders_send(*, today: datetime.date) -> int:
    """Send every due reminder once; returns how many e-mails went out."""
    messages = []
    for reminder in due_reminders(today):
        messages += [
            message for user in reminder.recipients if (message := _message(reminder, user))[3][0]
        ]
        cycle = reminder.cycle
        cycle.reminders_sent = {**cycle.reminders_sent, reminder.phase: today.isoformat()}
        cycle.save(update_fields=["reminders_sent"])
    return send_mass_mail(messages) if messages else 0
