"""Scorecards: every employee × every indicator of a plan, scored and explained, with totals.

Per indicator line: the measured value, points, max points (the plan's weight), status,
explanation and flags. Points are the rule's points × weight / default_weight; a leading
indicator at weight 0 is advisory: measured and explained, 0 of 0 points, so it never
moves the total. When the
measured value is missing the indicator's policy decides: `not_scored` (status
`missing`, no points), `full_marks`, `zero`, or `rule` (the rule runs without it); the
line is flagged. Lines an exclusion names get status `excluded`.
No data (product.md §4): an employee with no fact of their own that the plan's measures
read for the period (a metric they read, dated in the period or the measure's trailing
window; for an attributed measure, as far back as it reaches) is not scored at all — every line `missing` (value
and points null, flag `no_data`), and the scorecard's status is `no_data` with total,
grade and rank null. Zero facts must never look like a perfect quarter. One fact of any
of those metrics is enough to be scored: count measures then read "none of this metric"
as 0 as before.
total = 100 × Σ points / Σ max points over the `scored` lines (renormalised when some
are missing or excluded; null when none is scored). grade = the first band whose `gte`
the total reaches (tolerance 1e-9). rank = 1 + the number of employees in the group with
a higher total, so ties share a rank; employees without a total have no rank. Nothing is
rounded here.

The whole group is computed with Polars expressions over the fact table: one group-by
for the measures, one expression per indicator, no loop over employees.
Who is scored: `employees` when given, else everyone with a fact in the facts given,
whatever its date (an employee with no facts in the period is scored on no data).
A shared indicator (`Indicator.shared`) is measured once over every fact given, whoever
it belongs to, and every employee's line carries that one value.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from kpilib.engine.definitions import (
    PLAN_TOTAL,
    PRIMARY_INPUT,
    Direction,
    GradeBand,
    Indicator,
    Measure,
    MissingPolicy,
    Noun,
    Pack,
    Plan,
)
from kpilib.engine.explain import (
    checked_language,
    constant_text,
    describe_measure,
    message,
    number_text,
    render,
)
from kpilib.engine.measures import EMPLOYEE, compute_measures, employees_with_facts
from kpilib.engine.periods import Period
from kpilib.engine.rules import TOLERANCE, RuleInputs, score_rule

INDICATOR_COLUMNS = ("code", "value", "points", "max_points", "status", "explanation")
NO_DATA_FLAG = "no_data"


class Status(StrEnum):
    """Whether an indicator line counts towards the total."""

    SCORED = "scored"
    MISSING = "missing"
    EXCLUDED = "excluded"


class CardStatus(StrEnum):
    """Whether a scorecard was scored at all: `no_data` when the employee has no fact in
    the period among the plan's metrics (total, grade and rank null)."""

    SCORED = "scored"
    NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator on one scorecard."""

    code: str
    value: float | None
    points: float | None
    max_points: float
    status: Status
    explanation: str
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EmployeeScorecard:
    """One employee's scorecard for a plan and period."""

    employee_id: str
    total: float | None
    grade: str | None
    rank: int | None
    indicators: tuple[IndicatorScore, ...]
    status: CardStatus = CardStatus.SCORED


