"""Personal goals (PBC, MBO, OKR) scored into lines and combined with indicator lines."""

from datetime import date

import polars as pl
import pytest

from kpilib.engine.definitions import DEFAULT_GRADE_BANDS
from kpilib.engine.packs import builtin_pack
from kpilib.engine.periods import parse_period
from kpilib.engine.personal import GOAL_COLUMNS, goal_lines, with_personal_goals
from kpilib.engine.scorecard import CardStatus, score_plan


def goals(*rows: dict) -> pl.DataFrame:
    defaults = {
        "rating": None,
        "target": None,
        "actual": None,
        "lower_is_better": False,
        "kr_grades": [],
    }
    return pl.DataFrame([defaults | row for row in rows], schema=GOAL_COLUMNS)


def test_pbc_rating_follows_the_rubric_and_weights_split_the_share() -> None:
    # given two PBC commitments weighted 1 and 3, rated 4 and 5, in a 40-point share
    frame = goals(
        {"employee_id": "E1", "goal_id": "a", "kind": "pbc", "weight": 1.0, "rating": 4.0},
        {"employee_id": "E1", "goal_id": "b", "kind": "pbc", "weight": 3.0, "rating": 5.0},
    )
    # when they are scored
    lines = goal_lines(frame, 40.0, "en")
    # then the first is worth 10 points at 85% and the second 30 at 100%
    assert lines.get_column("max_points").to_list() == [10.0, 30.0]
    assert lines.get_column("points").to_list() == pytest.approx([8.5, 30.0])
    assert lines.get_column("explanation")[0] == "manager rating 4 of 5 → 85% of 10 → 8.5"


def test_mbo_attainment_is_capped_and_lower_better_is_inverted() -> None:
    # given an objective beaten by far and a lower-is-better one at twice its target
    frame = goals(
        {
            "employee_id": "E1",
            "goal_id": "a",
            "kind": "mbo",
            "weight": 1.0,
            "target": 10.0,
            "actual": 15.0,
        },
        {
            "employee_id": "E1",
            "goal_id": "b",
            "kind": "mbo",
            "weight": 1.0,
            "target": 5.0,
            "actual": 10.0,
            "lower_is_better": True,
        },
    )
    # when they are scored in a 20-point share
    points = goal_lines(frame, 20.0, "en").get_column("points").to_list()
    # then the first earns its full 10 and the second half of it
    assert points == pytest.approx([10.0, 5.0])


def test_okr_grade_is_the_mean_of_its_key_results_and_unrated_goals_are_missing() -> None:
    # given an OKR with key results graded 0.7 and 0.4, and a PBC not yet rated
    frame = goals(
        {
            "employee_id": "E1",
            "goal_id": "a",
            "kind": "okr",
            "weight": 1.0,
            "kr_grades": [0.7, 0.4],
        },
        {"employee_id": "E1", "goal_id": "b", "kind": "pbc", "weight": 1.0},
    )
    # when they are scored in Chinese
    lines = goal_lines(frame, 30.0, "zh-Hans")
    # then the OKR earns 55% of 15 and the PBC line is missing, not zero
    assert lines.get_column("points").to_list()[0] == pytest.approx(0.55 * 15)
    assert lines.get_column("status").to_list() == ["scored", "missing"]
    assert lines.get_column("explanation")[1] == "尚未评分：不计分"


def test_combined_scorecard_gives_goals_their_share_and_regrades() -> None:
    # given the presales plan scored for one engineer with no facts but revisits (all KPI lines)
    pack = builtin_pack("presales")
    plan = pack.plan("presales-engineer")
    facts = pl.DataFrame(
        {
            "employee_id": ["E1"],
            "metric": ["complaint"],
            "occurred_on": [date(2026, 8, 1)],
            "value": [1.0],
        }
    )
    scored = score_plan(facts, plan, pack, parse_period("2026-Q3"), employees=["E1"])
    kpi_total = scored.totals.get_column("total")[0]
    # when a perfectly rated PBC goal takes 30 of the 100 points
    frame = goals(
        {"employee_id": "E1", "goal_id": "g", "kind": "pbc", "weight": 1.0, "rating": 5.0}
    )
    combined = with_personal_goals(scored, frame, 30.0, DEFAULT_GRADE_BANDS)
    # then the total mixes both parts by their shares of the scored points
    kpi_lines = combined.lines.filter(~pl.col("code").str.starts_with("goal:"))
    scored_kpi_max = kpi_lines.filter(pl.col("status") == "scored").get_column("max_points").sum()
    expected = 100 * (kpi_total / 100 * scored_kpi_max + 30) / (scored_kpi_max + 30)
    assert combined.totals.get_column("total")[0] == pytest.approx(expected)
    assert len(combined.records()[0].indicators) == len(plan.weights) + 1


def test_a_rated_goal_alone_does_not_score_an_employee_without_data() -> None:
    # given the presales plan scored for E1 (a complaint) and E2 (no facts at all)
    pack = builtin_pack("presales")
    plan = pack.plan("presales-engineer")
    facts = pl.DataFrame(
        {
            "employee_id": ["E1"],
            "metric": ["complaint"],
            "occurred_on": [date(2026, 8, 1)],
            "value": [1.0],
        }
    )
    scored = score_plan(facts, plan, pack, parse_period("2026-Q3"), employees=["E1", "E2"])
    # when both have a perfectly rated PBC goal
    frame = goals(
        {"employee_id": "E1", "goal_id": "g1", "kind": "pbc", "weight": 1.0, "rating": 5.0},
        {"employee_id": "E2", "goal_id": "g2", "kind": "pbc", "weight": 1.0, "rating": 5.0},
    )
    combined = with_personal_goals(scored, frame, 30.0, DEFAULT_GRADE_BANDS)
    # then E2 stays without data: no total, grade or rank, the goal line not scored either
    first, second = combined.records()
    assert (first.status, first.rank) == (CardStatus.SCORED, 1)
    assert (second.status, second.total, second.grade, second.rank) == (
        CardStatus.NO_DATA,
        None,
        None,
        None,
    )
    assert second.indicators[-1].status == "missing"
    assert second.indicators[-1].flags == ("no_data",)
