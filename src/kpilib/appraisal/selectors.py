"""Reading appraisal results: what-if comparisons, scorecards, trends, team heatmaps."""

import datetime
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from kpilib.appraisal.fetch import group_facts, score_group
from kpilib.appraisal.models import Appeal, Cycle, Participant, PersonalGoal, Scorecard
from kpilib.audit.models import AuditEvent
from kpilib.engine.definitions import Indicator as IndicatorDefinition
from kpilib.engine.distribution import GradeAllowance, Rounding, allowances
from kpilib.engine.measures import metrics_read
from kpilib.engine.periods import Period
from kpilib.engine.scorecard import CardStatus
from kpilib.ingest.selectors import facts_for
from kpilib.library.selectors import engine_language
from kpilib.org.models import Employee
from kpilib.plans.fetch import (
    effective_plan,
    engine_plan_and_pack,
    live_revision,
    pinned_definitions,
)
from kpilib.plans.models import Plan, PlanRevision
from kpilib.plans.selectors import plan_members


def line_suffix(language: str | None = None) -> str:
    """The suffix of a stored scorecard line's texts (`name_…`, `explanation_…`) in an
    engine language, by default the active UI language."""
    return "zh_hans" if (language or engine_language()) == "zh-Hans" else "en"


@dataclass(frozen=True)
class WhatIfRow:
    """One person's result under the live revision and under the draft."""

    employee: Employee
    current_total: float | None
    current_grade: str | None
    current_rank: int | None
    new_total: float | None
    new_grade: str | None
    new_rank: int | None
    current_no_data: bool = False
    new_no_data: bool = False

    @property
    def delta(self) -> float | None:
        if self.current_total is None or self.new_total is None:
            return None
        return self.new_total - self.current_total


def plan_whatif(draft: PlanRevision, period: Period) -> list[WhatIfRow]:
    """Every member's total, grade and rank under the live revision and the draft."""
    members = list(plan_members(draft.plan))
    ids = [member.employee_id for member in members]
    if not ids:
        return []
    live = live_revision(draft.plan)
    revisions = [draft] + ([live] if live is not None and live.pk != draft.pk else [])
    effectives = [effective_plan(revision) for revision in revisions]
    facts = group_facts([engine_plan_and_pack(e)[1] for e in effectives], ids, period)
    results = [
        {c.employee_id: c for c in score_group(e, ids, period, facts=facts).records()}
        for e in effectives
    ]
    proposed, current = results[0], (results[1] if len(results) > 1 else {})
    rows = []
    for member in members:
        now, new = current.get(member.employee_id), proposed[member.employee_id]
        rows.append(
            WhatIfRow(
                employee=member,
                current_total=now.total if now else None,
                current_grade=now.grade if now else None,
                current_rank=now.rank if now else None,
                new_total=new.total,
                new_grade=new.grade,
                new_rank=new.rank,
                current_no_data=bool(now) and now.status is CardStatus.NO_DATA,
                new_no_data=new.status is CardStatus.NO_DATA,
            )
        )
    return sorted(rows, key=lambda row: (row.new_rank or 10**9, row.employee.employee_id))


def latest_scorecards(participants: list[Participant]) -> dict[int, Scorecard]:
    """The newest scorecard revision per participant id (one query)."""
    newest: dict[int, Scorecard] = {}
    for card in (
        Scorecard.objects.filter(participant__in=participants)
        .select_related(
            "participant__employee__org_unit", "participant__employee__manager", "participant__cycle"
        )
        .order_by("participant_id", "-revision")
    ):
        newest.setdefault(card.participant_id, card)
    return newest


def ranked_count(cycle: Cycle) -> int:
    """How many of the cycle's people hold a rank (newest revisions; no data holds none):
    the 49 of "rank 12 / 49"."""
    newest = latest_scorecards(list(cycle.participants.all()))
    return sum(1 for card in newest.values() if card.rank is not None)


