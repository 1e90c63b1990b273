"""Scoring rules: measured values → points between 0 and the indicator's maximum, explained.

Formulas (M = the indicator's maximum points, v = the input's value):
- tiers: the points of the first band containing v; 0 when no band does.
- linear: M × (v − zero_at) / (full_at − zero_at), clipped to [0, M] (lower-better when
  full_at < zero_at, which the same formula covers).
- events: base + Σ count × points each, clipped to [floor, cap] (cap defaults to M).
- gate_bonus: (gate points when v passes the line, else 0) + Σ count × bonus each, at most cap.
- target: M × min(v / target, 1); lower-better indicators use target / v (v ≤ 0 attains it).
- rubric: the points of the level whose value equals v; 0 when none does.
- composite: the parts' points summed (or their min or max), clipped to [0, cap].
A missing input earns nothing from the rule part that reads it (events count it as 0),
so every rule gives a number of points, never null. Bounds compare with a tolerance of
1e-9 so that float noise (0.1 + 0.2) never moves a value across a tier or grade line.
Each rule is a vectorised Polars expression plus a one-line explanation expression in the
requested language. Excludes: missing-data policies and weights (scorecard.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from kpilib.engine.definitions import (
    Bounds,
    Combine,
    Composite,
    EventPoints,
    Events,
    Gate,
    GateBonus,
    Linear,
    Noun,
    Rubric,
    Rule,
    Target,
    Tiers,
)
from kpilib.engine.explain import constant_text, joined, message, number_text, render, signed_text

TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class RuleInputs:
    """What a rule can read: each input's value, and its words (`3 complaints`)."""

    values: Mapping[str, pl.Expr]
    describe: Callable[[str, Noun | None], pl.Expr]
    language: str


@dataclass(frozen=True, slots=True)
class Scored:
    """Points (Float64, never null) and their one-line explanation (String)."""

    points: pl.Expr
    explanation: pl.Expr


def score_rule(
    rule: Rule, maximum: float, inputs: RuleInputs, *, lower_better: bool = False
) -> Scored:
    """The rule as expressions over the inputs, on a scale of 0 to `maximum` points."""
    match rule:
        case Tiers():
            return _tiers(rule, inputs)
        case Linear():
            return _linear(rule, maximum, inputs)
        case Events():
            return _events(rule, maximum, inputs)
        case GateBonus():
            return _gate_bonus(rule, maximum, inputs)
        case Target():
            return _target(rule, maximum, inputs, lower_better=lower_better)
        case Rubric():
            return _rubric(rule, inputs)
        case Composite():
            return _composite(rule, maximum, inputs, lower_better=lower_better)
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover


def clipped(points: pl.Expr, low: float, high: float) -> pl.Expr:
    return points.clip(low, high)


def in_bounds(value: pl.Expr, bounds: Bounds) -> pl.Expr:
    """Whether value lies in the interval, with the tolerance on every bound."""
    condition = pl.lit(True)
    if bounds.gt is not None:
        condition = condition & (value > bounds.gt + TOLERANCE)
    if bounds.gte is not None:
        condition = condition & (value >= bounds.gte - TOLERANCE)
    if bounds.lt is not None:
        condition = condition & (value < bounds.lt - TOLERANCE)
    if bounds.lte is not None:
        condition = condition & (value <= bounds.lte + TOLERANCE)
    return condition & value.is_not_null()


def band_text(bounds: Bounds) -> str:
    """`4–10`, `≥ 11`, `= 0`, `> 3, ≤ 10`: a band as people write it."""
    if bounds.gte is not None and bounds.lte is not None:
        if bounds.gte == bounds.lte:
            return f"= {constant_text(bounds.gte)}"
        return f"{constant_text(bounds.gte)}–{constant_text(bounds.lte)}"
    sides = [
        f"{symbol} {constant_text(limit)}"
        for symbol, limit in (
            (">", bounds.gt),
            ("≥", bounds.gte),
            ("<", bounds.lt),
            ("≤", bounds.lte),
        )
        if limit is not None
    ]
    return ", ".join(sides) or "any"


def _tiers(rule: Tiers, inputs: RuleInputs) -> Scored:
    value = inputs.values[rule.input]
    described = inputs.describe(rule.input, None)
    language = inputs.language
    points: pl.Expr = pl.lit(0.0)
    explanation = render(message("no_tier", language), value=described)
    for tier in reversed(rule.tiers):  # built inside out so the first matching tier wins
        inside = in_bounds(value, tier)
        points = pl.when(inside).then(pl.lit(tier.points)).otherwise(points)
        text = render(
            message("tier", language),
            value=described,
            band=band_text(tier),
            points=constant_text(tier.points),
        )
        explanation = pl.when(inside).then(text).otherwise(explanation)
    explanation = (
        pl.when(value.is_null())
        .then(render(message("no_value", language), value=described))
        .otherwise(explanation)
    )
    return Scored(points.cast(pl.Float64), explanation)


