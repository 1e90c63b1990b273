"""Reading daily reports: who may see which (the one privacy rule), the review queue with
its hints, yesterday's plan as today's checklist, and the template and deadline of a day.

Privacy: a report is seen by its author, their managers up the line (anyone the author
is below: units they head and report chains, `permissions.managed_employee_ids`), the
report's CC list and HR. A draft is its author's alone. Every view reads reports through
`reports_visible` / `report_for`, so a report outside that circle is missing (404).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404

from kpilib.clock import time_zone_name
from kpilib.dailyreports.models import PLAN_FIELD, DailyReport, ReportTemplate, WorkdayException
from kpilib.engine import reports as hints_engine
from kpilib.engine.workdays import is_workday, report_deadline
from kpilib.org.models import Employee
from kpilib.org.selectors import company_of
from kpilib.permissions import employee_of, is_hr_admin, managed_employee_ids

HISTORY = hints_engine.REPEAT_LOOKBACK
DEFAULT_DEADLINE = time(10)
DEFAULT_RATING_WORKDAYS = 3
_ITEM_MARK = re.compile(r"^\s*(?:[-*•·]|\d+[.、)）]|[一二三四五六七八九十]+[、.])\s*")


def reports_visible(user: Any) -> QuerySet[DailyReport]:
    """The reports `user` may read: own (drafts too), their team's below them, CC'd, or all for HR."""
    reports = DailyReport.objects.select_related("author", "rated_by")
    submitted = Q(status=DailyReport.Status.SUBMITTED)
    if is_hr_admin(user):
        return reports.filter(submitted | Q(author__user=user))
    employee = employee_of(user)
    if employee is None:
        return reports.none()
    below = managed_employee_ids(employee)
    return reports.filter(
        Q(author=employee) | (submitted & (Q(author_id__in=below) | Q(cc=employee)))
    ).distinct()


def report_for(user: Any, pk: int) -> DailyReport:
    """The report `pk` if `user` may read it; otherwise 404, as if it did not exist."""
    try:
        return reports_visible(user).get(pk=pk)
    except DailyReport.DoesNotExist:
        raise Http404("No such report") from None


def may_rate(user: Any, report: DailyReport) -> bool:
    """Managers up the line rate their team's submitted reports (never their own)."""
    employee = employee_of(user)
    return (
        employee is not None
        and report.status == DailyReport.Status.SUBMITTED
        and report.author_id in managed_employee_ids(employee)
    )


def template_for(employee: Employee) -> ReportTemplate | None:
    """The active template of the employee's position, else the active default one."""
    templates = ReportTemplate.objects.filter(is_active=True)
    own = templates.filter(position_id=employee.position_id).first()
    return own or templates.filter(position__isnull=True).first()


def workday_exceptions(employee: Employee) -> dict[date, bool]:
    company = company_of(employee.org_unit)
    if company is None:
        return {}
    return dict(WorkdayException.objects.filter(company=company).values_list("day", "is_workday"))


def deadline_of(employee: Employee, template: ReportTemplate | None, day: date) -> datetime:
    """When the employee's report for `day` is due (10:00 the next working day by default)."""
    return report_deadline(
        day,
        deadline_time=template.deadline_time if template else DEFAULT_DEADLINE,
        workdays_after=template.workdays_after if template else 1,
        zone=ZoneInfo(time_zone_name()),
        exceptions=workday_exceptions(employee),
    )


def rating_deadline_of(employee: Employee, template: ReportTemplate | None, day: date) -> datetime:
    """Until when the managers rate the report for `day`: `rating_workdays` working days after
    it is due (3 by default); a report still unrated then counts as normal (0)."""
    return report_deadline(
        day,
        deadline_time=template.deadline_time if template else DEFAULT_DEADLINE,
        workdays_after=(template.workdays_after if template else 1)
        + (template.rating_workdays if template else DEFAULT_RATING_WORKDAYS),
        zone=ZoneInfo(time_zone_name()),
        exceptions=workday_exceptions(employee),
    )


def plan_items(text: object) -> list[str]:
    """A 明日计划 answer as its items: one a line, list marks (1. / - / 一、) removed."""
    items = [_ITEM_MARK.sub("", line).strip() for line in str(text or "").splitlines()]
    return [item for item in items if item]


@dataclass(frozen=True)
class Checklist:
    """Yesterday's 明日计划 items offered today (read from that report, never copied)."""

    source: DailyReport | None
    items: list[str]


def checklist_for(author: Employee, day: date) -> Checklist:
    """The plan items of the author's latest submitted report before `day`."""
    earlier = (
        DailyReport.objects.filter(
            author=author, report_date__lt=day, status=DailyReport.Status.SUBMITTED
        )
        .order_by("-report_date")
        .first()
    )
    if earlier is None:
        return Checklist(None, [])
    return Checklist(earlier, plan_items(earlier.answers.get(PLAN_FIELD)))


