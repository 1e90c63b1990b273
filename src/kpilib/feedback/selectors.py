"""Reads of 360 feedback: who may do what with a subject, the forms a rater still owes,
the nominations per group, and a campaign's response rates (numbers only: never who
said what)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kpilib.feedback.models import Campaign, Nomination, Relationship, Response, Subject
from kpilib.permissions import employee_of, is_hr_admin, managed_employee_ids

#: Nominations that count towards a group: proposed or approved (not declined or removed).
ACTIVE = (Nomination.Status.PROPOSED, Nomination.Status.APPROVED)


def is_subject(user: Any, subject: Subject) -> bool:
    employee = employee_of(user)
    return employee is not None and employee.pk == subject.employee_id


def manages_subject(user: Any, subject: Subject) -> bool:
    """HR, or a manager up the subject's line: they approve, add and remove raters."""
    if is_hr_admin(user):
        return True
    employee = employee_of(user)
    return employee is not None and subject.employee_id in managed_employee_ids(employee)


def active_nominations(subject: Subject) -> QuerySet[Nomination]:
    return subject.nominations.filter(status__in=ACTIVE).select_related("rater")


def group_counts(subject: Subject) -> Counter[str]:
    """Active nominations per group."""
    return Counter(active_nominations(subject).values_list("relationship", flat=True))


@dataclass(frozen=True)
class GroupShortfall:
    relationship: str
    nominated: int
    minimum: int

    @property
    def label(self) -> str:
        return str(Relationship(self.relationship).label)


def shortfalls(subject: Subject) -> list[GroupShortfall]:
    """The groups still under their minimum, in the order of `Relationship`."""
    counts = group_counts(subject)
    campaign = subject.campaign
    missing = []
    for relationship in Relationship.values:
        minimum, _maximum = campaign.limits(relationship)
        if counts[relationship] < minimum:
            missing.append(GroupShortfall(relationship, counts[relationship], minimum))
    return missing


def forms_to_answer(user: Any) -> QuerySet[Nomination]:
    """The rater's open forms: approved nominations of open campaigns, not yet submitted
    (drafts included), soonest deadline first."""
    employee = employee_of(user)
    if employee is None:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(
            rater=employee,
            status=Nomination.Status.APPROVED,
            subject__state=Subject.State.APPROVED,
            subject__campaign__status=Campaign.Status.OPEN,
        )
        .exclude(response__status=Response.Status.SUBMITTED)
        .select_related("subject__employee", "subject__campaign")
        .order_by("subject__campaign__deadline", "pk")
    )


def nomination_for_rater(user: Any, pk: int) -> Nomination:
    """The rater's own nomination `pk`; anyone else's raises `DoesNotExist` (a 404)."""
    employee = employee_of(user)
    if employee is None:
        raise Nomination.DoesNotExist(pk)
    return Nomination.objects.select_related(
        "subject__campaign__questionnaire", "subject__employee"
    ).get(pk=pk, rater=employee)


@dataclass(frozen=True)
class ResponseRate:
    """How many approved raters answered: what HR may see of a campaign."""

    invited: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def response_rate(campaign: Campaign) -> ResponseRate:
    approved = Nomination.objects.filter(
        subject__campaign=campaign,
        status=Nomination.Status.APPROVED,
        subject__state=Subject.State.APPROVED,
    )
    return ResponseRate(
        invited=approved.count(),
        submitted=approved.filter(response__status=Response.Status.SUBMITTED).count(),
    )