def _linear(rule: Linear, maximum: float, inputs: RuleInputs) -> Scored:
    value = inputs.values[rule.input]
    described = inputs.describe(rule.input, None)
    language = inputs.language
    fraction = ((value - rule.zero_at) / (rule.full_at - rule.zero_at)).clip(0.0, 1.0)
    points = (maximum * fraction).fill_null(0.0)
    lower_better = rule.full_at < rule.zero_at
    at_least, at_most = ("≤", "≥") if lower_better else ("≥", "≤")
    full_text = render(
        message("linear_end", language),
        value=described,
        compare=at_least,
        line=constant_text(rule.full_at),
        points=constant_text(maximum),
    )
    zero_text = render(
        message("linear_end", language),
        value=described,
        compare=at_most,
        line=constant_text(rule.zero_at),
        points="0",
    )
    between_text = render(
        message("linear", language),
        value=described,
        formula=_linear_formula(rule, maximum, value, fraction),
        points=number_text(points),
    )
    missing_text = render(message("no_value", language), value=described)
    if _is_plain_rate(rule):
        # `15 × 0.8` reads well at the ends too: `15 × 1 → 15`.
        return Scored(points, pl.when(value.is_null()).then(missing_text).otherwise(between_text))
    explanation = (
        pl.when(value.is_null())
        .then(missing_text)
        .when(fraction >= 1.0 - TOLERANCE)
        .then(full_text)
        .when(fraction <= TOLERANCE)
        .then(zero_text)
        .otherwise(between_text)
    )
    return Scored(points, explanation)


def _is_plain_rate(rule: Linear) -> bool:
    """0 points at 0 and full points at 1: points = maximum × rate."""
    return rule.zero_at == 0 and rule.full_at == 1


def _linear_formula(rule: Linear, maximum: float, value: pl.Expr, fraction: pl.Expr) -> pl.Expr:
    """`15 × (88.5 − 80) / 15`, shortened to `15 × 0.8` for a plain rate (kept within 0–1)."""
    span = abs(rule.full_at - rule.zero_at)
    scale, zero = constant_text(maximum), constant_text(rule.zero_at)
    shown = number_text(value)
    if rule.full_at < rule.zero_at:
        return render(
            "{scale} × ({zero} − {value}) / {span}",
            scale=scale,
            zero=zero,
            value=shown,
            span=constant_text(span),
        )
    if _is_plain_rate(rule):
        return render("{scale} × {value}", scale=scale, value=number_text(fraction))
    if rule.zero_at == 0:
        return render(
            "{scale} × {value} / {span}", scale=scale, value=shown, span=constant_text(span)
        )
    return render(
        "{scale} × ({value} − {zero}) / {span}",
        scale=scale,
        value=shown,
        zero=zero,
        span=constant_text(span),
    )


def _event_terms(events: list[EventPoints], inputs: RuleInputs) -> tuple[pl.Expr, pl.Expr]:
    """Σ count × points each (a missing count is 0), and the terms in words."""
    total = pl.sum_horizontal(
        inputs.values[event.input].fill_null(0.0) * event.points for event in events
    )
    words = [
        render(
            message("term", inputs.language),
            value=inputs.describe(event.input, event.label),
            each=signed_text(event.points),
        )
        for event in events
    ]
    return total, joined(words, message("list", inputs.language))


def _clamp_text(raw: pl.Expr, floor: float | None, cap: float, language: str) -> pl.Expr:
    text = pl.when(raw > cap + TOLERANCE).then(
        render(message("cap", language), limit=constant_text(cap))
    )
    if floor is None:
        return text.otherwise(pl.lit(""))
    floor_text = render(message("floor", language), limit=constant_text(floor))
    return text.when(raw < floor - TOLERANCE).then(floor_text).otherwise(pl.lit(""))


def _events(rule: Events, maximum: float, inputs: RuleInputs) -> Scored:
    cap = maximum if rule.cap is None else rule.cap
    events_total, terms = _event_terms(rule.events, inputs)
    raw = rule.base + events_total
    points = clipped(raw, rule.floor, cap)
    explanation = render(
        message("events", inputs.language),
        terms=terms,
        base=constant_text(rule.base),
        points=number_text(points),
        clamp=_clamp_text(raw, rule.floor, cap, inputs.language),
    )
    return Scored(points, explanation)


def _gate(gate: Gate, inputs: RuleInputs) -> tuple[pl.Expr, pl.Expr]:
    """Gate points (or 0) and the gate in words."""
    value = inputs.values[gate.input]
    described = inputs.describe(gate.input, None)
    language = inputs.language
    if gate.gte is not None:
        line, passed, fail_symbol, pass_symbol = gate.gte, value >= gate.gte - TOLERANCE, "<", "≥"
    else:
        assert gate.gt is not None
        line, passed, fail_symbol, pass_symbol = gate.gt, value > gate.gt + TOLERANCE, "≤", ">"
    passed = passed.fill_null(False)
    points = pl.when(passed).then(pl.lit(gate.points)).otherwise(pl.lit(0.0))

    def said(symbol: str, earned: float) -> pl.Expr:
        return render(
            message("gate", language),
            value=described,
            compare=symbol,
            line=constant_text(line),
            points=constant_text(earned),
        )

    explanation = (
        pl.when(value.is_null())
        .then(render(message("no_value", language), value=described))
        .when(passed)
        .then(said(pass_symbol, gate.points))
        .otherwise(said(fail_symbol, 0.0))
    )
    return points, explanation


