"""Anomalies: months whose rate of a metric departs from what its own history expects.

Series (product.md §8): for each metric, the monthly rate = facts of the metric that
month / employees active that month (an employee is active in a month with at least one
fact of any metric), for the organisation and, when `groups` is given, per group (org
unit) whose active headcount is at least `min_group` in the checked month and in the
median history month. A series starts at its metric's first fact; months before it are
not history.

A checked month is judged against the months before the first checked month (at most
`max_history_months` of them; at least `history_months` needed, else the metric is
reported as not checked). Each of these descriptions of the history gives an expected
value e and a robust scale s:

- `level`: e = median of the history; s from the history's deviations from it;
- `quarterly`: e = median of the history months in the same month of their quarter
  (exams held in the last month of each quarter), s from every history month's deviation
  from its own position's median;
- `yearly`: e = the same calendar month a year before; s from the STL residuals when
  STL ran, else as for `level`;
- `stl` (only with two full years of history, 24 months or more): statsmodels' robust
  STL with period 12; e = the trend's last value + the seasonal component of the same
  calendar month in the last year; s from its residuals.

The robust scale is 1.4826 × MAD (the median absolute deviation from the median), or
1.2533 × the mean absolute deviation when MAD is 0 (Iglewicz & Hoaglin's modified z,
IBM's fallback). The robust z is (x − e) / s (infinite when s = 0 and x ≠ e). A month is
an anomaly when no description explains it: under every one, |z| ≥ `z` (3.5) and
|x − e| ≥ `change` (0.5) × |e|; departures within 1e-9 of e count as none. The
description reported is the one that comes closest (smallest |z|), so `expected` is the
most generous expectation the history offers.

A partial month (`through` inside it) is projected to its end the way the metric's own
months fill up: count so far × C / E, where C is the metric's facts in the 12 months
before and E those of them dated on or before the same day of their month (so a metric
recorded on the 3rd of every month is not multiplied by ten on the 4th); when E is 0,
× days in the month / days elapsed. The rate is over the larger of the employees active
so far and those active the month before.
Suggestions: the library's indicators that counter the metric, for a rise only.
Excludes: deciding what to do about it (the reviewer does).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from numpy.typing import NDArray

EMPLOYEE = "employee_id"
ORGANISATION = ""
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533
SAME = 1e-9
SEASON = 12


@dataclass(frozen=True, slots=True)
class AnomalySettings:
    """Thresholds of the anomaly rule (product.md §8 defaults)."""

    z: float = 3.5
    change: float = 0.5
    history_months: int = 12
    max_history_months: int = 36
    min_group: int = 20


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A month of a metric that its history does not explain."""

    metric: str
    month: str
    value: float
    expected: float
    z: float | None
    change: float | None
    direction: str
    method: str
    history_months: int
    group: str | None
    partial: bool
    suggested_indicators: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "month": self.month,
            "value": self.value,
            "expected": self.expected,
            "suggested_indicators": list(self.suggested_indicators),
            "group": self.group,
            "direction": self.direction,
            "z": self.z,
            "change": self.change,
            "method": self.method,
            "history_months": self.history_months,
            "partial": self.partial,
        }


@dataclass(frozen=True, slots=True)
class NotChecked:
    """A metric (of a group) whose history is too short to judge."""

    metric: str
    group: str | None
    history_months: int

    def as_dict(self) -> dict[str, object]:
        return {"metric": self.metric, "group": self.group, "history_months": self.history_months}


@dataclass(frozen=True, slots=True)
class Expectation:
    method: str
    expected: float
    scale: float


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def monthly_activity(
    facts: pl.DataFrame, *, last_month: int, through: date | None = None
) -> pl.DataFrame:
    """Facts reduced to one row per (employee, metric, month): the one pass over the facts.

    Columns: employee_id, metric, month (Int32 index, year × 12 + month − 1), count,
    value (the sum of `value`), early (facts on or before `through`'s day of their
    month; every fact when `through` is None). Facts after `through` or after
    `last_month` are left out.
    """
    lazy = facts.lazy()
    if through is not None:
        lazy = lazy.filter(pl.col("occurred_on") <= through)
    day_limit = through.day if through is not None else 31
    month = (
        pl.col("occurred_on").dt.year().cast(pl.Int32) * 12
        + pl.col("occurred_on").dt.month().cast(pl.Int32)
        - 1
    )
    return (
        lazy.select(
            EMPLOYEE,
            "metric",
            month.alias("month"),
            "value",
            (pl.col("occurred_on").dt.day() <= day_limit).alias("early"),
        )
        .filter(pl.col("month") <= last_month)
        .group_by(EMPLOYEE, "metric", "month")
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            pl.col("value").sum().alias("value"),
            pl.col("early").sum().cast(pl.Int64).alias("early"),
        )
        .collect()
    )


