"""API for 360 feedback: the caller's open forms and their answers, declining, a subject's
raters by group (nominate, submit, approve), and HR's campaigns with response rates.

The same rules as the /feedback/ pages: reads through `feedback.selectors` (a form is its
rater's alone; a subject is readable by the person, their managers and HR; a campaign by
HR; anything else 404, as if it did not exist), writes through `feedback.services` with
origin API, whose refusals (`FeedbackError`) answer 400 `{"detail", "field"}`. No answer
ever names its rater: the API has no endpoint that lists answers. Session authentication
like the other routers (the CSRF token on writes).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kpilib import clock
from kpilib.api.cases import Refusal
from kpilib.audit.origin import Origin
from kpilib.feedback import selectors, services
from kpilib.feedback.models import Campaign, Nomination, Question, Relationship, Response, Subject
from kpilib.org.models import Employee
from kpilib.permissions import is_hr_admin

router = Router(tags=["feedback"])

RELATIONSHIP = "One of " + ", ".join(f"`{value}`" for value in Relationship.values) + "."


def _found(read: Any, *args: Any) -> Any:
    try:
        return read(*args)
    except (Campaign.DoesNotExist, Subject.DoesNotExist, Nomination.DoesNotExist):
        raise Http404("Not found") from None


class FormOut(Schema):
    id: int
    subject: str = Field(description="Whom the feedback is about (their name).")
    relationship: str = Field(description=RELATIONSHIP)
    campaign: str
    deadline: datetime.date
    draft: bool = Field(description="Whether answers are saved but not submitted.")


class QuestionOut(Schema):
    code: str
    kind: str = Field(description="`rating` (1–5, or null for not able to rate) or `open`.")
    competency: str | None = Field(description="The competency's name; null for open questions.")
    text: str


class FormDetailOut(FormOut):
    min_group: int = Field(description="Answers are shown only in groups of at least this many raters.")
    split_comments: bool = Field(description="Comments are cut into sentences and shuffled.")
    questions: list[QuestionOut]
    answers: dict[str, dict[str, Any]] = Field(description="The caller's own saved answers, by question code.")


class AnswersIn(Schema):
    answers: dict[str, dict[str, Any]] = Field(
        description='By question code: `{"score": 1–5 or null (not able to rate), "comment": "…"}` '
        'for rating questions, `{"text": "…"}` for open ones.'
    )
    submit: bool = Field(False, description="Submit (final) instead of saving a draft.")


class SavedOut(Schema):
    status: str = Field(description="`draft` or `submitted`.")


class DeclineIn(Schema):
    reason: str = Field(description="Why; the person receiving feedback is told.")


class NominationOut(Schema):
    id: int
    relationship: str = Field(description=RELATIONSHIP)
    rater: str = Field(description="The rater's name (an external customer's as given).")
    status: str = Field(description="`proposed`, `approved`, `declined` or `removed`.")
    decline_reason: str


class GroupOut(Schema):
    relationship: str = Field(description=RELATIONSHIP)
    minimum: int
    maximum: int
    nominations: list[NominationOut]


class SubjectOut(Schema):
    id: int
    employee: str
    campaign: str
    state: str = Field(description="`proposing`, `submitted` (waiting for the manager) or `approved`.")
    shortfalls: list[str] = Field(description="One message per group under its minimum.")
    groups: list[GroupOut]


class NominationIn(Schema):
    relationship: str = Field(description=RELATIONSHIP + " Not `self` or `manager` (kpilib adds them).")
    rater: int | None = Field(None, description="The colleague's id (`/api/employees`); not for `customer`.")
    external_name: str = Field("", description="A customer's name (`customer` only).")
    external_email: str = Field("", description="A customer's e-mail (`customer` only).")


class CampaignOut(Schema):
    id: int
    name: str
    status: str = Field(description="`draft`, `open` or `closed`.")
    deadline: datetime.date
    min_group: int
    subjects: int
    invited: int = Field(description="Approved raters' forms.")
    submitted: int = Field(description="Forms answered (counts only: never who said what).")


def _form(nomination: Nomination) -> dict[str, Any]:
    campaign = nomination.subject.campaign
    response = getattr(nomination, "response", None)
    return {
        "id": nomination.pk,
        "subject": nomination.subject.employee.name,
        "relationship": nomination.relationship,
        "campaign": campaign.local_name,
        "deadline": campaign.deadline,
        "draft": response is not None and response.status == "draft",
    }


@router.get("/feedback/forms", response=list[FormOut])
def forms(request: HttpRequest) -> Any:
    """The caller's open forms, soonest deadline first."""
    return [_form(nomination) for nomination in selectors.forms_to_answer(request.user)]


