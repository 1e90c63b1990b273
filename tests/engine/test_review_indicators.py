"""The quarterly review's figures, flags, statistics and recommendations (product.md §8).

Each case is small enough to check by hand; the arithmetic is in the comments.
"""

import math

import pytest

from kpilib.engine.periods import parse_period
from kpilib.engine.review import ReviewError, StatisticStatus, quarters_ending
from tests.engine.review_support import counting_pack, counts, review, valued

EMPLOYEES = ["E1", "E2", "E3", "E4"]


def by_employee(metric: str, values: list[int]) -> dict[str, dict[str, int]]:
    return {e: {metric: v} for e, v in zip(EMPLOYEES, values, strict=True)}


def merged(*parts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for part in parts:
        for employee, metrics in part.items():
            result.setdefault(employee, {}).update(metrics)
    return result


def test_figures_of_a_quarter_are_the_hand_computed_ones() -> None:
    # given a = 0, 2, 5, 5 complaints-like counts on a 5-point indicator (b fills the plan)
    pack = counting_pack({"a": 5, "b": 95})
    rows = counts("2026-Q4", merged(by_employee("a", [0, 2, 5, 7]), by_employee("b", [3, 1, 1, 3])))
    # when reviewed
    a = review(pack, rows).indicator("a")
    # then shares 0, .4, 1, 1: mean .6, sd √(.72 / 3) = √.24, half at the ceiling, a quarter at 0
    assert a.figures.scored == 4
    assert a.figures.scored_rate == 1.0
    assert a.figures.mean_share == pytest.approx(0.6)
    assert a.figures.sd_share == pytest.approx(math.sqrt(0.24))
    assert a.figures.ceiling_rate == 0.5
    assert a.figures.floor_rate == 0.25
    assert a.flags == ("ceiling",)
    # and the distribution puts 0 in the first tenth, .4 in the fifth, full marks in the last
    assert a.distribution == (1, 0, 0, 0, 1, 0, 0, 0, 0, 2)


def test_floor_flag_when_half_score_zero() -> None:
    # given a = 0, 0, 1, 3 on 5 points: two of four at 0
    pack = counting_pack({"a": 5, "b": 95})
    rows = counts("2026-Q4", merged(by_employee("a", [0, 0, 1, 3]), by_employee("b", [3, 1, 1, 3])))
    # then floor_rate .5 → floor
    a = review(pack, rows).indicator("a")
    assert (a.figures.floor_rate, a.flags) == (0.5, ("floor",))


def test_low_spread_when_shares_barely_differ() -> None:
    # given a = 2 for everyone: every share .4, sd 0 < .05
    pack = counting_pack({"a": 5, "b": 95})
    rows = counts("2026-Q4", merged(by_employee("a", [2, 2, 2, 2]), by_employee("b", [3, 1, 1, 3])))
    a = review(pack, rows, low_spread=0.05).indicator("a")
    assert a.figures.sd_share == 0.0
    assert a.flags == ("low_spread",)


def test_missing_when_fewer_than_seven_in_ten_are_scored() -> None:
    # given b is not scored without facts, and only E1 and E2 have b facts (2 of 4 = .5)
    pack = counting_pack(
        {"a": 50, "b": 50},
        b={"measure": {"kind": "count", "metric": "b", "when_no_facts": "missing"}},
    )
    rows = counts(
        "2026-Q4", merged(by_employee("a", [1, 2, 3, 4]), {"E1": {"b": 1}, "E2": {"b": 3}})
    )
    b = review(pack, rows).indicator("b")
    # then scored_rate .5 < .7 → missing; the figures are those of the two scored
    assert (b.figures.scored, b.figures.scored_rate) == (2, 0.5)
    assert "missing" in b.flags


def test_identical_indicators_are_one_redundant_pair_listed_once() -> None:
    # given b counts exactly what a counts (r = 1), c varies independently
    pack = counting_pack({"a": 30, "b": 30, "c": 40})
    rows = counts(
        "2026-Q4",
        merged(
            by_employee("a", [1, 2, 3, 4]),
            by_employee("b", [1, 2, 3, 4]),
            by_employee("c", [2, 1, 1, 2]),
        ),
    )
    result = review(pack, rows)
    # then the pair (a, b) is listed once, a < b; c's r with both is 0 (symmetric design)
    assert [(p.a, p.b, p.statistic.value) for p in result.redundant_pairs] == [("a", "b", 1.0)]
    assert result.indicator("a").flags == ("redundant",)
    assert result.indicator("c").flags == ()
    correlations = {(p.a, p.b): p.statistic.value for p in result.correlations}
    assert correlations[("a", "c")] == pytest.approx(0.0)
    reasons = [reason.text("en") for reason in result.indicator("a").reasons]
    assert reasons[0] == "Its points move with b (r = 1.00, n = 4): the two measure the same thing."


def test_a_constant_indicator_is_never_redundant() -> None:
    # given b is 3 for everyone: its r with anything is undefined
    pack = counting_pack({"a": 50, "b": 50})
    rows = counts("2026-Q4", merged(by_employee("a", [1, 2, 3, 4]), by_employee("b", [3, 3, 3, 3])))
    result = review(pack, rows)
    assert result.redundant_pairs == ()
    assert result.correlations[0].statistic.status is StatisticStatus.UNDEFINED


def test_outcome_correlation_and_no_outcome_link() -> None:
    # given points a = 1, 2, 3, 4 and wins 2, 1, 1, 2 (r = 0: the deviations −1.5, −.5, .5,
    # 1.5 against .5, −.5, −.5, .5 sum to 0); b = 1, 2, 3, 4 wins nothing else
    pack = counting_pack({"a": 50, "b": 50})
    rows = counts(
        "2026-Q4", merged(by_employee("a", [1, 2, 3, 4]), by_employee("b", [4, 3, 3, 4]))
    ) + valued("2026-Q4", "opportunity_won", {"E1": 2, "E2": 1, "E3": 1, "E4": 2})
    result = review(pack, rows, outcomes=["opportunity_won"])
    a, b = result.indicator("a"), result.indicator("b")
    # then a has r 0 → no_outcome_link; b = 4, 3, 3, 4 moves exactly with the wins → r = 1
    assert a.outcomes["opportunity_won"].value == pytest.approx(0.0)
    assert "no_outcome_link" in a.flags
    assert b.outcomes["opportunity_won"].value == pytest.approx(1.0)
    assert "no_outcome_link" not in b.flags
    assert result.as_dict()["indicators"][1]["outcomes"] == {"opportunity_won": pytest.approx(1.0)}


def test_outcome_sums_count_employees_without_outcome_facts_as_zero() -> None:
    # given wins only for E4 (value 3): sums 0, 0, 0, 3 against a = 1, 2, 3, 4
    pack = counting_pack({"a": 50, "b": 50})
    rows = counts(
        "2026-Q4", merged(by_employee("a", [1, 2, 3, 4]), by_employee("b", [1, 1, 2, 2]))
    ) + valued("2026-Q4", "opportunity_won", {"E4": 3})
    result = review(pack, rows, outcomes=["opportunity_won"])
    # then r = Σ(dx·dy)/√(Σdx²Σdy²) = (1.5 · 2.25 + (−1.5 −.5 +.5) · (−.75)) / √(5 · 6.75)
    #        = (3.375 + 1.125) / √33.75 = 0.7746
    statistic = result.indicator("a").outcomes["opportunity_won"]
    assert statistic.value == pytest.approx(4.5 / math.sqrt(33.75))
    assert statistic.n == 4


def test_below_the_minimum_nothing_is_concluded() -> None:
    # given four employees at the ceiling but a minimum of 20
    pack = counting_pack({"a": 5, "b": 95})
    rows = counts("2026-Q4", merged(by_employee("a", [5, 5, 5, 5]), by_employee("b", [1, 2, 3, 4])))
    a = review(pack, rows, min_employees=20).indicator("a")
    # then no flag, retain, and the reason says there is not enough data
    assert a.flags == ()
    assert a.enough_data is False
    assert a.recommendation == "retain"
    assert [r.text("en") for r in a.reasons] == [
        "Only 4 employees scored (at least 20 needed): not enough data to judge."
    ]
    assert a.reasons[0].text("zh-Hans") == "仅 4 人被评分（至少需要 20 人）：数据不足，暂不下结论。"


def test_recommendations_retain_revise_replace() -> None:
    # given four quarters: a at the ceiling every quarter, b only in the last, c never
    pack = counting_pack({"a": 2, "b": 2, "c": 96})
    rows = []
    for quarter in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]:
        b = [2, 2, 2, 1] if quarter == "2026-Q4" else [0, 1, 1, 2]
        rows += counts(
            quarter,
            merged(
                by_employee("a", [2, 2, 1, 2]), by_employee("b", b), by_employee("c", [1, 2, 2, 1])
            ),
        )
    result = review(pack, rows, quarters=4)
    # then a is flagged in every quarter → replace; b only now → revise; c → retain
    assert [i.recommendation for i in result.indicators] == ["replace", "revise", "retain"]
    assert [q.flags for q in result.indicator("a").trend] == [("ceiling",)] * 4
    assert result.indicator("a").reasons[-1].text("en") == (
        "Flagged in each of the 4 quarters reviewed: a lagging indicator, replace it."
    )
    assert result.indicator("c").reasons[0].text("zh-Hans") == "本季度无任何标记：保留。"
    assert result.quarters == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")


