"""Running appraisal cycles: create, score, advance phases, calibrate, publish, acknowledge,
appeal and correct. Every write is atomic and audited. Published scorecards are never
changed: a correction is the next scorecard revision with its reason."""

import datetime
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, ngettext

from kpilib.appraisal.errors import CycleError, DistributionError, PhaseNotFinishedError
from kpilib.appraisal.fetch import goals_frame, group_facts, score_group
from kpilib.appraisal.models import (
    Appeal,
    Cycle,
    Evidence,
    Interview,
    Participant,
    PersonalGoal,
    Scorecard,
)
from kpilib.appraisal.selectors import (
    INTERVIEW_CONFIRM_PHASES,
    PHASES,
    assessment_lines,
    distribution_problems,
    latest_scorecards,
    phase_completion,
)
from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.definitions import Indicator as IndicatorDefinition
from kpilib.engine.distribution import Rounding
from kpilib.engine.explain import fixed_value
from kpilib.engine.measures import metrics_read
from kpilib.engine.periods import PeriodError, parse_period
from kpilib.engine.scorecard import CardStatus, grade_of, ranks_of
from kpilib.ingest.selectors import defaulted_counts
from kpilib.permissions import may_review, participant_role
from kpilib.plans.fetch import (
    effective_plan,
    engine_plan_and_pack,
    live_revision,
    pinned_definitions,
)
from kpilib.plans.models import Plan
from kpilib.plans.selectors import plan_members

SCORED_PHASES = {
    Cycle.Phase.DATA_COLLECTION,
    Cycle.Phase.SELF_ASSESSMENT,
    Cycle.Phase.MANAGER_REVIEW,
    Cycle.Phase.CALIBRATION,
}


def is_scored(cycle: Cycle) -> bool:
    """Whether the cycle's scorecards are (re)computed in its current phase: from data
    collection until calibration ends (publication freezes them)."""
    return cycle.phase in SCORED_PHASES


