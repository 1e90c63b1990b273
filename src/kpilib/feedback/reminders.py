"""Reminders to answer 360 forms: only raters with forms still open, on a schedule.

The schedule (`reminder_day`): 7 and 2 days before the campaign's deadline, then every 3
days after it while the campaign stays open. On such a day each internal rater with
open forms (`selectors.forms_to_answer`: not submitted, drafts included) gets one e-mail in
their own language listing whom they still owe feedback, and each company's group robots
(DingTalk / WeCom / Feishu) one message naming the raters — never whom they rate. It all
goes through `notifications.notify`, shared with the daily-report reminders.

A `FeedbackReminder` (rater, campaign, day) is written before anything is sent, so a
second run on the same day reminds nobody twice. External customers are not reminded: only
the hash of their link is kept, so the link cannot be sent again; the subject may invite
them again instead.
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
from kpilib.feedback.models import Campaign, FeedbackReminder, Nomination
from kpilib.feedback.selectors import open_forms
from kpilib.notifications.services import Email, notify
from kpilib.org.models import Employee
from kpilib.org.selectors import company_of

TOPIC = "feedback_reminder"
DAYS_BEFORE = (7, 2)
EVERY_DAYS_AFTER = 3


def reminder_day(deadline: datetime.date, day: datetime.date) -> bool:
    """Whether `day` is a reminder day for a campaign due on `deadline`."""
    left = (deadline - day).days
    if left >= 0:
        return left in DAYS_BEFORE
    return -left % EVERY_DAYS_AFTER == 0


def _open_forms(campaign: Campaign) -> dict[Employee, list[Nomination]]:
    """Each internal rater's open forms in the campaign (`selectors.open_forms`)."""
    forms = (
        open_forms()
        .filter(subject__campaign=campaign, rater__isnull=False, rater__left_on__isnull=True)
        .select_related("rater__user", "rater__org_unit", "subject__employee")
        .order_by("rater_id", "pk")
    )
    by_rater: dict[Employee, list[Nomination]] = defaultdict(list)
    for nomination in forms:
        by_rater[nomination.rater].append(nomination)
    return by_rater


def _email(rater: Employee, campaign: Campaign, forms: list[Nomination], day: datetime.date) -> Email:
    user = rater.user
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        names = "、".join(
            gettext("yourself") if form.relationship == "self" else form.subject.employee.name for form in forms
        )
        values = {"campaign": campaign.local_name, "deadline": campaign.deadline.isoformat(), "names": names}
        if day <= campaign.deadline:
            subject = gettext("360 feedback due by %(deadline)s") % values
            body = gettext(
                "In %(campaign)s you still owe 360 feedback on: %(names)s. Answers are due by "
                "%(deadline)s. Open kpilib (360, /feedback/) to answer; a saved draft is kept."
            ) % values
        else:
            subject = gettext("360 feedback overdue since %(deadline)s") % values
            body = gettext(
                "In %(campaign)s you still owe 360 feedback on: %(names)s. Answers were due by "
                "%(deadline)s; the campaign is still open. Open kpilib (360, /feedback/) to answer."
            ) % values
    address = (getattr(user, "email", "") or rater.email) if user else rater.email
    return Email(recipient=user, address=address, subject=subject, body=body)


def _group_text(campaign: Campaign, raters: list[Employee]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("360 feedback reminder: %(names)s still have forms to answer in %(campaign)s (due %(deadline)s).") % {
            "names": "、".join(rater.name for rater in raters),
            "campaign": campaign.local_name,
            "deadline": campaign.deadline.isoformat(),
        }


@transaction.atomic
def feedback_send_reminders(*, actor: Any, origin: Origin, day: datetime.date) -> int:
    """Remind every internal rater with open forms of each open campaign whose schedule
    falls on `day`, once; returns how many raters were reminded."""
    reminded = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN).order_by("pk"):
        if not reminder_day(campaign.deadline, day):
            continue
        already = set(
            FeedbackReminder.objects.filter(campaign=campaign, day=day).values_list("rater_id", flat=True)
        )
        owing = {rater: forms for rater, forms in _open_forms(campaign).items() if rater.pk not in already}
        by_company: dict[int | None, list[Employee]] = defaultdict(list)
        companies: dict[int | None, Any] = {}
        for rater in owing:
            company = company_of(rater.org_unit)
            key = company.pk if company else None
            companies[key] = company
            by_company[key].append(rater)
        for key, raters in by_company.items():
            # written before anything is sent: a second run waits on these rows and fails
            for rater in raters:
                reminder = FeedbackReminder.objects.create(
                    rater=rater, campaign=campaign, day=day, forms=len(owing[rater])
                )
                audit_record(actor=actor, origin=origin, instance=reminder, before=None)
            notify(
                actor=actor, origin=origin, topic=TOPIC, key=f"{campaign.pk}:{day.isoformat()}:{key or '-'}",
                emails=[_email(rater, campaign, owing[rater], day) for rater in raters],
                group_text=_group_text(campaign, raters), company=companies[key],
            )
        reminded += len(owing)
    return reminded