def employee_trend(employee: Employee, *, published_only: bool = True) -> list[dict[str, Any]]:
    """The employee's totals cycle after cycle (newest revision of each), oldest first; a
    cycle without data has total None (a gap in the chart) and `no_data`."""
    cards = Scorecard.objects.filter(participant__employee=employee).select_related(
        "participant__cycle"
    )
    if published_only:
        cards = cards.filter(published_at__isnull=False)
    newest: dict[int, Scorecard] = {}
    for card in cards.order_by("participant__cycle__start", "-revision"):
        newest.setdefault(card.participant.cycle_id, card)
    return [
        {
            "cycle": c.participant.cycle.local_name,
            "period": c.participant.cycle.period,
            "total": c.total,
            "grade": c.final_grade,
            "no_data": c.no_data,
        }
        for c in newest.values()
    ]


def heatmap(participants: list[Participant], cards: dict[int, Scorecard]) -> dict[str, Any]:
    """People × indicators as shares of max points, shaped for an ECharts heatmap.

    `cards` are the scorecards (by participant) the viewer may see; people without data
    (no points on any line) are left out, the cycle's table shows them."""
    people = [p for p in participants if p.pk in cards and not cards[p.pk].no_data]
    name_key = f"name_{line_suffix()}"
    codes: list[str] = []
    names: list[str] = []
    for participant in people:
        for line in cards[participant.pk].lines:
            if line["code"] not in codes:
                codes.append(line["code"])
                names.append(line.get(name_key) or line["code"])
    cells = []
    for row, participant in enumerate(people):
        for line in cards[participant.pk].lines:
            if line["points"] is not None and line["max_points"]:
                share = round(100 * line["points"] / line["max_points"], 1)
                cells.append([codes.index(line["code"]), row, share])
    return {
        "people": [f"{p.employee.name} #{cards[p.pk].rank or '-'}" for p in people],
        "indicators": names,
        "cells": cells,
    }


def weight_sensitivity(cycle: Any) -> list[Any]:
    """How far each indicator's weight can move before two people in the cycle swap places.

    Scores per indicator are the share of its points earned (0–1), from the newest
    scorecards; lines not scored count as 0 for everyone alike. People without a total
    (no data) are left out: they have no place to swap.
    """
    import numpy as np

    from kpilib.engine.ahp import AhpInputError, ranking_sensitivity

    cards = [
        c
        for c in latest_scorecards(list(cycle.participants.all())).values()
        if c.lines and c.total is not None and c.status == Scorecard.Status.SCORED
    ]
    if len(cards) < 2:
        return []
    codes = [line["code"] for line in cards[0].lines]
    scores = np.array(
        [
            [
                (line["points"] or 0.0) / line["max_points"] if line["max_points"] else 0.0
                for line in card.lines
            ]
            for card in cards
        ]
    )
    weights = [line["max_points"] / 100 for line in cards[0].lines]
    try:
        return list(
            ranking_sensitivity(
                scores,
                weights,
                employees=[card.participant.employee.name for card in cards],
                criteria=codes,
            )
        )
    except AhpInputError:
        return []


@dataclass(frozen=True)
class MyCycle:
    """A cycle the employee takes part in, with their newest published scorecard if any."""

    participant: Participant
    scorecard: Scorecard | None
    has_goals: bool


def my_cycles(employee: Employee) -> list[MyCycle]:
    participants = list(
        Participant.objects.filter(employee=employee)
        .select_related("cycle", "cycle__plan", "cycle__revision")
        .order_by("-cycle__start")[:12]
    )
    published: dict[int, Scorecard] = {}
    for card in Scorecard.objects.filter(
        participant__in=participants, published_at__isnull=False
    ).order_by("participant_id", "-revision"):
        published.setdefault(card.participant_id, card)
    return [
        MyCycle(
            participant=p,
            scorecard=published.get(p.pk),
            has_goals=effective_plan(p.cycle.revision).personal_mode != "none",
        )
        for p in participants
    ]


@dataclass(frozen=True)
class DuePhase:
    """A phase of an open cycle that waits for the user, with its deadline if set."""

    cycle: Any
    phase_label: str
    deadline: str | None


