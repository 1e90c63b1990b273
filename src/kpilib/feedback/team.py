"""The manager's 360 team view (issue 14, item 6): for each subject of a campaign that the
reader manages (a director: their whole org; HR: everyone), the nomination state, the
response progress (counts only) and, once the campaign is closed, the §11 figures of
`selectors.report_for` — overall, self, gap and its class, the mean per competency —
computed for the whole team at once with the same engine calls. Withheld stays withheld;
no rater's name or answer is read here.

Scope is `permissions.managed_employee_ids` (as `selectors.manages_subject` decides);
a campaign where the reader manages nobody is missing (404), like any object out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kpilib.feedback.models import Campaign, Subject
from kpilib.feedback.selectors import Report, campaign_reports, with_form_counts
from kpilib.permissions import employee_of, is_hr_admin, managed_employee_ids


def _scope(user: Any) -> Q | None:
    """Which subjects the reader sees in a team view: all (HR), those they manage, or none."""
    if is_hr_admin(user):
        return Q()
    employee = employee_of(user)
    if employee is None:
        return None
    managed = managed_employee_ids(employee)
    return Q(employee_id__in=managed) if managed else None


def team_campaigns(user: Any) -> QuerySet[Campaign]:
    """Launched campaigns with at least one subject the reader manages, latest first (the
    360 home page links each one's team view)."""
    scope = _scope(user)
    if scope is None or is_hr_admin(user):
        return Campaign.objects.none()
    subjects = Subject.objects.filter(scope)
    return (
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .filter(pk__in=subjects.values("campaign_id"))
        .order_by("-deadline", "-pk")
    )


def team_for(user: Any, pk: int) -> tuple[Campaign, list[Subject]]:
    """The campaign and the reader's team in it (subjects by employee id, with the counts
    `invited` and `submitted`); `Campaign.DoesNotExist` (a 404) when the reader manages
    nobody in it (HR sees every campaign, even an empty one)."""
    scope = _scope(user)
    if scope is None:
        raise Campaign.DoesNotExist(pk)
    campaign = Campaign.objects.select_related("questionnaire", "cycle").get(pk=pk)
    subjects = list(
        with_form_counts(campaign.subjects.filter(scope).select_related("employee__org_unit")).order_by(
            "employee__employee_id"
        )
    )
    if not subjects and not is_hr_admin(user):
        raise Campaign.DoesNotExist(pk)
    return campaign, subjects


@dataclass(frozen=True)
class TeamRow:
    """One subject of the team view: counts, and the report once the campaign is closed
    (None before; a report without summary when nobody answered)."""

    subject: Subject
    invited: int
    submitted: int
    report: Report | None

    @property
    def gap_label(self) -> str | None:
        from kpilib.engine.feedback import gap_label

        summary = self.report.summary if self.report else None
        return gap_label(summary.gap) if summary is not None else None

    def competency_means(self, codes: list[str]) -> list[float | None]:
        """Others' mean (shown groups, rater-weighted) per competency code, None when withheld
        or unrated: the `others` of the report's self–other gaps."""
        if self.report is None:
            return [None for _code in codes]
        others = {gap.competency: gap.others for gap in self.report.gaps}
        return [others.get(code) for code in codes]


def reports_for(campaign: Campaign, subjects: list[Subject]) -> dict[int, Report]:
    """`selectors.report_for` of each subject, from one batch read (`campaign_reports`)."""
    if not subjects:
        return {}
    return {report.subject.pk: report for report in campaign_reports(campaign, subjects)}


def team_rows(campaign: Campaign, subjects: list[Subject]) -> list[TeamRow]:
    closed = campaign.status == Campaign.Status.CLOSED
    reports = reports_for(campaign, subjects) if closed else {}
    return [
        TeamRow(
            subject=subject,
            invited=getattr(subject, "invited", 0),
            submitted=getattr(subject, "submitted", 0),
            report=reports.get(subject.pk),
        )
        for subject in subjects
    ]
