"""Reminders to submit a daily report: once per person and report day, by e-mail and group robot.

`reports_send_reminders` looks at one report day (`day`, normally today): everyone who
must report (`selectors.employees_required`: a sign-in, still employed, an active
template), for whom the day is a working day (China's calendar and the company's
exceptions, from the hire date, before leaving) and who has not submitted that day's
report, and who has not been reminded of it yet. Each such person gets an e-mail in
their own language saying when the report is due (or that it is overdue), and each
company's active group robots (DingTalk / WeCom / Feishu) get one message naming them.
Everything goes through `kpilib.notifications.notify`, so each message sent (or failed)
is a `Notification` with its text and error, and is audited.

A reminder is recorded as a `ReportReminder` (person, day) before its messages are tried,
whatever the platforms then answer: running the job again the same day (or twice at
once: the second waits on the unique row and fails) reminds nobody twice.
A failed delivery stays visible in the notifications record; it is not retried by the
next run. Run it once on each working day before the deadline, e.g. at 17:30
(`kpilib manage send_report_reminders`, or the `send_report_reminders_task` task).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record
from kpilib.clock import time_zone_name
from kpilib.dailyreports.models import ReportReminder
from kpilib.dailyreports.selectors import (
    deadline_of,
    employees_required,
    submission_rows,
    template_for,
)
from kpilib.notifications.services import Email, notify
from kpilib.org.models import Employee
from kpilib.org.selectors import company_of

TOPIC = "daily_report_reminder"


@dataclass(frozen=True)
class Due:
    """One person who still owes the report of `day`, and when it is (or was) due."""

    employee: Employee
    day: date
    deadline: datetime


def reminders_due(*, day: date, now: datetime) -> list[Due]:
    """Who owes the report of `day` as of `now` and has not been reminded of it (by name)."""
    reminded = set(ReportReminder.objects.filter(report_date=day).values_list("author_id", flat=True))
    people = employees_required().exclude(pk__in=reminded).select_related("user", "org_unit")
    due = []
    for row in submission_rows(people, since=day, until=day, now=now):
        if row.waiting or row.missing_days:
            employee = row.employee
            due.append(Due(employee, day, deadline_of(employee, template_for(employee), day)))
    return due


def _local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(time_zone_name())).strftime("%Y-%m-%d %H:%M")


def _email(due: Due, now: datetime) -> Email:
    user = due.employee.user
    values = {"date": due.day.isoformat(), "deadline": _local(due.deadline)}
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        if due.deadline >= now:
            subject = gettext("Daily report for %(date)s: due by %(deadline)s") % values
            body = gettext(
                "You have not submitted your daily report for %(date)s yet. It is due by "
                "%(deadline)s. Open kpilib (日报, /reports/) to write and submit it."
            ) % values
        else:
            subject = gettext("Daily report for %(date)s: overdue since %(deadline)s") % values
            body = gettext(
                "Your daily report for %(date)s was due by %(deadline)s and has not been "
                "submitted. Submit it in kpilib (日报, /reports/); it will count as late."
            ) % values
    address = (getattr(user, "email", "") or due.employee.email) if user else due.employee.email
    return Email(recipient=user, address=address, subject=subject, body=body)


def _group_text(people: list[Due]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Daily report reminder: %(names)s have not submitted the report for %(date)s.") % {
            "names": "、".join(due.employee.name for due in people),
            "date": people[0].day.isoformat(),
        }


@transaction.atomic
def reports_send_reminders(*, actor: Any, origin: Origin, day: date, now: datetime) -> int:
    """Remind everyone who owes the report of `day` and was not reminded yet; returns how many
    people were reminded (an e-mail each, one message per company to its group robots)."""
    due = reminders_due(day=day, now=now)
    by_company: dict[int | None, list[Due]] = defaultdict(list)
    companies: dict[int | None, Any] = {}
    for item in due:
        company = company_of(item.employee.org_unit)
        key = company.pk if company else None
        companies[key] = company
        by_company[key].append(item)
    for key, people in by_company.items():
        # The reminders are written before anything is sent: a second run at the same
        # time waits on these rows and then fails on the unique (person, day) constraint,
        # so it sends nothing twice.
        for item in people:
            reminder = ReportReminder.objects.create(
                author=item.employee, report_date=day, deadline=item.deadline, sent_at=now
            )
            audit_record(actor=actor, origin=origin, instance=reminder, before=None)
        notify(
            actor=actor,
            origin=origin,
            topic=TOPIC,
            key=f"{day.isoformat()}:{key or '-'}",
            emails=[_email(item, now) for item in people],
            group_text=_group_text(people),
            company=companies[key],
        )
    return len(due)