def phases_due_for(user: Any) -> list[DuePhase]:
    """Open cycles whose current phase the user owes (see reminders.PHASE_OWNERS)."""
    from kpilib.appraisal.models import Cycle
    from kpilib.appraisal.reminders import phase_owners

    due = []
    for cycle in Cycle.objects.exclude(phase=Cycle.Phase.CLOSED).select_related("plan"):
        if any(owner.pk == user.pk for owner in phase_owners(cycle, cycle.phase)):
            due.append(
                DuePhase(cycle, cycle.get_phase_display(), cycle.phase_deadlines.get(cycle.phase))
            )
    return due


@dataclass(frozen=True)
class AppealDue:
    """An open appeal on someone's to-do list; `can_answer` when they run its cycle."""

    appeal: Appeal
    can_answer: bool


def appeals_due_for(user: Any) -> list[AppealDue]:
    """Open appeals for the user's home: on the cycles they run (to answer) and of the
    people they manage (to follow), never their own, oldest first."""
    from django.db.models import Q

    from kpilib.permissions import employee_of, plans_administered_by, visible_employees

    managed = set(plans_administered_by(user).values_list("pk", flat=True))
    appeals = Appeal.objects.filter(status=Appeal.Status.OPEN).filter(
        Q(scorecard__participant__cycle__plan__in=managed)
        | Q(scorecard__participant__employee__in=visible_employees(user))
    )
    me = employee_of(user)
    if me is not None:
        appeals = appeals.exclude(scorecard__participant__employee=me)
    return [
        AppealDue(appeal, appeal.scorecard.participant.cycle.plan_id in managed)
        for appeal in appeals.select_related(
            "scorecard__participant__employee", "scorecard__participant__cycle"
        ).order_by("filed_at", "pk")
    ]


def last_recompute(cycle: Cycle) -> AuditEvent | None:
    """The audit event of the cycle's newest scoring (`cycle_score`: by a person's
    recompute or a phase move), with its actor, or None when it was never scored."""
    return (
        AuditEvent.objects.filter(
            object_type="appraisal.cycle", object_id=str(cycle.pk), changes__has_key="recomputed"
        )
        .select_related("actor")
        .order_by("-pk")
        .first()
    )


# --- a cycle's distribution and its phase's completion (read by pages and by cycle_advance) ---

PHASES = [phase for phase, _label in Cycle.Phase.choices]


def grade_distribution(cycle: Cycle) -> list[GradeAllowance]:
    """Per grade of the plan: how many people hold it, their share, the target and how
    many people it allows in this group (the cycle's rounding). People without data (no
    grade) are left out of the group."""
    newest = latest_scorecards(list(cycle.participants.all()))
    counts = Counter(card.final_grade for card in newest.values() if card.final_grade)
    bands = [band["grade"] for band in effective_plan(cycle.revision).grade_bands]
    targets = {grade: float(share) for grade, share in cycle.grade_targets.items()}
    return allowances(counts, targets, bands, Rounding(cycle.distribution_rounding))


def no_data_count(cycle: Cycle) -> int:
    """How many of the cycle's newest scorecards have no data (not graded, not ranked)."""
    newest = latest_scorecards(list(cycle.participants.all()))
    return sum(1 for card in newest.values() if card.no_data)


def distribution_problems(cycle: Cycle) -> list[str]:
    """Grades held by more people than their target allows in whole people (binding only
    with forced distribution, and then overridable with a reason)."""
    rounding = Cycle.Rounding(cycle.distribution_rounding).label
    return [
        gettext(
            "%(grade)s: %(count)d of %(people)d people, %(allowed)d allowed "
            "(at most %(target)s%%, %(rounding)s)"
        )
        % {
            "grade": row.grade,
            "count": row.count,
            "people": row.people,
            "allowed": row.allowed,
            "target": f"{(row.target or 0) * 100:g}",
            "rounding": rounding,
        }
        for row in grade_distribution(cycle)
        if row.over
    ]