@dataclass(frozen=True, slots=True)
class Scorecards:
    """Scorecards of a group, as Polars frames for bulk use and as plain records.

    `lines`: employee_id, position (the indicator's place in the plan), code, value,
    points, max_points, status, explanation, flags — sorted by employee_id, position.
    `totals`: employee_id, total, grade, rank, scored_points, scored_max_points, status
    (`CardStatus`).
    """

    plan: Plan
    period: Period
    language: str
    lines: pl.DataFrame
    totals: pl.DataFrame

    def nested(self) -> pl.DataFrame:
        """One row per employee: employee_id, total, grade, rank, indicators (list of structs)."""
        grouped = self.lines.group_by(EMPLOYEE, maintain_order=True).agg(
            pl.struct(*INDICATOR_COLUMNS).alias("indicators")
        )
        return self.totals.select(EMPLOYEE, "total", "grade", "rank").join(
            grouped, on=EMPLOYEE, how="left", maintain_order="left"
        )

    def to_json(self) -> str:
        """The JSON of product.md §6: a list sorted by employee_id, one object per line."""
        nested = self.nested()
        if nested.is_empty():
            return "[]\n"
        rows = nested.write_ndjson().splitlines()
        return "[\n" + ",\n".join(rows) + "\n]\n"

    def records(self) -> list[EmployeeScorecard]:
        """Plain records for the web app and the API (a loop over employees; not for bulk)."""
        flags = self.lines.get_column("flags").to_list()
        lines = [
            IndicatorScore(
                code, value, points, max_points, Status(status), explanation, tuple(line_flags)
            )
            for (code, value, points, max_points, status, explanation), line_flags in zip(
                self.lines.select(INDICATOR_COLUMNS).iter_rows(), flags, strict=True
            )
        ]
        # Lines are sorted by employee; employees may have different numbers of lines
        # (personal goals), so each employee's slice is found from the line counts.
        counts = dict(self.lines.group_by(EMPLOYEE).len().iter_rows())
        starts: dict[str, int] = {}
        offset = 0
        for employee_id in self.lines.get_column(EMPLOYEE).unique(maintain_order=True).to_list():
            starts[employee_id] = offset
            offset += counts[employee_id]
        return [
            EmployeeScorecard(
                employee_id,
                total,
                grade,
                rank,
                tuple(lines[starts[employee_id] : starts[employee_id] + counts[employee_id]]),
                CardStatus(status),
            )
            for employee_id, total, grade, rank, status in self.totals.select(
                EMPLOYEE, "total", "grade", "rank", "status"
            ).iter_rows()
        ]


def score_plan(
    facts: pl.DataFrame | pl.LazyFrame,
    plan: Plan,
    pack: Pack,
    period: Period,
    employees: Sequence[str] | None = None,
    language: str = "en",
    exclusions: Mapping[str, Collection[str]] | None = None,
) -> Scorecards:
    """Score a group of employees on a plan for a period.

    `facts` is a typed fact table (facts.typed_facts / read_facts). `employees` fixes the
    group (default: everyone in `facts`). `exclusions` maps an employee to the indicator
    codes that do not apply to them this period (status `excluded`).
    """
    checked_language(language)
    indicators = [pack.indicator(code) for code in plan.weights]
    measures: dict[str, Measure] = {
        _column(indicator, name): measure
        for indicator in indicators
        for name, measure in indicator.measures().items()
    }
    measured = _with_shared(
        compute_measures(facts, measures, period, employees), facts, indicators, period
    )
    lines = pl.concat(
        measured.select(_indicator_line(indicator, plan, position, language))
        for position, indicator in enumerate(indicators)
    )
    lines = _with_exclusions(lines, exclusions or {}, language)
    lines = _with_no_data(lines, _with_data(facts, indicators, period), language)
    lines = lines.sort(EMPLOYEE, "position")
    return Scorecards(plan, period, language, lines, totals_of(lines, plan.grade_bands))


def _with_data(
    facts: pl.DataFrame | pl.LazyFrame, indicators: Sequence[Indicator], period: Period
) -> pl.DataFrame:
    """The employees with at least one fact of their own that the plan's measures read for
    the period (measures.employees_with_facts)."""
    measures: dict[str, Measure] = {
        _column(indicator, name): measure
        for indicator in indicators
        for name, measure in indicator.measures().items()
    }
    return employees_with_facts(facts, measures, period)


def no_data_lines(lines: pl.DataFrame, no_data: pl.Expr, language: str) -> pl.DataFrame:
    """`lines` with the rows where `no_data` holds turned into not-scored lines: status
    `missing`, value and points null, the no-data explanation and flag."""
    return lines.with_columns(
        pl.when(no_data).then(None).otherwise(pl.col("value")).alias("value"),
        pl.when(no_data).then(None).otherwise(pl.col("points")).alias("points"),
        pl.when(no_data)
        .then(pl.lit(Status.MISSING.value))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.when(no_data)
        .then(pl.lit(message("no_data", language)))
        .otherwise(pl.col("explanation"))
        .alias("explanation"),
        pl.when(no_data)
        .then(pl.lit([NO_DATA_FLAG], dtype=pl.List(pl.String)))
        .otherwise(pl.col("flags"))
        .alias("flags"),
    )


