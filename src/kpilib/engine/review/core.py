"""The quarterly indicator review (product.md §8): score, judge, recommend.

`review_plan` scores the plan for the `quarters` quarters that end with the review
quarter (one `score_plan` per quarter, vectorised), then judges every indicator.

Per indicator and quarter, over its scored lines (share = points / max points):
scored_rate = scored lines / employees; mean_share and sd_share (sample standard
deviation, n − 1); ceiling_rate / floor_rate = share of scored employees at max points /
at 0 points (within 1e-9). Flags (thresholds in `ReviewSettings`): `ceiling`, `floor`
(rate ≥ 0.5), `low_spread` (sd_share < 0.05), `missing` (scored_rate < 0.7), `redundant`
(|Pearson r| ≥ 0.8 of its points with another indicator's across employees scored on
both), `no_outcome_link` (every outcome's |r| < 0.1). A statistic drawn from fewer than
`min_employees` employees (or pairs) concludes nothing: its flag is not raised and the
indicator says "not enough data".

Outcomes: Pearson r of the indicator's points with each outcome metric's per-employee sum
of `value` in the same quarter (employees without such facts count 0). Beyond §8, as
evidence shown beside the recommendation (notes, never flags):
- discrimination: item-rest r, the indicator's points against the sum of the other
  indicators' points of its dimension (of the whole plan when it is alone in its
  dimension), employees scored on it and on at least one of the others;
- VIF within a dimension of at least 3 of the plan's indicators (statistics.py);
- next-quarter outcomes: r of points in quarter t with the outcome in quarter t + 1,
  both centred on their quarter's mean, pooled over the quarters reviewed (n = pairs);
- lead/lag: the same at lags −k..k (k = max(1, min(2, quarters − 3))), with each value
  also centred on the employee's own mean (two-way, so stable differences between people
  do not mask timing); the best lag by |r| gives the class `leading` (lag > 0),
  `lagging` (< 0), `coincident` (0) or `unrelated` (best |r| below the outcome-link
  threshold). Needs `min_lag_quarters` (4) quarters.
Recommendation: `retain` without flags in the review quarter; `replace` when flagged in
every quarter reviewed; `revise` otherwise. Who is reviewed in a quarter: `rosters` when
given, else everyone with a fact of any metric dated in that quarter.
Excludes: anomalies (anomalies.py) and any change to a plan (the reviewer decides).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from kpilib.engine.definitions import Pack, Plan, Timing
from kpilib.engine.errors import EngineError, UnknownCode
from kpilib.engine.measures import longest_window, metrics_read
from kpilib.engine.periods import Period, PeriodKind, parse_period
from kpilib.engine.review.anomalies import (
    Anomaly,
    AnomalySettings,
    NotChecked,
    find_anomalies,
    month_index,
    monthly_activity,
)
from kpilib.engine.review.statistics import (
    Statistic,
    StatisticStatus,
    grouped_correlations,
    variance_inflation,
)
from kpilib.engine.review.wording import Reason, decimal, percent
from kpilib.engine.scorecard import Status, score_plan

EMPLOYEE = "employee_id"
EDGE = 1e-9
BINS = 10
DEFAULT_OUTCOME = "opportunity_won"


class ReviewError(EngineError):
    """A review that cannot be made as asked; the message says why."""


class Recommendation:
    RETAIN = "retain"
    REVISE = "revise"
    REPLACE = "replace"


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """Every threshold of the review (product.md §8 defaults)."""

    quarters: int = 4
    ceiling: float = 0.5
    floor: float = 0.5
    low_spread: float = 0.05
    missing: float = 0.7
    redundant: float = 0.8
    no_outcome_link: float = 0.1
    min_employees: int = 20
    min_lag_quarters: int = 4
    discrimination: float = 0.2
    vif: float = 5.0
    anomalies: AnomalySettings = field(default_factory=AnomalySettings)


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    """One indicator in one quarter."""

    period: str
    employees: int
    scored: int
    scored_rate: float | None
    mean_share: float | None
    sd_share: float | None
    ceiling_rate: float | None
    floor_rate: float | None
    flags: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "period": self.period,
            "employees": self.employees,
            "scored": self.scored,
            "scored_rate": self.scored_rate,
            "mean_share": self.mean_share,
            "sd_share": self.sd_share,
            "ceiling_rate": self.ceiling_rate,
            "floor_rate": self.floor_rate,
            "flags": list(self.flags),
        }


@dataclass(frozen=True, slots=True)
class LeadLag:
    """The lag (in quarters) at which an indicator's points and an outcome move together."""

    timing: str | None
    lag: int | None
    statistic: Statistic

    def as_dict(self) -> dict[str, object]:
        return {"class": self.timing, "lag": self.lag, **self.statistic.as_dict()}


