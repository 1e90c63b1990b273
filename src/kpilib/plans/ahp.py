"""Deriving a plan's weights by AHP (层次分析法) from judges' pairwise judgements.

The hierarchy is goal → the plan's dimensions → their indicators. Each level's
judgements from every judge are aggregated by the geometric mean (AIJ); global weights
are products down the tree; role/stage profiles adjust them multiplicatively; the result
becomes points summing exactly to 100 at the plan's precision (largest remainder).
Applying the result writes the plan's draft revision, which is reviewed (what-if) and
published like any other change. The plan keeps its chosen profiles (`Plan.ahp_profiles`),
so the page and the applied weights always use the same ones; judgements whose CR is above
0.10 are applied only with a reason, kept in an audited `AhpApplication`.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.ahp import (
    ADJUSTMENT_PROFILES,
    AdjustedWeight,
    AhpInputError,
    JudgementRevision,
    WeightedIndicator,
    adjust_weights,
    ahp_priorities,
    global_weights,
    group_priorities,
    pairwise_matrix_from_judgements,
    revision_suggestions,
    weights_to_points,
)
from kpilib.notes import system_note
from kpilib.plans.errors import PlanError
from kpilib.plans.fetch import effective_plan, live_revision, pinned_definitions
from kpilib.plans.models import AhpApplication, AhpJudgement, Plan, PlanRevision
from kpilib.plans.services import draft_save

GOAL = "goal"
DIMENSIONS = "dimensions"


@dataclass(frozen=True)
class Level:
    """One set of comparisons: its key, the criteria compared, and their display names."""

    key: str
    criteria: list[str]
    names: dict[str, str]

    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.criteria, 2))


@dataclass
class LevelResult:
    level: Level
    weights: dict[str, float]
    cr: float | None
    consistent: bool
    judges: dict[str, float] = field(default_factory=dict)  # judge → CR
    suggestions: list[JudgementRevision] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # judges' missing pairs, as "A,B"


@dataclass
class AhpOutcome:
    levels: list[LevelResult]
    adjusted: list[AdjustedWeight]
    points: dict[str, Decimal]

    @property
    def complete(self) -> bool:
        return all(not result.missing for result in self.levels)

    @property
    def inconsistent(self) -> list[LevelResult]:
        """The levels whose consistency ratio is above 0.10."""
        return [r for r in self.levels if r.cr is not None and not r.consistent]

    @property
    def worst_cr(self) -> float | None:
        ratios = [r.cr for r in self.levels if r.cr is not None]
        return max(ratios) if ratios else None


class AhpIncomplete(PlanError):
    """Some comparisons are still unanswered."""


class AhpInconsistent(PlanError):
    """The judgements' CR is above 0.10 and no reason was given to apply them anyway."""


def plan_hierarchy(
    plan: Plan, names: dict[str, str]
) -> tuple[list[Level], dict[str, dict[str, Any]]]:
    """The levels to judge for the plan's current indicators, and their definitions."""
    revision = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first() or live_revision(
        plan
    )
    effective = effective_plan(revision)
    definitions = pinned_definitions(effective.pinned_versions)
    by_dimension: dict[str, list[str]] = {}
    for code in effective.weights:
        dimension = definitions.get(code, {}).get("dimension", "")
        by_dimension.setdefault(dimension, []).append(code)
    levels = [Level(DIMENSIONS, list(by_dimension), names)]
    levels += [Level(dimension, codes, names) for dimension, codes in by_dimension.items()]
    return levels, definitions


def _level_result(level: Level, stored: dict[str, dict[str, float]]) -> LevelResult:
    if len(level.criteria) == 1:
        return LevelResult(level, {level.criteria[0]: 1.0}, None, True)
    wanted = [f"{a},{b}" for a, b in level.pairs()]
    missing = (
        [pair for judge_pairs in stored.values() for pair in wanted if pair not in judge_pairs]
        if stored
        else wanted
    )
    if missing:
        equal = 1 / len(level.criteria)
        return LevelResult(
            level, dict.fromkeys(level.criteria, equal), None, False, missing=missing
        )
    matrices = {
        judge: pairwise_matrix_from_judgements(
            level.criteria,
            {tuple(pair.split(",", 1)): value for pair, value in pairs.items()},  # type: ignore[misc]
        )
        for judge, pairs in stored.items()
    }
    if len(matrices) == 1:
        ((judge, matrix),) = matrices.items()
        result = ahp_priorities(matrix)
        judges = {judge: result.cr}
        group_matrix = matrix
    else:
        group = group_priorities(matrices)
        result, group_matrix = group.group, group.group_matrix
        judges = {judge: judged.cr for judge, judged in group.judges.items()}
    return LevelResult(
        level,
        result.weights_by_criterion(),
        result.cr,
        result.consistent,
        judges=judges,
        suggestions=list(revision_suggestions(group_matrix, result)),
    )