def _with_no_data(lines: pl.DataFrame, with_data: pl.DataFrame, language: str) -> pl.DataFrame:
    """Every line of an employee not in `with_data` not scored (product.md §4)."""
    has_data = pl.col(EMPLOYEE).is_in(with_data.get_column(EMPLOYEE).implode())
    return no_data_lines(lines, ~has_data, language)


SHARED_EMPLOYEE = "__shared__"


def _with_shared(
    measured: pl.DataFrame,
    facts: pl.DataFrame | pl.LazyFrame,
    indicators: Sequence[Indicator],
    period: Period,
) -> pl.DataFrame:
    """Shared indicators' measures computed once over everyone's facts, and that one
    value given to every employee measured."""
    shared = [indicator for indicator in indicators if indicator.shared is not None]
    if not shared:
        return measured
    measures: dict[str, Measure] = {
        _column(indicator, name): measure
        for indicator in shared
        for name, measure in indicator.measures().items()
    }
    pooled = facts.lazy().with_columns(pl.lit(SHARED_EMPLOYEE).alias(EMPLOYEE))
    once = compute_measures(pooled, measures, period, [SHARED_EMPLOYEE]).drop(EMPLOYEE)
    replaced = [column for column in once.columns if column in measured.columns]
    return measured.drop(replaced).join(once, how="cross", maintain_order="left")


def _column(indicator: Indicator, input_name: str) -> str:
    return f"{indicator.code}.{input_name}"


def _indicator_line(
    indicator: Indicator, plan: Plan, position: int, language: str
) -> list[pl.Expr]:
    """The expressions giving one indicator's line for every employee."""
    measures = indicator.measures()
    weight = plan.weights[indicator.code]
    flag = indicator.missing.flag

    def describe(input_name: str, noun: Noun | None) -> pl.Expr:
        missing_text = flag.text(language) if input_name == PRIMARY_INPUT else None
        column = _column(indicator, input_name)
        return describe_measure(
            measures[input_name], column, language, missing_text=missing_text, noun=noun
        )

    inputs = RuleInputs(
        {name: pl.col(_column(indicator, name)) for name in measures}, describe, language
    )
    lower_better = indicator.direction is Direction.LOWER_BETTER
    scored = score_rule(
        plan.rule_for(indicator), indicator.default_weight, inputs, lower_better=lower_better
    )
    points, explanation = scored.points, scored.explanation
    if weight == 0:
        points = pl.lit(0.0)
        explanation = render(message("advisory", language), explanation=explanation)
    elif weight != indicator.default_weight:
        points = points * (weight / indicator.default_weight)
        explanation = render(
            message("weighted", language),
            explanation=explanation,
            weight=constant_text(weight),
            default=constant_text(indicator.default_weight),
            points=number_text(points),
        )
    missing = pl.col(_column(indicator, PRIMARY_INPUT)).is_null()
    status = pl.lit(Status.SCORED.value)
    match indicator.missing.policy:
        case MissingPolicy.NOT_SCORED:
            points = pl.when(~missing).then(points)
            status = pl.when(missing).then(pl.lit(Status.MISSING.value)).otherwise(status)
            said = render(message("not_scored", language), flag=flag.text(language))
        case MissingPolicy.FULL_MARKS:
            points = pl.when(missing).then(pl.lit(weight)).otherwise(points)
            said = render(
                message("full_marks", language),
                flag=flag.text(language),
                points=constant_text(weight),
            )
        case MissingPolicy.ZERO:
            points = pl.when(missing).then(pl.lit(0.0)).otherwise(points)
            said = render(message("zero", language), flag=flag.text(language))
        case MissingPolicy.RULE:
            said = explanation
    no_flags = pl.lit([], dtype=pl.List(pl.String))
    return [
        pl.col(EMPLOYEE),
        pl.lit(position, dtype=pl.Int32).alias("position"),
        pl.lit(indicator.code).alias("code"),
        pl.col(_column(indicator, PRIMARY_INPUT)).alias("value"),
        points.cast(pl.Float64).alias("points"),
        pl.lit(weight, dtype=pl.Float64).alias("max_points"),
        status.alias("status"),
        pl.when(missing).then(said).otherwise(explanation).alias("explanation"),
        pl.when(missing)
        .then(pl.lit([flag.code], dtype=pl.List(pl.String)))
        .otherwise(no_flags)
        .alias("flags"),
    ]