def monthly_rates(
    activity: pl.DataFrame,
    last_month: int,
    *,
    groups: pl.DataFrame | None = None,
    through: date | None = None,
) -> pl.DataFrame:
    """Rates per (group, metric, month index) up to `last_month`, see the module doc.

    `activity` comes from `monthly_activity` (with the same `through`). Columns: group
    ("" for the organisation), metric, month, count, active, rate (null when nobody was
    active), partial (bool).
    """
    dated = activity.filter(pl.col("month") <= last_month)
    organisation = dated.with_columns(pl.lit(ORGANISATION).alias("group"))
    parts = [organisation]
    if groups is not None and not groups.is_empty():
        parts.append(
            dated.join(groups.select(EMPLOYEE, pl.col("group").cast(pl.String)), on=EMPLOYEE)
        )
    grouped = pl.concat(parts, how="vertical_relaxed")
    counts = grouped.group_by("group", "metric", "month").agg(
        pl.col("count").sum().alias("count"), pl.col("early").sum().alias("early")
    )
    active = grouped.group_by("group", "month").agg(pl.col(EMPLOYEE).n_unique().alias("active"))
    starts = counts.group_by("group", "metric").agg(pl.col("month").min().alias("first"))
    earliest = int(counts.get_column("month").min() or 0) if not counts.is_empty() else 0  # type: ignore[arg-type]
    months = pl.DataFrame(
        {"month": list(range(earliest, last_month + 1)) if not counts.is_empty() else []},
        schema={"month": pl.Int32},
    )
    frame = (
        starts.join(months, how="cross")
        .filter(pl.col("month") >= pl.col("first"))
        .join(counts, on=["group", "metric", "month"], how="left")
        .join(active, on=["group", "month"], how="left")
        .with_columns(
            pl.col("count").fill_null(0).cast(pl.Float64),
            pl.col("early").fill_null(0).cast(pl.Float64),
            pl.col("active").fill_null(0).cast(pl.Int64),
        )
        .sort("group", "metric", "month")
    )
    partial = pl.lit(False)
    if through is not None and month_index(through) == last_month:
        days = calendar.monthrange(through.year, through.month)[1]
        if through.day < days:
            is_last = pl.col("month") == last_month
            before = pl.col("active").shift(1).over("group", "metric")
            recent = (pl.col("month") < last_month) & (pl.col("month") >= last_month - SEASON)
            whole = (
                pl.when(recent).then(pl.col("count")).otherwise(0.0).sum().over("group", "metric")
            )
            early = (
                pl.when(recent).then(pl.col("early")).otherwise(0.0).sum().over("group", "metric")
            )
            factor = pl.when(early > 0).then(whole / early).otherwise(days / through.day)
            frame = frame.with_columns(
                pl.when(is_last)
                .then(pl.col("count") * factor)
                .otherwise(pl.col("count"))
                .alias("count"),
                pl.when(is_last)
                .then(pl.max_horizontal(pl.col("active"), before.fill_null(0)))
                .otherwise(pl.col("active"))
                .alias("active"),
            )
            partial = pl.col("month") == last_month
    return frame.with_columns(
        pl.when(pl.col("active") > 0).then(pl.col("count") / pl.col("active")).alias("rate"),
        partial.alias("partial"),
    ).select("group", "metric", "month", "count", "active", "rate", "partial")


def find_anomalies(
    activity: pl.DataFrame,
    months: Sequence[int],
    *,
    counters: Mapping[str, Sequence[str]],
    settings: AnomalySettings | None = None,
    groups: pl.DataFrame | None = None,
    through: date | None = None,
) -> tuple[list[Anomaly], list[NotChecked], pl.DataFrame]:
    """Anomalies in `months` (month indexes, consecutive), metrics not checked, and rates.

    `activity` is `monthly_activity(facts, …, through=through)`. `counters` maps a metric to the indicator codes that counter it, in library order.
    `groups` (employee_id, group) adds per-group series. Sorted: organisation first,
    then group, month, metric.
    """
    chosen = settings or AnomalySettings()
    first, last = min(months), max(months)
    rates = monthly_rates(activity, last, groups=groups, through=through)
    anomalies: list[Anomaly] = []
    not_checked: list[NotChecked] = []
    for (group, metric), series in rates.group_by(["group", "metric"], maintain_order=True):
        group_text = str(group)
        history = series.filter(
            (pl.col("month") < first)
            & (pl.col("month") >= first - chosen.max_history_months)
            & pl.col("rate").is_not_null()
        )
        checked = series.filter(pl.col("month") >= first, pl.col("rate").is_not_null())
        if group_text != ORGANISATION:
            headcount = history.get_column("active").median()
            if (
                headcount is None
                or float(headcount) < chosen.min_group  # type: ignore[arg-type]
                or checked.is_empty()
                or int(checked.get_column("active").min() or 0) < chosen.min_group  # type: ignore[arg-type]
            ):
                continue
        if history.height < chosen.history_months:
            not_checked.append(NotChecked(str(metric), group_text or None, history.height))
            continue
        values = history.get_column("rate").to_numpy().astype(np.float64)
        history_months = history.get_column("month").to_numpy().astype(np.int64)
        model = _HistoryModel(values, history_months)
        for month, rate, partial in checked.select("month", "rate", "partial").iter_rows():
            found = _judged(model, int(month), float(rate), chosen)
            if found is None:
                continue
            expectation, z, change = found
            rise = rate > expectation.expected
            anomalies.append(
                Anomaly(
                    metric=str(metric),
                    month=month_label(int(month)),
                    value=float(rate),
                    expected=expectation.expected,
                    z=None if math.isinf(z) else z,
                    change=change,
                    direction="rise" if rise else "fall",
                    method=expectation.method,
                    history_months=history.height,
                    group=group_text or None,
                    partial=bool(partial),
                    suggested_indicators=tuple(counters.get(str(metric), ())) if rise else (),
                )
            )
    anomalies.sort(key=lambda a: (a.group is not None, a.group or "", a.month, a.metric))
    not_checked.sort(key=lambda n: (n.group is not None, n.group or "", n.metric))
    return anomalies, not_checked, rates