def _gate_bonus(rule: GateBonus, maximum: float, inputs: RuleInputs) -> Scored:
    cap = maximum if rule.cap is None else rule.cap
    gate_points, gate_text = _gate(rule.gate, inputs)
    if not rule.bonus:
        points = clipped(gate_points, 0.0, cap)
        return Scored(points, gate_text)
    bonus_total, terms = _event_terms(rule.bonus, inputs)
    raw = gate_points + bonus_total
    points = clipped(raw, 0.0, cap)
    explanation = render(
        message("gate_bonus", inputs.language),
        gate=gate_text,
        terms=terms,
        points=number_text(points),
        clamp=_clamp_text(raw, None, cap, inputs.language),
    )
    return Scored(points, explanation)


def _target(rule: Target, maximum: float, inputs: RuleInputs, *, lower_better: bool) -> Scored:
    value = inputs.values[rule.input]
    described = inputs.describe(rule.input, None)
    if lower_better:
        attainment = pl.when(value <= 0).then(pl.lit(1.0)).otherwise(rule.target / value)
    else:
        attainment = value / rule.target
    points = (maximum * attainment.clip(0.0, 1.0)).fill_null(0.0)
    explanation = (
        pl.when(value.is_null())
        .then(render(message("no_value", inputs.language), value=described))
        .otherwise(
            render(
                message("target", inputs.language),
                value=described,
                percent=number_text(attainment * 100),
                target=constant_text(rule.target),
                points=number_text(points),
            )
        )
    )
    return Scored(points, explanation)


def _rubric(rule: Rubric, inputs: RuleInputs) -> Scored:
    value = inputs.values[rule.input]
    described = inputs.describe(rule.input, None)
    language = inputs.language
    points: pl.Expr = pl.lit(0.0)
    explanation = render(message("no_level", language), value=described)
    for level in reversed(rule.levels):
        rated = ((value - level.value).abs() <= TOLERANCE).fill_null(False)
        points = pl.when(rated).then(pl.lit(level.points)).otherwise(points)
        text = render(
            message("rubric", language),
            value=described,
            level=level.label.text(language),
            points=constant_text(level.points),
        )
        explanation = pl.when(rated).then(text).otherwise(explanation)
    explanation = (
        pl.when(value.is_null())
        .then(render(message("no_value", language), value=described))
        .otherwise(explanation)
    )
    return Scored(points.cast(pl.Float64), explanation)


def _composite(
    rule: Composite, maximum: float, inputs: RuleInputs, *, lower_better: bool
) -> Scored:
    cap = maximum if rule.cap is None else rule.cap
    parts = [score_rule(part, maximum, inputs, lower_better=lower_better) for part in rule.parts]
    combined = {
        Combine.SUM: pl.sum_horizontal,
        Combine.MIN: pl.min_horizontal,
        Combine.MAX: pl.max_horizontal,
    }[rule.combine](part.points for part in parts)
    points = clipped(combined, 0.0, cap)
    template = {
        Combine.SUM: "composite",
        Combine.MIN: "composite_min",
        Combine.MAX: "composite_max",
    }[rule.combine]
    explanation = render(
        message(template, inputs.language),
        parts=joined([part.explanation for part in parts], message("parts", inputs.language)),
        points=number_text(points),
        clamp=_clamp_text(combined, None, cap, inputs.language),
    )
    return Scored(points, explanation)


@dataclass(frozen=True, slots=True)
class SamplePoints:
    """The points a rule gives one sample of the measured value, and why."""

    value: float
    points: float
    explanation: str


def preview_points(
    rule: Rule,
    maximum: float,
    samples: Sequence[float],
    *,
    lower_better: bool = False,
    language: str = "en",
) -> list[SamplePoints]:
    """The points `rule` gives each sample of the measured value (`value`), by `score_rule`.

    This is the scoring itself, not a second copy of it: the rule runs over a frame of
    the samples, every other input it reads counting 0 (as it would with no facts).
    """
    frame = pl.DataFrame({"value": [float(sample) for sample in samples]}, schema={"value": pl.Float64})
    values: defaultdict[str, pl.Expr] = defaultdict(lambda: pl.lit(0.0))
    values["value"] = pl.col("value")

    def describe(name: str, noun: Noun | None) -> pl.Expr:
        return number_text(values[name])

    scored = score_rule(
        rule, maximum, RuleInputs(values, describe, language), lower_better=lower_better
    )
    result = frame.select(
        pl.col("value"),
        scored.points.alias("points"),
        scored.explanation.alias("explanation"),
    )
    return [SamplePoints(**row) for row in result.iter_rows(named=True)]