def plan_ahp(
    plan: Plan, *, names: dict[str, str], profiles: list[str], precision: int = 2
) -> AhpOutcome:
    """Every level's weights and consistency, the global weights adjusted, and the points."""
    levels, definitions = plan_hierarchy(plan, names)
    stored: dict[str, dict[str, dict[str, float]]] = {}
    for row in AhpJudgement.objects.filter(plan=plan).select_related("judge"):
        stored.setdefault(row.level, {})[row.judge.get_username()] = row.judgements
    results = [_level_result(level, stored.get(level.key, {})) for level in levels]
    local = {GOAL: results[0].weights} | {r.level.key: r.weights for r in results[1:]}
    globals_ = {g.node: g.weight for g in global_weights(GOAL, local)}
    adjusted = adjust_weights(
        [
            WeightedIndicator(
                code=code,
                weight=weight,
                dimension=definitions.get(code, {}).get("dimension", ""),
                tags=frozenset(definitions.get(code, {}).get("tags", ())),
            )
            for code, weight in globals_.items()
        ],
        profiles,
    )
    points = weights_to_points(
        {a.code: a.adjusted for a in adjusted}, total=100, decimals=precision
    )
    return AhpOutcome(results, list(adjusted), points)


@transaction.atomic
def ahp_judgements_save(
    *, actor: Any, origin: Origin, plan: Plan, level: str, judgements: dict[str, float]
) -> AhpJudgement:
    """Keep one judge's judgements for one level (checked by the engine first)."""
    criteria = sorted({name for pair in judgements for name in pair.split(",", 1)})
    pairwise = {tuple(pair.split(",", 1)): value for pair, value in judgements.items()}
    if len(criteria) > 1:
        try:
            pairwise_matrix_from_judgements(criteria, pairwise)  # type: ignore[arg-type]
        except AhpInputError as error:
            missing_only = all("missing pair" in problem.reason for problem in error.problems)
            if not missing_only:
                raise
    row, created = AhpJudgement.objects.get_or_create(plan=plan, judge=actor, level=level)
    before = None if created else audit_snapshot(row)
    row.judgements = judgements
    row.save()
    audit_record(actor=actor, origin=origin, instance=row, before=before)
    return row


def plan_precision(plan: Plan) -> int:
    revision = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first() or live_revision(
        plan
    )
    return effective_plan(revision).precision if revision else 2


@transaction.atomic
def ahp_profiles_save(*, actor: Any, origin: Origin, plan: Plan, profiles: list[str]) -> Plan:
    """Keep the plan's role/stage profiles (in the engine's order), as chosen on the AHP page."""
    unknown = [p for p in profiles if p not in ADJUSTMENT_PROFILES]
    if unknown:
        raise PlanError(
            [gettext("unknown profile %(code)s") % {"code": code} for code in unknown],
            field="profile",
        )
    chosen = [code for code in ADJUSTMENT_PROFILES if code in profiles]
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.ahp_profiles != chosen:
        before = audit_snapshot(plan)
        plan.ahp_profiles = chosen
        plan.save(update_fields=["ahp_profiles"])
        audit_record(actor=actor, origin=origin, instance=plan, before=before)
    return plan


@transaction.atomic
def ahp_apply(
    *,
    actor: Any,
    origin: Origin,
    plan: Plan,
    profiles: list[str] | None = None,
    reason: str = "",
) -> AhpApplication:
    """Write the AHP points of the stored judgements into the plan's draft revision.

    `profiles`, when given, are saved as the plan's choice first; the plan's saved
    profiles are what the points are adjusted by. Every comparison must be answered;
    judgements with a CR above 0.10 are applied only with a `reason`. The application
    (profiles, worst CR, reason) is recorded and audited.
    """
    if profiles is not None:
        plan = ahp_profiles_save(actor=actor, origin=origin, plan=plan, profiles=profiles)
    else:
        plan = Plan.objects.select_for_update().get(pk=plan.pk)  # the profiles as saved
    outcome = plan_ahp(
        plan, names={}, profiles=list(plan.ahp_profiles), precision=plan_precision(plan)
    )
    if not outcome.complete:
        raise AhpIncomplete([gettext("Answer every comparison before applying the weights.")])
    reason = reason.strip()
    if outcome.inconsistent and not reason:
        raise AhpInconsistent(
            [
                gettext(
                    "The judgements are inconsistent (CR %(cr)s > 0.10): revise them, or apply "
                    "anyway and say why."
                )
                % {"cr": f"{outcome.worst_cr:.3f}"}
            ],
            field="reason",
        )
    revision = draft_save(
        actor=actor,
        origin=origin,
        plan=plan,
        weights={code: float(value) for code, value in outcome.points.items()},
        note=system_note("ahp_applied"),
    )
    application = AhpApplication.objects.create(
        plan=plan,
        revision=revision,
        profiles=list(plan.ahp_profiles),
        consistency_ratio=outcome.worst_cr,
        consistent=not outcome.inconsistent,
        reason=reason if outcome.inconsistent else "",
        applied_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, origin=origin, instance=application, before=None)
    return application
