"""Reminders before a certification expires: 90, 60, 30 and 7 days ahead.

`certifications_send_reminders` looks at every current holding (the newest per person
and certification; a renewal replaces the old one) that expires on or after `today`. When
it has reached a threshold it was not yet reminded at (or a more urgent one), the person
gets an e-mail in their language, with their manager in copy by a second e-mail, and each
company's active group robots get one message naming everyone due. Each reminder is a
`CertificationReminder` row written before anything is sent, so running the job twice
a day reminds nobody twice; a reminder of a missed larger threshold is not sent once a
smaller one is due (30 days left → the 30-day reminder only). Everything goes through
`kpilib.notifications.notify` (record, audit); failed deliveries are visible there.
Run daily (`kpilib manage send_certification_reminders` or the task).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record
from kpilib.notifications.services import Email, notify
from kpilib.org.models import Employee
from kpilib.org.selectors import company_of
from kpilib.training.models import CertificationHeld, CertificationReminder
from kpilib.training.selectors import current_holdings, reminder_threshold

TOPIC = "certification_expiry"


def reminders_due(*, today: datetime.date) -> list[tuple[CertificationHeld, int]]:
    """Holdings that reached a reminder threshold on `today` without a reminder at it
    (or at a more urgent one), with that threshold."""
    people = Employee.objects.filter(left_on__isnull=True)
    held = [h for h in current_holdings(people).values() if h.expires_on and h.expires_on >= today]
    sent: dict[int, int] = {}
    for held_pk, days in CertificationReminder.objects.filter(
        held__in=[h.pk for h in held]
    ).values_list("held_id", "days_before"):
        sent[held_pk] = min(days, sent.get(held_pk, days))
    due = []
    for holding in held:
        threshold = reminder_threshold(holding, today)
        if threshold is not None and sent.get(holding.pk, 10**6) > threshold:
            due.append((holding, threshold))
    return due


def _email(person: Employee, holding: CertificationHeld, today: datetime.date) -> Email:
    user = person.user
    assert holding.expires_on is not None
    values = {
        "name": holding.employee.name,
        "certification": holding.certification.name,
        "day": holding.expires_on.isoformat(),
        "left": (holding.expires_on - today).days,
    }
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        if holding.certification.name_en and translation.get_language() == "en":
            values["certification"] = holding.certification.name_en
        subject = gettext("%(certification)s expires on %(day)s") % values
        body = gettext(
            "%(name)s's certification %(certification)s expires on %(day)s, in %(left)s "
            "days. Plan the renewal; kpilib records the renewed certificate as a new one "
            "and keeps the history."
        ) % values
    address = (getattr(user, "email", "") if user else "") or person.email
    return Email(recipient=user, address=address, subject=subject, body=body)


def _group_text(items: list[tuple[CertificationHeld, int]]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Certifications expiring: %(list)s.") % {
            "list": "；".join(
                f"{h.employee.name} {h.certification.name} {h.expires_on.isoformat() if h.expires_on else ''}"
                for h, _days in items
            )
        }


@transaction.atomic
def certifications_send_reminders(*, actor: Any, origin: Origin, today: datetime.date) -> int:
    """Send the reminders due on `today`; returns how many holdings were reminded."""
    due = reminders_due(today=today)
    by_company: dict[int | None, list[tuple[CertificationHeld, int]]] = defaultdict(list)
    companies: dict[int | None, Any] = {}
    for holding, days in due:
        company = company_of(holding.employee.org_unit)
        companies[company.pk if company else None] = company
        by_company[company.pk if company else None].append((holding, days))
    for key, items in by_company.items():
        emails = []
        for holding, days in items:
            reminder = CertificationReminder.objects.create(held=holding, days_before=days, sent_on=today)
            audit_record(actor=actor, origin=origin, instance=reminder, before=None)
            emails.append(_email(holding.employee, holding, today))
            if holding.employee.manager_id:
                emails.append(_email(holding.employee.manager, holding, today))
        notify(
            actor=actor,
            origin=origin,
            topic=TOPIC,
            key=f"{today.isoformat()}:{key or '-'}",
            emails=emails,
            group_text=_group_text(items),
            company=companies[key],
        )
    return len(due)
