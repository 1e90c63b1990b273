"""API for cross-department solution validation: the solutions the caller may read (author,
their managers, HR, the reviewers named on a round), one with every round and verdict,
submitting and resubmitting (the author), and a reviewer's verdict. The rules are
`validation.services`'; reads `validation.selectors`'."""

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.org.models import Employee
from kpilib.permissions import Action, require
from kpilib.validation import selectors, services
from kpilib.validation.errors import SolutionError
from kpilib.validation.models import Solution, ValidationRound

router = Router(tags=["validation"])
MAX_ID = 2**31 - 1


class VerdictOut(Schema):
    reviewer: int = Field(description="The reviewer's employee id (`/api/employees`).")
    reviewer_name: str
    function: str = Field(description="`product` or `delivery`.")
    verdict: str = Field(description="`pass`, `fail`, or empty while pending.")
    reasons: list[str] = Field(description="Codes of the checklist items a fail names.")
    comment: str
    decided_at: datetime.datetime | None


class RoundOut(Schema):
    id: int
    number: int
    state: str = Field(description="`open`, `passed` or `failed`.")
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    workdays_to_verdict: int | None = Field(description="Working days from submission to the last verdict.")
    hours_to_verdict: float | None
    notes: str
    verdicts: list[VerdictOut]


class SolutionOut(Schema):
    id: int
    title: str
    summary: str
    customer_id: str
    customer_name: str
    project_id: str
    product: str
    author: int
    author_name: str
    created_at: datetime.datetime
    rounds: list[RoundOut]


class ReviewerIn(Schema):
    employee: int = Field(ge=1, le=MAX_ID, description="The reviewer's employee id.")
    function: Literal["product", "delivery"]


class SolutionIn(Schema):
    title: str = Field(max_length=200)
    summary: str = Field(max_length=20000)
    customer_id: str = Field("", max_length=100)
    customer_name: str = Field("", max_length=200)
    project_id: str = Field("", max_length=100)
    product: str = Field("", max_length=200)
    notes: str = Field("", max_length=5000)
    reviewers: list[ReviewerIn] = Field(max_length=20)


class VerdictIn(Schema):
    verdict: Literal["pass", "fail"]
    reasons: list[str] = Field(default_factory=list, max_length=50)
    comment: str = Field("", max_length=5000)


def _out(solution: Solution) -> dict[str, Any]:
    return {
        "id": solution.pk, "title": solution.title, "summary": solution.summary,
        "customer_id": solution.customer_id, "customer_name": solution.customer_name,
        "project_id": solution.project_id, "product": solution.product,
        "author": solution.author_id, "author_name": solution.author.name, "created_at": solution.created_at,
        "rounds": [
            {
                "id": r.pk, "number": r.number, "state": r.state, "submitted_at": r.submitted_at,
                "decided_at": r.decided_at, "workdays_to_verdict": r.workdays_to_verdict,
                "hours_to_verdict": r.hours_to_verdict, "notes": r.notes,
                "verdicts": [
                    {
                        "reviewer": v.reviewer_id, "reviewer_name": v.reviewer.name, "function": v.function,
                        "verdict": v.verdict, "reasons": list(v.reasons or []), "comment": v.comment,
                        "decided_at": v.decided_at,
                    }
                    for v in r.verdicts.all()
                ],
            }
            for r in solution.rounds.all()
        ],
    }


def _reviewers(body: SolutionIn) -> list[tuple[Employee, str]]:
    wanted = [reviewer.employee for reviewer in body.reviewers]
    found = Employee.objects.filter(pk__in=wanted, left_on__isnull=True).in_bulk()
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise SolutionError(
            _("No current employee with id %(ids)s.") % {"ids": ", ".join(missing)}, field="reviewers"
        )
    return [(found[reviewer.employee], reviewer.function) for reviewer in body.reviewers]


def _submit(request: HttpRequest, body: SolutionIn, solution: Solution | None) -> dict[str, Any]:
    validation_round = services.solution_submit(
        actor=request.user, origin=Origin.API, solution=solution, title=body.title, summary=body.summary,
        customer_id=body.customer_id, customer_name=body.customer_name, project_id=body.project_id,
        product=body.product, notes=body.notes, reviewers=_reviewers(body), now=clock.now(),
    )
    return _out(selectors.solution_for(request.user, validation_round.solution_id))


@router.get("/solutions", response=list[SolutionOut])
def list_solutions(request: HttpRequest) -> Any:
    """Every solution the caller may read, newest first, with its rounds and verdicts."""
    require(request.user, Action.VALIDATE_SOLUTIONS)
    return [_out(solution) for solution in selectors.solutions_visible(request.user)]


@router.get("/solutions/{pk}", response=SolutionOut)
def get_solution(request: HttpRequest, pk: int) -> Any:
    require(request.user, Action.VALIDATE_SOLUTIONS)
    return _out(selectors.solution_for(request.user, pk))


@router.post("/solutions", response={201: SolutionOut})
def submit_solution(request: HttpRequest, body: SolutionIn) -> Any:
    """The author submits a new solution to the reviewers they name (round 1)."""
    require(request.user, Action.VALIDATE_SOLUTIONS)
    return Status(201, _submit(request, body, None))


@router.post("/solutions/{pk}/rounds", response={201: SolutionOut})
def resubmit_solution(request: HttpRequest, pk: int, body: SolutionIn) -> Any:
    """The author resubmits a solution whose last round failed (the next round)."""
    require(request.user, Action.VALIDATE_SOLUTIONS)
    return Status(201, _submit(request, body, selectors.solution_for(request.user, pk)))


@router.post("/validation-rounds/{pk}/verdict", response=SolutionOut)
def record_verdict(request: HttpRequest, pk: int, body: VerdictIn) -> Any:
    """A reviewer named on the open round passes the solution or fails it with checklist codes."""
    require(request.user, Action.VALIDATE_SOLUTIONS)
    validation_round = ValidationRound.objects.select_related("solution").filter(pk=pk).first()
    if validation_round is None or not selectors.may_read(request.user, validation_round.solution):
        raise Http404("No such round")
    services.verdict_record(
        actor=request.user, origin=Origin.API, validation_round=validation_round, verdict=body.verdict,
        reasons=body.reasons, comment=body.comment, now=clock.now(),
    )
    return _out(selectors.solution_for(request.user, validation_round.solution_id))