def robust_scale(deviations: NDArray[np.float64]) -> float:
    """1.4826 × MAD, or 1.2533 × mean absolute deviation when MAD is 0 (0 when both are)."""
    if deviations.size == 0:
        return 0.0
    centre = float(np.median(deviations))
    absolute = np.abs(deviations - centre)
    mad = float(np.median(absolute))
    if mad > 0:
        return MAD_SCALE * mad
    return MEAN_AD_SCALE * float(absolute.mean())


class _HistoryModel:
    """The descriptions of one series' history (module doc), computed once per series."""

    def __init__(self, values: NDArray[np.float64], months: NDArray[np.int64]) -> None:
        self.values = values
        self.months = months
        level = float(np.median(values))
        self.level = level
        self.level_scale = robust_scale(values - level)
        phases = months % 3
        self.phase_medians = {
            int(phase): float(np.median(values[phases == phase])) for phase in np.unique(phases)
        }
        phase_deviation = values - np.array([self.phase_medians[int(p)] for p in phases])
        self.phase_scale = robust_scale(phase_deviation)
        self.by_month = {int(m): float(v) for m, v in zip(months, values, strict=True)}
        self.stl: tuple[float, dict[int, float], float] | None = None
        contiguous = values.size >= 2 * SEASON and int(months[-1] - months[0]) + 1 == values.size
        if contiguous:
            self.stl = _stl(values, months)

    def expectations(self, month: int) -> list[Expectation]:
        found = [Expectation("level", self.level, self.level_scale)]
        phase = month % 3
        if phase in self.phase_medians and sum(self.months % 3 == phase) >= 2:
            found.append(Expectation("quarterly", self.phase_medians[phase], self.phase_scale))
        if month - SEASON in self.by_month:
            scale = self.stl[2] if self.stl is not None else self.level_scale
            found.append(Expectation("yearly", self.by_month[month - SEASON], scale))
        if self.stl is not None:
            trend, seasonal, scale = self.stl
            calendar_month = month % SEASON
            if calendar_month in seasonal:
                found.append(Expectation("stl", trend + seasonal[calendar_month], scale))
        return found


def _stl(
    values: NDArray[np.float64], months: NDArray[np.int64]
) -> tuple[float, dict[int, float], float]:
    """Robust STL (period 12): the last trend value, the last year's seasonal part by
    calendar month, and the residuals' robust scale."""
    from statsmodels.tsa.seasonal import STL

    fitted = STL(values, period=SEASON, robust=True).fit()
    trend = np.asarray(fitted.trend, dtype=np.float64)
    seasonal = np.asarray(fitted.seasonal, dtype=np.float64)
    residual = np.asarray(fitted.resid, dtype=np.float64)
    last_year = {
        int(month % SEASON): float(part)
        for month, part in zip(months[-SEASON:], seasonal[-SEASON:], strict=True)
    }
    return float(trend[-1]), last_year, robust_scale(residual)


def _judged(
    model: _HistoryModel, month: int, value: float, settings: AnomalySettings
) -> tuple[Expectation, float, float | None] | None:
    """(closest description, z, relative change) when no description explains the value."""
    best: tuple[Expectation, float, float | None] | None = None
    for expectation in model.expectations(month):
        departure = value - expectation.expected
        if abs(departure) <= SAME * max(1.0, abs(expectation.expected), abs(value)):
            return None
        z = (
            departure / expectation.scale
            if expectation.scale > 0
            else math.copysign(math.inf, departure)
        )
        change = departure / abs(expectation.expected) if expectation.expected != 0 else None
        if abs(z) < settings.z:
            return None
        if change is not None and abs(change) < settings.change:
            return None
        if best is None or abs(z) < abs(best[1]):
            best = (expectation, z, change)
    return best
