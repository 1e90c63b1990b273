"""Gathering what a scoring run needs — the plan revision as engine definitions, the
participants' facts for the period — and calling the engine once for the whole group."""

from collections.abc import Sequence

import polars as pl

from kpilib.appraisal.models import Participant, PersonalGoal
from kpilib.engine.definitions import Pack
from kpilib.engine.measures import (
    EMPLOYEE,
    longest_window,
    measures_needed_columns,
    metrics_read,
    pooled_metrics,
)
from kpilib.engine.periods import Period
from kpilib.engine.personal import GOAL_COLUMNS, with_personal_goals
from kpilib.engine.scorecard import Scorecards, score_plan
from kpilib.ingest.selectors import facts_frame
from kpilib.library.selectors import engine_language
from kpilib.plans.fetch import EffectivePlan, engine_plan_and_pack


def group_facts(packs: Sequence[Pack], employee_ids: Sequence[str], period: Period) -> pl.DataFrame:
    """The stored facts every pack's measures need for `period`: only the metrics they
    read, from the start of their longest trailing window; the group's own facts, plus
    everyone's facts of the metrics that attributed and shared indicators pool."""
    measures = {
        f"{index}.{indicator.code}.{name}": measure
        for index, pack in enumerate(packs)
        for indicator in pack.indicators
        for name, measure in indicator.measures().items()
    }
    months = longest_window(measures)
    start = min(period.start, period.trailing_months(months)[0]) if months else period.start
    # Attributed outcomes and shared indicators read everyone's facts of their metrics.
    pooled = pooled_metrics([indicator for pack in packs for indicator in pack.indicators])
    # The attribute columns the measures read: a deal-team member's `role`, the `industry`
    # distinct counts count, any column a `where` filters on.
    attributes = measures_needed_columns(measures)
    own = facts_frame(
        employee_ids=employee_ids,
        start=start,
        end=period.end,
        metrics=metrics_read(measures) - pooled,
        attributes=attributes,
    )
    if not pooled:
        return own
    everyone = facts_frame(
        employee_ids=None,
        start=start,
        end=period.end,
        metrics=pooled,
        attributes=attributes,
    )
    # One chunk: the measures' string expressions on a two-chunk frame made Polars panic
    # (an `industry` distinct count beside attributed measures, presales-manager plan).
    return pl.concat([own, everyone], how="diagonal_relaxed", rechunk=True)


def goals_frame(participants: Sequence[Participant]) -> pl.DataFrame:
    """The participants' personal goals as the engine reads them (one query)."""
    rows = [
        {
            EMPLOYEE: goal.participant.employee.employee_id,
            "goal_id": str(goal.pk),
            "kind": goal.kind,
            "weight": goal.weight,
            "rating": None if goal.manager_rating is None else float(goal.manager_rating),
            "target": goal.target,
            "actual": goal.actual,
            "lower_is_better": goal.lower_is_better,
            "kr_grades": [
                float(kr["grade"]) for kr in goal.key_results if kr.get("grade") not in (None, "")
            ],
        }
        for goal in PersonalGoal.objects.filter(participant__in=participants).select_related(
            "participant__employee"
        )
    ]
    return pl.DataFrame(rows, schema=GOAL_COLUMNS)


def score_group(
    effective: EffectivePlan,
    employee_ids: Sequence[str],
    period: Period,
    *,
    language: str | None = None,
    goals: pl.DataFrame | None = None,
    facts: pl.DataFrame | None = None,
) -> Scorecards:
    """Scorecards of `employee_ids` on the effective plan for `period`, from stored facts
    (read here unless `facts` from `group_facts` are given, to share one read).

    With personal goals in the plan (PBC/MBO/OKR), `goals` carry their share of the points;
    without `goals` (a what-if), every goal line is missing and the total renormalises.
    """
    plan, pack = engine_plan_and_pack(effective)
    if facts is None:
        facts = group_facts([pack], employee_ids, period)
    scorecards = score_plan(
        facts,
        plan,
        pack,
        period,
        employees=sorted(employee_ids),
        language=language or engine_language(),
    )
    if effective.personal_mode == "none" or not effective.personal_share:
        return scorecards
    return with_personal_goals(
        scorecards,
        goals if goals is not None else pl.DataFrame(schema=GOAL_COLUMNS),
        effective.personal_share,
        plan.grade_bands,
    )