@dataclass(frozen=True, slots=True)
class IndicatorReview:
    """Everything the review says about one indicator of the plan."""

    code: str
    dimension: str
    figures: QuarterFigures
    trend: tuple[QuarterFigures, ...]
    distribution: tuple[int, ...]
    outcomes: Mapping[str, Statistic]
    outcomes_next_quarter: Mapping[str, Statistic]
    lead_lag: Mapping[str, LeadLag]
    discrimination: Statistic
    discrimination_scope: str
    vif: Statistic | None
    enough_data: bool
    recommendation: str
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        return self.figures.flags

    def as_dict(self, language: str) -> dict[str, object]:
        figures = self.figures
        return {
            "code": self.code,
            "scored_rate": figures.scored_rate,
            "mean_share": figures.mean_share,
            "sd_share": figures.sd_share,
            "ceiling_rate": figures.ceiling_rate,
            "floor_rate": figures.floor_rate,
            "outcomes": {metric: stat.value for metric, stat in self.outcomes.items()},
            "flags": list(figures.flags),
            "recommendation": self.recommendation,
            "reasons": [reason.text(language) for reason in self.reasons],
            "dimension": self.dimension,
            "employees": figures.employees,
            "scored": figures.scored,
            "enough_data": self.enough_data,
            "distribution": list(self.distribution),
            "statistics": {
                "outcomes": {m: s.as_dict() for m, s in self.outcomes.items()},
                "outcomes_next_quarter": {
                    m: s.as_dict() for m, s in self.outcomes_next_quarter.items()
                },
                "lead_lag": {m: ll.as_dict() for m, ll in self.lead_lag.items()},
                "discrimination": {
                    **self.discrimination.as_dict(),
                    "scope": self.discrimination_scope,
                },
                "vif": None if self.vif is None else self.vif.as_dict(),
            },
            "notes": [note.text(language) for note in self.notes],
            "trend": [quarter.as_dict() for quarter in self.trend],
        }


@dataclass(frozen=True, slots=True)
class PairCorrelation:
    a: str
    b: str
    statistic: Statistic

    def as_dict(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "r": self.statistic.value, "n": self.statistic.n}


@dataclass(frozen=True, slots=True)
class Review:
    """A whole review: the §8 JSON (`as_dict`) and the figures behind it."""

    period: str
    plan: str
    quarters: tuple[str, ...]
    employees: int
    outcomes: tuple[str, ...]
    indicators: tuple[IndicatorReview, ...]
    correlations: tuple[PairCorrelation, ...]
    redundant_pairs: tuple[PairCorrelation, ...]
    anomalies: tuple[Anomaly, ...]
    not_checked: tuple[NotChecked, ...]
    monthly: pl.DataFrame
    settings: ReviewSettings

    def indicator(self, code: str) -> IndicatorReview:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise UnknownCode("indicator", code)

    def as_dict(self, language: str = "en") -> dict[str, object]:
        return {
            "period": self.period,
            "plan": self.plan,
            "employees": self.employees,
            "indicators": [indicator.as_dict(language) for indicator in self.indicators],
            "redundant_pairs": [
                {"a": p.a, "b": p.b, "r": p.statistic.value} for p in self.redundant_pairs
            ],
            "anomalies": [anomaly.as_dict() for anomaly in self.anomalies],
            "quarters": list(self.quarters),
            "outcomes": list(self.outcomes),
            "correlations": [pair.as_dict() for pair in self.correlations],
            "not_checked": [item.as_dict() for item in self.not_checked],
        }


def quarters_ending(quarter: Period, count: int) -> list[Period]:
    """The `count` quarters that end with `quarter`, oldest first."""
    if quarter.kind is not PeriodKind.QUARTER:
        raise ReviewError(f"{quarter.label!r} is not a quarter (like 2026-Q4)")
    if count < 1:
        raise ReviewError("at least one quarter is reviewed")
    index = quarter.start.year * 4 + (quarter.start.month - 1) // 3
    return [
        parse_period(f"{(index - back) // 4}-Q{(index - back) % 4 + 1}")
        for back in range(count - 1, -1, -1)
    ]