def test_item_rest_correlation_within_the_dimension_and_across_the_plan() -> None:
    # given a and b in dimension d1, c alone in d2
    pack = counting_pack({"a": 30, "b": 30, "c": 40}, dimensions={"a": "d1", "b": "d1", "c": "d2"})
    rows = counts(
        "2026-Q4",
        merged(
            by_employee("a", [1, 2, 3, 4]),
            by_employee("b", [2, 1, 4, 3]),
            by_employee("c", [1, 1, 2, 3]),
        ),
    )
    result = review(pack, rows)
    a, c = result.indicator("a"), result.indicator("c")
    # then a's rest is b: deviations (−1.5, −.5, .5, 1.5)·(−.5, −1.5, 1.5, .5) = 3, / 5 → .6
    assert (a.discrimination.value, a.discrimination.n, a.discrimination_scope) == (
        pytest.approx(0.6),
        4,
        "dimension",
    )
    # and c, alone in d2, is set against a + b = 3, 3, 7, 7: deviations (−2, −2, 2, 2) and
    # (−.75, −.75, .25, 1.25) give Σ = 6, Σ² = 16 and 2.75 → r = 6 / √44
    assert c.discrimination_scope == "plan"
    assert c.discrimination.value == pytest.approx(6 / math.sqrt(44))