@router.get("/feedback/forms/{pk}", response=FormDetailOut)
def form(request: HttpRequest, pk: int) -> Any:
    nomination = _found(selectors.nomination_for_rater, request.user, pk)
    campaign = nomination.subject.campaign
    response = getattr(nomination, "response", None)
    questions = campaign.questionnaire.questions.select_related("competency").order_by("order")
    return {
        **_form(nomination),
        "min_group": campaign.min_group,
        "split_comments": campaign.split_comments,
        "questions": [
            {
                "code": question.code,
                "kind": question.kind,
                "competency": question.competency.local_name if question.kind == Question.Kind.RATING else None,
                "text": services.question_text(question),
            }
            for question in questions
        ],
        "answers": response.answers if response is not None else {},
    }


@router.put("/feedback/forms/{pk}", response=SavedOut)
def form_answer(request: HttpRequest, pk: int, body: AnswersIn) -> Any:
    nomination = _found(selectors.nomination_for_rater, request.user, pk)
    response = services.response_save(
        actor=request.user, origin=Origin.API, nomination=nomination, answers=body.answers,
        submit=body.submit, now=clock.now(),
    )
    return {"status": response.status}


@router.post("/feedback/forms/{pk}/decline", response=SavedOut)
def form_decline(request: HttpRequest, pk: int, body: DeclineIn) -> Any:
    nomination = _found(selectors.nomination_for_rater, request.user, pk)
    nomination = services.nomination_decline(
        actor=request.user, origin=Origin.API, nomination=nomination, reason=body.reason, now=clock.now()
    )
    return {"status": nomination.status}


def _subject(subject: Subject) -> dict[str, Any]:
    return {
        "id": subject.pk,
        "employee": subject.employee.name,
        "campaign": subject.campaign.local_name,
        "state": subject.state,
        "shortfalls": selectors.shortfall_messages(subject),
        "groups": [
            {
                "relationship": group.relationship,
                "minimum": group.minimum,
                "maximum": group.maximum,
                "nominations": [
                    {
                        "id": nomination.pk,
                        "relationship": nomination.relationship,
                        "rater": nomination.rater.name if nomination.rater else nomination.external_name,
                        "status": nomination.status,
                        "decline_reason": nomination.decline_reason,
                    }
                    for nomination in group.nominations
                ],
            }
            for group in selectors.group_rows(subject)
        ],
    }


@router.get("/feedback/subjects/{pk}", response=SubjectOut)
def subject(request: HttpRequest, pk: int) -> Any:
    return _subject(_found(selectors.subject_for, request.user, pk))


@router.post("/feedback/subjects/{pk}/nominations", response={201: SubjectOut})
def subject_nominate(request: HttpRequest, pk: int, body: NominationIn) -> Any:
    found = _found(selectors.subject_for, request.user, pk)
    rater = None
    if body.rater is not None:
        # any colleague may be nominated (raters come from other departments), but an id
        # that is no employee is refused like a missing one
        rater = Employee.objects.filter(pk=body.rater).first()
        if rater is None:
            raise Http404("No such employee")
    services.nomination_add(
        actor=request.user, origin=Origin.API, subject=found, relationship=body.relationship, rater=rater,
        external_name=body.external_name, external_email=body.external_email, now=clock.now(),
    )
    return 201, _subject(found)


@router.post("/feedback/subjects/{pk}/submit", response=SubjectOut)
def subject_submit(request: HttpRequest, pk: int) -> Any:
    found = _found(selectors.subject_for, request.user, pk)
    return _subject(services.nominations_submit(actor=request.user, origin=Origin.API, subject=found, now=clock.now()))


