"""API for training and certification: the exam catalogue, exam results as they count,
recording an attempt (HR), and who holds which certification. Scoped like the pages:
people one may see (`permissions.visible_employees`); writes are HR's (the services)."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.permissions import Action, employee_for, require, visible_employees
from kpilib.training import selectors, services
from kpilib.training.models import Exam

router = Router(tags=["training"])


class ExamOut(Schema):
    code: str
    name: str
    name_en: str
    pass_line: float
    counting: str = Field(description="Which attempt counts: `highest`, `last`, `first` or `average`.")
    is_active: bool


class ExamResultOut(Schema):
    employee_id: str
    name: str
    score: float = Field(description="The result that counts (the exam's counting).")
    taken_on: datetime.date
    passed: bool
    attempts: int


class AttemptIn(Schema):
    employee: int = Field(description="The employee's id (`/api/employees`).")
    taken_on: datetime.date
    score: float


class CoverageOut(Schema):
    employee_id: str
    name: str
    certification: str
    state: str = Field(description="`valid`, `expiring`, `expired` or `never`.")
    earned_on: datetime.date | None
    expires_on: datetime.date | None


@router.get("/exams", response=list[ExamOut])
def list_exams(request: HttpRequest) -> Any:
    require(request.user, Action.VIEW_TRAINING)
    return list(selectors.exams_listed())


@router.get("/exams/{code}/results", response=list[ExamResultOut])
def exam_results(request: HttpRequest, code: str) -> Any:
    require(request.user, Action.VIEW_TRAINING)
    exam = get_object_or_404(Exam, code=code)
    return [
        {
            "employee_id": result.employee.employee_id,
            "name": result.employee.name,
            "score": result.counted.score,
            "taken_on": result.counted.taken_on,
            "passed": result.passed,
            "attempts": result.counted.attempts,
        }
        for result in selectors.exam_results(exam, visible_employees(request.user))
    ]


@router.post("/exams/{code}/attempts", response={201: ExamResultOut})
def exam_attempt_record(request: HttpRequest, code: str, body: AttemptIn) -> Any:
    """HR records one attempt; the answer is the person's result as it now counts."""
    require(request.user, Action.MANAGE_TRAINING)
    exam = get_object_or_404(Exam, code=code)
    employee = employee_for(request.user, body.employee)
    services.exam_attempt_record(
        actor=request.user, origin=Origin.API, exam=exam, employee=employee,
        taken_on=body.taken_on, score=body.score, today=clock.today(),
    )
    [result] = selectors.exam_results(exam, visible_employees(request.user).filter(pk=employee.pk))
    return 201, {
        "employee_id": employee.employee_id,
        "name": employee.name,
        "score": result.counted.score,
        "taken_on": result.counted.taken_on,
        "passed": result.passed,
        "attempts": result.counted.attempts,
    }


@router.get("/certifications/coverage", response=list[CoverageOut])
def certification_coverage(request: HttpRequest) -> Any:
    """One row per person and active certification on today: held and valid, expiring
    inside its renewal window, expired (held before), or never held."""
    require(request.user, Action.VIEW_TRAINING)
    matrix = selectors.coverage(visible_employees(request.user), today=clock.today())
    return [
        {
            "employee_id": person.employee_id,
            "name": person.name,
            "certification": certification.code,
            "state": cell.state,
            "earned_on": cell.held.earned_on if cell.held else None,
            "expires_on": cell.held.expires_on if cell.held else None,
        }
        for person, cells in matrix.rows
        for certification, cell in zip(matrix.certifications, cells, strict=True)
    ]
