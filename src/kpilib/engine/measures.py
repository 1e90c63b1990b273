"""Measures over activity facts: one value per employee for each named measure.

Formulas, per employee, over the facts of the measure's metrics that pass its `where`
filters and fall in its date range (the appraisal period, or the trailing window of
`window_months` months ending with it):
count = number of facts; distinct_count = number of different non-empty `of` values;
sum, mean, min, max of `value`; latest = `value` of the last fact of the latest day;
ratio = numerator / denominator, at most `cap`, missing when the denominator is 0 or
missing; formula = the safe formula over its inputs (formulas.py); attributed = outcome
facts of customers credited through the team of the won deal before them (attribution.py),
with a trail column `name/trail` for explanations.
No matching facts gives null (missing), or 0 when the measure says `when_no_facts: zero`
(the default for count, distinct_count and sum). A `where` on a column the facts do not
have matches nothing.

All measures of a scoring run are computed in one group-by over the facts: no Python
loop over employees or facts. Excludes: scoring (rules.py) and missing-data policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from kpilib.engine.attribution import aggregated, credits
from kpilib.engine.definitions import (
    Attributed,
    Count,
    Derived,
    DistinctCount,
    Indicator,
    Latest,
    LeafMeasure,
    Maximum,
    Mean,
    Measure,
    Minimum,
    NoFacts,
    Ratio,
    Sum,
)
from kpilib.engine.formulas import compile_formula, parse_formula
from kpilib.engine.periods import Period
from kpilib.tabular import LINE

EMPLOYEE = "employee_id"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"


def part_column(name: str, part: str) -> str:
    """Column of a part of measure `name` (a ratio's numerator, a formula's input)."""
    return f"{name}/{part}"


@dataclass(frozen=True, slots=True)
class _Leaf:
    column: str
    measure: LeafMeasure
    start: date
    end: date


def compute_measures(
    facts: pl.DataFrame | pl.LazyFrame,
    measures: Mapping[str, Measure],
    period: Period,
    employees: Sequence[str] | None = None,
) -> pl.DataFrame:
    """One row per employee, one Float64 column per measure name (plus ratio parts).

    `employees` fixes who is measured; None means everyone with a fact in `facts`,
    whatever its date, so an employee with no facts in the period still gets a row.
    A ratio `r` also gets columns `r/numerator` and `r/denominator`.
    """
    leaves: list[_Leaf] = []
    finishers: list[pl.Expr] = []
    for name, measure in measures.items():
        finishers.append(_planned(name, measure, period, leaves, finishers).alias(name))
    lazy_facts = facts.lazy()
    fact_leaves = [leaf for leaf in leaves if not isinstance(leaf.measure, Attributed)]
    roster = _roster(lazy_facts, employees)
    measured = roster.join(
        _aggregated(lazy_facts, fact_leaves), on=EMPLOYEE, how="left", maintain_order="left"
    )
    for leaf in leaves:
        if isinstance(leaf.measure, Attributed):
            measured = measured.join(
                _attributed(lazy_facts, leaf), on=EMPLOYEE, how="left", maintain_order="left"
            )
    measured = measured.with_columns(
        pl.col(leaf.column).fill_null(0.0)
        if leaf.measure.when_no_facts is NoFacts.ZERO
        else pl.col(leaf.column)
        for leaf in leaves
    )
    return measured.with_columns(finishers).collect()


def _attributed(facts: pl.LazyFrame, leaf: _Leaf) -> pl.LazyFrame:
    """An attributed leaf per employee, with its trail (attribution.py)."""
    measure = leaf.measure
    assert isinstance(measure, Attributed)
    columns = facts.collect_schema().names()
    credited = credits(
        facts,
        outcome_metrics=measure.metric,
        credit_metric=measure.credit_metric,
        roles=measure.roles,
        after_months=measure.after_months,
        linear_decay=measure.decay == "linear",
        start=leaf.start,
        end=leaf.end,
        outcome_filter=_where(measure, columns),
    )
    return aggregated(credited, measure.aggregate, leaf.column).with_columns(
        pl.col(leaf.column).cast(pl.Float64)
    )


def _roster(facts: pl.LazyFrame, employees: Sequence[str] | None) -> pl.LazyFrame:
    if employees is not None:
        return pl.LazyFrame(
            {EMPLOYEE: list(dict.fromkeys(employees))}, schema={EMPLOYEE: pl.String}
        )
    return facts.select(pl.col(EMPLOYEE).unique()).sort(EMPLOYEE)


def _planned(
    name: str, measure: Measure, period: Period, leaves: list[_Leaf], finishers: list[pl.Expr]
) -> pl.Expr:
    """Register the leaves `measure` needs; return the expression that finishes it from them.

    A ratio's numerator and denominator also get columns of their own (`finishers`), so
    explanations can show both.
    """
    match measure:
        case Ratio():
            parts: dict[str, pl.Expr] = {}
            for part, part_measure in (
                (NUMERATOR, measure.numerator),
                (DENOMINATOR, measure.denominator),
            ):
                column = part_column(name, part)
                parts[part] = _planned(column, part_measure, period, leaves, finishers)
                if isinstance(part_measure, Ratio | Derived):
                    finishers.append(parts[part].alias(column))
            ratio = pl.when(parts[DENOMINATOR] != 0).then(parts[NUMERATOR] / parts[DENOMINATOR])
            if measure.cap is None:
                return ratio
            return pl.when(ratio > measure.cap).then(pl.lit(measure.cap)).otherwise(ratio)
        case Derived():
            inputs = {
                input_name: _planned(
                    part_column(name, input_name), input_measure, period, leaves, finishers
                )
                for input_name, input_measure in measure.inputs.items()
            }
            formula = parse_formula(measure.expression, known_names=measure.inputs.keys())
            return compile_formula(formula, inputs)
        case _:
            start, end = (
                (period.start, period.end)
                if measure.window_months is None
                else period.trailing_months(measure.window_months)
            )
            leaves.append(_Leaf(name, measure, start, end))
            return pl.col(name)


def _aggregated(facts: pl.LazyFrame, leaves: list[_Leaf]) -> pl.LazyFrame:
    """One group-by over the facts any leaf can use, computing every leaf at once."""
    columns = facts.collect_schema().names()
    if not leaves:
        return pl.LazyFrame(schema={EMPLOYEE: pl.String})
    start = min(leaf.start for leaf in leaves)
    end = max(leaf.end for leaf in leaves)
    metrics = sorted({metric for leaf in leaves for metric in leaf.measure.metric})
    relevant = facts.filter(
        pl.col("occurred_on").is_between(start, end), pl.col("metric").is_in(metrics)
    )
    return relevant.group_by(EMPLOYEE).agg(
        _aggregate(leaf, columns).alias(leaf.column) for leaf in leaves
    )


def _aggregate(leaf: _Leaf, columns: Sequence[str]) -> pl.Expr:
    matches = _matches(leaf, columns)
    value = pl.col("value")
    match leaf.measure:
        case Count():
            result = matches.sum().cast(pl.Float64)
        case DistinctCount(of=of):
            of_column = pl.col(of) if of in columns else pl.lit(None, dtype=pl.String)
            result = of_column.filter(matches).drop_nulls().n_unique().cast(pl.Float64)
        case Sum():
            result = value.filter(matches).sum()
        case Mean():
            result = value.filter(matches).mean()
        case Minimum():
            result = value.filter(matches).min()
        case Maximum():
            result = value.filter(matches).max()
        case Latest():
            latest_day = pl.col("occurred_on").filter(matches).max()
            on_latest_day = matches & (pl.col("occurred_on") == latest_day)
            order = pl.col(LINE) if LINE in columns else pl.int_range(pl.len())
            result = value.filter(on_latest_day).sort_by(order.filter(on_latest_day)).last()
    return pl.when(matches.any()).then(result.cast(pl.Float64))


def _matches(leaf: _Leaf, columns: Sequence[str]) -> pl.Expr:
    measure = leaf.measure
    condition = pl.col("metric").is_in(measure.metric) & pl.col("occurred_on").is_between(
        leaf.start, leaf.end
    )
    return condition & _where(measure, columns)


def _where(measure: LeafMeasure, columns: Sequence[str]) -> pl.Expr:
    """The measure's `where` filters as one condition (a column absent matches nothing)."""
    condition = pl.lit(True)
    for column, allowed in measure.where.items():
        if column not in columns:
            condition = condition & pl.lit(False)
        elif column == "value":
            condition = condition & pl.col("value").is_in([float(item) for item in allowed])
        else:
            condition = condition & pl.col(column).is_in([_as_text(item) for item in allowed])
    return condition