@dataclass(frozen=True)
class PhaseCompletion:
    """How far the cycle's current phase got on `today`: who owes it and who has done it.

    `done`/`total` count people (None for a phase with nothing to count: data collection,
    calibration, publication, and goal setting of a plan without personal goals). The
    phase is *due* when everyone counted has done it, or when its deadline has passed
    (the deadline day itself still belongs to the phase), or when it has neither a count
    nor a deadline. Moving on before it is due is moving on early: it needs a reason.
    """

    phase: str
    done: int | None
    total: int | None
    deadline: datetime.date | None
    today: datetime.date

    @property
    def counted(self) -> bool:
        return self.done is not None and self.total is not None

    @property
    def complete(self) -> bool:
        return self.counted and (self.done or 0) >= (self.total or 0)

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.today > self.deadline

    @property
    def early(self) -> bool:
        if self.complete or self.deadline_passed:
            return False
        return self.counted or self.deadline is not None

    @property
    def label(self) -> str:
        return str(Cycle.Phase(self.phase).label)

    @property
    def progress(self) -> str:
        """'2 of 49 acknowledged' in the reader's language; empty when nothing is counted."""
        if not self.counted:
            return ""
        return PHASE_PROGRESS[self.phase] % {"done": self.done, "total": self.total}

    @property
    def summary(self) -> str:
        """'2 of 49 acknowledged, deadline 2027-01-30' (either part may be missing)."""
        parts = [self.progress] if self.progress else []
        if self.deadline is not None:
            parts.append(gettext("deadline %(date)s") % {"date": self.deadline.isoformat()})
        return gettext(", ").join(parts) if parts else gettext("no deadline set")


PHASE_PROGRESS = {
    Cycle.Phase.GOAL_SETTING: gettext_lazy("%(done)d of %(total)d have set goals"),
    Cycle.Phase.SELF_ASSESSMENT: gettext_lazy("%(done)d of %(total)d self-assessed"),
    Cycle.Phase.MANAGER_REVIEW: gettext_lazy("%(done)d of %(total)d reviewed by their manager"),
    Cycle.Phase.ACKNOWLEDGEMENT: gettext_lazy("%(done)d of %(total)d acknowledged"),
}


def _phase_counts(cycle: Cycle, phase: str) -> tuple[int, int] | None:
    """(done, total) people for the phases that people owe; None for the others.

    Self-assessment and manager review count submissions (`self_submitted_at`,
    `review_submitted_at`) in every plan mode: a draft or a goal rating alone is not done."""
    participants = list(cycle.participants.all())
    personal = effective_plan(cycle.revision).personal_mode != Plan.PersonalMode.NONE
    goals = PersonalGoal.objects.filter(participant__cycle=cycle)
    if phase == Cycle.Phase.GOAL_SETTING:
        if not personal:
            return None
        with_goals = set(goals.values_list("participant_id", flat=True))
        return len(with_goals), len(participants)
    if phase == Cycle.Phase.SELF_ASSESSMENT:
        done = sum(1 for p in participants if p.self_submitted_at is not None)
        return done, len(participants)
    if phase == Cycle.Phase.MANAGER_REVIEW:
        done = sum(1 for p in participants if p.review_submitted_at is not None)
        return done, len(participants)
    if phase == Cycle.Phase.ACKNOWLEDGEMENT:
        published = [
            card
            for card in latest_scorecards(participants).values()
            if card.published_at is not None
        ]
        return sum(1 for card in published if card.acknowledged_at is not None), len(published)
    return None


def next_phase_label(cycle: Cycle) -> str:
    """The name of the phase the cycle would move to ('' when it is closed)."""
    index = PHASES.index(cycle.phase)
    return "" if index == len(PHASES) - 1 else str(Cycle.Phase(PHASES[index + 1]).label)


def phase_completion(cycle: Cycle, *, today: datetime.date) -> PhaseCompletion:
    """How far the cycle's current phase got, and whether moving on now would be early."""
    counts = _phase_counts(cycle, cycle.phase) if cycle.phase != Cycle.Phase.CLOSED else None
    raw = cycle.phase_deadlines.get(cycle.phase)
    return PhaseCompletion(
        phase=cycle.phase,
        done=counts[0] if counts else None,
        total=counts[1] if counts else None,
        deadline=datetime.date.fromisoformat(raw) if raw else None,
        today=today,
    )


