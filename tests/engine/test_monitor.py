"""The KPI monitor's components (issue 15, item 1): period comparison, standard and growth
index, rankings, target meters on/off track by the linear pace, RAG of strategy nodes,
scorecard colours and objective creep."""

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.definitions import Direction
from kpilib.engine.monitor import (
    Compare,
    MonitorError,
    Pace,
    Rag,
    compare_period,
    elapsed_share,
    growth_index,
    objective_creep,
    rag,
    rankings,
    remaining_weeks,
    standard,
    status_colours,
    target_meter,
    target_meters,
)
from kpilib.engine.periods import parse_period

Q4 = parse_period("2026-Q4")


@pytest.mark.parametrize(
    ("period", "compare", "expected"),
    [
        ("2026-Q4", Compare.PREVIOUS, ("2026-07-01", "2026-09-30", "2026-Q3")),
        ("2026-Q1", Compare.PREVIOUS, ("2025-10-01", "2025-12-31", "2025-Q4")),
        ("2026-03", Compare.PREVIOUS, ("2026-02-01", "2026-02-28", "2026-02")),
        ("2026-03", Compare.YEAR_AGO, ("2025-03-01", "2025-03-31", "2025-03")),
        ("2024-02", Compare.YEAR_AGO, ("2023-02-01", "2023-02-28", "2023-02")),
        ("2026", Compare.PREVIOUS, ("2025-01-01", "2025-12-31", "2025")),
        ("2026-Q2", Compare.YEAR_AGO, ("2025-04-01", "2025-06-30", "2025-Q2")),
        ("2026-11-01..2026-11-10", Compare.PREVIOUS, ("2026-10-22", "2026-10-31", "2026-10-22..2026-10-31")),
    ],
)
def test_the_period_compared_with(period: str, compare: Compare, expected: tuple[str, str, str]) -> None:
    found = compare_period(parse_period(period), compare)
    assert (found.start.isoformat(), found.end.isoformat(), found.label) == expected


def test_elapsed_share_and_remaining_weeks() -> None:
    assert elapsed_share(Q4, date(2026, 9, 30)) == 0.0
    assert elapsed_share(Q4, date(2026, 10, 1)) == pytest.approx(1 / 92)
    assert elapsed_share(Q4, date(2026, 11, 15)) == pytest.approx(46 / 92)
    assert elapsed_share(Q4, date(2027, 1, 5)) == 1.0
    assert remaining_weeks(Q4, date(2026, 12, 17)) == pytest.approx(2.0)
    assert remaining_weeks(Q4, date(2027, 1, 5)) == 0.0
    assert remaining_weeks(Q4, date(2026, 9, 1)) == pytest.approx(92 / 7)


def test_standard_compares_with_the_previous_period_by_direction() -> None:
    up = standard(12, 10)
    assert (up.change, up.change_share, up.better) == (2, pytest.approx(0.2), True)
    fewer_complaints = standard(3, 4, Direction.LOWER_BETTER)
    assert fewer_complaints.better is True
    assert standard(5, None).change is None
    assert standard(5, 0).change_share is None
    assert standard(5, 5).better is None


def test_the_growth_index_orders_by_improvement_with_ties_and_gaps_last() -> None:
    frame = pl.DataFrame({
        "entity": ["a", "b", "c", "d", "e"],
        "value": [10.0, 8.0, 7.0, None, 9.0],
        "previous": [5.0, 4.0, 9.0, 3.0, 5.0],
    })
    ordered = growth_index(frame)
    assert ordered["entity"].to_list() == ["a", "b", "e", "c", "d"]
    assert ordered["rank"].to_list() == [1, 2, 2, 4, None]
    complaints = growth_index(frame, Direction.LOWER_BETTER)
    assert complaints["entity"].to_list()[0] == "c"  # 9 → 7 complaints is the best change


def test_rankings_top_and_bottom_n() -> None:
    frame = pl.DataFrame({"entity": list("abcdef"), "value": [5, 9, 9, 1, None, 3]})
    top, bottom = rankings(frame, 2)
    assert top["entity"].to_list() == ["b", "c"]
    assert top["rank"].to_list() == [1, 1]
    assert bottom["entity"].to_list() == ["f", "d"]
    lowest_first, _ = rankings(frame, 1, Direction.LOWER_BETTER)
    assert lowest_first["entity"].to_list() == ["d"]
    with pytest.raises(MonitorError):
        rankings(frame, 0)


def test_a_meter_is_on_track_against_the_linear_expectation_within_the_tolerance() -> None:
    # half the quarter passed (46 of 92 days): 20 wins expected 10 by now, 9 within 10%
    today = date(2026, 11, 15)
    on = target_meter(9, 20, period=Q4, today=today)
    assert on.expected == pytest.approx(10.0)
    assert on.pace is Pace.ON_TRACK
    off = target_meter(8.9, 20, period=Q4, today=today)
    assert off.pace is Pace.OFF_TRACK
    assert off.explanation("en").startswith("off track: 8.9 against 10 expected by now (50% of the period passed")
    assert off.explanation("zh-Hans").startswith("进度落后：实际 8.9，按时间进度应达 10")
    # 11.1 more wins in 6.57 weeks
    assert off.needed_per_week == pytest.approx((20 - 8.9) / (46 / 7))


def test_a_rate_is_expected_at_its_target_all_along() -> None:
    rate = target_meter(0.7, 0.8, period=Q4, today=date(2026, 10, 10), accumulates=False)
    assert rate.expected == pytest.approx(0.8)
    assert rate.pace is Pace.OFF_TRACK
    assert rate.needed_per_week is None
    assert target_meter(0.75, 0.8, period=Q4, today=date(2026, 10, 10), accumulates=False).pace is Pace.ON_TRACK