def _as_text(item: float | str) -> str:
    """How a YAML value reads in a text column: 3.0 is the text `3`."""
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return str(item)


def measures_needed_columns(measures: Mapping[str, Measure]) -> set[str]:
    """Fact columns beyond the required ones and `value` that these measures read."""
    needed: set[str] = set()
    for measure in measures.values():
        match measure:
            case Ratio():
                needed |= measures_needed_columns(
                    {"n": measure.numerator, "d": measure.denominator}
                )
            case Derived():
                needed |= measures_needed_columns(measure.inputs)
            case DistinctCount():
                needed |= {measure.of, *measure.where}
            case Attributed():
                needed |= {"role", *measure.where}
            case _:
                needed |= set(measure.where)
    return needed


def leaf_measures(measures: Mapping[str, Measure]) -> list[LeafMeasure]:
    """The measures read straight from facts, found inside ratios and formulas."""
    leaves: list[LeafMeasure] = []
    for measure in measures.values():
        match measure:
            case Ratio():
                leaves += leaf_measures({"n": measure.numerator, "d": measure.denominator})
            case Derived():
                leaves += leaf_measures(measure.inputs)
            case _:
                leaves.append(measure)
    return leaves


def metrics_read(measures: Mapping[str, Measure]) -> set[str]:
    """Every fact metric these measures read (so a store can fetch only those)."""
    metrics = {metric for leaf in leaf_measures(measures) for metric in leaf.metric}
    return metrics | {
        leaf.credit_metric for leaf in leaf_measures(measures) if isinstance(leaf, Attributed)
    }


