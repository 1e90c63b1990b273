"""Scoring rules, branch by branch with hand-computed points, and their bounds by hypothesis."""

import itertools
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from kpilib.engine.definitions import Linear, Rule
from kpilib.engine.explain import number_text
from kpilib.engine.rules import RuleInputs, preview_points, score_rule

RULES: TypeAdapter[Rule] = TypeAdapter(Rule)


def evaluate(
    rule_document: dict[str, Any],
    maximum: float,
    lower_better: bool = False,
    **inputs: list[float | None],
) -> list[tuple[float, str]]:
    """(points, explanation) of the rule for each row of the given input columns."""
    rule = RULES.validate_python(rule_document)
    frame = pl.DataFrame(inputs, schema=dict.fromkeys(inputs, pl.Float64))

    def describe(name: str, noun: Any) -> pl.Expr:
        shown = number_text(pl.col(name))
        return (
            pl.when(pl.col(name).is_null())
            .then(pl.lit(f"no {name}"))
            .otherwise(pl.concat_str(shown, pl.lit(f" {name}")))
        )

    scored = score_rule(
        rule,
        maximum,
        RuleInputs({name: pl.col(name) for name in inputs}, describe, "en"),
        lower_better=lower_better,
    )
    result = frame.select(scored.points.alias("points"), scored.explanation.alias("explanation"))
    return list(result.iter_rows())


TIERS = {
    "kind": "tiers",
    "tiers": [
        {"lt": 60, "points": 0},
        {"gte": 60, "lt": 80, "points": 5},
        {"gte": 80, "lte": 90, "points": 8},
        {"gt": 90, "points": 10},
    ],
}


@pytest.mark.parametrize(
    ("value", "points"),
    [(59.99, 0), (60, 5), (79.99, 5), (80, 8), (90, 8), (90.01, 10), (0.1 + 0.2 + 59.7, 5)],
)
def test_tier_bounds_are_inclusive_or_exclusive_as_written(value: float, points: float) -> None:
    # given bands < 60, [60, 80), [80, 90], > 90
    # when a value on or near a bound is scored
    ((scored, _),) = evaluate(TIERS, 10, value=[value])
    # then it lands in the band its bounds say (float noise does not move it)
    assert scored == points


def test_a_value_in_no_tier_earns_nothing_and_says_so() -> None:
    # given tiers with a gap between 3 and 4
    rule = {"kind": "tiers", "tiers": [{"gte": 0, "lte": 3, "points": 5}, {"gte": 4, "points": 2}]}
    # when 3.5 is scored
    ((points, explanation),) = evaluate(rule, 5, value=[3.5])
    # then 0, explained
    assert (points, explanation) == (0, "3.5 value: in no tier → 0")


def test_tier_explanation_names_the_band() -> None:
    # given the tiers above
    # when 85 is scored
    ((_, explanation),) = evaluate(TIERS, 10, value=[85])
    # then the band reads as people write it
    assert explanation == "85 value (80–90) → 8"


@pytest.mark.parametrize(("value", "points"), [(70, 0), (80, 0), (86, 6), (95, 15), (120, 15)])
def test_linear_higher_better_between_zero_line_and_full_line(value: float, points: float) -> None:
    # given 0 points at 80 and 15 at 95
    rule = {"kind": "linear", "zero_at": 80, "full_at": 95}
    # when scored
    ((scored, _),) = evaluate(rule, 15, value=[value])
    # then 15 × (v − 80) / 15, clipped
    assert scored == pytest.approx(points)


@pytest.mark.parametrize(("value", "points"), [(1, 10), (2, 10), (6, 5), (10, 0), (30, 0)])
def test_linear_lower_better_runs_from_full_line_down_to_zero_line(
    value: float, points: float
) -> None:
    # given full 10 points at 2 days or less, 0 at 10 days or more
    rule = {"kind": "linear", "zero_at": 10, "full_at": 2}
    # when scored
    ((scored, explanation),) = evaluate(rule, 10, value=[value])
    # then 10 × (10 − v) / 8, clipped
    assert scored == pytest.approx(points)
    if value == 6:
        assert explanation == "6 value: 10 × (10 − 6) / 8 → 5"