# --- self-assessment, manager review and the interview (issue 11, item 8) ---


# The employee confirms the recorded interview from manager review until the cycle closes.
INTERVIEW_CONFIRM_PHASES = {
    Cycle.Phase.MANAGER_REVIEW,
    Cycle.Phase.CALIBRATION,
    Cycle.Phase.PUBLICATION,
    Cycle.Phase.ACKNOWLEDGEMENT,
}


def assessment_lines(participant: Participant) -> list[tuple[str, str]]:
    """(code, name in the reader's language) of the lines a participant is assessed on:
    the newest scorecard's lines, or before any scoring the plan's pinned indicators."""
    suffix = line_suffix()
    card = participant.scorecards.order_by("-revision").first()
    if card is not None and card.lines:
        return [(line["code"], line.get(f"name_{suffix}") or line["code"]) for line in card.lines]
    from kpilib.plans.fetch import pinned_definitions

    language = "zh-Hans" if suffix == "zh_hans" else "en"
    definitions = pinned_definitions(effective_plan(participant.cycle.revision).pinned_versions)
    return [(code, definition["name"][language]) for code, definition in definitions.items()]


@dataclass(frozen=True)
class AssessmentLine:
    """One indicator with the employee's and the manager's comments (as the viewer may see them)."""

    code: str
    name: str
    self_comment: str
    manager_comment: str


@dataclass(frozen=True)
class Assessment:
    """A participant's self-assessment, manager review and interview as `user` may see them.

    The employee sees their own draft and the manager's review once submitted; reviewers
    (managers, HR, the plan's administrators) see the self-assessment once submitted and
    the review, draft included. `may_*` say which forms the user gets now (phase and actor).
    """

    participant: Participant
    lines: list[AssessmentLine]
    self_visible: bool
    review_visible: bool
    interview: Any
    evidence: list[Any]
    may_self_assess: bool
    may_review: bool
    may_confirm_interview: bool
    may_read_evidence: bool

    @property
    def self_submitted(self) -> bool:
        return self.participant.self_submitted_at is not None

    @property
    def review_submitted(self) -> bool:
        return self.participant.review_submitted_at is not None


def assessment_for(user: Any, participant: Participant) -> Assessment:
    """What `user` sees of the participant's self-assessment and review (see `Assessment`)."""
    from kpilib.appraisal.models import Interview
    from kpilib.permissions import employee_of, may_read_evidence, may_review

    own = employee_of(user) == participant.employee
    reviewer = may_review(user, participant)
    self_visible = own or participant.self_submitted_at is not None
    review_visible = not own or participant.review_submitted_at is not None
    phase = Cycle.objects.values_list("phase", flat=True).get(pk=participant.cycle_id)
    interview = Interview.objects.filter(participant=participant).first()
    lines = [
        AssessmentLine(
            code=code,
            name=name,
            self_comment=participant.self_lines.get(code, "") if self_visible else "",
            manager_comment=participant.manager_lines.get(code, "") if review_visible else "",
        )
        for code, name in assessment_lines(participant)
    ]
    readable = may_read_evidence(user, participant)
    return Assessment(
        participant=participant,
        lines=lines,
        self_visible=self_visible,
        review_visible=review_visible,
        interview=interview,
        evidence=list(participant.evidence.all()) if readable and self_visible else [],
        may_self_assess=own and phase == Cycle.Phase.SELF_ASSESSMENT,
        may_review=reviewer and phase == Cycle.Phase.MANAGER_REVIEW,
        may_confirm_interview=own
        and interview is not None
        and interview.employee_confirmed_at is None
        and phase in INTERVIEW_CONFIRM_PHASES,
        may_read_evidence=readable,
    )
# --- who a manager looks at: scopes, groups by org unit, teams with scores -------------


class Scope:
    """The cycle page's filters (issue 11, item 9): the viewer's own people, their region,
    or everyone they may see. Visibility itself is decided by `kpilib.permissions`; a scope
    only narrows what that allows."""

    TEAM = "team"
    REGION = "region"
    ALL = "all"
    CHOICES = (
        (TEAM, gettext_lazy("My team")),
        (REGION, gettext_lazy("My region")),
        (ALL, gettext_lazy("Everyone I may see")),
    )