def test_low_discrimination_is_a_note_not_a_flag() -> None:
    # given a moves against b in its dimension (r = −.6)
    pack = counting_pack({"a": 30, "b": 30, "c": 40}, dimensions={"a": "d1", "b": "d1", "c": "d2"})
    rows = counts(
        "2026-Q4",
        merged(
            by_employee("a", [1, 2, 3, 4]),
            by_employee("b", [3, 4, 1, 2]),
            by_employee("c", [2, 1, 1, 2]),
        ),
    )
    a = review(pack, rows).indicator("a")
    assert a.discrimination.value == pytest.approx(-0.6)
    assert a.flags == ()
    assert [note.code for note in a.notes] == ["low_discrimination"]
    assert a.notes[0].text("en") == (
        "Item-rest correlation −0.60 (n = 4) is below 0.2: it does not move with the rest of "
        "its dimension."
    )


def test_vif_of_uncorrelated_indicators_is_one_and_of_a_sum_is_collinear() -> None:
    # given x, y, z centred to ±1 patterns that are mutually orthogonal (x shifted by 1,
    # which centring removes, so that nobody has no data at all)
    pack = counting_pack({"x": 30, "y": 30, "z": 40})
    rows = counts(
        "2026-Q4",
        merged(
            by_employee("x", [1, 3, 1, 3]),
            by_employee("y", [0, 0, 2, 2]),
            by_employee("z", [0, 2, 2, 0]),
        ),
    )
    result = review(pack, rows)
    # then R² = 0 for each: VIF 1
    assert [result.indicator(code).vif.value for code in "xyz"] == [  # type: ignore[union-attr]
        pytest.approx(1.0)
    ] * 3
    # given z = x + y − 1 instead
    rows = counts(
        "2026-Q4",
        merged(
            by_employee("x", [1, 3, 1, 3]),
            by_employee("y", [0, 0, 2, 2]),
            by_employee("z", [0, 2, 2, 4]),
        ),
    )
    z = review(pack, rows).indicator("z")
    assert z.vif is not None
    assert z.vif.status is StatisticStatus.COLLINEAR
    assert [note.code for note in z.notes] == ["collinear"]