@router.post("/feedback/subjects/{pk}/approve", response=SubjectOut)
def subject_approve(request: HttpRequest, pk: int) -> Any:
    """Approve the raters; each customer is e-mailed their link (never returned here)."""
    found = _found(selectors.subject_for, request.user, pk)
    services.nominations_approve(
        actor=request.user, origin=Origin.API, subject=found, now=clock.now(),
        link_base=request.build_absolute_uri("/feedback/link/"),
    )
    found.refresh_from_db()
    return _subject(found)


@router.get("/feedback/campaigns", response=list[CampaignOut])
def campaigns(request: HttpRequest) -> Any:
    """HR's campaigns with response rates (HR only: 403 for others)."""
    if not is_hr_admin(request.user):
        raise PermissionDenied("feedback campaigns")
    # the counts in the one query (annotated), not three per campaign
    approved = Q(subjects__nominations__status=Nomination.Status.APPROVED)
    counted = selectors.campaigns_listed().annotate(
        subject_count=Count("subjects", distinct=True),
        invited=Count("subjects__nominations", filter=approved, distinct=True),
        submitted=Count(
            "subjects__nominations",
            filter=approved & Q(subjects__nominations__response__status=Response.Status.SUBMITTED),
            distinct=True,
        ),
    )
    return [
        {
            "id": campaign.pk, "name": campaign.local_name, "status": campaign.status,
            "deadline": campaign.deadline, "min_group": campaign.min_group,
            "subjects": campaign.subject_count, "invited": campaign.invited, "submitted": campaign.submitted,
        }
        for campaign in counted
    ]


# --- the manager's team view (feedback.team) ------------------------------------------------


class CompetencyMeanOut(Schema):
    code: str
    name: str
    mean: float | None = Field(description="Others' mean (shown groups); null when withheld or unrated.")


class TeamResultOut(Schema):
    overall: float | None = Field(description="Others' rater-weighted mean over shown groups; null when withheld.")
    self: float | None
    gap: float | None = Field(description="self − overall.")
    gap_class: str | None = Field(description="`over-estimator`, `under-estimator` or `in agreement` at ±0.5.")
    withheld_raters: int = Field(description="Raters whose group is too small to show (a count, never who).")
    competencies: list[CompetencyMeanOut]


class TeamRowOut(Schema):
    subject: int = Field(description="The subject's id (`/api/feedback/subjects/{id}`).")
    employee: str
    state: str = Field(description="`proposing`, `submitted` (waiting for the manager) or `approved`.")
    invited: int = Field(description="Approved raters' forms.")
    submitted: int = Field(description="Forms answered (counts only).")
    results: TeamResultOut | None = Field(
        description="Once the campaign is closed (null before); null figures when nobody answered."
    )


@router.get("/feedback/campaigns/{pk}/team", response=list[TeamRowOut])
def campaign_team(request: HttpRequest, pk: int) -> Any:
    """The caller's team in a campaign (a director: their org; HR: everyone), as on the team
    page: counts while it runs, each report's figures once it is closed; 404 when the caller
    manages nobody in it. No rater is named."""
    from kpilib.feedback import team

    found, subjects = _found(team.team_for, request.user, pk)
    competencies = list(found.questionnaire.competencies.order_by("order", "pk"))
    codes = [c.code for c in competencies]
    rows = []
    for row in team.team_rows(found, subjects):
        results = None
        if row.report is not None:
            summary = row.report.summary
            results = {
                "overall": summary.overall if summary else None,
                "self": summary.self if summary else None,
                "gap": summary.gap if summary else None,
                "gap_class": row.gap_label,
                "withheld_raters": summary.withheld_raters if summary else 0,
                "competencies": [
                    {"code": c.code, "name": c.local_name, "mean": mean}
                    for c, mean in zip(competencies, row.competency_means(codes), strict=True)
                ],
            }
        rows.append(
            {
                "subject": row.subject.pk, "employee": row.subject.employee.name,
                "state": row.subject.state, "invited": row.invited, "submitted": row.submitted,
                "results": results,
            }
        )
    return rows