@dataclass(frozen=True)
class QueueItem:
    report: DailyReport
    verdict: hints_engine.Verdict


def review_queue(user: Any, *, language: str = "en") -> list[QueueItem]:
    """The submitted, unrated reports of the people below `user`, oldest first, with hints."""
    employee = employee_of(user)
    if employee is None:
        return []
    below = managed_employee_ids(employee)
    waiting = list(
        DailyReport.objects.filter(
            author_id__in=below, status=DailyReport.Status.SUBMITTED, rating__isnull=True
        )
        .select_related("author")
        .order_by("report_date", "author__name")
    )
    return [
        QueueItem(report, verdict)
        for report, verdict in zip(waiting, hints_for(waiting, language=language), strict=True)
    ]


def hints_for(reports: list[DailyReport], *, language: str = "en") -> list[hints_engine.Verdict]:
    """The quality hints of each report against its author's earlier submitted reports."""
    if not reports:
        return []
    history: dict[int, list[tuple[date, str]]] = {}
    earlier = DailyReport.objects.filter(
        author_id__in={report.author_id for report in reports},
        status=DailyReport.Status.SUBMITTED,
        report_date__lt=max(report.report_date for report in reports),
    ).order_by("report_date")
    for other in earlier:
        history.setdefault(other.author_id, []).append((other.report_date, other.text))
    verdicts = []
    for report in reports:
        previous = [
            item for item in history.get(report.author_id, []) if item[0] < report.report_date
        ]
        verdicts.append(
            hints_engine.check_report(
                hints_engine.Report(report.author.employee_id, report.report_date, report.text),
                previous[-HISTORY:],
                language=language,
            )
        )
    return verdicts


# --- submission statistics ------------------------------------------------------------------


def employees_required() -> QuerySet[Employee]:
    """Who must write daily reports: current staff with a sign-in whose position has an
    active template, or everyone such when there is an active default template."""
    employees = Employee.objects.filter(left_on__isnull=True, user__isnull=False)
    templates = ReportTemplate.objects.filter(is_active=True)
    if templates.filter(position__isnull=True).exists():
        inactive = ReportTemplate.objects.filter(is_active=False, position__isnull=False)
        return employees.exclude(position_id__in=inactive.values("position_id"))
    return employees.filter(position_id__in=templates.values("position_id"))


@dataclass
class SubmissionRow:
    """One person's submissions over a period, as of `now`."""

    employee: Employee
    on_time: int = 0
    late: int = 0
    missing_days: list[date] = field(default_factory=list)
    waiting: int = 0  # working days whose report is not due yet and not submitted

    @property
    def missing(self) -> int:
        return len(self.missing_days)

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def submission_rows(
    employees: Iterable[Employee], *, since: date, until: date, now: datetime
) -> list[SubmissionRow]:
    """On time / late / missing per person for report days `since` … `until`, live as of
    `now`: a working day with no submitted report is missing once its deadline has passed,
    waiting before. Counted from the hire date and until the day before leaving."""
    people = list(
        Employee.objects.filter(pk__in=[e.pk for e in employees]).select_related("org_unit")
    )
    submitted: dict[tuple[int, date], bool] = {
        (author, day): bool(on_time)
        for author, day, on_time in DailyReport.objects.filter(
            author__in=people,
            status=DailyReport.Status.SUBMITTED,
            report_date__gte=since,
            report_date__lte=until,
        ).values_list("author_id", "report_date", "on_time")
    }
    templates: dict[int | None, ReportTemplate | None] = {}
    exceptions: dict[int | None, dict[date, bool]] = {}
    rows = []
    for person in sorted(people, key=lambda p: p.name):
        if person.position_id not in templates:
            templates[person.position_id] = template_for(person)
        template = templates[person.position_id]
        company = company_of(person.org_unit)
        key = company.pk if company else None
        if key not in exceptions:
            exceptions[key] = workday_exceptions(person)
        row = SubmissionRow(person)
        first = max(since, person.hire_date) if person.hire_date else since
        last = min(until, person.left_on - timedelta(days=1)) if person.left_on else until
        day = first
        while day <= last:
            state = submitted.get((person.pk, day))
            if state is True:
                row.on_time += 1
            elif state is False:
                row.late += 1
            elif is_workday(day, exceptions[key]):
                due = report_deadline(
                    day,
                    deadline_time=template.deadline_time if template else DEFAULT_DEADLINE,
                    workdays_after=template.workdays_after if template else 1,
                    zone=ZoneInfo(time_zone_name()),
                    exceptions=exceptions[key],
                )
                if due < now:
                    row.missing_days.append(day)
                else:
                    row.waiting += 1
            day += timedelta(days=1)
        rows.append(row)
    return rows