def test_linear_ends_are_explained_as_lines_reached() -> None:
    # given 0 at 80 and 15 at 95
    rule = {"kind": "linear", "zero_at": 80, "full_at": 95}
    # when values beyond both lines are scored
    explanations = [text for _, text in evaluate(rule, 15, value=[97, 78, None])]
    # then each says which line it reached
    assert explanations == ["97 value ≥ 95 → 15", "78 value ≤ 80 → 0", "no value → 0"]


@pytest.mark.parametrize(
    ("complaints", "praise", "points"),
    [(0, 0, 8), (3, 0, 5), (0, 2, 10), (0, 5, 10), (9, 0, 0), (2, 3, 9)],
)
def test_events_from_a_base_stay_within_floor_and_cap(
    complaints: float, praise: float, points: float
) -> None:
    # given base 8, −1 per complaint, +1 per praise, floor 0, cap 10
    rule = {
        "kind": "events",
        "base": 8,
        "events": [{"input": "complaints", "points": -1}, {"input": "praise", "points": 1}],
        "floor": 0,
        "cap": 10,
    }
    # when scored
    ((scored, _),) = evaluate(rule, 10, complaints=[complaints], praise=[praise])
    # then base + Σ count × points each, within 0–10
    assert scored == points


def test_events_explain_when_held_at_floor_or_cap() -> None:
    # given base 2, +3 per event, floor 1, cap 6
    rule = {
        "kind": "events",
        "base": 2,
        "events": [{"input": "value", "points": -3}],
        "floor": 1,
        "cap": 6,
    }
    # when one and two deductions are scored
    explanations = [text for _, text in evaluate(rule, 10, value=[0, 1])]
    # then the floor is named only when it holds
    assert explanations == ["0 value × −3 from 2 → 2", "1 value × −3 from 2 → 1 (floor 1)"]


def test_a_missing_event_count_counts_as_zero() -> None:
    # given a deduction rule whose count is missing
    rule = {"kind": "events", "base": 15, "events": [{"input": "value", "points": -5}]}
    # when scored
    ((points, _),) = evaluate(rule, 15, value=[None])
    # then the base stands
    assert points == 15


@pytest.mark.parametrize(
    ("exam", "cases", "points"),
    [(79.99, 0, 0), (80, 0, 6), (None, 2, 4), (95, 1, 8), (95, 9, 10)],
)
def test_gate_then_bonus_up_to_the_cap(exam: float | None, cases: float, points: float) -> None:
    # given a pass line of 80 worth 6, +2 per case, cap 10
    rule = {
        "kind": "gate_bonus",
        "gate": {"gte": 80, "points": 6},
        "bonus": [{"input": "cases", "points": 2}],
        "cap": 10,
    }
    # when scored
    ((scored, _),) = evaluate(rule, 10, value=[exam], cases=[cases])
    # then gate points (or 0) plus bonuses, at most 10
    assert scored == points


def test_a_strict_gate_needs_more_than_the_line() -> None:
    # given a gate above 3 worth 4 and no bonus
    rule = {"kind": "gate_bonus", "gate": {"gt": 3, "points": 4}}
    # when 3 and 3.5 are scored
    results = evaluate(rule, 5, value=[3, 3.5])
    # then only 3.5 passes
    assert results == [(0, "3 value ≤ 3 → 0"), (4, "3.5 value > 3 → 4")]


@pytest.mark.parametrize(
    ("actual", "points"), [(0, 0), (30, 7.5), (40, 10), (55, 10), (-3, 0), (None, 0)]
)
def test_target_attainment_higher_better(actual: float | None, points: float) -> None:
    # given a target of 40 worth 10
    rule = {"kind": "target", "target": 40}
    # when scored
    ((scored, _),) = evaluate(rule, 10, value=[actual])
    # then 10 × min(actual / 40, 1)
    assert scored == pytest.approx(points)


@pytest.mark.parametrize(("actual", "points"), [(2, 10), (4, 10), (5, 8), (8, 5), (0, 10)])
def test_target_attainment_lower_better(actual: float, points: float) -> None:
    # given a lower-better target of 4 days worth 10
    rule = {"kind": "target", "target": 4}
    # when scored
    ((scored, _),) = evaluate(rule, 10, lower_better=True, value=[actual])
    # then 10 × min(4 / actual, 1)
    assert scored == pytest.approx(points)