def employees_with_facts(
    facts: pl.DataFrame | pl.LazyFrame, measures: Mapping[str, Measure], period: Period
) -> pl.DataFrame:
    """The employees (one column, `employee_id`) with at least one fact of their own that
    these measures read for `period`: a fact of a measure's metric in its date range (the
    period, or its trailing window), or for an attributed measure a fact of its outcome or
    credit metric as far back as it reaches. One filtered distinct over the facts."""
    conditions: list[pl.Expr] = []
    for leaf in leaf_measures(measures):
        start, end = (
            (period.start, period.end)
            if leaf.window_months is None
            else period.trailing_months(leaf.window_months)
        )
        metrics = list(leaf.metric)
        if isinstance(leaf, Attributed):
            start = min(start, period.trailing_months(_reach(leaf))[0])
            metrics.append(leaf.credit_metric)
        conditions.append(
            pl.col("metric").is_in(metrics) & pl.col("occurred_on").is_between(start, end)
        )
    if not conditions:
        return pl.DataFrame(schema={EMPLOYEE: pl.String})
    return (
        facts.lazy()
        .filter(pl.any_horizontal(conditions))
        .select(pl.col(EMPLOYEE).unique())
        .collect()
    )


def longest_window(measures: Mapping[str, Measure]) -> int:
    """The longest trailing window (months) among these measures; 0 when none has one.

    An attributed measure reaches back its window plus `after_months`, to the deals
    whose later orders it credits.
    """
    return max((_reach(leaf) for leaf in leaf_measures(measures)), default=0)


def _reach(leaf: LeafMeasure) -> int:
    window = leaf.window_months or 0
    if isinstance(leaf, Attributed):
        # The outcomes' range is at most a year when it is the period itself.
        return max(window, 12) + leaf.after_months
    return window


def pooled_metrics(indicators: Sequence[Indicator]) -> set[str]:
    """Metrics a store must read for *every* employee, not only those scored: the
    outcomes attributed measures credit (an upsell is booked by whoever sold it) and
    the metrics of shared indicators (measured once over everyone)."""
    metrics: set[str] = set()
    for indicator in indicators:
        if indicator.shared is not None:
            metrics |= metrics_read(indicator.measures())
        else:
            metrics |= attributed_metrics(indicator.measures())
    return metrics


def attributed_metrics(measures: Mapping[str, Measure]) -> set[str]:
    """Metrics that attributed measures read from *every* employee's facts: the outcomes
    (an upsell is owned by whoever booked it, not by the presales engineer credited) and
    the team facts (an order goes to the latest deal before it, whoever was on it)."""
    return {
        metric
        for leaf in leaf_measures(measures)
        if isinstance(leaf, Attributed)
        for metric in (*leaf.metric, leaf.credit_metric)
    }