def counters_of(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Metric → the library's indicators that counter its rise, in library order."""
    found: dict[str, list[str]] = {}
    for indicator in pack.indicators:
        for metric in indicator.counters:
            found.setdefault(metric, []).append(indicator.code)
    return {metric: tuple(codes) for metric, codes in found.items()}


def default_outcomes(facts: pl.DataFrame) -> list[str]:
    """`opportunity_won` when the facts have it, else none."""
    has = facts.select((pl.col("metric") == DEFAULT_OUTCOME).any()).item()
    return [DEFAULT_OUTCOME] if has else []


def review_plan(
    facts: pl.DataFrame,
    plan: Plan,
    pack: Pack,
    quarter: Period,
    *,
    outcomes: Sequence[str] | None = None,
    settings: ReviewSettings | None = None,
    rosters: Mapping[str, Sequence[str]] | None = None,
    groups: pl.DataFrame | None = None,
    counters: Mapping[str, Sequence[str]] | None = None,
) -> Review:
    """Review `plan` over the quarters ending with `quarter` (see the module doc).

    `facts`: a typed fact table. `outcomes`: outcome metrics (default: opportunity_won
    when present). `rosters`: period label → employee ids reviewed in that quarter.
    `groups`: employee_id, group (org unit) for per-group anomalies. `counters`: metric →
    countering indicators (default: from the pack).
    """
    chosen = settings or ReviewSettings()
    periods = quarters_ending(quarter, chosen.quarters)
    activity = monthly_activity(facts, last_month=month_index(quarter.end))
    outcome_metrics = list(
        dict.fromkeys(outcomes if outcomes is not None else default_outcomes(facts))
    )
    labels = [period.label for period in periods]
    roster = _rosters(activity, periods, rosters)
    lines = _lines(facts, plan, pack, periods, roster)
    last = len(periods) - 1
    dimension_of = {code: pack.indicator(code).dimension for code in plan.weights}
    codes = list(plan.weights)

    headcount = roster.group_by("q").agg(pl.len().alias("employees"))
    figures = _figures(lines, headcount, codes, len(periods))
    points = lines.filter(pl.col("status") == Status.SCORED.value).select(
        "q", EMPLOYEE, "code", "points"
    )
    outcome_sums = _outcome_sums(activity, periods, roster, outcome_metrics)

    pairs = _pair_correlations(points, codes)
    same_quarter = grouped_correlations(
        points.join(outcome_sums, on=["q", EMPLOYEE]), ["q", "code", "metric"], "points", "outcome"
    )
    minimum = chosen.min_employees
    flags = _flags(figures, pairs, same_quarter, codes, outcome_metrics, len(periods), chosen)
    next_lags = _lagged(points, outcome_sums, len(periods), within_employee=False)
    lags = _lagged(points, outcome_sums, len(periods), within_employee=True)
    discrimination = _discrimination(points.filter(pl.col("q") == last), dimension_of)
    vifs = _vifs(points.filter(pl.col("q") == last), codes, dimension_of, minimum)
    distribution = _distribution(lines.filter(pl.col("q") == last), codes)

    reviews: list[IndicatorReview] = []
    for code in codes:
        trend = tuple(
            _quarter_figures(figures, flags, code, q, labels[q]) for q in range(len(periods))
        )
        this = trend[last]
        outcome_stats = {
            metric: _statistic(same_quarter, {"q": last, "code": code, "metric": metric}, minimum)
            for metric in outcome_metrics
        }
        next_stats = {
            metric: _statistic(next_lags, {"code": code, "metric": metric, "lag": 1}, minimum)
            if len(periods) >= 2
            else Statistic(None, 0, StatisticStatus.NOT_ENOUGH_DATA)
            for metric in outcome_metrics
        }
        lead_lag = {
            metric: _lead_lag(lags, code, metric, len(periods), chosen)
            for metric in outcome_metrics
        }
        item_rest, scope = discrimination.get(
            code, (Statistic(None, 0, StatisticStatus.NOT_ENOUGH_DATA), "plan")
        )
        item_rest = _with_minimum(item_rest, minimum)
        enough = this.scored >= minimum
        recommendation, reasons = _recommendation(
            code, trend, pairs, same_quarter, outcome_metrics, last, enough, chosen
        )
        notes = _notes(
            code,
            pack,
            item_rest,
            scope,
            vifs.get(code),
            next_stats,
            lead_lag,
            chosen,
        )
        reviews.append(
            IndicatorReview(
                code=code,
                dimension=dimension_of[code],
                figures=this,
                trend=trend,
                distribution=distribution[code],
                outcomes=outcome_stats,
                outcomes_next_quarter=next_stats,
                lead_lag=lead_lag,
                discrimination=item_rest,
                discrimination_scope=scope,
                vif=vifs.get(code),
                enough_data=enough,
                recommendation=recommendation,
                reasons=reasons,
                notes=notes,
            )
        )

    review_pairs = tuple(
        PairCorrelation(a, b, _statistic(pairs, {"q": last, "a": a, "b": b}, minimum))
        for index, a in enumerate(sorted(codes))
        for b in sorted(codes)[index + 1 :]
    )
    redundant = tuple(
        pair
        for pair in review_pairs
        if pair.statistic.usable and _strong(pair.statistic.value, chosen.redundant)
    )
    checked_months = list(range(month_index(quarter.start), month_index(quarter.end) + 1))
    anomalies, not_checked, monthly = find_anomalies(
        activity,
        checked_months,
        counters=counters if counters is not None else counters_of(pack),
        settings=chosen.anomalies,
        groups=groups,
    )
    return Review(
        period=quarter.label,
        plan=plan.code,
        quarters=tuple(labels),
        employees=int(roster.filter(pl.col("q") == last).height),
        outcomes=tuple(outcome_metrics),
        indicators=tuple(reviews),
        correlations=review_pairs,
        redundant_pairs=redundant,
        anomalies=tuple(anomalies),
        not_checked=tuple(not_checked),
        monthly=monthly,
        settings=chosen,
    )


# --- gathering ------------------------------------------------------------------------


def _rosters(
    activity: pl.DataFrame, periods: Sequence[Period], rosters: Mapping[str, Sequence[str]] | None
) -> pl.DataFrame:
    """q (quarter index), employee_id: who is reviewed in each quarter."""
    if rosters is not None:
        frames = [
            pl.DataFrame(
                {
                    EMPLOYEE: pl.Series(
                        list(dict.fromkeys(rosters.get(period.label, ()))), dtype=pl.String
                    )
                }
            ).with_columns(pl.lit(q, dtype=pl.Int32).alias("q"))
            for q, period in enumerate(periods)
        ]
        return pl.concat(frames).select("q", EMPLOYEE)
    return (
        activity.with_columns(_quarter_of(pl.col("month"), periods).alias("q"))
        .filter(pl.col("q").is_not_null())
        .select("q", EMPLOYEE)
        .unique()
        .sort("q", EMPLOYEE)
    )


def _quarter_of(month: pl.Expr, periods: Sequence[Period]) -> pl.Expr:
    """The index of the reviewed quarter a month index falls in (null outside them)."""
    first = month_index(periods[0].start)
    offset = month - first
    return pl.when((offset >= 0) & (offset < 3 * len(periods))).then(offset // 3).cast(pl.Int32)


def _lines(
    facts: pl.DataFrame,
    plan: Plan,
    pack: Pack,
    periods: Sequence[Period],
    roster: pl.DataFrame,
) -> pl.DataFrame:
    """q, employee_id, code, points, max_points, status, share for every quarter."""
    measures = {
        f"{code}.{name}": measure
        for code in plan.weights
        for name, measure in pack.indicator(code).measures().items()
    }
    window = max(longest_window(measures), 3)
    needed = facts.filter(pl.col("metric").is_in(sorted(metrics_read(measures))))
    frames = []
    for q, period in enumerate(periods):
        employees = roster.filter(pl.col("q") == q).get_column(EMPLOYEE).to_list()
        if not employees:
            continue
        start, _ = period.trailing_months(window)
        in_reach = needed.filter(pl.col("occurred_on").is_between(start, period.end))
        scored = score_plan(in_reach, plan, pack, period, employees=employees)
        frames.append(
            scored.lines.select(EMPLOYEE, "code", "points", "max_points", "status").with_columns(
                pl.lit(q, dtype=pl.Int32).alias("q")
            )
        )
    schema = {
        EMPLOYEE: pl.String,
        "code": pl.String,
        "points": pl.Float64,
        "max_points": pl.Float64,
        "status": pl.String,
        "q": pl.Int32,
    }
    lines = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    return lines.with_columns(
        pl.when(pl.col("status") == Status.SCORED.value)
        .then(pl.col("points") / pl.col("max_points"))
        .alias("share")
    )


def _outcome_sums(
    activity: pl.DataFrame, periods: Sequence[Period], roster: pl.DataFrame, metrics: Sequence[str]
) -> pl.DataFrame:
    """q, employee_id, metric, outcome: per-employee sum of value; 0 without facts."""
    if not metrics:
        return pl.DataFrame(
            schema={"q": pl.Int32, EMPLOYEE: pl.String, "metric": pl.String, "outcome": pl.Float64}
        )
    sums = (
        activity.filter(pl.col("metric").is_in(list(metrics)))
        .with_columns(_quarter_of(pl.col("month"), periods).alias("q"))
        .filter(pl.col("q").is_not_null())
        .group_by("q", EMPLOYEE, "metric")
        .agg(pl.col("value").sum().alias("outcome"))
    )
    grid = roster.join(pl.DataFrame({"metric": list(metrics)}), how="cross")
    return grid.join(sums, on=["q", EMPLOYEE, "metric"], how="left").with_columns(
        pl.col("outcome").fill_null(0.0)
    )


# --- figures and flags ----------------------------------------------------------------


def _figures(
    lines: pl.DataFrame, headcount: pl.DataFrame, codes: Sequence[str], quarters: int
) -> pl.DataFrame:
    scored = pl.col("status") == Status.SCORED.value
    share = pl.col("share").filter(scored)
    stats = lines.group_by("q", "code").agg(
        scored.sum().cast(pl.Int64).alias("scored"),
        share.mean().alias("mean_share"),
        share.std(ddof=1).alias("sd_share"),
        (share >= 1 - EDGE).mean().alias("ceiling_rate"),
        (share <= EDGE).mean().alias("floor_rate"),
    )
    grid = pl.DataFrame(
        {"q": [q for q in range(quarters) for _ in codes], "code": list(codes) * quarters},
        schema={"q": pl.Int32, "code": pl.String},
    )
    return (
        grid.join(headcount, on="q", how="left")
        .join(stats, on=["q", "code"], how="left")
        .with_columns(
            pl.col("employees").fill_null(0).cast(pl.Int64),
            pl.col("scored").fill_null(0),
        )
        .with_columns(
            pl.when(pl.col("employees") > 0)
            .then(pl.col("scored") / pl.col("employees"))
            .alias("scored_rate")
        )
    )


def _pair_correlations(points: pl.DataFrame, codes: Sequence[str]) -> pl.DataFrame:
    """q, a, b (a < b by code), r, n: every pair of indicators in every quarter."""
    left = points.rename({"code": "a", "points": "x"})
    right = points.rename({"code": "b", "points": "y"})
    joined_points = left.join(right, on=["q", EMPLOYEE]).filter(pl.col("a") < pl.col("b"))
    return grouped_correlations(joined_points, ["q", "a", "b"], "x", "y")


def _statistic(frame: pl.DataFrame, keys: Mapping[str, object], minimum: int) -> Statistic:
    condition = pl.lit(True)
    for name, value in keys.items():
        condition = condition & (pl.col(name) == value)
    row = frame.filter(condition)
    if row.is_empty():
        return Statistic(None, 0, StatisticStatus.NOT_ENOUGH_DATA)
    r, n = row.item(0, "r"), int(row.item(0, "n"))
    return Statistic.of(None if r is None else float(r), n, minimum)


def _with_minimum(statistic: Statistic, minimum: int) -> Statistic:
    return Statistic.of(statistic.value, statistic.n, minimum)


def _strong(r: float | None, threshold: float) -> bool:
    return r is not None and abs(r) >= threshold - EDGE


def _flags(
    figures: pl.DataFrame,
    pairs: pl.DataFrame,
    same_quarter: pl.DataFrame,
    codes: Sequence[str],
    outcomes: Sequence[str],
    quarters: int,
    settings: ReviewSettings,
) -> dict[tuple[str, int], tuple[str, ...]]:
    """(code, q) → flags, in the order of §8."""
    minimum = settings.min_employees
    found: dict[tuple[str, int], tuple[str, ...]] = {}
    rows = {(row["code"], row["q"]): row for row in figures.iter_rows(named=True)}
    redundant: set[tuple[str, int]] = set()
    for a, b, q, r, n in pairs.select("a", "b", "q", "r", "n").iter_rows():
        if n >= minimum and _strong(r, settings.redundant):
            redundant.update({(a, q), (b, q)})
    links: dict[tuple[str, int], list[float | None]] = {}
    for code, q, r, n in same_quarter.select("code", "q", "r", "n").iter_rows():
        links.setdefault((code, q), []).append(r if n >= minimum else None)
    for code in codes:
        for q in range(quarters):
            row = rows[(code, q)]
            flags: list[str] = []
            enough = row["scored"] >= minimum
            if enough and (row["ceiling_rate"] or 0) >= settings.ceiling - EDGE:
                flags.append("ceiling")
            if enough and (row["floor_rate"] or 0) >= settings.floor - EDGE:
                flags.append("floor")
            if enough and row["sd_share"] is not None and row["sd_share"] < settings.low_spread:
                flags.append("low_spread")
            if row["employees"] >= minimum and (row["scored_rate"] or 0) < settings.missing:
                flags.append("missing")
            if (code, q) in redundant:
                flags.append("redundant")
            rs = links.get((code, q), [])
            if (
                outcomes
                and len(rs) == len(outcomes)
                and all(r is not None and abs(r) < settings.no_outcome_link for r in rs)
            ):
                flags.append("no_outcome_link")
            found[(code, q)] = tuple(flags)
    return found


def _quarter_figures(
    figures: pl.DataFrame,
    flags: Mapping[tuple[str, int], tuple[str, ...]],
    code: str,
    q: int,
    label: str,
) -> QuarterFigures:
    row = figures.filter((pl.col("code") == code) & (pl.col("q") == q)).row(0, named=True)
    return QuarterFigures(
        period=label,
        employees=int(row["employees"]),
        scored=int(row["scored"]),
        scored_rate=row["scored_rate"],
        mean_share=row["mean_share"],
        sd_share=row["sd_share"],
        ceiling_rate=row["ceiling_rate"],
        floor_rate=row["floor_rate"],
        flags=flags[(code, q)],
    )


def _distribution(lines: pl.DataFrame, codes: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Scored employees per tenth of the share: [0, .1), [.1, .2), …, [.9, 1]."""
    binned = (
        lines.filter(pl.col("share").is_not_null())
        .with_columns(
            (pl.col("share").clip(0.0, 1.0) * BINS + EDGE)
            .floor()
            .clip(0, BINS - 1)
            .cast(pl.Int32)
            .alias("bin")
        )
        .group_by("code", "bin")
        .len()
    )
    result = {code: [0] * BINS for code in codes}
    for code, bin_index, count in binned.iter_rows():
        result[code][bin_index] = int(count)
    return {code: tuple(counts) for code, counts in result.items()}


# --- the statistics beyond §8 ---------------------------------------------------------


def _centred(value: pl.Expr, keys: list[str], within_employee: bool) -> pl.Expr:
    """The value less its quarter's mean; with `within_employee` first less the
    employee's own mean over the quarters (two-way centring, so a stable trait such as
    skill, present at every lag alike, does not decide the lag)."""
    if within_employee:
        value = value - value.mean().over(EMPLOYEE, *keys)
    return (value - value.mean().over("q", *keys)).alias(value.meta.output_name())


def _lagged(
    points: pl.DataFrame, outcomes: pl.DataFrame, quarters: int, *, within_employee: bool
) -> pl.DataFrame:
    """code, metric, lag, r, n: points in q against the outcome in q + lag, centred per
    quarter and pooled (module doc). Lags −k..k with k = max(1, min(2, quarters − 3))."""
    reach = max(1, min(2, quarters - 3))
    centred_points = points.with_columns(_centred(pl.col("points"), ["code"], within_employee))
    centred_outcomes = outcomes.with_columns(
        _centred(pl.col("outcome"), ["metric"], within_employee)
    )
    frames = []
    for lag in range(-reach, reach + 1):
        shifted = centred_outcomes.with_columns((pl.col("q") - lag).alias("q"))
        frames.append(
            centred_points.join(shifted, on=["q", EMPLOYEE]).with_columns(
                pl.lit(lag, dtype=pl.Int32).alias("lag")
            )
        )
    joined_lags = pl.concat(frames)
    return grouped_correlations(joined_lags, ["code", "metric", "lag"], "points", "outcome")


def _lead_lag(
    lags: pl.DataFrame, code: str, metric: str, quarters: int, settings: ReviewSettings
) -> LeadLag:
    minimum = settings.min_employees
    if quarters < settings.min_lag_quarters:
        return LeadLag(None, None, Statistic(None, 0, StatisticStatus.NOT_ENOUGH_DATA))
    rows = lags.filter((pl.col("code") == code) & (pl.col("metric") == metric))
    candidates = [
        (lag, float(r), int(n))
        for lag, r, n in rows.select("lag", "r", "n").iter_rows()
        if r is not None and n >= minimum
    ]
    if not candidates:
        n = int(rows.get_column("n").max() or 0) if not rows.is_empty() else 0  # type: ignore[arg-type]
        status = StatisticStatus.NOT_ENOUGH_DATA if n < minimum else StatisticStatus.UNDEFINED
        return LeadLag(None, None, Statistic(None, n, status))
    lag, r, n = min(candidates, key=lambda c: (-round(abs(c[1]), 12), abs(c[0]), -c[0]))
    if abs(r) < settings.no_outcome_link:
        timing = "unrelated"
    elif lag > 0:
        timing = "leading"
    elif lag < 0:
        timing = "lagging"
    else:
        timing = "coincident"
    return LeadLag(timing, lag, Statistic(r, n, StatisticStatus.OK))


def _discrimination(
    points: pl.DataFrame, dimension_of: Mapping[str, str]
) -> dict[str, tuple[Statistic, str]]:
    """code → (item-rest r with raw n, scope) for the review quarter."""
    sizes: dict[str, int] = {}
    for dimension in dimension_of.values():
        sizes[dimension] = sizes.get(dimension, 0) + 1
    scope = {code: "dimension" if sizes[d] >= 2 else "plan" for code, d in dimension_of.items()}
    mapping = pl.DataFrame(
        {
            "code": list(dimension_of),
            "dimension": list(dimension_of.values()),
            "scope": [scope[code] for code in dimension_of],
        }
    )
    tagged = points.join(mapping, on="code")
    if len(dimension_of) < 2:
        return {
            code: (Statistic(None, 0, StatisticStatus.UNDEFINED), "plan") for code in dimension_of
        }
    rest = (
        tagged.with_columns(
            pl.col("points").sum().over(EMPLOYEE, "dimension").alias("dimension_sum"),
            pl.len().over(EMPLOYEE, "dimension").alias("dimension_count"),
            pl.col("points").sum().over(EMPLOYEE).alias("plan_sum"),
            pl.len().over(EMPLOYEE).alias("plan_count"),
        )
        .with_columns(
            pl.when(pl.col("scope") == "dimension")
            .then(pl.col("dimension_sum") - pl.col("points"))
            .otherwise(pl.col("plan_sum") - pl.col("points"))
            .alias("rest"),
            pl.when(pl.col("scope") == "dimension")
            .then(pl.col("dimension_count") - 1)
            .otherwise(pl.col("plan_count") - 1)
            .alias("others"),
        )
        .filter(pl.col("others") >= 1)
    )
    correlations = grouped_correlations(rest, ["code"], "points", "rest")
    result: dict[str, tuple[Statistic, str]] = {}
    for code in dimension_of:
        row = correlations.filter(pl.col("code") == code)
        if row.is_empty():
            result[code] = (Statistic(None, 0, StatisticStatus.NOT_ENOUGH_DATA), scope[code])
            continue
        r, n = row.item(0, "r"), int(row.item(0, "n"))
        status = StatisticStatus.OK if r is not None else StatisticStatus.UNDEFINED
        result[code] = (Statistic(None if r is None else float(r), n, status), scope[code])
    return result


def _vifs(
    points: pl.DataFrame, codes: Sequence[str], dimension_of: Mapping[str, str], minimum: int
) -> dict[str, Statistic]:
    by_dimension: dict[str, list[str]] = {}
    for code in codes:
        by_dimension.setdefault(dimension_of[code], []).append(code)
    result: dict[str, Statistic] = {}
    for members in by_dimension.values():
        if len(members) < 3:
            continue
        wide = points.filter(pl.col("code").is_in(members)).pivot(
            on="code", index=EMPLOYEE, values="points"
        )
        matrix = (
            np.column_stack(
                [
                    wide.get_column(code).cast(pl.Float64).fill_null(np.nan).to_numpy()
                    if code in wide.columns
                    else np.full(wide.height, np.nan)
                    for code in members
                ]
            )
            if wide.height
            else np.empty((0, len(members)))
        )
        for code, statistic in zip(members, variance_inflation(matrix, minimum), strict=True):
            result[code] = statistic
    return result


# --- recommendation, reasons, notes ----------------------------------------------------


def _recommendation(
    code: str,
    trend: Sequence[QuarterFigures],
    pairs: pl.DataFrame,
    same_quarter: pl.DataFrame,
    outcomes: Sequence[str],
    last: int,
    enough: bool,
    settings: ReviewSettings,
) -> tuple[str, tuple[Reason, ...]]:
    this = trend[last]
    reasons: list[Reason] = []
    if not enough:
        reasons.append(
            Reason("not_enough_data", {"scored": this.scored, "minimum": settings.min_employees})
        )
    for flag in this.flags:
        reasons.extend(
            _flag_reasons(flag, code, this, pairs, same_quarter, outcomes, last, settings)
        )
    if not this.flags:
        if enough:
            reasons.append(Reason("retain"))
        return Recommendation.RETAIN, tuple(reasons)
    if all(quarter.flags for quarter in trend):
        reasons.append(Reason("replace", {"quarters": len(trend)}))
        return Recommendation.REPLACE, tuple(reasons)
    reasons.append(Reason("revise"))
    return Recommendation.REVISE, tuple(reasons)


def _flag_reasons(
    flag: str,
    code: str,
    figures: QuarterFigures,
    pairs: pl.DataFrame,
    same_quarter: pl.DataFrame,
    outcomes: Sequence[str],
    last: int,
    settings: ReviewSettings,
) -> list[Reason]:
    match flag:
        case "ceiling":
            return [
                Reason(
                    "ceiling",
                    {
                        "rate": percent(figures.ceiling_rate or 0),
                        "threshold": percent(settings.ceiling),
                    },
                )
            ]
        case "floor":
            return [
                Reason(
                    "floor",
                    {
                        "rate": percent(figures.floor_rate or 0),
                        "threshold": percent(settings.floor),
                    },
                )
            ]
        case "low_spread":
            return [
                Reason(
                    "low_spread",
                    {
                        "sd": decimal(figures.sd_share or 0, 3),
                        "threshold": decimal(settings.low_spread),
                    },
                )
            ]
        case "missing":
            return [
                Reason(
                    "missing",
                    {
                        "rate": percent(figures.scored_rate or 0),
                        "threshold": percent(settings.missing),
                    },
                )
            ]
        case "redundant":
            mine = pairs.filter(
                (pl.col("q") == last)
                & ((pl.col("a") == code) | (pl.col("b") == code))
                & (pl.col("n") >= settings.min_employees)
            )
            found = []
            for a, b, r, n in mine.select("a", "b", "r", "n").sort("a", "b").iter_rows():
                if _strong(r, settings.redundant):
                    found.append(
                        Reason(
                            "redundant",
                            {"other": b if a == code else a, "r": decimal(r), "n": int(n)},
                        )
                    )
            return found
        case "no_outcome_link":
            return [
                Reason(
                    "no_outcome_link",
                    {
                        "outcomes": ", ".join(outcomes),
                        "threshold": decimal(settings.no_outcome_link, 1),
                    },
                )
            ]
    return []


def _notes(
    code: str,
    pack: Pack,
    item_rest: Statistic,
    scope: str,
    vif: Statistic | None,
    next_quarter: Mapping[str, Statistic],
    lead_lag: Mapping[str, LeadLag],
    settings: ReviewSettings,
) -> tuple[Reason, ...]:
    notes: list[Reason] = []
    if item_rest.usable and (item_rest.value or 0) < settings.discrimination:
        notes.append(
            Reason(
                "low_discrimination",
                {
                    "r": decimal(item_rest.value or 0),
                    "n": item_rest.n,
                    "threshold": decimal(settings.discrimination, 1),
                    "scope": f"scope_{scope}",
                },
            )
        )
    if vif is not None and vif.status is StatisticStatus.COLLINEAR:
        notes.append(Reason("collinear", {"n": vif.n}))
    elif vif is not None and vif.usable and (vif.value or 0) >= settings.vif:
        notes.append(
            Reason(
                "high_vif",
                {
                    "vif": decimal(vif.value or 0, 1),
                    "n": vif.n,
                    "threshold": decimal(settings.vif, 0),
                },
            )
        )
    for metric, statistic in next_quarter.items():
        if statistic.usable and abs(statistic.value or 0) >= 0.3:
            notes.append(
                Reason(
                    "predicts",
                    {"outcome": metric, "r": decimal(statistic.value or 0), "n": statistic.n},
                )
            )
    declared = pack.indicator(code).leading_or_lagging
    for metric, found in lead_lag.items():
        if found.timing not in ("leading", "lagging") or found.lag is None:
            continue
        if (found.timing == "leading") == (declared is Timing.LEADING):
            continue
        notes.append(
            Reason(
                "timing_differs",
                {
                    "declared": declared.value,
                    "found": found.timing,
                    "outcome": metric,
                    "lag": f"{found.lag:+d}".replace("-", "−"),
                    "r": decimal(found.statistic.value or 0),
                    "n": found.statistic.n,
                },
            )
        )
    return tuple(notes)