def test_no_vif_in_a_dimension_of_two() -> None:
    pack = counting_pack({"a": 50, "b": 50})
    rows = counts("2026-Q4", merged(by_employee("a", [1, 2, 3, 4]), by_employee("b", [2, 1, 4, 3])))
    assert review(pack, rows).indicator("a").vif is None


# Latin square: every employee's and every quarter's mean is 2.5.
LATIN = {"E1": [1, 3, 2, 4], "E2": [2, 1, 4, 3], "E3": [3, 4, 1, 2], "E4": [4, 2, 3, 1]}


def lead_rows(shift: int) -> list[dict[str, object]]:
    """a follows LATIN; wins in quarter t equal a in quarter t − shift (cyclically)."""
    rows: list[dict[str, object]] = []
    for t, quarter in enumerate(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]):
        rows += counts(
            quarter,
            {e: {"a": s[t], "b": 1 + (t + i) % 2} for i, (e, s) in enumerate(LATIN.items())},
        )
        rows += valued(
            quarter, "opportunity_won", {e: s[(t - shift) % 4] for e, s in LATIN.items()}
        )
    return rows


def test_an_indicator_whose_points_come_before_the_wins_is_leading() -> None:
    # given wins that repeat a's points one quarter later
    pack = counting_pack({"a": 50, "b": 50})
    result = review(pack, lead_rows(1), quarters=4, outcomes=["opportunity_won"])
    a = result.indicator("a")
    # then the best lag is +1 with r = 1 over the 3 quarter pairs × 4 employees
    lead_lag = a.lead_lag["opportunity_won"]
    assert (lead_lag.timing, lead_lag.lag, lead_lag.statistic.n) == ("leading", 1, 12)
    assert lead_lag.statistic.value == pytest.approx(1.0)
    # and next quarter's wins are predicted (r = 1, quarter-centred)
    assert a.outcomes_next_quarter["opportunity_won"].value == pytest.approx(1.0)
    # and a declared lagging indicator that leads gets a note
    assert "timing_differs" in [note.code for note in a.notes]


def test_an_indicator_that_follows_the_wins_is_lagging() -> None:
    pack = counting_pack({"a": 50, "b": 50})
    result = review(pack, lead_rows(-1), quarters=4, outcomes=["opportunity_won"])
    lead_lag = result.indicator("a").lead_lag["opportunity_won"]
    assert (lead_lag.timing, lead_lag.lag) == ("lagging", -1)


def test_lead_lag_needs_four_quarters() -> None:
    pack = counting_pack({"a": 50, "b": 50})
    rows = [row for row in lead_rows(1) if row["occurred_on"] > "2026-04"]
    result = review(pack, rows, quarters=3, outcomes=["opportunity_won"])
    lead_lag = result.indicator("a").lead_lag["opportunity_won"]
    assert lead_lag.timing is None
    assert lead_lag.statistic.status is StatisticStatus.NOT_ENOUGH_DATA


def test_the_json_has_the_fields_of_section_8_in_order() -> None:
    pack = counting_pack({"a": 5, "b": 95})
    rows = counts("2026-Q4", merged(by_employee("a", [0, 2, 5, 7]), by_employee("b", [3, 1, 1, 3])))
    document = review(pack, rows).as_dict("en")
    assert list(document)[:6] == [
        "period",
        "plan",
        "employees",
        "indicators",
        "redundant_pairs",
        "anomalies",
    ]
    assert (document["period"], document["plan"], document["employees"]) == (
        "2026-Q4",
        "test-plan",
        4,
    )
    first = document["indicators"][0]  # type: ignore[index]
    assert list(first)[:11] == [
        "code",
        "scored_rate",
        "mean_share",
        "sd_share",
        "ceiling_rate",
        "floor_rate",
        "outcomes",
        "flags",
        "recommendation",
        "reasons",
        "dimension",
    ]


def test_quarters_ending_a_review_quarter() -> None:
    labels = [p.label for p in quarters_ending(parse_period("2026-Q2"), 4)]
    assert labels == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    with pytest.raises(ReviewError, match="not a quarter"):
        quarters_ending(parse_period("2026-05"), 4)
