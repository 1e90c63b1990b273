"""The KPI monitor's components (issue 15), computed from figures the caller has already
read: no Django, no clock — "today" is a parameter.

- `compare_period`: the period a figure is compared with — the previous one of the same
  length, or the same period a year earlier.
- `elapsed_share`: how much of a period has passed on a day (0 before, 1 after).
- `standard`: a value against the previous period's (change, relative change, better?).
- `growth_index`: per person or team, the change against the previous period, best
  improvement first (direction-aware), nulls last.
- `rankings`: the top and bottom N, ties sharing a rank.
- `target_meters` / `target_meter`: a gauge with min, max, the target marker, three
  coloured ranges and the pointer; its status is Motivator-style **on track / off track**:
  the actual against the linear expectation for the elapsed share of the period, within
  a tolerance (10% by default). An indicator that accumulates (wins, visits) is expected
  to reach target × elapsed share by now; a rate or an average (pass rate, satisfaction)
  is expected at its target all along. "Needed per remaining week" says what closes the
  gap by the end.
- `rag`: red / amber / green of an actual against a target with the variance in %, for
  the strategy map's nodes; grey when either is missing.
- `status_colours`: a scorecard tile's colour per cell from the share of points earned.
- `objective_creep`: themes with more than 4 objectives.

Vectorised over Polars frames (one row per person, team or indicator); the scalar helpers
are one-row calls of the same expressions, so a tile and its drill-down rows can never
disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

from kpilib.engine.definitions import Direction, Indicator, Linear, Target, Tiers
from kpilib.engine.errors import EngineError
from kpilib.engine.periods import Period, PeriodKind, add_months

DEFAULT_TOLERANCE = 0.10
#: A strategy node is amber within this share below (or above, lower-better) its target.
DEFAULT_AMBER_BAND = 0.10
#: A scorecard cell is green from this share of its points, amber from the second.
DEFAULT_COLOUR_SHARES = (0.8, 0.6)
MAX_OBJECTIVES_PER_THEME = 4


class Compare(StrEnum):
    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"


class Pace(StrEnum):
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"


class MonitorError(EngineError):
    """A figure the monitor cannot use (a negative tolerance, a bad N)."""


# --- periods ----------------------------------------------------------------------------


def compare_period(period: Period, compare: Compare = Compare.PREVIOUS) -> Period:
    """The period `period` is compared with. Months, quarters and years step back by one
    (or by a year for `YEAR_AGO`); a custom range steps back by its own length in days."""
    if compare is Compare.YEAR_AGO:
        start, end = add_months(period.start, -12), _shifted_end(period, -12)
        return Period(start, end, period.kind, _label(start, end, period.kind))
    if period.kind is PeriodKind.RANGE:
        days = (period.end - period.start).days + 1
        start, end = period.start - timedelta(days=days), period.start - timedelta(days=1)
        return Period(start, end, PeriodKind.RANGE, f"{start.isoformat()}..{end.isoformat()}")
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[period.kind]
    start, end = add_months(period.start, -months), _shifted_end(period, -months)
    return Period(start, end, period.kind, _label(start, end, period.kind))


def _shifted_end(period: Period, months: int) -> date:
    """The end moved by whole months, staying a month end when it was one."""
    moved = add_months(period.end, months)
    if (period.end + timedelta(days=1)).day == 1:  # a month's last day stays one
        moved = add_months(moved.replace(day=1), 1) - timedelta(days=1)
    return moved


def _label(start: date, end: date, kind: PeriodKind) -> str:
    if kind is PeriodKind.MONTH:
        return f"{start.year}-{start.month:02d}"
    if kind is PeriodKind.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind is PeriodKind.YEAR:
        return str(start.year)
    return f"{start.isoformat()}..{end.isoformat()}"


def elapsed_share(period: Period, today: date) -> float:
    """The share of the period's days up to and including `today`: 0 before it starts,
    1 from its last day on."""
    total = (period.end - period.start).days + 1
    done = (today - period.start).days + 1
    return min(max(done / total, 0.0), 1.0)


def remaining_weeks(period: Period, today: date) -> float:
    """Weeks left after `today` until the period's end (0 once it has ended)."""
    return max((period.end - max(today, period.start - timedelta(days=1))).days, 0) / 7


# --- standard and growth ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    value: float | None
    previous: float | None
    change: float | None
    change_share: float | None  # change ÷ |previous|; None when previous is 0 or missing
    better: bool | None  # None when equal or unknown


def _improvement(direction: Direction) -> pl.Expr:
    sign = 1.0 if direction is Direction.HIGHER_BETTER else -1.0
    return pl.col("change") * sign


