"""Reads of 360 feedback: who may do what with a subject, the forms a rater still owes,
the nominations per group, and a campaign's response rates (numbers only: never who
said what)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import ngettext

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


def shortfall_messages(subject: Subject) -> list[str]:
    """One message per group under its minimum, naming it (the refusal and the page)."""
    return [
        ngettext(
            "%(group)s needs at least %(minimum)d rater (%(nominated)d nominated).",
            "%(group)s needs at least %(minimum)d raters (%(nominated)d nominated).",
            short.minimum,
        )
        % {"group": short.label, "minimum": short.minimum, "nominated": short.nominated}
        for short in shortfalls(subject)
    ]


#: Self and the manager answer from launch; the others once the subject's raters are approved.
ALWAYS_OPEN = (Relationship.SELF, Relationship.MANAGER)


def form_open(nomination: Nomination) -> bool:
    """Whether a rater may answer now: an approved nomination in an open campaign, whose
    subject's raters are approved (self and the manager need no approval)."""
    subject = nomination.subject
    return (
        subject.campaign.status == Campaign.Status.OPEN
        and nomination.status == Nomination.Status.APPROVED
        and (subject.state == Subject.State.APPROVED or nomination.relationship in ALWAYS_OPEN)
    )


def open_forms() -> QuerySet[Nomination]:
    """Every form a rater may answer now (`form_open`) and has not submitted (drafts
    included): the to-do lists and the reminders read this one query."""
    return Nomination.objects.filter(
        Q(subject__state=Subject.State.APPROVED) | Q(relationship__in=ALWAYS_OPEN),
        status=Nomination.Status.APPROVED,
        subject__campaign__status=Campaign.Status.OPEN,
    ).exclude(response__status=Response.Status.SUBMITTED)