class ReportGroupOut(Schema):
    relationship: str = Field(description=RELATIONSHIP + " `other` is the pool of groups too small to show.")
    label: str = Field(description="The group's name in the caller's language.")
    raters: int
    mean: float


class ReportQuestionOut(Schema):
    question: str = Field(description="The question's code.")
    text: str
    overall: float | None = Field(description="Shown groups' rater-weighted mean; null when none is shown.")
    self: float | None


class ReportCommentOut(Schema):
    relationship: str = Field(description="The shown group it came from (never a rater).")
    question: str
    text: str


class ReportGapOut(Schema):
    competency: str = Field(description="The competency's code.")
    name: str
    self: float | None
    others: float | None
    gap: float | None
    label: str | None = Field(description="`over-estimator`, `under-estimator`, `in agreement`, or null.")
    explanation: str


class ReportOut(Schema):
    """One person's results by §11 of the product brief: the fields of `kpilib feedback
    summarize`, with the subject as their employee id, plus the self–other gap per
    competency."""

    subject_id: str = Field(description="The person's employee id.")
    name: str
    campaign: str
    min_group: int
    overall: float | None = Field(description="Shown non-self groups only; null when none is shown.")
    self: float | None
    gap: float | None = Field(description="self − overall.")
    groups: list[ReportGroupOut]
    withheld_raters: int = Field(description="Raters in groups too small to show, even pooled.")
    questions: list[ReportQuestionOut]
    comments: list[ReportCommentOut] = Field(description="From shown groups only, in no rater order.")
    competencies: list[ReportGapOut]


def _report(report: selectors.Report) -> dict[str, Any]:
    subject, summary = report.subject, report.summary
    language = translation.get_language() or "en"
    return {
        "subject_id": subject.employee.employee_id,
        "name": subject.employee.name,
        "campaign": subject.campaign.local_name,
        "min_group": subject.campaign.min_group,
        "overall": summary.overall if summary else None,
        "self": summary.self if summary else None,
        "gap": summary.gap if summary else None,
        "groups": [
            {"relationship": g.relationship, "label": str(Relationship(g.relationship).label), "raters": g.raters, "mean": g.mean}
            for g in (summary.groups if summary else ())
        ],
        "withheld_raters": summary.withheld_raters if summary else 0,
        "questions": [
            {
                "question": q.question, "overall": q.overall, "self": q.self,
                "text": services.question_text(report.questions[q.question]) if q.question in report.questions else q.question,
            }
            for q in (summary.questions if summary else ())
            if q.question in report.questions and report.questions[q.question].kind == Question.Kind.RATING
        ],
        "comments": [
            {"relationship": c.relationship, "question": c.question, "text": c.text}
            for c in (summary.comments if summary else ())
        ],
        "competencies": [
            {
                "competency": g.competency,
                "name": report.competencies[g.competency].local_name if g.competency in report.competencies else g.competency,
                "self": g.self, "others": g.others, "gap": g.gap, "label": g.label,
                "explanation": g.explanation(language),
            }
            for g in report.gaps
        ],
    }


@router.get("/feedback/subjects/{pk}/report", response={200: ReportOut, 409: Refusal})
def subject_report(request: HttpRequest, pk: int) -> Any:
    """The person's 360 results, for them, their managers up the line and HR: the same
    figures as the report page. 409 while the campaign is open."""
    found = _found(selectors.subject_for, request.user, pk)
    if not selectors.results_visible(found):
        return Status(409, {"detail": _("Results appear when the campaign is closed.")})
    return _report(selectors.report_for(found))


@router.get("/feedback/campaigns/{pk}/results", response={200: list[ReportOut], 409: Refusal})
def campaign_results(request: HttpRequest, pk: int) -> Any:
    """Every person's results of a closed campaign (HR only), by name: the figures of
    each report, never more. 409 while the campaign is open."""
    campaign = _found(selectors.campaign_for_hr, request.user, pk)
    if campaign.status != Campaign.Status.CLOSED:
        return Status(409, {"detail": _("Results appear when the campaign is closed.")})
    return [_report(report) for report in selectors.campaign_reports(campaign)]