def scoped_participants(
    user: Any, participants: list[Participant], scope: str | None
) -> tuple[str, list[Participant]]:
    """The participants of `scope` among those the user may see, and the scope applied.

    `team` is everyone below the viewer in the organisation (the units they head and their
    report chains, as `permissions.managed_employee_ids`); `region` those in the viewer's
    region; `all` everyone given. Without a scope, a viewer who has people of their own in
    the cycle starts on `team`, anyone else on `all`. An unknown scope is `all`.
    """
    from kpilib.permissions import employee_of, managed_employee_ids

    me = employee_of(user)
    below = managed_employee_ids(me) if me is not None else set()
    team = [p for p in participants if p.employee_id in below]
    if scope is None:
        scope = Scope.TEAM if team else Scope.ALL
    if scope == Scope.TEAM:
        return scope, team
    if scope == Scope.REGION:
        region = me.region if me is not None else ""
        return scope, [p for p in participants if region and p.employee.region == region]
    return Scope.ALL, participants


@dataclass(frozen=True)
class GroupResult:
    """One org unit's people in a cycle: how many, how many scored, their mean and grades."""

    unit_id: int | None
    unit_name: str
    people: int
    scored: int
    mean_total: float | None
    grades: list[tuple[str, int]]  # in the plan's band order, zeros included
    cycle: Cycle | None = None


def _group_result(
    unit_id: int | None,
    unit_name: str,
    members: list[Participant],
    cards: dict[int, Scorecard],
    bands: list[str],
    cycle: Cycle | None = None,
) -> GroupResult:
    graded = [
        cards[p.pk] for p in members if p.pk in cards and not cards[p.pk].no_data
        and cards[p.pk].total is not None
    ]
    counts = Counter(card.final_grade for card in graded if card.final_grade)
    return GroupResult(
        unit_id=unit_id,
        unit_name=unit_name,
        people=len(members),
        scored=len(graded),
        mean_total=(sum(card.total or 0.0 for card in graded) / len(graded)) if graded else None,
        grades=[(grade, counts.get(grade, 0)) for grade in bands],
        cycle=cycle,
    )


def results_by_unit(
    cycle: Cycle, participants: list[Participant], cards: dict[int, Scorecard]
) -> tuple[list[GroupResult], GroupResult]:
    """The shown participants grouped by org unit (in the tree's order), and all of them
    together: the distribution per group and overall. `cards` are those the viewer may see
    (their own unpublished one left out), so a hidden grade is never counted here."""
    bands = [band["grade"] for band in effective_plan(cycle.revision).grade_bands]
    groups: dict[int | None, list[Participant]] = {}
    for participant in participants:
        groups.setdefault(participant.employee.org_unit_id, []).append(participant)
    units = {p.employee.org_unit_id: p.employee.org_unit for p in participants}
    ordered = sorted(groups, key=lambda pk: units[pk].path if pk is not None else "")
    per_unit = [
        _group_result(
            pk, units[pk].local_name if pk is not None else "—", groups[pk], cards, bands
        )
        for pk in ordered
    ]
    return per_unit, _group_result(None, gettext("Overall"), participants, cards, bands)