def _with_change(frame: pl.DataFrame, direction: Direction) -> pl.DataFrame:
    change = pl.col("value") - pl.col("previous")
    share = pl.when(pl.col("previous").abs() > 0).then(change / pl.col("previous").abs()).otherwise(None)
    frame = frame.with_columns(change.alias("change"), share.alias("change_share"))
    improvement = _improvement(direction)
    better = pl.when(improvement > 0).then(True).when(improvement < 0).then(False).otherwise(None)
    return frame.with_columns(better.alias("better"))


def standard(value: float | None, previous: float | None, direction: Direction = Direction.HIGHER_BETTER) -> Comparison:
    """A value against the previous period's."""
    frame = _with_change(pl.DataFrame({"value": [value], "previous": [previous]}, schema={"value": pl.Float64, "previous": pl.Float64}), direction)
    row = frame.row(0, named=True)
    return Comparison(row["value"], row["previous"], row["change"], row["change_share"], row["better"])


def growth_index(frame: pl.DataFrame, direction: Direction = Direction.HIGHER_BETTER) -> pl.DataFrame:
    """`frame` has `entity`, `value` and `previous`; returns them with `change`,
    `change_share`, `better` and `rank` (1 = most improved; ties share the rank), most
    improved first, rows without both figures last (rank null), then by entity."""
    _require(frame, "entity", "value", "previous")
    changed = _with_change(frame.with_columns(pl.col("value", "previous").cast(pl.Float64)), direction)
    improvement = _improvement(direction)
    ranked = changed.with_columns(
        (-improvement).rank(method="min").cast(pl.Int64).alias("rank")
    )
    return ranked.sort(["rank", "entity"], nulls_last=True)


