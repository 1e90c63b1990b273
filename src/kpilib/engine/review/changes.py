"""What accepting a review's recommendations changes, and what a change achieved.

- `replacement_candidates`: library indicators that could replace one leaving the plan,
  ranked by affinity = 2 × shared objectives + shared tags + 1 when in the same
  dimension (objectives weigh double: they are why an indicator exists; tags describe
  it). Only indicators with affinity > 0 and not already in the plan; ties keep library
  order.
- `rebalanced_weights`: the plan's weights after removals, replacements and additions. A
  replacement takes the weight of the indicator it replaces; an added indicator gets
  its default weight; then every weight is scaled to sum to 100 and rounded to the
  plan's precision by largest remainder (so the sum is exactly 100).
- `effect_of_change`: the monthly rate of a metric in the `months` whole months before
  the month a change took effect and in the `months` months from it on (fewer when not
  yet lived), as means of the monthly rates, with the relative change. This is how the
  seed's "quality problems fell 50 % within three months" is measured.
Excludes: storing anything (the plans app does, through its services).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from kpilib.engine.ahp import weights_to_points
from kpilib.engine.definitions import PLAN_TOTAL, Indicator, Pack


@dataclass(frozen=True, slots=True)
class Candidate:
    """A library indicator proposed in place of another, and why."""

    code: str
    affinity: int
    shared_objectives: tuple[str, ...]
    shared_tags: tuple[str, ...]
    same_dimension: bool


def replacement_candidates(
    pack: Pack, plan_codes: Sequence[str], leaving: str, limit: int = 3
) -> list[Candidate]:
    """The best `limit` replacements for `leaving` among the pack's other indicators."""
    target = pack.indicator(leaving)
    present = set(plan_codes)
    found: list[tuple[int, int, Candidate]] = []
    for position, candidate in enumerate(pack.indicators):
        if candidate.code in present or candidate.code == leaving:
            continue
        shared = _shared(target, candidate)
        if shared.affinity > 0:
            found.append((-shared.affinity, position, shared))
    found.sort(key=lambda item: (item[0], item[1]))
    return [candidate for _, _, candidate in found[:limit]]


def _shared(target: Indicator, candidate: Indicator) -> Candidate:
    objectives = tuple(code for code in candidate.objectives if code in target.objectives)
    tags = tuple(tag for tag in candidate.tags if tag in target.tags)
    same = candidate.dimension == target.dimension
    return Candidate(
        candidate.code, 2 * len(objectives) + len(tags) + int(same), objectives, tags, same
    )


def rebalanced_weights(
    weights: Mapping[str, float],
    *,
    remove: Sequence[str] = (),
    replace: Mapping[str, str] | None = None,
    add: Mapping[str, float] | None = None,
    precision: int = 2,
) -> dict[str, float]:
    """New weights (module doc): `replace` maps a leaving code to its replacement, `add`
    a new code to its default weight. Order: the plan's, replacements in place, then
    additions."""
    replacements = dict(replace or {})
    raw: dict[str, float] = {}
    for code, weight in weights.items():
        if code in remove:
            continue
        raw[replacements.get(code, code)] = weight
    for code, weight in (add or {}).items():
        if code not in raw:
            raw[code] = weight
    if not raw:
        return {}
    points = weights_to_points(raw, total=int(PLAN_TOTAL), decimals=precision)
    return {code: float(value) for code, value in points.items()}


@dataclass(frozen=True, slots=True)
class Effect:
    """A metric's monthly rate before and after a change took effect."""

    metric: str
    group: str | None
    change_month: str
    before: float | None
    after: float | None
    months_before: int
    months_after: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None or self.before == 0:
            return None
        return (self.after - self.before) / self.before

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "group": self.group,
            "change_month": self.change_month,
            "before": self.before,
            "after": self.after,
            "months_before": self.months_before,
            "months_after": self.months_after,
            "change": self.change,
        }


def effect_of_change(
    rates: pl.DataFrame,
    metric: str,
    change_month: int,
    *,
    months: int = 3,
    group: str | None = None,
    last_month: int | None = None,
) -> Effect:
    """Before/after means of `rates` (from `anomalies.monthly_rates`) around `change_month`.

    `last_month` is the last whole month lived (months after it are not counted).
    """
    from kpilib.engine.review.anomalies import ORGANISATION, month_label

    series = rates.filter(
        (pl.col("metric") == metric)
        & (pl.col("group") == (group or ORGANISATION))
        & pl.col("rate").is_not_null()
        & ~pl.col("partial")
    )
    if last_month is not None:
        series = series.filter(pl.col("month") <= last_month)
    before = series.filter(
        (pl.col("month") < change_month) & (pl.col("month") >= change_month - months)
    )
    after = series.filter(
        (pl.col("month") >= change_month) & (pl.col("month") < change_month + months)
    )

    def mean(frame: pl.DataFrame) -> float | None:
        value = frame.get_column("rate").mean()
        return None if value is None else float(value)  # type: ignore[arg-type]

    return Effect(
        metric=metric,
        group=group,
        change_month=month_label(change_month),
        before=mean(before),
        after=mean(after),
        months_before=before.height,
        months_after=after.height,
    )