def test_a_lower_better_cap_is_on_track_while_under_its_pace() -> None:
    # at most 4 complaints a quarter: 2.2 by mid-quarter is within 10% of the 2 allowed
    today = date(2026, 11, 15)
    assert target_meter(2.2, 4, period=Q4, today=today, direction=Direction.LOWER_BETTER).pace is Pace.ON_TRACK
    assert target_meter(2.3, 4, period=Q4, today=today, direction=Direction.LOWER_BETTER).pace is Pace.OFF_TRACK


def test_missing_figures_have_their_own_status() -> None:
    assert target_meter(None, 10, period=Q4, today=date(2026, 11, 1)).pace is Pace.NO_DATA
    assert target_meter(3, None, period=Q4, today=date(2026, 11, 1)).pace is Pace.NO_TARGET


def test_a_meter_has_three_coloured_ranges_covering_its_scale() -> None:
    meter = target_meter(9, 20, period=Q4, today=date(2026, 11, 15))
    assert (meter.minimum, meter.maximum) == (0.0, 25.0)
    assert [(b.low, b.high, b.colour) for b in meter.bands] == [
        (0.0, 16.0, Rag.RED), (16.0, 20.0, Rag.AMBER), (20.0, 25.0, Rag.GREEN),
    ]
    capped = target_meter(1, 4, period=Q4, today=date(2026, 11, 15), direction=Direction.LOWER_BETTER)
    assert [b.colour for b in capped.bands] == [Rag.GREEN, Rag.AMBER, Rag.RED]


def test_meters_of_many_people_in_one_frame_equal_the_single_meters() -> None:
    frame = pl.DataFrame({
        "entity": ["a", "b", "c"], "actual": [9.0, 3.0, 0.9], "target": [20.0, 4.0, 0.8],
        "direction": ["higher_better", "lower_better", "higher_better"], "accumulates": [True, True, False],
    })
    today = date(2026, 11, 15)
    many = target_meters(frame, period=Q4, today=today)
    for row in many.iter_rows(named=True):
        one = target_meter(
            row["actual"], row["target"], period=Q4, today=today, direction=Direction(row["direction"]),
            accumulates=row["accumulates"],
        )
        assert (row["pace"], row["expected"]) == (one.pace.value, one.expected)


@given(
    actual=st.floats(0, 1000), target=st.floats(0.1, 1000), day=st.integers(0, 91),
    lower=st.booleans(), tolerance=st.floats(0, 0.5),
)
def test_doing_better_never_turns_a_meter_off_track(
    actual: float, target: float, day: int, lower: bool, tolerance: float
) -> None:
    direction = Direction.LOWER_BETTER if lower else Direction.HIGHER_BETTER
    today = date.fromordinal(Q4.start.toordinal() + day)
    meter = target_meter(actual, target, period=Q4, today=today, direction=direction, tolerance=tolerance)
    better = actual * (0.5 if lower else 2.0) + (0 if lower else 1)
    improved = target_meter(better, target, period=Q4, today=today, direction=direction, tolerance=tolerance)
    if meter.pace is Pace.ON_TRACK:
        assert improved.pace is Pace.ON_TRACK
    if meter.needed_per_week is not None:
        # what is needed each remaining week closes the gap exactly by the end
        weeks = remaining_weeks(Q4, today)
        assert actual + meter.needed_per_week * weeks >= target - 1e-6


def test_rag_of_strategy_nodes_with_the_variance() -> None:
    frame = pl.DataFrame({
        "actual": [0.85, 0.75, 0.70, None, 3.0, 3.3], "target": [0.8, 0.8, 0.8, 0.8, 3.0, 3.0],
        "direction": ["higher_better"] * 4 + ["lower_better"] * 2,
    })
    found = rag(frame)
    assert found["rag"].to_list() == ["green", "amber", "red", "grey", "green", "amber"]
    assert found["variance"].to_list()[1] == pytest.approx(-0.0625)


def test_scorecard_cells_are_coloured_by_the_share_of_points() -> None:
    frame = pl.DataFrame({"points": [9.0, 7.0, 2.0, None], "max_points": [10.0, 10.0, 10.0, 10.0]})
    assert status_colours(frame)["rag"].to_list() == ["green", "amber", "red", "grey"]
    with pytest.raises(MonitorError):
        status_colours(frame, shares=(0.5, 0.7))


def test_objective_creep_names_themes_past_four_objectives() -> None:
    frame = pl.DataFrame({
        "theme": ["growth"] * 5 + ["quality"] * 4,
        "objective": ["g1", "g2", "g3", "g4", "g5", "q1", "q2", "q3", "q3"],
    })
    assert objective_creep(frame).to_dicts() == [{"theme": "growth", "objectives": 5}]


def test_a_missing_column_is_named() -> None:
    with pytest.raises(MonitorError, match="missing column"):
        rag(pl.DataFrame({"actual": [1.0]}))


def test_a_target_at_the_end_of_the_scale_keeps_a_visible_good_range() -> None:
    # none unresolved: a lower-better target of 0 on a 0–1 scale
    none = target_meter(0, 0, period=Q4, today=date(2026, 11, 15), direction=Direction.LOWER_BETTER)
    assert [(b.low, b.high, b.colour) for b in none.bands] == [
        (0.0, 0.05, Rag.GREEN), (0.05, 0.1, Rag.AMBER), (0.1, 1.0, Rag.RED),
    ]
    for meter in (none, target_meter(5, 4, period=Q4, today=date(2026, 11, 15))):
        edges = [meter.minimum] + [band.high for band in meter.bands]
        assert edges == sorted(edges)
        assert meter.bands[-1].high == meter.maximum