def rankings(
    frame: pl.DataFrame, n: int, direction: Direction = Direction.HIGHER_BETTER
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The top and bottom `n` of `frame` (`entity`, `value`) with `rank` (1 = best, ties
    share it); rows without a value are in neither. Each list is best-first; the bottom
    list is worst-last, so the two read as the ends of one ranking."""
    if n < 1:
        raise MonitorError(f"N must be at least 1, not {n}")
    _require(frame, "entity", "value")
    valued = frame.with_columns(pl.col("value").cast(pl.Float64)).filter(pl.col("value").is_not_null())
    key = -pl.col("value") if direction is Direction.HIGHER_BETTER else pl.col("value")
    ranked = valued.with_columns(key.rank(method="min").cast(pl.Int64).alias("rank")).sort(["rank", "entity"])
    return ranked.head(n), ranked.tail(min(n, ranked.height))


# --- target meters ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float
    colour: Rag


@dataclass(frozen=True, slots=True)
class TargetMeter:
    actual: float | None
    target: float | None
    minimum: float
    maximum: float
    bands: tuple[Band, ...]
    expected: float | None  # what the linear pace expects by today
    pace: Pace
    tolerance: float
    elapsed: float
    needed_per_week: float | None  # what is still needed per remaining week, if it accumulates

    def explanation(self, language: str = "en") -> str:
        return pace_explanation(
            self.pace, self.actual, self.expected, self.target, self.elapsed, self.tolerance, language
        )


def target_meters(
    frame: pl.DataFrame,
    *,
    period: Period,
    today: date,
    tolerance: float = DEFAULT_TOLERANCE,
) -> pl.DataFrame:
    """One meter per row of `frame`: columns `actual`, `target`, `direction`
    (higher_better / lower_better) and `accumulates` (bool), any others kept. Adds
    `expected`, `pace`, `needed_per_week`, `elapsed`, and the meter's scale `minimum` (0,
    or the actual when negative) and `maximum` (the larger of 1.25 × target and the actual).

    On track, higher-better: actual ≥ expected × (1 − tolerance); lower-better: actual ≤
    expected × (1 + tolerance). Expected = target × elapsed share when the indicator
    accumulates, the target itself when it is a rate or an average."""
    if tolerance < 0:
        raise MonitorError(f"the tolerance must not be negative, not {tolerance}")
    _require(frame, "actual", "target", "direction", "accumulates")
    share = elapsed_share(period, today)
    weeks = remaining_weeks(period, today)
    higher = pl.col("direction") == Direction.HIGHER_BETTER.value
    actual, target = pl.col("actual").cast(pl.Float64), pl.col("target").cast(pl.Float64)
    expected = pl.when(pl.col("accumulates")).then(target * share).otherwise(target)
    on_track = pl.when(higher).then(actual >= expected * (1 - tolerance) - 1e-9).otherwise(
        actual <= expected * (1 + tolerance) + 1e-9
    )
    pace = (
        pl.when(target.is_null()).then(pl.lit(Pace.NO_TARGET.value))
        .when(actual.is_null()).then(pl.lit(Pace.NO_DATA.value))
        .when(on_track).then(pl.lit(Pace.ON_TRACK.value))
        .otherwise(pl.lit(Pace.OFF_TRACK.value))
    )
    needed = (
        pl.when(pl.col("accumulates") & higher & target.is_not_null() & (weeks > 0))
        .then(pl.max_horizontal(target - actual.fill_null(0.0), pl.lit(0.0)) / weeks)
        .otherwise(None)
    )
    return frame.with_columns(
        expected.alias("expected"),
        pace.alias("pace"),
        needed.alias("needed_per_week"),
        pl.lit(share).alias("elapsed"),
        pl.min_horizontal(pl.lit(0.0), actual.fill_null(0.0)).alias("minimum"),
        pl.max_horizontal(target.fill_null(0.0) * 1.25, actual.fill_null(0.0), pl.lit(1.0)).alias("maximum"),
    )


def target_meter(
    actual: float | None,
    target: float | None,
    *,
    period: Period,
    today: date,
    direction: Direction = Direction.HIGHER_BETTER,
    accumulates: bool = True,
    tolerance: float = DEFAULT_TOLERANCE,
) -> TargetMeter:
    """One meter (the one-row case of `target_meters`), with its coloured bands: for a
    higher-better target red below 80% of it, amber to the target, green above; mirrored
    for lower-better."""
    frame = pl.DataFrame(
        {"actual": [actual], "target": [target], "direction": [direction.value], "accumulates": [accumulates]},
        schema={"actual": pl.Float64, "target": pl.Float64, "direction": pl.String, "accumulates": pl.Boolean},
    )
    row = target_meters(frame, period=period, today=today, tolerance=tolerance).row(0, named=True)
    return TargetMeter(
        actual=actual, target=target, minimum=row["minimum"], maximum=row["maximum"],
        bands=meter_bands(target, row["minimum"], row["maximum"], direction),
        expected=row["expected"], pace=Pace(row["pace"]), tolerance=tolerance, elapsed=row["elapsed"],
        needed_per_week=row["needed_per_week"],
    )


def meter_bands(target: float | None, minimum: float, maximum: float, direction: Direction) -> tuple[Band, ...]:
    """Three coloured ranges covering [minimum, maximum]: for a higher-better target red
    below 80% of it, amber to the target, green beyond; mirrored for lower-better (green to
    the target, amber to 120% of it). A range squeezed to nothing by a target at the end
    of the scale (none unresolved: a target of 0) keeps a twentieth of the scale, so the
    gauge still shows where good is."""
    if target is None:
        return (Band(minimum, maximum, Rag.GREY),)
    span = (maximum - minimum) or 1.0
    least = span / 20

    def inside(value: float) -> float:
        return min(max(value, minimum), maximum)

    if direction is Direction.HIGHER_BETTER:
        high = min(inside(target), maximum - least)
        low = min(inside(target * 0.8), high - least) if high - least > minimum else inside(target * 0.8)
        return (Band(minimum, low, Rag.RED), Band(low, high, Rag.AMBER), Band(high, maximum, Rag.GREEN))
    low = max(inside(target), minimum + least)
    high = max(inside(target * 1.2), min(low + least, maximum))
    return (Band(minimum, low, Rag.GREEN), Band(low, high, Rag.AMBER), Band(high, maximum, Rag.RED))


_PACE_WORDS = {
    "en": {
        Pace.ON_TRACK: "on track: {actual} against {expected} expected by now ({elapsed} of the period passed, tolerance {tolerance}); target {target}",
        Pace.OFF_TRACK: "off track: {actual} against {expected} expected by now ({elapsed} of the period passed, tolerance {tolerance}); target {target}",
        Pace.NO_TARGET: "no target set",
        Pace.NO_DATA: "no figure yet; target {target}",
    },
    "zh-hans": {
        Pace.ON_TRACK: "进度正常：实际 {actual}，按时间进度应达 {expected}（期间已过 {elapsed}，容差 {tolerance}）；目标 {target}",
        Pace.OFF_TRACK: "进度落后：实际 {actual}，按时间进度应达 {expected}（期间已过 {elapsed}，容差 {tolerance}）；目标 {target}",
        Pace.NO_TARGET: "未设目标",
        Pace.NO_DATA: "暂无数据；目标 {target}",
    },
}


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def pace_explanation(
    pace: Pace,
    actual: float | None,
    expected: float | None,
    target: float | None,
    elapsed: float,
    tolerance: float,
    language: str = "en",
) -> str:
    """The meter's status in words (zh-Hans or en)."""
    words = _PACE_WORDS["zh-hans" if language.lower().startswith("zh") else "en"]
    return words[pace].format(
        actual=_number(actual), expected=_number(expected), target=_number(target),
        elapsed=f"{elapsed:.0%}", tolerance=f"{tolerance:.0%}",
    )


