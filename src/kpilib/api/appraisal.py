"""API for appraisal results: cycles the caller may see and explained scorecards, and
scoring by hand a participant without data (the service the web page uses)."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from kpilib.appraisal.models import Scorecard
from kpilib.appraisal.selectors import latest_scorecards
from kpilib.appraisal.services import scorecard_score_manually
from kpilib.audit.origin import Origin
from kpilib.permissions import (
    can_manage_cycle,
    cycle_for,
    cycles_visible_to,
    participants_visible,
    scorecard_for,
    scorecards_visible,
)

router = Router(tags=["appraisal"])


class CycleOut(Schema):
    id: int
    name: str
    plan: str
    revision: int
    period: str
    phase: str
    start: datetime.date
    end: datetime.date

    @staticmethod
    def resolve_plan(cycle: Any) -> str:
        return cycle.plan.code

    @staticmethod
    def resolve_revision(cycle: Any) -> int:
        return cycle.revision.number


class LineOut(Schema):
    code: str
    version: int | None
    name_zh_hans: str
    name_en: str
    value: float | None
    points: float | None
    max_points: float
    status: str
    explanation_zh_hans: str
    explanation_en: str
    flags: list[str]


class ScorecardOut(Schema):
    id: int
    employee_id: str
    revision: int
    total: float | None
    grade: str
    calibrated_grade: str
    corrected_grade: str
    final_grade: str
    corrected_on_appeal: bool
    rank: int | None
    status: str
    manual_reason: str
    published: bool
    correction_reason: str
    lines: list[LineOut]

    @staticmethod
    def resolve_employee_id(card: Scorecard) -> str:
        return card.participant.employee.employee_id

    @staticmethod
    def resolve_published(card: Scorecard) -> bool:
        return card.published_at is not None


@router.get("/cycles", response=list[CycleOut])
def list_cycles(request: HttpRequest) -> Any:
    return cycles_visible_to(request.user)


@router.get("/cycles/{pk}/scorecards", response=list[ScorecardOut])
def cycle_scorecards(request: HttpRequest, pk: int) -> Any:
    """The newest scorecard of every participant the caller may see (points unrounded)."""
    cycle = cycle_for(request.user, pk)
    cards = latest_scorecards(list(participants_visible(request.user, cycle)))
    return list(scorecards_visible(request.user, cards).values())


@router.get("/scorecards/{pk}", response=ScorecardOut)
def get_scorecard(request: HttpRequest, pk: int) -> Scorecard:
    return scorecard_for(request.user, pk)


class ManualScoreIn(Schema):
    total: float
    reason: str


@router.post("/scorecards/{pk}/manual-score", response=ScorecardOut)
def score_manually(request: HttpRequest, pk: int, body: ManualScoreIn) -> Scorecard:
    """Score a participant without data by hand (0–100, with the reason; HR or the plan's
    administrators). The grade is the total's; 400 with the reason when refused."""
    scorecard = scorecard_for(request.user, pk)
    if not can_manage_cycle(request.user, scorecard.participant.cycle):
        raise Http404("No such scorecard")
    return scorecard_score_manually(
        actor=request.user,
        origin=Origin.API,
        scorecard=scorecard,
        total=body.total,
        reason=body.reason,
    )