def forms_to_answer(user: Any) -> QuerySet[Nomination]:
    """The rater's open forms (`open_forms`), soonest deadline first."""
    employee = employee_of(user)
    if employee is None:
        return Nomination.objects.none()
    return (
        open_forms()
        .filter(rater=employee)
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
    approved = Nomination.objects.filter(subject__campaign=campaign, status=Nomination.Status.APPROVED)
    return ResponseRate(
        invited=approved.count(),
        submitted=approved.filter(response__status=Response.Status.SUBMITTED).count(),
    )


# --- pages ---------------------------------------------------------------------------------


def campaigns_listed() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("cycle", "questionnaire").order_by("-deadline", "-pk")


def campaign_for_hr(user: Any, pk: int) -> Campaign:
    """A campaign for HR; anyone else gets `DoesNotExist` (a 404)."""
    if not is_hr_admin(user):
        raise Campaign.DoesNotExist(pk)
    return campaigns_listed().get(pk=pk)


def subject_for(user: Any, pk: int) -> Subject:
    """A subject for the person themselves, their managers up the line and HR; anyone
    else (a rater included) gets `DoesNotExist` (a 404)."""
    subject = Subject.objects.select_related("campaign", "employee").get(pk=pk)
    if is_subject(user, subject) or manages_subject(user, subject):
        return subject
    raise Subject.DoesNotExist(pk)


def own_subjects(user: Any) -> QuerySet[Subject]:
    """The user's own places as a subject in open campaigns."""
    employee = employee_of(user)
    if employee is None:
        return Subject.objects.none()
    return Subject.objects.filter(employee=employee, campaign__status=Campaign.Status.OPEN).select_related(
        "campaign"
    )


def own_results(user: Any) -> QuerySet[Subject]:
    """The user's own places as a subject in closed campaigns (their reports), newest first."""
    employee = employee_of(user)
    if employee is None:
        return Subject.objects.none()
    return (
        Subject.objects.filter(employee=employee, campaign__status=Campaign.Status.CLOSED)
        .select_related("campaign")
        .order_by("-campaign__deadline", "-pk")
    )


def subjects_to_approve(user: Any) -> QuerySet[Subject]:
    """Submitted raters waiting for this manager (people below them), oldest first."""
    employee = employee_of(user)
    if employee is None:
        return Subject.objects.none()
    return (
        Subject.objects.filter(
            state=Subject.State.SUBMITTED,
            campaign__status=Campaign.Status.OPEN,
            employee_id__in=managed_employee_ids(employee),
        )
        .select_related("campaign", "employee")
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class GroupRow:
    """One rater group of a subject: its limits and who is nominated in it."""

    relationship: str
    label: str
    minimum: int
    maximum: int
    nominations: list[Nomination]

    @property
    def active(self) -> int:
        return sum(1 for n in self.nominations if n.status in ACTIVE)

    @property
    def short(self) -> bool:
        return self.active < self.minimum

    @property
    def full(self) -> bool:
        return self.active >= self.maximum


def group_rows(subject: Subject) -> list[GroupRow]:
    """Every group a subject's raters may come from, in `Relationship` order, with its
    nominations (declined ones kept, to show the reason)."""
    by_group: dict[str, list[Nomination]] = {}
    for nomination in subject.nominations.exclude(status=Nomination.Status.REMOVED).select_related("rater"):
        by_group.setdefault(nomination.relationship, []).append(nomination)
    rows = []
    for relationship in Relationship.values:
        minimum, maximum = subject.campaign.limits(relationship)
        if maximum == 0 and relationship not in by_group:
            continue
        rows.append(
            GroupRow(relationship, str(Relationship(relationship).label), minimum, maximum,
                     by_group.get(relationship, []))
        )
    return rows


def with_form_counts(subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """The subjects with `invited` (approved raters) and `submitted` (their answers in)
    counted in the same query: counts only, HR never sees who said what."""
    approved = Q(nominations__status=Nomination.Status.APPROVED)
    return subjects.annotate(
        invited=Count("nominations", filter=approved, distinct=True),
        submitted=Count(
            "nominations", filter=approved & Q(nominations__response__status=Response.Status.SUBMITTED), distinct=True
        ),
    )


def subject_rows(campaign: Campaign) -> list[tuple[Subject, int, int]]:
    """A campaign's subjects with their approved raters and the answers received."""
    subjects = with_form_counts(campaign.subjects.select_related("employee__org_unit")).order_by("employee__employee_id")
    return [(subject, subject.invited, subject.submitted) for subject in subjects]  # type: ignore[attr-defined]


# --- results (after the campaign is closed) -------------------------------------------------


def answer_rows(campaign: Campaign, subjects: list[Subject] | None = None) -> list[dict[str, object]]:
    """The submitted answers as the engine's §11 rows: one per rater and question, the rater
    as the nomination's id (it never leaves the engine), the competency's code, and each
    open question as a comment without a score."""
    questions = {
        q.code: q for q in campaign.questionnaire.questions.select_related("competency")
    }
    responses = Response.objects.filter(
        nomination__subject__campaign=campaign, status=Response.Status.SUBMITTED
    ).select_related("nomination__subject")
    if subjects is not None:
        responses = responses.filter(nomination__subject__in=subjects)
    rows: list[dict[str, object]] = []
    for response in responses.order_by("nomination_id"):
        nomination = response.nomination
        for code, question in questions.items():
            given = response.answers.get(code)
            if given is None:
                continue
            rows.append(
                {
                    "subject_id": str(nomination.subject_id),
                    "rater_id": str(nomination.pk),
                    "relationship": nomination.relationship,
                    "question": code,
                    "competency": question.competency.code if question.competency else None,
                    "score": given.get("score"),
                    "comment": given.get("comment", "") if "score" in given else given.get("text", ""),
                }
            )
    return rows


def competency_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows of rating questions: the self–other gaps are per competency, and an open
    question (no competency, no score) is not one."""
    return [row for row in rows if row["competency"] is not None]


@dataclass(frozen=True)
class Report:
    """One subject's 360 results as anyone allowed may see them: the §11 summary, the
    self–other gap per competency, and the questionnaire to label them."""

    subject: Subject
    summary: Any  # engine.feedback.SubjectSummary, or None when nobody answered
    gaps: list[Any]  # engine.feedback.SelfOtherGap per competency
    competencies: dict[str, Any]
    questions: dict[str, Any]
    #: engine.feedback.ScoreDistribution per competency: answers 1..5, shown groups only
    distribution: list[Any] = field(default_factory=list)


def results_visible(subject: Subject) -> bool:
    """Results exist once the campaign is closed: figures that changed with each answer
    while it ran would show, by difference, what each rater said."""
    return subject.campaign.status == Campaign.Status.CLOSED


def report_for(subject: Subject) -> Report:
    return campaign_reports(subject.campaign, [subject])[0]


def campaign_reports(campaign: Campaign, subjects: list[Subject] | None = None) -> list[Report]:
    """The reports of a campaign's subjects (all, or those given) in one read and one
    engine pass: the same §11 rules as each subject's page, so an export or an API list
    shows exactly the figures of the reports themselves. Ordered as given, or by name."""
    from kpilib.engine.feedback import score_distribution, self_other_gaps, summarize

    if subjects is None:
        subjects = list(campaign.subjects.select_related("employee__org_unit").order_by("employee__name", "pk"))
    rows = answer_rows(campaign, subjects)
    summaries = (
        {s.subject_id: s for s in summarize(
            rows, min_group=campaign.min_group, split_comments=campaign.split_comments, seed=campaign.pk
        )}
        if rows else {}
    )
    gaps: dict[str, list[Any]] = {}
    rated = competency_rows(rows)
    for gap in self_other_gaps(rated, min_group=campaign.min_group) if rated else []:
        gaps.setdefault(gap.subject_id, []).append(gap)
    distribution: dict[str, list[Any]] = {}
    for counts in score_distribution(rows, min_group=campaign.min_group) if rows else []:
        distribution.setdefault(counts.subject_id, []).append(counts)
    questionnaire = campaign.questionnaire
    competencies = {c.code: c for c in questionnaire.competencies.all()}
    questions = {q.code: q for q in questionnaire.questions.all()}
    return [
        Report(
            subject=subject,
            summary=summaries.get(str(subject.pk)),
            gaps=gaps.get(str(subject.pk), []),
            competencies=competencies,
            questions=questions,
            distribution=distribution.get(str(subject.pk), []),
        )
        for subject in subjects
    ]


# --- trend across campaigns (issue 14, item 6) ---------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One closed campaign of the person: its overall and per-competency figures exactly as
    that campaign's report shows them (None = withheld, or nobody answered)."""

    subject: Subject
    answered: bool
    overall: float | None
    by_competency: dict[str, float | None]


@dataclass(frozen=True)
class Trend:
    points: list[TrendPoint]
    competencies: list[tuple[str, str]]  # (code, name) in the order first met


def trend_for(user: Any, subject: Subject) -> Trend:
    """The person's closed campaigns up to this subject's, oldest to newest (deadline, then
    id), each read through `report_for` of its own campaign, so every figure follows that
    campaign's §11 rules; only subjects this user may read (the person, managers, HR)."""
    mine = (
        Subject.objects.filter(employee_id=subject.employee_id, campaign__status=Campaign.Status.CLOSED)
        .filter(
            Q(campaign__deadline__lt=subject.campaign.deadline)
            | Q(campaign__deadline=subject.campaign.deadline, campaign__pk__lte=subject.campaign.pk)
        )
        .select_related("campaign__questionnaire", "employee")
        .order_by("campaign__deadline", "campaign__pk")
    )
    points: list[TrendPoint] = []
    names: dict[str, str] = {}
    for other in mine:
        if not (is_subject(user, other) or manages_subject(user, other)):
            continue
        report = report_for(other)
        for code, competency in report.competencies.items():
            names.setdefault(code, competency.local_name)
        summary = report.summary
        points.append(
            TrendPoint(
                subject=other,
                answered=summary is not None,
                overall=summary.overall if summary is not None else None,
                by_competency={gap.competency: gap.others for gap in report.gaps},
            )
        )
    used = {code for point in points for code in point.by_competency}
    for point in points:  # a competency-less question is labelled by its code
        for code in point.by_competency:
            names.setdefault(code, code)
    return Trend(points=points, competencies=[(code, name) for code, name in names.items() if code in used])