@transaction.atomic
def cycle_create(
    *,
    actor: Any,
    origin: Origin,
    plan: Plan,
    name: str,
    kind: str,
    period: str,
    name_en: str = "",
    grade_targets: dict[str, float] | None = None,
    forced_distribution: bool = False,
    distribution_rounding: str = Cycle.Rounding.NEAREST,
    phase_deadlines: dict[str, str] | None = None,
) -> Cycle:
    """A cycle of the plan's live revision over `period`, with everyone the plan covers.

    `distribution_rounding` says how grade targets become whole people (floor, nearest,
    at least one; engine.distribution)."""
    revision = live_revision(plan)
    if revision is None:
        raise CycleError([gettext("publish a revision of the plan before starting a cycle")])
    try:
        span = parse_period(period)
    except PeriodError as error:
        raise CycleError([error.in_language(get_language() or "en")]) from None
    cycle = Cycle.objects.create(
        name=name,
        name_en=name_en,
        plan=plan,
        revision=revision,
        kind=kind,
        period=span.label,
        start=span.start,
        end=span.end,
        grade_targets=grade_targets or {},
        forced_distribution=forced_distribution,
        distribution_rounding=Rounding(distribution_rounding).value,
        phase_deadlines=phase_deadlines or {},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Participant.objects.bulk_create(
        Participant(cycle=cycle, employee=member, reviewer=member.manager)
        for member in plan_members(plan)
    )
    audit_record(actor=actor, origin=origin, instance=cycle, before=None)
    return cycle


def _line_names(cycle: Cycle, pins: dict[str, int]) -> dict[str, tuple[str, str]]:
    """(zh-Hans, en) names by line code: the pinned indicator versions' names (not a later
    draft's wording) and the cycle's personal goals' titles."""
    names = {
        code: (definition["name"]["zh-Hans"], definition["name"]["en"])
        for code, definition in pinned_definitions(pins).items()
    }
    for pk, title in PersonalGoal.objects.filter(participant__cycle=cycle).values_list(
        "pk", "title"
    ):
        names[f"goal:{pk}"] = (title, title)
    return names


def _score(cycle: Cycle, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Every participant's scorecard in both languages, by language then employee number."""
    effective = effective_plan(cycle.revision)
    period = parse_period(cycle.period)
    goals = goals_frame(list(cycle.participants.all()))
    facts = group_facts([engine_plan_and_pack(effective)[1]], ids, period)
    return {
        language: {
            card.employee_id: card
            for card in score_group(
                effective, ids, period, language=language, goals=goals, facts=facts
            ).records()
        }
        for language in ("zh-Hans", "en")
    }


def _default_note(rule: str, n: int) -> str:
    """What a scorecard line adds when `n` of its facts are defaults of `rule`."""
    if rule == "unrated":
        return ngettext(
            "%(n)d report was not rated by the deadline and counts as normal (0)",
            "%(n)d reports were not rated by the deadline and count as normal (0)",
            n,
        ) % {"n": n}
    return ngettext(
        "%(n)d of these facts is a default filled in by a rule",
        "%(n)d of these facts are defaults filled in by a rule",
        n,
    ) % {"n": n}


#: How a note follows the engine's explanation, by language.
NOTE_SEPARATORS = {"zh-hans": "；", "en": "; "}


def _default_notes(
    cycle: Cycle, ids: list[str], pins: dict[str, int]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(zh-Hans, en) notes by (employee number, line code) for the lines whose facts include
    defaults (`ingest.selectors.DEFAULTED`), so the line says its value was partly given by
    a rule: a daily report nobody rated counts as normal."""
    metrics = {
        code: metrics_read(IndicatorDefinition.model_validate(definition).measures())
        for code, definition in pinned_definitions(pins).items()
    }
    counts = defaulted_counts(
        employee_ids=ids,
        metric_codes=set().union(*metrics.values()) if metrics else set(),
        start=cycle.start,
        end=cycle.end,
    )
    notes: dict[tuple[str, str], tuple[str, str]] = {}
    for code, read in metrics.items():
        by_employee: dict[str, dict[str, int]] = {}
        for (employee_id, metric, rule), n in counts.items():
            if metric in read:
                rules = by_employee.setdefault(employee_id, {})
                rules[rule] = rules.get(rule, 0) + n
        for employee_id, rules in by_employee.items():
            texts = []
            for language, separator in NOTE_SEPARATORS.items():
                with translation.override(language):
                    texts.append(
                        separator.join(
                            _default_note(rule, n)
                            for rule, n in sorted(rules.items())
                        )
                    )
            notes[(employee_id, code)] = (texts[0], texts[1])
    return notes


def _lines(
    records_by_language: dict[str, Any],
    employee_id: str,
    versions: dict[str, int],
    names: dict[str, tuple[str, str]],
    notes: dict[tuple[str, str], tuple[str, str]],
) -> list[dict[str, Any]]:
    """A scorecard's lines as stored: both languages' explanations (with the note on facts
    that are defaults, when there are any), pinned version numbers."""
    zh, en = records_by_language["zh-Hans"][employee_id], records_by_language["en"][employee_id]

    separators = list(NOTE_SEPARATORS.values())

    def explained(text: str, code: str, which: int) -> str:
        note = notes.get((employee_id, code))
        return f"{text}{separators[which]}{note[which]}" if note else text

    return [
        {
            "code": line.code,
            "version": versions.get(line.code),
            "name_zh_hans": names.get(line.code, (line.code, line.code))[0],
            "name_en": names.get(line.code, (line.code, line.code))[1],
            "value": line.value,
            "points": line.points,
            "max_points": line.max_points,
            "status": line.status.value,
            "explanation_zh_hans": explained(line.explanation, line.code, 0),
            "explanation_en": explained(line_en.explanation, line.code, 1),
            "flags": list(line.flags),
        }
        for line, line_en in zip(zh.indicators, en.indicators, strict=True)
    ]


@transaction.atomic
def cycle_score(*, actor: Any, origin: Origin, cycle: Cycle) -> int:
    """(Re)compute every unpublished scorecard of the cycle from the facts stored now.

    One read of the facts and one engine call per language for the whole group, written
    back in bulk. Calibrated grades are kept. A participant without facts is `no_data`
    (no total, grade or rank); one HR scored by hand (`manual`) keeps that total while
    there is still no data, and is scored from the facts once they arrive. Ranks are over
    every total, computed or by hand. One audit event on the cycle records who
    recomputed whose results (`recomputed`: the employee numbers whose cards changed).
    """
    participants = list(cycle.participants.select_related("employee"))
    if not participants:
        return 0
    effective = effective_plan(cycle.revision)
    ids = [p.employee.employee_id for p in participants]
    by_language = _score(cycle, ids)
    now = timezone.now()
    names = _line_names(cycle, effective.pinned_versions)
    notes = _default_notes(cycle, ids, effective.pinned_versions)
    latest = latest_scorecards(participants)
    created: list[Scorecard] = []
    changed: list[Scorecard] = []
    for participant in participants:
        number = participant.employee.employee_id
        card = by_language["en"][number]
        scorecard = latest.get(participant.pk)
        if scorecard is not None and scorecard.published_at is not None:
            continue
        if scorecard is None:
            scorecard = Scorecard(participant=participant, revision=1)
            created.append(scorecard)
        else:
            changed.append(scorecard)
        scorecard.lines = _lines(by_language, number, effective.pinned_versions, names, notes)
        scorecard.computed_at = now
        if card.status is CardStatus.NO_DATA and scorecard.status == Scorecard.Status.MANUAL:
            continue  # scored by hand, still no data: the hand-given total stands
        scorecard.total = card.total
        scorecard.grade = card.grade or ""
        scorecard.status = card.status.value
        scorecard.manual_reason = ""
        if card.status is CardStatus.NO_DATA:
            scorecard.calibrated_grade = scorecard.calibration_reason = ""
    _rank(list(latest.values()) + created)
    Scorecard.objects.bulk_create(created, batch_size=500)
    Scorecard.objects.bulk_update(
        changed,
        [
            "lines",
            "total",
            "grade",
            "rank",
            "status",
            "manual_reason",
            "calibrated_grade",
            "calibration_reason",
            "computed_at",
        ],
        batch_size=500,
    )
    recomputed = sorted(card.participant.employee.employee_id for card in (*created, *changed))
    audit_record(
        actor=actor,
        origin=origin,
        instance=cycle,
        before={"recomputed": None},
        after={"recomputed": recomputed},
    )
    return len(created) + len(changed)


def _rank(cards: list[Scorecard]) -> None:
    """Rank the cycle's newest cards over their totals (computed or by hand; engine rule)
    in place. Published cards keep the rank they were published with."""
    open_cards = [card for card in cards if card.published_at is None]
    for card, rank in zip(open_cards, ranks_of([c.total for c in open_cards]), strict=True):
        card.rank = rank


def _check_grade(cycle: Cycle, grade: str) -> None:
    bands = [band["grade"] for band in effective_plan(cycle.revision).grade_bands]
    if grade not in bands:
        raise CycleError([gettext("%(grade)s is not a grade of this plan") % {"grade": grade}])


@transaction.atomic
def scorecard_calibrate(
    *, actor: Any, origin: Origin, scorecard: Scorecard, grade: str, reason: str
) -> Scorecard:
    """Move a person to another grade during calibration; the reason is mandatory."""
    cycle = scorecard.participant.cycle
    if cycle.phase != Cycle.Phase.CALIBRATION:
        raise CycleError([gettext("grades can only be moved during calibration")])
    if scorecard.no_data:
        raise CycleError(
            [gettext("this person has no data: score them by hand with a reason first")]
        )
    if not reason.strip():
        raise CycleError([gettext("say why the grade is moved")])
    _check_grade(cycle, grade)
    before = audit_snapshot(scorecard)
    scorecard.calibrated_grade = "" if grade == scorecard.grade else grade
    scorecard.calibration_reason = reason.strip() if scorecard.calibrated_grade else ""
    scorecard.save(update_fields=["calibrated_grade", "calibration_reason"])
    audit_record(actor=actor, origin=origin, instance=scorecard, before=before)
    return scorecard


@transaction.atomic
def scorecard_score_manually(
    *, actor: Any, origin: Origin, scorecard: Scorecard, total: float, reason: str
) -> Scorecard:
    """HR scores a participant who has no data by hand: a total of 0–100 with the reason.

    Only a scorecard without data (or one scored by hand before), while the cycle is
    scored (data collection to calibration). The grade is the total's by the plan's bands;
    the cycle's unpublished cards are ranked again with it. The card is `manual` until
    facts arrive: the next scoring from facts then replaces the hand-given total.
    """
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    cycle = Cycle.objects.get(pk=scorecard.participant.cycle_id)
    if scorecard.status not in {Scorecard.Status.NO_DATA, Scorecard.Status.MANUAL}:
        raise CycleError(
            [gettext("only a person without data can be scored by hand")], field="total"
        )
    if scorecard.published_at is not None or not is_scored(cycle):
        raise CycleError(
            [gettext("people are scored by hand from data collection until calibration ends")]
        )
    if not reason.strip():
        raise CycleError([gettext("say why this person is scored by hand")], field="reason")
    if total is None or not 0 <= float(total) <= 100:
        raise CycleError([gettext("a total is from 0 to 100")], field="total")
    before = audit_snapshot(scorecard)
    plan, _pack = engine_plan_and_pack(effective_plan(cycle.revision))
    scorecard.total = float(total)
    scorecard.grade = grade_of(float(total), plan.grade_bands)
    scorecard.status = Scorecard.Status.MANUAL
    scorecard.manual_reason = reason.strip()
    scorecard.calibrated_grade = scorecard.calibration_reason = ""
    scorecard.save(
        update_fields=[
            "total",
            "grade",
            "status",
            "manual_reason",
            "calibrated_grade",
            "calibration_reason",
        ]
    )
    cards = list(latest_scorecards(list(cycle.participants.all())).values())
    _rank(cards)
    Scorecard.objects.bulk_update(
        [card for card in cards if card.published_at is None], ["rank"], batch_size=500
    )
    scorecard.refresh_from_db()
    audit_record(actor=actor, origin=origin, instance=scorecard, before=before)
    return scorecard


@transaction.atomic
def cycle_advance(
    *,
    actor: Any,
    origin: Origin,
    cycle: Cycle,
    today: datetime.date,
    early_reason: str = "",
    distribution_reason: str = "",
) -> Cycle:
    """Move the cycle to its next phase, doing what the new phase starts with.

    Every move is checked against the current phase's completion and deadline
    (`phase_completion`): moving on early is refused unless `early_reason` says why; the
    reason is kept on the cycle (`phase_change_reason`) and so in the move's audit event.
    Open appeals block closing, reason or not. Entering data collection onwards:
    scorecards are (re)computed; leaving calibration checks the forced distribution in
    whole people (`distribution_problems`): grades above their targets are refused unless
    `distribution_reason` says why, kept on the cycle (`distribution_reason`) and audited;
    entering publication publishes every scorecard (people without data are published
    without a grade: they do not block it).
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    index = PHASES.index(cycle.phase)
    if index == len(PHASES) - 1:
        raise CycleError([gettext("the cycle is closed")])
    target = PHASES[index + 1]
    open_appeals = Appeal.objects.filter(
        scorecard__participant__cycle=cycle, status=Appeal.Status.OPEN
    )
    if target == Cycle.Phase.CLOSED and open_appeals.exists():
        raise CycleError([gettext("answer every open appeal before closing the cycle")])
    completion = phase_completion(cycle, today=today)
    reason = early_reason.strip()
    if completion.early and not reason:
        raise PhaseNotFinishedError(
            [
                gettext(
                    "%(phase)s is not finished (%(summary)s): confirm with a reason to move on early"
                )
                % {"phase": completion.label, "summary": completion.summary}
            ],
            completion=completion,
        )
    if target in SCORED_PHASES:
        cycle_score(actor=actor, origin=origin, cycle=cycle)
    overridden = ""
    if cycle.phase == Cycle.Phase.CALIBRATION and cycle.forced_distribution:
        problems = distribution_problems(cycle)
        overridden = distribution_reason.strip() if problems else ""
        if problems and not overridden:
            raise DistributionError(
                [
                    *problems,
                    gettext(
                        "move people to other grades, or confirm with a reason to keep these grades"
                    ),
                ],
                problems=problems,
            )
    before = audit_snapshot(cycle)
    cycle.phase = target
    cycle.phase_change_reason = reason if completion.early else ""
    fields = ["phase", "phase_change_reason"]
    if overridden:
        cycle.distribution_reason = overridden
        fields.append("distribution_reason")
    cycle.save(update_fields=fields)
    if target == Cycle.Phase.PUBLICATION:
        now = timezone.now()
        Scorecard.objects.filter(participant__cycle=cycle, published_at__isnull=True).update(
            published_at=now
        )
    audit_record(actor=actor, origin=origin, instance=cycle, before=before)
    return cycle


def _owner_refusal(actor: Any, participant: Participant, refusal: str) -> str | None:
    """`refusal` for anyone but the appraised employee (the permissions module decides)."""
    return None if participant_role(actor, participant) == "owner" else refusal


def _newest_revision(scorecard: Scorecard) -> bool:
    newest = (
        Scorecard.objects.filter(participant_id=scorecard.participant_id)
        .order_by("-revision")
        .values_list("pk", flat=True)
        .first()
    )
    return newest == scorecard.pk


def acknowledge_refusal(actor: Any, scorecard: Scorecard) -> str | None:
    """Why `actor` cannot acknowledge this scorecard now, or None when they can: only its
    employee, once, and only the newest published revision."""
    refusal = _owner_refusal(
        actor, scorecard.participant, gettext("only the employee can acknowledge their result")
    )
    if refusal:
        return refusal
    if scorecard.published_at is None:
        return gettext("only a published scorecard can be acknowledged")
    if scorecard.acknowledged_at is not None:
        return gettext("this result is already acknowledged")
    if not _newest_revision(scorecard):
        return gettext("a newer revision of this scorecard exists")
    return None


def can_acknowledge(actor: Any, scorecard: Scorecard) -> bool:
    return acknowledge_refusal(actor, scorecard) is None


@transaction.atomic
def scorecard_acknowledge(*, actor: Any, origin: Origin, scorecard: Scorecard) -> Scorecard:
    """The employee acknowledges their published result (`acknowledge_refusal` says when)."""
    refusal = acknowledge_refusal(actor, scorecard)
    if refusal:
        raise CycleError([refusal])
    before = audit_snapshot(scorecard)
    scorecard.acknowledged_at = timezone.now()
    scorecard.save(update_fields=["acknowledged_at"])
    audit_record(actor=actor, origin=origin, instance=scorecard, before=before)
    return scorecard


APPEAL_PHASES = {Cycle.Phase.PUBLICATION, Cycle.Phase.ACKNOWLEDGEMENT}


def appeal_refusal(actor: Any, scorecard: Scorecard) -> str | None:
    """Why `actor` cannot appeal this scorecard now, or None when they can.

    Only its employee appeals, against the newest published revision, while the cycle
    takes appeals (publication, acknowledgement), before they acknowledged it, one at a time.
    """
    refusal = _owner_refusal(
        actor, scorecard.participant, gettext("only the employee can appeal their result")
    )
    if refusal:
        return refusal
    if scorecard.published_at is None:
        return gettext("only a published scorecard can be appealed")
    if Cycle.objects.get(pk=scorecard.participant.cycle_id).phase not in APPEAL_PHASES:
        return gettext("this cycle no longer takes appeals")
    if scorecard.acknowledged_at is not None:
        return gettext("this result is acknowledged: it can no longer be appealed")
    if not _newest_revision(scorecard):
        return gettext("a newer revision of this scorecard exists")
    if scorecard.appeals.filter(status=Appeal.Status.OPEN).exists():
        return gettext("the appeal of this scorecard is still waiting for its answer")
    return None


def can_appeal(actor: Any, scorecard: Scorecard) -> bool:
    return appeal_refusal(actor, scorecard) is None


@transaction.atomic
def appeal_file(
    *, actor: Any, origin: Origin, scorecard: Scorecard, text: str, line_code: str = ""
) -> Appeal:
    """The employee appeals their published scorecard while the cycle takes appeals:
    about one line's data (`line_code`, a line of the scorecard) or, without it, the grade.
    `appeal_refusal` says who may and when."""
    refusal = appeal_refusal(actor, scorecard)
    if refusal:
        raise CycleError([refusal])
    if not text.strip():
        raise CycleError([gettext("say what you appeal and why")], field="text")
    if line_code and line_code not in {line["code"] for line in scorecard.lines}:
        raise CycleError(
            [gettext("%(code)s is not a line of this scorecard") % {"code": line_code}],
            field="line_code",
        )
    appeal = Appeal.objects.create(scorecard=scorecard, text=text.strip(), line_code=line_code)
    audit_record(actor=actor, origin=origin, instance=appeal, before=None)
    return appeal


def _rescored(
    scorecard: Scorecard,
) -> tuple[list[dict[str, Any]], float | None, str, int | None, str]:
    """The participant's lines, total, grade, rank and status recomputed from the facts
    stored now, through the same fact store and engine as the cycle's scoring."""
    participant = scorecard.participant
    cycle = participant.cycle
    effective = effective_plan(cycle.revision)
    ids = [p.employee.employee_id for p in cycle.participants.select_related("employee")]
    by_language = _score(cycle, ids)
    number = participant.employee.employee_id
    card = by_language["en"][number]
    names = _line_names(cycle, effective.pinned_versions)
    notes = _default_notes(cycle, [number], effective.pinned_versions)
    lines = _lines(by_language, number, effective.pinned_versions, names, notes)
    return lines, card.total, card.grade or "", card.rank, card.status.value


@transaction.atomic
def scorecard_correct(
    *,
    actor: Any,
    origin: Origin,
    scorecard: Scorecard,
    reason: str,
    grade: str | None = None,
    grade_reason: str = "",
    rescore: bool = True,
    appeal: Appeal | None = None,
) -> Scorecard:
    """A corrected scorecard: the next revision, published at once, with its reason.

    With `rescore` the revision is recomputed from the facts stored now (a data
    correction: fix the facts through an import first); without it, it keeps the lines and
    total of `scorecard`. Its grade is the corrected total's, or `grade` — one of the plan's
    grades, which must match the total unless `grade_reason` says why. A calibration of the
    corrected revision is not carried over: the correction decides the grade anew.
    """
    if not reason.strip():
        raise CycleError([gettext("say why the scorecard is corrected")], field="response")
    participant = scorecard.participant
    cycle = participant.cycle
    latest = participant.scorecards.order_by("-revision").first()
    if latest is None or latest.pk != scorecard.pk:
        raise CycleError([gettext("a newer revision of this scorecard exists")])
    if grade:
        _check_grade(cycle, grade)
    manual_reason = ""
    if rescore:
        lines, total, computed, rank, status = _rescored(scorecard)
    else:
        lines, total, computed, rank, status = (
            scorecard.lines,
            scorecard.total,
            scorecard.grade,
            scorecard.rank,
            scorecard.status,
        )
        manual_reason = scorecard.manual_reason
    differs = bool(grade) and grade != computed
    if differs and not grade_reason.strip():
        raise CycleError(
            [
                gettext(
                    "the corrected total %(total)s gives %(computed)s: say why the grade is %(grade)s"
                )
                % {
                    "total": fixed_value(total, cycle.precision),
                    "computed": computed or "—",
                    "grade": grade,
                }
            ],
            field="grade_reason",
        )
    now = timezone.now()
    corrected = Scorecard.objects.create(
        participant=participant,
        revision=latest.revision + 1,
        lines=lines,
        total=total,
        grade=computed,
        rank=rank,
        status=status,
        manual_reason=manual_reason,
        corrected_grade=grade or "",
        corrected_grade_reason=grade_reason.strip() if differs else "",
        computed_at=now if rescore else scorecard.computed_at,
        published_at=now,
        correction_reason=reason.strip(),
        appeal=appeal,
    )
    audit_record(actor=actor, origin=origin, instance=corrected, before=None)
    return corrected


@transaction.atomic
def appeal_answer(
    *,
    actor: Any,
    origin: Origin,
    appeal: Appeal,
    uphold: bool,
    response: str,
    grade: str | None = None,
    grade_reason: str = "",
) -> Appeal:
    """Answer an appeal; upholding it publishes a corrected scorecard revision.

    An appeal about a line's data is corrected by re-scoring from the stored facts
    (corrected at their source or by an import); one about the grade keeps the published
    lines and total. `grade` (one of the plan's) must match the corrected total unless
    `grade_reason` says why.
    """
    if appeal.status != Appeal.Status.OPEN:
        raise CycleError([gettext("this appeal has been answered")])
    if not response.strip():
        raise CycleError([gettext("write the answer the employee will read")], field="response")
    before = audit_snapshot(appeal)
    if uphold:
        scorecard_correct(
            actor=actor,
            origin=origin,
            scorecard=appeal.scorecard,
            reason=response,
            grade=grade,
            grade_reason=grade_reason,
            rescore=appeal.about_data,
            appeal=appeal,
        )
    appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    appeal.response = response.strip()
    appeal.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    appeal.answered_at = timezone.now()
    appeal.save()
    audit_record(actor=actor, origin=origin, instance=appeal, before=before)
    return appeal


def _participant_now(participant: Participant) -> tuple[Participant, Cycle]:
    """The participant row locked for the write, and its cycle as of now (its phase)."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    return locked, Cycle.objects.get(pk=locked.cycle_id)


def _checked_line_comments(
    participant: Participant, lines: dict[str, str] | None
) -> dict[str, str]:
    """Comments per scorecard line, by indicator code: codes must be the participant's
    lines (`assessment_lines`); empty comments are dropped."""
    codes = {code for code, _name in assessment_lines(participant)}
    comments = {}
    for code, text in (lines or {}).items():
        if code not in codes:
            raise CycleError(
                [gettext("%(code)s is not a line of this scorecard") % {"code": code}],
                field="lines",
            )
        if str(text or "").strip():
            comments[code] = str(text).strip()
    return comments


@transaction.atomic
def participant_self_assess(
    *,
    actor: Any,
    origin: Origin,
    participant: Participant,
    text: str,
    lines: dict[str, str] | None = None,
    submit: bool = True,
) -> Participant:
    """The employee's self-assessment, during self-assessment (only they may write it):
    an overall comment (`text`) and a comment per indicator (`lines`, by code).

    Saved as a draft (`submit=False`, seen only by the employee) or submitted: a
    submission needs the overall comment and is what the phase counts ("2 of 3
    self-assessed"); the employee may change and submit it again until the phase ends.
    """
    refusal = _owner_refusal(
        actor, participant, gettext("only the employee can write their self-assessment")
    )
    if refusal:
        raise CycleError([refusal])
    participant, cycle = _participant_now(participant)
    if cycle.phase != Cycle.Phase.SELF_ASSESSMENT:
        raise CycleError([gettext("self-assessment is closed for this cycle")])
    comments = _checked_line_comments(participant, lines)
    if submit and not text.strip():
        raise CycleError(
            [gettext("write an overall comment before submitting")], field="self_assessment"
        )
    before = audit_snapshot(participant)
    participant.self_assessment = text.strip()
    participant.self_lines = comments
    if submit:
        participant.self_submitted_at = timezone.now()
    participant.save(update_fields=["self_assessment", "self_lines", "self_submitted_at"])
    audit_record(actor=actor, origin=origin, instance=participant, before=before)
    return participant


def _evidence_summary(evidence: Evidence, digest: str = "") -> dict[str, Any]:
    """What the audit keeps of an evidence file: never its content."""
    summary = {
        "participant": evidence.participant_id,
        "file_name": evidence.file_name,
        "size": evidence.size,
        "file": evidence.file.name,
    }
    return {**summary, "sha256": digest} if digest else summary


@transaction.atomic
def evidence_attach(
    *, actor: Any, origin: Origin, participant: Participant, upload: File
) -> Evidence:
    """The employee attaches a file to their self-assessment, during self-assessment.

    At most `KPILIB_MAX_EVIDENCE_BYTES` (KPILIB_MAX_EVIDENCE_MB, 10 MB by default) and
    `KPILIB_MAX_EVIDENCE_FILES` files; stored under MEDIA_ROOT/evidence/ by the default
    storage, downloaded only through the page that asks `permissions.may_read_evidence`.
    `upload` is a Django `File` (an uploaded file, or `ContentFile(bytes, name=…)`): its size
    is checked before it is read.
    """
    refusal = _owner_refusal(
        actor,
        participant,
        gettext("only the employee can attach evidence to their self-assessment"),
    )
    if refusal:
        raise CycleError([refusal])
    participant, cycle = _participant_now(participant)
    if cycle.phase != Cycle.Phase.SELF_ASSESSMENT:
        raise CycleError([gettext("self-assessment is closed for this cycle")])
    limit = settings.KPILIB_MAX_EVIDENCE_BYTES
    size = upload.size or 0
    if not size:
        raise CycleError([gettext("the file is empty")], field="file")
    if size > limit:
        raise CycleError(
            [
                gettext("the file is larger than %(size)d MB (KPILIB_MAX_EVIDENCE_MB)")
                % {"size": limit // (1024 * 1024)}
            ],
            field="file",
        )
    if participant.evidence.count() >= settings.KPILIB_MAX_EVIDENCE_FILES:
        raise CycleError(
            [
                gettext("at most %(count)d files can be attached")
                % {"count": settings.KPILIB_MAX_EVIDENCE_FILES}
            ],
            field="file",
        )
    name = Path((upload.name or "").replace("\\", "/")).name.strip()[:200] or "evidence"
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        participant=participant,
        file_name=name,
        size=size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evidence.file.save(f"{participant.pk}/{name}", upload, save=False)
    evidence.save()
    audit_record(
        actor=actor,
        origin=origin,
        instance=evidence,
        before=None,
        after=_evidence_summary(evidence, digest.hexdigest()),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, origin: Origin, evidence: Evidence) -> None:
    """The employee takes an attached file away again, during self-assessment."""
    participant = Participant.objects.select_related("employee").get(pk=evidence.participant_id)
    refusal = _owner_refusal(
        actor,
        participant,
        gettext("only the employee can attach evidence to their self-assessment"),
    )
    if refusal:
        raise CycleError([refusal])
    if Cycle.objects.get(pk=participant.cycle_id).phase != Cycle.Phase.SELF_ASSESSMENT:
        raise CycleError([gettext("self-assessment is closed for this cycle")])
    summary = _evidence_summary(evidence)
    name = evidence.file.name
    audit_record(actor=actor, origin=origin, instance=evidence, before=summary, deleted=True)
    evidence.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


def _reviewer_refusal(actor: Any, participant: Participant) -> None:
    if not may_review(actor, participant):
        raise CycleError([gettext("only the employee's manager can review them")])


REVIEW_RATINGS = set(Participant.Rating.values)


@transaction.atomic
def participant_review(
    *,
    actor: Any,
    origin: Origin,
    participant: Participant,
    text: str,
    rating: int | None = None,
    lines: dict[str, str] | None = None,
    submit: bool = True,
) -> Participant:
    """The manager's review, during manager review (the reviewer or a manager above the
    employee, `permissions.may_review`): an overall comment, an overall rating on the 1–5
    rubric scale (the PBC scale's wording; it records the manager's judgement and does not
    change the score, which calibration may move) and a comment per indicator.

    A draft is seen only by reviewers; a submission needs the comment and the rating and
    is what the phase counts. The employee sees a submitted review.
    """
    _reviewer_refusal(actor, participant)
    participant, cycle = _participant_now(participant)
    if cycle.phase != Cycle.Phase.MANAGER_REVIEW:
        raise CycleError([gettext("the manager review is closed for this cycle")])
    comments = _checked_line_comments(participant, lines)
    if rating is not None and rating not in REVIEW_RATINGS:
        raise CycleError([gettext("ratings are from 1 to 5")], field="rating")
    if submit and not text.strip():
        raise CycleError(
            [gettext("write an overall comment before submitting")], field="manager_comment"
        )
    if submit and rating is None:
        raise CycleError([gettext("choose an overall rating before submitting")], field="rating")
    before = audit_snapshot(participant)
    participant.manager_comment = text.strip()
    participant.manager_rating = rating
    participant.manager_lines = comments
    participant.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    if submit:
        participant.review_submitted_at = timezone.now()
    participant.save(
        update_fields=[
            "manager_comment",
            "manager_rating",
            "manager_lines",
            "reviewed_by",
            "review_submitted_at",
        ]
    )
    audit_record(actor=actor, origin=origin, instance=participant, before=before)
    return participant


@transaction.atomic
def interview_record(
    *,
    actor: Any,
    origin: Origin,
    participant: Participant,
    held_on: datetime.date,
    notes: str,
    today: datetime.date,
) -> Interview:
    """The manager records the performance interview (绩效面谈) during manager review: its
    date (not after `today`) and notes. Recording it is the manager's confirmation that it
    took place (timestamped); changing the date or notes asks the employee to confirm again.
    """
    _reviewer_refusal(actor, participant)
    participant, cycle = _participant_now(participant)
    if cycle.phase != Cycle.Phase.MANAGER_REVIEW:
        raise CycleError([gettext("the manager review is closed for this cycle")])
    if held_on > today:
        raise CycleError([gettext("the interview date cannot be in the future")], field="held_on")
    if not notes.strip():
        raise CycleError([gettext("write what the interview covered")], field="notes")
    interview = Interview.objects.filter(participant=participant).first()
    before = audit_snapshot(interview) if interview else None
    if interview is None:
        interview = Interview(participant=participant)
    changed = interview.pk is None or (interview.held_on, interview.notes) != (
        held_on,
        notes.strip(),
    )
    interview.held_on = held_on
    interview.notes = notes.strip()
    interview.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    if changed:
        interview.manager_confirmed_at = timezone.now()
        interview.employee_confirmed_at = None
    interview.save()
    audit_record(actor=actor, origin=origin, instance=interview, before=before)
    return interview


@transaction.atomic
def interview_confirm(*, actor: Any, origin: Origin, participant: Participant) -> Interview:
    """The employee confirms the interview their manager recorded took place as recorded
    (timestamped), from manager review until the cycle closes."""
    refusal = _owner_refusal(
        actor, participant, gettext("only the employee can confirm their interview")
    )
    if refusal:
        raise CycleError([refusal])
    participant, cycle = _participant_now(participant)
    if cycle.phase not in INTERVIEW_CONFIRM_PHASES:
        raise CycleError([gettext("the interview can no longer be confirmed in this cycle")])
    interview = Interview.objects.filter(participant=participant).first()
    if interview is None:
        raise CycleError([gettext("your manager has not recorded an interview yet")])
    if interview.employee_confirmed_at is not None:
        raise CycleError([gettext("you have already confirmed this interview")])
    before = audit_snapshot(interview)
    interview.employee_confirmed_at = timezone.now()
    interview.save(update_fields=["employee_confirmed_at"])
    audit_record(actor=actor, origin=origin, instance=interview, before=before)
    return interview


GOAL_FIELDS_BY_PHASE = {
    Cycle.Phase.GOAL_SETTING: {
        "title",
        "key_actions",
        "weight",
        "target",
        "lower_is_better",
        "key_results",
    },
    Cycle.Phase.SELF_ASSESSMENT: {"self_rating", "actual", "key_results"},
    Cycle.Phase.MANAGER_REVIEW: {"manager_rating", "actual", "key_results"},
}


def _checked_goal_fields(
    cycle: Cycle, goal: PersonalGoal | None, fields: dict[str, Any], *, as_reviewer: bool
) -> None:
    """Refuse what this person may not change in this phase.

    The employee sets goals, then rates themselves; in manager review only the reviewer
    writes (their rating is the one that scores). After goal setting, key results keep
    their titles and number: only their grades change.
    """
    allowed = set(GOAL_FIELDS_BY_PHASE.get(cycle.phase, set()))
    if cycle.phase == Cycle.Phase.MANAGER_REVIEW and not as_reviewer:
        allowed = set()
    allowed -= {"manager_rating"} if not as_reviewer else {"self_rating"}
    refused = sorted(set(fields) - allowed)
    if refused:
        raise CycleError(
            [
                gettext("in %(phase)s these cannot change: %(names)s")
                % {"phase": cycle.get_phase_display(), "names": ", ".join(refused)}
            ]
        )
    for rating in ("self_rating", "manager_rating"):
        if fields.get(rating) is not None and not 1 <= fields[rating] <= 5:
            raise CycleError([gettext("ratings are from 1 to 5")])
    if fields.get("weight") is not None and fields["weight"] <= 0:
        raise CycleError([gettext("a goal's weight must be above 0")])
    results = fields.get("key_results")
    if results is None:
        return
    for result in results:
        grade = result.get("grade")
        if grade not in (None, "") and not 0 <= float(grade) <= 1:
            raise CycleError([gettext("key results are graded from 0 to 1")])
    if cycle.phase != Cycle.Phase.GOAL_SETTING:
        titles = [result.get("title") for result in results]
        if goal is None or titles != [result.get("title") for result in goal.key_results]:
            raise CycleError(
                [gettext("key results are set during goal setting; now only grade them")]
            )


def _goal_role(actor: Any, participant: Participant) -> str:
    """The actor's role, "owner" or "reviewer" (the permissions module decides); anyone else is refused, so
    no caller can claim a role by passing a flag."""
    role = participant_role(actor, participant)
    if role is None:
        raise CycleError(
            [gettext("only the employee and those who review them may change these goals")]
        )
    return role


@transaction.atomic
def goal_save(
    *,
    actor: Any,
    origin: Origin,
    participant: Participant,
    goal: PersonalGoal | None = None,
    **fields: Any,
) -> PersonalGoal:
    """Add or change a personal goal; what may change depends on the cycle's phase and on
    whether the actor is the employee or one of their reviewers.

    Goal setting: the goal itself; self-assessment: self rating, actual, key-result grades
    (the employee); manager review: the manager's rating (the one that scores), actual,
    grades (a reviewer).
    """
    if goal is not None and goal.participant_id != participant.pk:
        raise CycleError([gettext("this goal belongs to another participant")])
    as_reviewer = _goal_role(actor, participant) == "reviewer"
    cycle = Cycle.objects.select_related("revision").get(pk=participant.cycle_id)  # phase as of now
    mode = effective_plan(cycle.revision).personal_mode
    if mode == Plan.PersonalMode.NONE:
        raise CycleError([gettext("this plan has no personal goals")])
    _checked_goal_fields(cycle, goal, fields, as_reviewer=as_reviewer)
    if goal is None:
        if cycle.phase != Cycle.Phase.GOAL_SETTING:
            raise CycleError([gettext("goals are added during goal setting")])
        goal = PersonalGoal.objects.create(participant=participant, kind=mode, **fields)
        audit_record(actor=actor, origin=origin, instance=goal, before=None)
        return goal
    before = audit_snapshot(goal)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save()
    audit_record(actor=actor, origin=origin, instance=goal, before=before)
    return goal


@transaction.atomic
def goal_delete(*, actor: Any, origin: Origin, goal: PersonalGoal) -> None:
    participant = Participant.objects.select_related("cycle", "employee").get(goals=goal)
    _goal_role(actor, participant)
    if participant.cycle.phase != Cycle.Phase.GOAL_SETTING:
        raise CycleError([gettext("goals are removed only during goal setting")])
    audit_record(actor=actor, origin=origin, instance=goal, before=None, deleted=True)
    goal.delete()
