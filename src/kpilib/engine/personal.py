"""Personal goals — PBC, MBO and OKR — scored into scorecard lines, and the combination of
those lines with a plan's indicator lines into one scorecard.

Formulas (fraction f of the goal's max points, max = share × weight / Σ weights):
- PBC: the manager's rating on the 1–5 rubric: 5 → 100%, 4 → 85%, 3 → 70%, 2 → 50%,
  1 → 20% (PBC_RUBRIC). No manager rating → missing.
- MBO: attainment actual / target (target / actual when lower is better), at most 100%.
  No actual → missing.
- OKR: the mean of the key results' grades (0–1). No graded key result → missing.
points = f × max. The indicators' lines are scaled to carry (100 − share) points; the
total is renormalised over scored lines exactly as for indicators, then graded and
ranked again. An employee without data (`no_data`: no fact in the period among the
plan's metrics) stays unscored: their goal lines are not scored either, so a rating alone
never makes a total. Excludes: self ratings (shown, never scored) and goal approval.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kpilib.engine.definitions import PLAN_TOTAL, GradeBand
from kpilib.engine.explain import checked_language, number_text, render
from kpilib.engine.measures import EMPLOYEE
from kpilib.engine.scorecard import CardStatus, Scorecards, Status, no_data_lines, totals_of

PBC_RUBRIC = {5: 1.0, 4: 0.85, 3: 0.7, 2: 0.5, 1: 0.2}


def pbc_scale() -> str:
    """The rubric as people read it ("5 → 100%, 4 → 85%, …"), for pages that explain it."""
    return ", ".join(
        f"{rating} → {share * 100:g}%" for rating, share in sorted(PBC_RUBRIC.items(), reverse=True)
    )


GOAL_POSITION_OFFSET = 1000
GOAL_COLUMNS: dict[str, pl.DataType] = {
    EMPLOYEE: pl.String(),
    "goal_id": pl.String(),
    "kind": pl.String(),
    "weight": pl.Float64(),
    "rating": pl.Float64(),
    "target": pl.Float64(),
    "actual": pl.Float64(),
    "lower_is_better": pl.Boolean(),
    "kr_grades": pl.List(pl.Float64),
}
MESSAGES = {
    "pbc": {
        "en": "manager rating {value} of 5 → {percent}% of {max} → {points}",
        "zh-Hans": "经理评分 {value}/5 → {max} 分的 {percent}% → {points} 分",
    },
    "mbo": {
        "en": "actual {actual} against target {target}: {percent}% of {max} → {points}",
        "zh-Hans": "实际 {actual}，目标 {target}：{max} 分的 {percent}% → {points} 分",
    },
    "okr": {
        "en": "key results graded {percent}% on average → {points} of {max}",
        "zh-Hans": "关键结果平均完成 {percent}% → {max} 分中得 {points} 分",
    },
    "missing": {
        "en": "not rated yet: not scored",
        "zh-Hans": "尚未评分：不计分",
    },
}


def _fraction() -> pl.Expr:
    kind = pl.col("kind")
    rubric = (
        pl.col("rating")
        .round(0)
        .cast(pl.Int64)
        .replace_strict(PBC_RUBRIC, default=None, return_dtype=pl.Float64)
    )
    attainment = (
        pl.when(pl.col("lower_is_better"))
        .then(pl.col("target") / pl.col("actual"))
        .otherwise(pl.col("actual") / pl.col("target"))
        .clip(0.0, 1.0)
    )
    kr_mean = pl.col("kr_grades").list.drop_nulls().list.mean().clip(0.0, 1.0)
    return (
        pl.when(kind == "pbc")
        .then(rubric)
        .when(kind == "mbo")
        .then(pl.when(pl.col("target") > 0).then(attainment))
        .when(kind == "okr")
        .then(kr_mean)
    )


def goal_lines(goals: pl.DataFrame, share: float, language: str) -> pl.DataFrame:
    """Scorecard lines (same columns as indicator lines) for every goal of every employee."""
    checked_language(language)
    weight_total = pl.col("weight").sum().over(EMPLOYEE)
    framed = goals.with_columns(
        (share * pl.col("weight") / weight_total).alias("max_points"),
        _fraction().alias("fraction"),
        (pl.int_range(pl.len()).over(EMPLOYEE) + GOAL_POSITION_OFFSET)
        .cast(pl.Int32)
        .alias("position"),
    )
    points = pl.col("fraction") * pl.col("max_points")
    percent = number_text(pl.col("fraction") * 100)
    texts = {
        "pbc": render(
            MESSAGES["pbc"][language],
            value=number_text(pl.col("rating")),
            percent=percent,
            max=number_text(pl.col("max_points")),
            points=number_text(points),
        ),
        "mbo": render(
            MESSAGES["mbo"][language],
            actual=number_text(pl.col("actual")),
            target=number_text(pl.col("target")),
            percent=percent,
            max=number_text(pl.col("max_points")),
            points=number_text(points),
        ),
        "okr": render(
            MESSAGES["okr"][language],
            percent=percent,
            max=number_text(pl.col("max_points")),
            points=number_text(points),
        ),
    }
    explanation = (
        pl.when(pl.col("fraction").is_null())
        .then(pl.lit(MESSAGES["missing"][language]))
        .when(pl.col("kind") == "pbc")
        .then(texts["pbc"])
        .when(pl.col("kind") == "mbo")
        .then(texts["mbo"])
        .otherwise(texts["okr"])
    )
    missing = pl.col("fraction").is_null()
    value = (
        pl.when(pl.col("kind") == "pbc")
        .then(pl.col("rating"))
        .when(pl.col("kind") == "mbo")
        .then(pl.col("actual"))
        .otherwise(pl.col("fraction"))
    )
    return framed.select(
        pl.col(EMPLOYEE),
        pl.col("position"),
        (pl.lit("goal:") + pl.col("goal_id")).alias("code"),
        value.cast(pl.Float64).alias("value"),
        pl.when(~missing).then(points).cast(pl.Float64).alias("points"),
        pl.col("max_points").cast(pl.Float64),
        pl.when(missing)
        .then(pl.lit(Status.MISSING.value))
        .otherwise(pl.lit(Status.SCORED.value))
        .alias("status"),
        explanation.alias("explanation"),
        pl.when(missing)
        .then(pl.lit(["not_rated"], dtype=pl.List(pl.String)))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("flags"),
    )


def with_personal_goals(
    scorecards: Scorecards, goals: pl.DataFrame, share: float, bands: Sequence[GradeBand]
) -> Scorecards:
    """One scorecard per employee: indicators carry 100 − share points, goals `share`."""
    scale = (PLAN_TOTAL - share) / PLAN_TOTAL
    indicators = scorecards.lines.with_columns(
        pl.col("points") * scale, pl.col("max_points") * scale
    )
    employees = scorecards.totals.select(EMPLOYEE)
    personal = goal_lines(
        goals.join(employees, on=EMPLOYEE, how="semi"), share, scorecards.language
    )
    without_data = scorecards.totals.filter(pl.col("status") == CardStatus.NO_DATA.value)
    personal = no_data_lines(
        personal.select(indicators.columns),
        pl.col(EMPLOYEE).is_in(without_data.get_column(EMPLOYEE).implode()),
        scorecards.language,
    )
    lines = pl.concat([indicators, personal]).sort(EMPLOYEE, "position")
    return Scorecards(
        scorecards.plan, scorecards.period, scorecards.language, lines, totals_of(lines, bands)
    )