def test_target_explanation_gives_the_attainment() -> None:
    # given a target of 40
    rule = {"kind": "target", "target": 40}
    # when 30 is scored
    ((_, explanation),) = evaluate(rule, 10, value=[30])
    # then the percentage of target is shown
    assert explanation == "30 value: 75% of target 40 → 7.5"


RUBRIC = {
    "kind": "rubric",
    "levels": [
        {"value": 1, "label": {"zh-Hans": "待改进", "en": "needs improvement"}, "points": 2},
        {"value": 2, "label": {"zh-Hans": "达到预期", "en": "meets expectations"}, "points": 6},
        {"value": 3, "label": {"zh-Hans": "超出预期", "en": "exceeds expectations"}, "points": 10},
    ],
}


def test_manager_rubric_maps_levels_to_points() -> None:
    # given a three-level rubric
    # when each level, an unknown level and no rating are scored
    results = evaluate(RUBRIC, 10, value=[1, 2, 3, 2.5, None])
    # then each level earns its points; anything else earns 0
    assert results == [
        (2, "1 value: needs improvement → 2"),
        (6, "2 value: meets expectations → 6"),
        (10, "3 value: exceeds expectations → 10"),
        (0, "2.5 value: no such level → 0"),
        (0, "no value → 0"),
    ]


def test_composite_sums_its_parts_up_to_its_cap() -> None:
    # given tiers on value plus 1 per case, capped at 10
    rule = {
        "kind": "composite",
        "parts": [
            {"kind": "tiers", "tiers": [{"gte": 50, "points": 8}]},
            {"kind": "events", "base": 0, "events": [{"input": "cases", "points": 1}], "cap": 5},
        ],
        "cap": 10,
    }
    # when scored
    results = evaluate(rule, 10, value=[60, 60, 10], cases=[1, 4, 3])
    # then the parts' sum, at most 10
    assert [points for points, _ in results] == [9, 10, 3]
    assert results[1][1] == "60 value (≥ 50) → 8; 4 cases × +1 from 0 → 4 → 10 (cap 10)"


def test_composite_can_take_the_lower_of_its_parts() -> None:
    # given the lower of a linear score and a target score
    rule = {
        "kind": "composite",
        "combine": "min",
        "parts": [
            {"kind": "linear", "zero_at": 0, "full_at": 100},
            {"kind": "target", "target": 50},
        ],
    }
    # when 40 is scored (linear 4, target 8)
    ((points, _),) = evaluate(rule, 10, value=[40])
    # then the lower
    assert points == pytest.approx(4)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {
                "kind": "tiers",
                "tiers": [{"gte": 0, "lte": 5, "points": 1}, {"gte": 5, "points": 2}],
            },
            "overlap",
        ),
        (
            {"kind": "tiers", "tiers": [{"gt": 3, "gte": 3, "points": 1}]},
            "at most one of gt and gte",
        ),
        ({"kind": "tiers", "tiers": [{"gt": 5, "lt": 5, "points": 1}]}, "the interval is empty"),
        ({"kind": "linear", "zero_at": 5, "full_at": 5}, "must differ"),
        (
            {
                "kind": "events",
                "base": 1,
                "events": [{"input": "value", "points": 1}],
                "floor": 5,
                "cap": 2,
            },
            "floor",
        ),
        ({"kind": "gate_bonus", "gate": {"points": 1}}, "exactly one of gt and gte"),
        (
            {
                "kind": "gate_bonus",
                "gate": {"gte": 1, "points": 1},
                "bonus": [{"input": "x", "points": -1}],
            },
            "≥ 0",
        ),
        ({"kind": "rubric", "levels": [RUBRIC["levels"][0], RUBRIC["levels"][0]]}, "same value"),
        ({"kind": "target", "target": 0}, "greater than or equal to 0.000000001"),
        ({"kind": "linear", "zero_at": 0, "full_at": 1e-12}, "must differ"),
    ],
)
def test_impossible_rules_are_refused(rule: dict[str, Any], message: str) -> None:
    # given a rule that cannot mean anything
    # when it is validated
    with pytest.raises(ValidationError) as refused:
        RULES.validate_python(rule)
    # then the reason is given
    assert message in str(refused.value)


# --- property: points always within [0, maximum] ------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
counts = st.one_of(st.none(), st.integers(min_value=0, max_value=10_000).map(float))


