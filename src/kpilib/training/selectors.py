"""Reading training records: exam results as they count, who holds which certification,
and the team coverage matrix. Scope comes from `kpilib.permissions`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from kpilib.engine.training import Attempt, Counted, counted_attempt
from kpilib.org.models import Employee
from kpilib.training.models import (
    Certification,
    CertificationHeld,
    Exam,
    ExamAttempt,
)

REMINDER_DAYS = (90, 60, 30, 7)


def exams_listed() -> QuerySet[Exam]:
    return Exam.objects.annotate(attempt_count=Count("attempts")).order_by("-is_active", "code")


def certifications_listed() -> QuerySet[Certification]:
    return Certification.objects.annotate(held_count=Count("holdings")).order_by(
        "-is_active", "code"
    )


@dataclass(frozen=True)
class ExamResult:
    """A person's result in an exam as it counts, and whether it passes."""

    employee: Employee
    counted: Counted
    passed: bool
    attempts: list[ExamAttempt]


def exam_counted(exam: Exam, attempts: list[ExamAttempt]) -> Counted | None:
    return counted_attempt([Attempt(a.taken_on, a.score) for a in attempts], exam.counting)


def exam_results(exam: Exam, employees: QuerySet[Employee] | None = None) -> list[ExamResult]:
    """Everyone (of `employees`) who sat `exam`, with the attempt that counts."""
    attempts = exam.attempts.select_related("employee").order_by("employee__employee_id", "taken_on")
    if employees is not None:
        attempts = attempts.filter(employee__in=employees)
    by_person: dict[int, list[ExamAttempt]] = {}
    for attempt in attempts:
        by_person.setdefault(attempt.employee_id, []).append(attempt)
    results = []
    for rows in by_person.values():
        counted = exam_counted(exam, rows)
        if counted is not None:
            results.append(
                ExamResult(rows[0].employee, counted, counted.score >= exam.pass_line, rows)
            )
    return results


def current_holdings(employees: Any) -> dict[tuple[int, int], CertificationHeld]:
    """Per (employee, certification) the newest holding: the one whose state counts."""
    newest: dict[tuple[int, int], CertificationHeld] = {}
    for held in (
        CertificationHeld.objects.filter(employee__in=employees)
        .select_related("certification")
        .order_by("employee_id", "certification_id", "-earned_on", "-pk")
    ):
        newest.setdefault((held.employee_id, held.certification_id), held)
    return newest


@dataclass(frozen=True)
class CoverageCell:
    state: str  # CertificationHeld.State
    held: CertificationHeld | None


@dataclass(frozen=True)
class Coverage:
    """Who holds what on `today`: one row per person, one column per certification."""

    certifications: list[Certification]
    rows: list[tuple[Employee, list[CoverageCell]]]
    totals: list[dict[str, int]]  # per certification: valid / expiring / expired counts


def coverage(employees: QuerySet[Employee], *, today: datetime.date) -> Coverage:
    certifications = list(Certification.objects.filter(is_active=True).order_by("code"))
    people = list(employees.filter(left_on__isnull=True).order_by("org_unit__path", "employee_id"))
    held = current_holdings(people)
    rows = []
    totals = [{"valid": 0, "expiring": 0, "expired": 0} for _ in certifications]
    for person in people:
        cells = []
        for index, certification in enumerate(certifications):
            holding = held.get((person.pk, certification.pk))
            state = holding.state_on(today) if holding else CertificationHeld.State.NEVER
            if holding:
                totals[index][str(state)] += 1
            cells.append(CoverageCell(str(state), holding))
        rows.append((person, cells))
    return Coverage(certifications, rows, totals)


def expiring(employees: Any, *, today: datetime.date, within_days: int = 90) -> list[CertificationHeld]:
    """Current holdings of `employees` that expire in the next `within_days` days, soonest first."""
    until = today + datetime.timedelta(days=within_days)
    return sorted(
        (
            held
            for held in current_holdings(employees).values()
            if held.expires_on is not None and today <= held.expires_on <= until
        ),
        key=lambda held: held.expires_on or today,
    )


def reminder_threshold(held: CertificationHeld, today: datetime.date) -> int | None:
    """The most urgent reminder threshold (90/60/30/7 days) `held` has reached on `today`,
    or None (no expiry, already expired, or more than 90 days left)."""
    if held.expires_on is None or held.expires_on < today:
        return None
    left = (held.expires_on - today).days
    reached = [days for days in REMINDER_DAYS if left <= days]
    return min(reached) if reached else None