def team_overview(user: Any) -> list[GroupResult]:
    """Every team (org unit) below the viewer with its people and the results of its newest
    scored cycle: what a director opens instead of a list of names (issue 11, item 16).

    A unit whose people took part in several cycles of the same newest period (a plan and
    its regional variants) counts them together; the viewer's own unpublished result and
    people without data stay out of the figures, as on the cycle page.
    """
    from kpilib.permissions import employee_of, scorecards_visible, visible_employees

    me = employee_of(user)
    seen = visible_employees(user).filter(left_on__isnull=True).select_related("org_unit")
    if me is not None:
        seen = seen.exclude(pk=me.pk)
    people = Counter(seen.values_list("org_unit_id", flat=True))
    participants = list(
        Participant.objects.filter(employee__in=seen, scorecards__isnull=False)
        .select_related("cycle", "cycle__revision", "employee__org_unit")
        .distinct()
    )
    newest_end: dict[int | None, datetime.date] = {}
    for participant in participants:
        unit = participant.employee.org_unit_id
        if unit not in newest_end or participant.cycle.end > newest_end[unit]:
            newest_end[unit] = participant.cycle.end
    current: dict[int | None, list[Participant]] = {}
    for participant in participants:
        unit = participant.employee.org_unit_id
        if participant.cycle.end == newest_end[unit]:
            current.setdefault(unit, []).append(participant)
    cards = scorecards_visible(
        user, latest_scorecards([p for members in current.values() for p in members])
    )
    units = {employee.org_unit_id: employee.org_unit for employee in seen}
    rows: list[GroupResult] = []
    for unit_id in sorted(people, key=lambda pk: units[pk].path if pk is not None else ""):
        members = current.get(unit_id, [])
        cycle = members[0].cycle if members else None
        bands = (
            [band["grade"] for band in effective_plan(cycle.revision).grade_bands]
            if cycle is not None
            else []
        )
        name = units[unit_id].local_name if unit_id is not None else "—"
        result = _group_result(unit_id, name, members, cards, bands, cycle)
        rows.append(replace(result, people=people[unit_id]))
    return rows


# --- the facts behind a line, as people check them ---------------------------------------

# Metrics that come in pairs, an obligation and its fulfilment: each due revisit should be
# met by a done one for the same project (or customer) on or after its day.
PAIRED_METRICS = {"revisit_due": "revisit_done"}


@dataclass(frozen=True)
class FactPair:
    """A due fact and the fact that met it; `done` None is one still missing, `due` None
    one done without being due (an extra visit)."""

    key: str
    due: Any
    done: Any


def paired_facts(facts: list[Any]) -> list[FactPair]:
    """Due ↔ done matching for the paired metrics among `facts` (ordered by day): per
    project (else customer), each due fact takes the earliest unused done fact on or after
    its day. What is left over on either side is shown as missing or extra."""
    pairs: list[FactPair] = []
    for due_metric, done_metric in PAIRED_METRICS.items():
        due = [fact for fact in facts if fact.metric == due_metric]
        done = [fact for fact in facts if fact.metric == done_metric]
        if not due and not done:
            continue

        def key(fact: Any) -> str:
            return str(fact.project_id or fact.customer_id or "")

        unused = sorted(done, key=lambda fact: (fact.occurred_on, fact.pk))
        for owed in sorted(due, key=lambda fact: (fact.occurred_on, fact.pk)):
            match = next(
                (
                    fact
                    for fact in unused
                    if key(fact) == key(owed) and fact.occurred_on >= owed.occurred_on
                ),
                None,
            )
            if match is not None:
                unused.remove(match)
            pairs.append(FactPair(key(owed), owed, match))
        pairs += [FactPair(key(fact), None, fact) for fact in unused]
    return pairs


def extra_columns(facts: list[Any]) -> list[str]:
    """The source's own columns kept with the facts (备注, 区域 …), in first-seen order."""
    seen: dict[str, None] = {}
    for fact in facts:
        for column in fact.attributes or {}:
            seen.setdefault(column, None)
    return list(seen)


def line_facts(scorecard: Scorecard, line: dict[str, Any]) -> dict[str, Any]:
    """The facts a scorecard line was measured on, for `cycles/facts.html`: every fact of
    its metrics in the cycle's period, extra attribute columns, and due/done pairs."""
    cycle = scorecard.participant.cycle
    definition = pinned_definitions({line["code"]: line["version"]}).get(line["code"])
    metrics = (
        metrics_read(IndicatorDefinition.model_validate(definition).measures())
        if definition
        else set()
    )
    shown = list(
        facts_for(employee=scorecard.participant.employee, metric_codes=metrics, start=cycle.start, end=cycle.end)
    )
    columns = extra_columns(shown)
    return {
        "facts": [(fact, [(fact.attributes or {}).get(column, "") for column in columns]) for fact in shown],
        "extra_columns": columns,
        "pairs": paired_facts(shown),
    }