@st.composite
def tiers_rules(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    cuts = sorted(draw(st.sets(finite, min_size=1, max_size=5)))
    tiers = [{"lt": cuts[0], "points": draw(st.floats(0, maximum))}]
    tiers += [
        {"gte": low, "lt": high, "points": draw(st.floats(0, maximum))}
        for low, high in itertools.pairwise(cuts)
    ]
    tiers.append({"gte": cuts[-1], "points": draw(st.floats(0, maximum))})
    return {"kind": "tiers", "tiers": tiers}


@st.composite
def linear_rules(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    ends = st.tuples(finite, finite).filter(lambda pair: abs(pair[0] - pair[1]) >= 1e-9)
    zero, full = draw(ends)
    return {"kind": "linear", "zero_at": zero, "full_at": full}


@st.composite
def events_rules(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    floor = draw(st.floats(0, maximum))
    cap = draw(st.floats(floor, maximum))
    events = [{"input": name, "points": draw(st.floats(-100, 100))} for name in ("value", "other")]
    return {
        "kind": "events",
        "base": draw(st.floats(0, 200)),
        "events": events,
        "floor": floor,
        "cap": cap,
    }


@st.composite
def gate_bonus_rules(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    gate = {
        "gte" if draw(st.booleans()) else "gt": draw(finite),
        "points": draw(st.floats(0, maximum)),
    }
    bonus = [{"input": "other", "points": draw(st.floats(0, 50))}]
    return {"kind": "gate_bonus", "gate": gate, "bonus": bonus, "cap": draw(st.floats(0, maximum))}


@st.composite
def target_rules(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    return {"kind": "target", "target": draw(st.floats(0.001, 1e6))}


@st.composite
def rubric_rules(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    values = draw(st.lists(st.integers(-5, 5), min_size=1, max_size=5, unique=True))
    label = {"zh-Hans": "级", "en": "level"}
    return {
        "kind": "rubric",
        "levels": [
            {"value": value, "label": label, "points": draw(st.floats(0, maximum))}
            for value in values
        ],
    }


SIMPLE_RULES = (
    tiers_rules,
    linear_rules,
    events_rules,
    gate_bonus_rules,
    target_rules,
    rubric_rules,
)


@st.composite
def any_rule(draw: st.DrawFn, maximum: float) -> dict[str, Any]:
    if draw(st.integers(0, 6)) == 6:
        parts = [
            draw(draw(st.sampled_from(SIMPLE_RULES))(maximum))
            for _ in range(draw(st.integers(1, 3)))
        ]
        combine = draw(st.sampled_from(["sum", "min", "max"]))
        return {"kind": "composite", "parts": parts, "combine": combine}
    return draw(draw(st.sampled_from(SIMPLE_RULES))(maximum))


@st.composite
def rule_cases(
    draw: st.DrawFn,
) -> tuple[dict[str, Any], float, bool, list[float | None], list[float | None]]:
    maximum = draw(st.floats(0.5, 100))
    values = draw(st.lists(st.one_of(st.none(), finite), min_size=1, max_size=8))
    others = draw(st.lists(counts, min_size=len(values), max_size=len(values)))
    return draw(any_rule(maximum)), maximum, draw(st.booleans()), values, others


@settings(max_examples=150, deadline=None)
@given(rule_cases())
def test_points_are_always_between_zero_and_the_maximum(
    case: tuple[dict[str, Any], float, bool, list[float | None], list[float | None]],
) -> None:
    # given any valid rule, maximum and inputs (missing ones included)
    rule, maximum, lower_better, values, others = case
    # when scored
    results = evaluate(rule, maximum, lower_better, value=values, other=others)
    # then every line has points within [0, maximum] and an explanation
    for points, explanation in results:
        assert points is not None
        assert 0 <= points <= maximum + 1e-9
        assert explanation


def test_preview_gives_each_sample_the_points_the_scorecard_would() -> None:
    # given the seed's satisfaction band (0 at 80, full 15 at 95)
    rule = Linear(kind="linear", zero_at=80, full_at=95)
    # when 70, 85 and 95 are previewed in Chinese
    rows = preview_points(rule, 15, [70, 85, 95], language="zh-Hans")
    # then they earn 0, 5 and 15 with the scorecard's explanations
    assert [(row.value, row.points) for row in rows] == [(70, 0), (85, 5), (95, 15)]
    assert rows[1].explanation == "85：15 × (85 − 80) / 15 → 5 分"