def _with_exclusions(
    lines: pl.DataFrame, exclusions: Mapping[str, Collection[str]], language: str
) -> pl.DataFrame:
    pairs = [(employee, code) for employee, codes in exclusions.items() for code in codes]
    if not pairs:
        return lines
    excluded = pl.DataFrame(
        pairs, schema={EMPLOYEE: pl.String, "code": pl.String}, orient="row"
    ).with_columns(pl.lit(True).alias("__excluded__"))
    marked = lines.join(excluded.unique(), on=[EMPLOYEE, "code"], how="left", maintain_order="left")
    is_excluded = pl.col("__excluded__").fill_null(False)
    return marked.with_columns(
        pl.when(is_excluded).then(None).otherwise(pl.col("points")).alias("points"),
        pl.when(is_excluded)
        .then(pl.lit(Status.EXCLUDED.value))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.when(is_excluded)
        .then(pl.lit(message("excluded", language)))
        .otherwise(pl.col("explanation"))
        .alias("explanation"),
    ).drop("__excluded__")


def totals_of(lines: pl.DataFrame, bands: Sequence[GradeBand]) -> pl.DataFrame:
    """Totals, grades and ranks of scorecard lines (employee_id, points, max_points, status).

    One row per employee in the lines' order: employee_id, total, grade, rank,
    scored_points, scored_max_points, status (formulas in the module docstring; `no_data`
    when every line of the employee carries the no-data flag).
    """
    scored = pl.col("status") == Status.SCORED.value
    totals = lines.group_by(EMPLOYEE, maintain_order=True).agg(
        pl.col("points").filter(scored).sum().alias("scored_points"),
        pl.col("max_points").filter(scored).sum().alias("scored_max_points"),
        pl.when(pl.col("flags").list.contains(NO_DATA_FLAG).all())
        .then(pl.lit(CardStatus.NO_DATA.value))
        .otherwise(pl.lit(CardStatus.SCORED.value))
        .alias("status"),
    )
    total = pl.when(pl.col("scored_max_points") > 0).then(
        PLAN_TOTAL * pl.col("scored_points") / pl.col("scored_max_points")
    )
    totals = totals.with_columns(total.alias("total"))
    return totals.with_columns(
        _grade(pl.col("total"), bands).alias("grade"),
        # Totals equal but for float noise share a rank.
        pl.col("total").round(9).rank("min", descending=True).cast(pl.Int64).alias("rank"),
    ).select(
        EMPLOYEE, "total", "grade", "rank", "scored_points", "scored_max_points", "status"
    )


def _grade(total: pl.Expr, bands: Sequence[GradeBand]) -> pl.Expr:
    *upper, lowest = bands
    grade: pl.Expr = pl.when(total.is_not_null()).then(pl.lit(lowest.grade))
    for band in reversed(upper):
        assert band.gte is not None
        grade = pl.when(total >= band.gte - TOLERANCE).then(pl.lit(band.grade)).otherwise(grade)
    return grade


def grade_of(total: float, bands: Sequence[GradeBand]) -> str:
    """The grade of one total (the same bands and tolerance as `totals_of`), for a total
    given by hand."""
    frame = pl.DataFrame({"total": [float(total)]})
    grade = frame.select(_grade(pl.col("total"), bands)).item()
    assert isinstance(grade, str)
    return grade


def ranks_of(totals: Sequence[float | None]) -> list[int | None]:
    """Ranks of totals as `totals_of` gives them: 1 + the number of higher totals (ties,
    but for float noise, share a rank); no total, no rank."""
    frame = pl.DataFrame({"total": list(totals)}, schema={"total": pl.Float64})
    ranked = frame.select(
        pl.col("total").round(9).rank("min", descending=True).cast(pl.Int64).alias("rank")
    )
    return list(ranked.get_column("rank").to_list())
