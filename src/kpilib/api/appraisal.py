"""API for appraisal results: cycles the caller may see and explained scorecards, scoring
by hand a participant without data, and a participant's self-assessment, manager review,
interview record and evidence (the services the web pages use)."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from kpilib import clock
from kpilib.appraisal import services
from kpilib.appraisal.models import Participant, Scorecard
from kpilib.appraisal.selectors import Assessment, assessment_for, latest_scorecards
from kpilib.appraisal.services import scorecard_score_manually
from kpilib.audit.origin import Origin
from kpilib.permissions import (
    can_manage_cycle,
    cycle_for,
    cycles_visible_to,
    participant_for,
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


# --- self-assessment, manager review, interview, evidence (issue 11, item 8) ---


class AssessmentLineOut(Schema):
    code: str
    name: str
    self_comment: str
    manager_comment: str


class InterviewOut(Schema):
    held_on: datetime.date
    notes: str
    manager_confirmed_at: datetime.datetime
    employee_confirmed_at: datetime.datetime | None


class EvidenceOut(Schema):
    id: int
    file_name: str
    size: int
    uploaded_at: datetime.datetime
    download: str


class AssessmentOut(Schema):
    """What the caller may see: the employee sees their drafts and the submitted review;
    reviewers the submitted self-assessment and the review. `may_*` are the actions open
    to the caller in the cycle's phase."""

    participant: int
    employee_id: str
    phase: str
    self_assessment: str
    self_submitted_at: datetime.datetime | None
    manager_comment: str
    manager_rating: int | None
    review_submitted_at: datetime.datetime | None
    lines: list[AssessmentLineOut]
    interview: InterviewOut | None
    evidence: list[EvidenceOut]
    may_self_assess: bool
    may_review: bool
    may_confirm_interview: bool


def _assessment_out(request: HttpRequest, participant: Participant) -> dict[str, Any]:
    participant.refresh_from_db()
    seen: Assessment = assessment_for(request.user, participant)
    return {
        "participant": participant.pk,
        "employee_id": participant.employee.employee_id,
        "phase": participant.cycle.phase,
        "self_assessment": participant.self_assessment if seen.self_visible else "",
        "self_submitted_at": participant.self_submitted_at,
        "manager_comment": participant.manager_comment if seen.review_visible else "",
        "manager_rating": participant.manager_rating if seen.review_visible else None,
        "review_submitted_at": participant.review_submitted_at,
        "lines": [line.__dict__ for line in seen.lines],
        "interview": seen.interview,
        "evidence": [
            {
                "id": file.pk,
                "file_name": file.file_name,
                "size": file.size,
                "uploaded_at": file.uploaded_at,
                "download": reverse("evidence_download", args=[file.pk]),
            }
            for file in seen.evidence
        ],
        "may_self_assess": seen.may_self_assess,
        "may_review": seen.may_review,
        "may_confirm_interview": seen.may_confirm_interview,
    }


def _participant(request: HttpRequest, pk: int) -> Participant:
    participant, _role = participant_for(request.user, pk)
    return participant


@router.get("/participants/{pk}/assessment", response=AssessmentOut)
def get_assessment(request: HttpRequest, pk: int) -> Any:
    """A participant's self-assessment, manager review, interview and evidence (404
    outside the employee, their reviewers and those who run the cycle)."""
    return _assessment_out(request, _participant(request, pk))


class SelfAssessmentIn(Schema):
    overall: str = ""
    lines: dict[str, str] = {}
    submit: bool = True


@router.put("/participants/{pk}/self-assessment", response=AssessmentOut)
def put_self_assessment(request: HttpRequest, pk: int, body: SelfAssessmentIn) -> Any:
    """The employee's self-assessment during self-assessment: comments by indicator code
    and overall; `submit` false keeps it a draft. 400 with the reason when refused."""
    participant = _participant(request, pk)
    services.participant_self_assess(
        actor=request.user,
        origin=Origin.API,
        participant=participant,
        text=body.overall,
        lines=body.lines,
        submit=body.submit,
    )
    return _assessment_out(request, participant)


@router.post("/participants/{pk}/evidence", response=AssessmentOut)
def post_evidence(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
    """Attach a file to the self-assessment (multipart field `file`; size-limited)."""
    participant = _participant(request, pk)
    services.evidence_attach(
        actor=request.user, origin=Origin.API, participant=participant, upload=file
    )
    return _assessment_out(request, participant)


class ReviewIn(Schema):
    overall: str = ""
    rating: int | None = None
    lines: dict[str, str] = {}
    submit: bool = True


@router.put("/participants/{pk}/review", response=AssessmentOut)
def put_review(request: HttpRequest, pk: int, body: ReviewIn) -> Any:
    """The manager's review during manager review: comments by indicator code, an overall
    comment and rating (1–5); `submit` false keeps it a draft."""
    participant = _participant(request, pk)
    services.participant_review(
        actor=request.user,
        origin=Origin.API,
        participant=participant,
        text=body.overall,
        rating=body.rating,
        lines=body.lines,
        submit=body.submit,
    )
    return _assessment_out(request, participant)


class InterviewIn(Schema):
    held_on: datetime.date
    notes: str


@router.post("/participants/{pk}/interview", response=AssessmentOut)
def post_interview(request: HttpRequest, pk: int, body: InterviewIn) -> Any:
    """The manager records the performance interview (their confirmation that it took place)."""
    participant = _participant(request, pk)
    services.interview_record(
        actor=request.user,
        origin=Origin.API,
        participant=participant,
        held_on=body.held_on,
        notes=body.notes,
        today=clock.today(),
    )
    return _assessment_out(request, participant)


@router.post("/participants/{pk}/interview/confirm", response=AssessmentOut)
def confirm_interview(request: HttpRequest, pk: int) -> Any:
    """The employee confirms the recorded interview took place."""
    participant = _participant(request, pk)
    services.interview_confirm(actor=request.user, origin=Origin.API, participant=participant)
    return _assessment_out(request, participant)