#: Measures whose value grows through the period (a count of wins); the others (a mean, a
#: ratio, the latest value) are expected at their target all along.
ACCUMULATING_MEASURES = frozenset({"count", "distinct_count", "sum", "attributed"})


@dataclass(frozen=True, slots=True)
class IndicatorTarget:
    target: float
    direction: Direction
    accumulates: bool


def indicator_target(indicator: Indicator) -> IndicatorTarget | None:
    """The value an indicator's rule gives full points at — its meter's target: a linear
    rule's `full_at`, a target rule's target, the best tier's near bound; None for rules
    with no such value (events, gates, rubrics, composites)."""
    rule = indicator.rule
    accumulates = indicator.measure.kind in ACCUMULATING_MEASURES
    if isinstance(rule, Linear):
        direction = Direction.HIGHER_BETTER if rule.full_at > rule.zero_at else Direction.LOWER_BETTER
        return IndicatorTarget(rule.full_at, direction, accumulates)
    if isinstance(rule, Target):
        return IndicatorTarget(rule.target, indicator.direction, accumulates)
    if isinstance(rule, Tiers):
        best = max(rule.tiers, key=lambda tier: tier.points)
        near = best.lower if indicator.direction is Direction.HIGHER_BETTER else best.upper
        if near is None:
            return None
        return IndicatorTarget(near, indicator.direction, accumulates)
    return None


# --- RAG, colours, structure -------------------------------------------------------------


def rag(frame: pl.DataFrame, *, amber_band: float = DEFAULT_AMBER_BAND) -> pl.DataFrame:
    """`frame` has `actual`, `target`, `direction`; adds `variance` ((actual − target) ÷
    |target|, null for a zero target) and `rag`: green at or beyond the target, amber
    within `amber_band` of it, red further off, grey without both figures."""
    if amber_band < 0:
        raise MonitorError(f"the amber band must not be negative, not {amber_band}")
    _require(frame, "actual", "target", "direction")
    actual, target = pl.col("actual").cast(pl.Float64), pl.col("target").cast(pl.Float64)
    higher = pl.col("direction") == Direction.HIGHER_BETTER.value
    # how far short of the target, as a share of it (negative = beyond the target)
    short = pl.when(higher).then(target - actual).otherwise(actual - target)
    allowed = target.abs() * amber_band
    colour = (
        pl.when(actual.is_null() | target.is_null()).then(pl.lit(Rag.GREY.value))
        .when(short <= 1e-9).then(pl.lit(Rag.GREEN.value))
        .when(short <= allowed + 1e-9).then(pl.lit(Rag.AMBER.value))
        .otherwise(pl.lit(Rag.RED.value))
    )
    variance = pl.when(target.abs() > 0).then((actual - target) / target.abs()).otherwise(None)
    return frame.with_columns(variance.alias("variance"), colour.alias("rag"))


def status_colours(frame: pl.DataFrame, *, shares: tuple[float, float] = DEFAULT_COLOUR_SHARES) -> pl.DataFrame:
    """A scorecard tile's cells (`points`, `max_points`): adds `share` and `rag` — green
    from `shares[0]` of the points, amber from `shares[1]`, red below, grey when unscored."""
    green, amber = shares
    if not 0 <= amber <= green <= 1:
        raise MonitorError(f"colour shares must be 0 ≤ amber ≤ green ≤ 1, not {shares}")
    _require(frame, "points", "max_points")
    share = pl.when(pl.col("max_points") > 0).then(pl.col("points") / pl.col("max_points")).otherwise(None)
    colour = (
        pl.when(share.is_null()).then(pl.lit(Rag.GREY.value))
        .when(share >= green - 1e-9).then(pl.lit(Rag.GREEN.value))
        .when(share >= amber - 1e-9).then(pl.lit(Rag.AMBER.value))
        .otherwise(pl.lit(Rag.RED.value))
    )
    return frame.with_columns(share.alias("share"), colour.alias("rag"))


def objective_creep(frame: pl.DataFrame, limit: int = MAX_OBJECTIVES_PER_THEME) -> pl.DataFrame:
    """Themes (`theme`, `objective` per row) with more than `limit` distinct objectives:
    `theme`, `objectives`, sorted by theme."""
    _require(frame, "theme", "objective")
    counted = frame.group_by("theme").agg(pl.col("objective").n_unique().alias("objectives"))
    return counted.filter(pl.col("objectives") > limit).sort("theme")


def _require(frame: pl.DataFrame, *columns: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise MonitorError(f"missing column(s): {', '.join(missing)}")
