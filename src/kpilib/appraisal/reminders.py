"""Who owes each phase of a cycle, and reminders before its deadline.

Owners by phase: goal setting and self-assessment — the employees (in self-assessment only
those who have not submitted theirs); manager review — the reviewers (managers) of the
people whose review is not submitted yet; data collection, calibration and publication — the plan's
administrators (HR when none); acknowledgement — the employees. A reminder goes out once
per phase, when the phase's deadline is `KPILIB_REMINDER_DAYS` days away or already past,
through `kpilib.notifications`: by e-mail to every owner who has an address (in their
language), and one message naming the owners to each group robot of the company. Run it
daily: `kpilib manage send_reminders` (or the `send_reminders` task on the worker).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from kpilib.accounts.models import User
from kpilib.appraisal.models import Cycle
from kpilib.audit.origin import Origin
from kpilib.notifications.models import Notification
from kpilib.notifications.services import Email, notify
from kpilib.org.selectors import company_of
from kpilib.permissions import HR_ADMIN_GROUP

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
    """The users who still owe `phase` of the cycle (see the module docstring)."""
    role = PHASE_OWNERS.get(phase)
    participants = cycle.participants.select_related("employee__user", "reviewer__user")
    # Self-assessment and manager review are owed person by person: only those still owing.
    if phase == Cycle.Phase.SELF_ASSESSMENT:
        participants = participants.filter(self_submitted_at__isnull=True)
    elif phase == Cycle.Phase.MANAGER_REVIEW:
        participants = participants.filter(review_submitted_at__isnull=True)
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


def _texts(reminder: Reminder, language: str) -> tuple[str, str]:
    with translation.override(language):
        phase = Cycle.Phase(reminder.phase).label
        values = {
            "cycle": reminder.cycle.local_name,
            "phase": phase,
            "date": reminder.deadline.isoformat(),
        }
        subject = gettext("%(cycle)s: %(phase)s is due on %(date)s") % values
        body = (
            gettext(
                "The phase “%(phase)s” of %(cycle)s is due on %(date)s and waits for you. "
                "Open kpilib to do your part."
            )
            % values
        )
    return subject, body


def _email(reminder: Reminder, user: User) -> Email:
    subject, body = _texts(reminder, user.language or settings.LANGUAGE_CODE)
    address = user.email or getattr(getattr(user, "employee", None), "email", "")
    return Email(recipient=user, address=address, subject=subject, body=body)


def _group_text(reminder: Reminder) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        subject, _ = _texts(reminder, settings.LANGUAGE_CODE)
        names = "、".join(
            getattr(getattr(user, "employee", None), "name", "") or user.get_username()
            for user in reminder.recipients
        )
        return subject + "\n" + gettext("Waiting for: %(names)s") % {"names": names}


@transaction.atomic
def reminders_send(*, actor: Any, origin: Origin, today: datetime.date) -> int:
    """Send every due reminder once; returns how many e-mails went out."""
    sent = 0
    for reminder in due_reminders(today):
        cycle = reminder.cycle
        first = cycle.participants.select_related("employee__org_unit").first()
        records = notify(
            actor=actor,
            origin=origin,
            topic="cycle_phase_due",
            key=f"cycle:{cycle.pk}:{reminder.phase}",
            emails=[_email(reminder, user) for user in reminder.recipients],
            group_text=_group_text(reminder) if reminder.recipients else "",
            company=company_of(first.employee.org_unit) if first else None,
        )
        sent += sum(
            1
            for record in records
            if record.kind == "email" and record.status == Notification.Status.SENT
        )
        cycle.reminders_sent = {**cycle.reminders_sent, reminder.phase: today.isoformat()}
        cycle.save(update_fields=["reminders_sent"])
    return sent
