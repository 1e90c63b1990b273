"""The full-marks line of an indicator's rule: the measured value that earns full marks.

Read from the indicator's own rule (not a plan's override), on its measured value
(`value`); "full marks" are the most points the rule can give. Per rule kind:
- linear: `full_at`;
- target: `target` (attainment reaches 1 there);
- tiers: the edge of the best-paying tier on the worse side — its lower bound when
  higher is better, its upper bound when lower is better (the most lenient such edge
  when several tiers pay the most);
- gate_bonus without bonuses: the gate's line;
- events with one event counted on `value`: the count at which base + count × points
  reaches the most the rule gives, i.e. (top − base) / points events; with a deduction
  (points < 0) and base within the cap this is 0 events.
The direction is the indicator's, except for events, where the sign of the points says
which way is better. Strict and non-strict edges (gt / gte) give the same line.
Unknown, with the reason: a rule reading another input, rubric ratings (a manager's
judgement, not a measured result), composites and gate_bonus with bonuses (several
inputs reach full marks together), and a best-paying tier open on the worse side (it
contradicts the direction).
Excludes: comparing the line with history (checks.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from kpilib.engine.definitions import (
    PRIMARY_INPUT,
    Composite,
    Direction,
    Events,
    GateBonus,
    Indicator,
    Linear,
    LocalText,
    Rubric,
    Target,
    Tiers,
)


@dataclass(frozen=True, slots=True)
class FullMarksLine:
    """The measured value earning full marks; reached from above when lower is better."""

    value: float
    lower_better: bool


type FullMarks = FullMarksLine | LocalText  # the line, or why it cannot be told


def full_marks_line(indicator: Indicator) -> FullMarks:
    lower_better = indicator.direction is Direction.LOWER_BETTER
    rule = indicator.rule
    match rule:
        case Linear() | Target() | Tiers() if rule.input != PRIMARY_INPUT:
            return _reads_other_input(rule.input)
        case Linear():
            return FullMarksLine(rule.full_at, lower_better)
        case Target():
            return FullMarksLine(rule.target, lower_better)
        case Tiers():
            return _tiers_line(rule, lower_better)
        case GateBonus():
            return _gate_line(rule, lower_better)
        case Events():
            return _events_line(rule, indicator.default_weight)
        case Rubric():
            return LocalText(
                zh_hans="评分量表是主管的评级，不是测得的结果，没有可与历史比较的满分线",
                en="a rubric is a manager's rating, not a measured result, so it has no"
                " full-marks line to compare with history",
            )
        case Composite():
            return LocalText(
                zh_hans="组合规则的满分取决于多个部分同时达到，没有单一的满分线",
                en="a composite rule reaches full marks through several parts at once, so it"
                " has no single full-marks line",
            )


def _reads_other_input(name: str) -> LocalText:
    return LocalText(
        zh_hans=f"规则读取的是输入 {name}，而历史值记录的是指标的测量值",
        en=f"the rule reads input {name!r}, while history records the indicator's measured value",
    )


def _tiers_line(rule: Tiers, lower_better: bool) -> FullMarks:
    top = max(tier.points for tier in rule.tiers)
    edges = [
        tier.upper if lower_better else tier.lower for tier in rule.tiers if tier.points == top
    ]
    finite = [edge for edge in edges if edge is not None]
    if len(finite) < len(edges):
        side = ("上限", "upper") if lower_better else ("下限", "lower")
        return LocalText(
            zh_hans=f"得分最高的档位没有{side[0]}，与指标方向相反",
            en=f"the best-paying tier has no {side[1]} bound, which runs against the"
            " indicator's direction",
        )
    return FullMarksLine(max(finite) if lower_better else min(finite), lower_better)


def _gate_line(rule: GateBonus, lower_better: bool) -> FullMarks:
    if rule.bonus:
        return LocalText(
            zh_hans="达标线加奖励的规则由多个输入共同达到满分，没有单一的满分线",
            en="a gate with bonuses reaches full marks through several inputs at once, so it"
            " has no single full-marks line",
        )
    if rule.gate.input != PRIMARY_INPUT:
        return _reads_other_input(rule.gate.input)
    line = next(edge for edge in (rule.gate.gte, rule.gate.gt) if edge is not None)
    return FullMarksLine(line, lower_better)


def _events_line(rule: Events, maximum: float) -> FullMarks:
    if len(rule.events) != 1 or rule.events[0].input != PRIMARY_INPUT:
        return LocalText(
            zh_hans="事件规则计入了多个输入，没有单一的满分线",
            en="the events rule counts several inputs, so it has no single full-marks line",
        )
    points = rule.events[0].points
    cap = rule.cap if rule.cap is not None else maximum
    if points < 0:
        top = min(rule.base, cap)
        return FullMarksLine((rule.base - top) / -points, lower_better=True)
    if points > 0:
        return FullMarksLine(max(0.0, (cap - rule.base) / points), lower_better=False)
    return LocalText(
        zh_hans="每个事件计 0 分，得分与测量值无关",
        en="each event is worth 0 points, so the score does not depend on the measured value",
    )
