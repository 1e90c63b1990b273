"""Scorecards: weights, exclusions, renormalisation, grades, ranks, rule overrides and outputs."""

import json

import pytest

from kpilib.engine.explain import LanguageError
from kpilib.engine.scorecard import CardStatus, Status, grade_of, ranks_of, score_plan
from tests.engine.scoring_support import (
    Q3,
    card,
    fact,
    facts_table,
    indicator,
    make_pack,
    presales,
    score_presales,
    score_test_pack,
)


def test_points_scale_with_the_plan_weight() -> None:
    # given an indicator worth 10 by default (linear 0 → 100) weighted 40 in the plan
    pack = make_pack(
        [
            indicator(
                "a",
                {"kind": "mean", "metric": "a"},
                {"kind": "linear", "zero_at": 0, "full_at": 100},
                10,
            ),
            indicator(
                "b",
                {"kind": "count", "metric": "b"},
                {"kind": "tiers", "tiers": [{"gte": 0, "points": 50}]},
            ),
        ],
        {"a": 40, "b": 60},
    )
    # when 30 is measured
    lines = score_test_pack(pack, [fact("E1", "a", value=30)]).records()[0].indicators
    # then 3 of 10 becomes 12 of 40, explained
    assert (lines[0].points, lines[0].max_points) == (pytest.approx(12), 40)
    assert lines[0].explanation == "mean a 30: 10 × 30 / 100 → 3; at weight 40 of 10: 12"


def test_float_noise_does_not_cost_a_grade() -> None:
    # given one scored indicator worth 1 point earning 0.29, the other one missing:
    # 100 × 0.29 / 1 is 28.999999999999996 in floats
    pack = make_pack(
        [
            indicator(
                "a",
                {"kind": "count", "metric": "a"},
                {"kind": "tiers", "tiers": [{"gte": 1, "points": 0.29}]},
                1,
            ),
            indicator(
                "b",
                {"kind": "mean", "metric": "b"},
                {"kind": "linear", "zero_at": 0, "full_at": 1},
                99,
            ),
        ],
        {"a": 1, "b": 99},
        grade_bands=[{"grade": "P", "gte": 29}, {"grade": "F"}],
    )
    # when scored
    (scorecard,) = score_test_pack(pack, [fact("E1", "a")]).records()
    # then the total sits a hair under 29 yet earns the grade of 29
    assert scorecard.total is not None
    assert scorecard.total < 29
    assert scorecard.grade == "P"


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped() -> None:
    # given E1 and E2 with the same facts and E3 with one complaint more
    rows = [
        fact("E1", "complaint"),
        fact("E2", "complaint"),
        fact("E3", "complaint"),
        fact("E3", "complaint"),
    ]
    # when scored
    ranks = [(record.employee_id, record.rank) for record in score_presales(rows).records()]
    # then 1, 1, 3
    assert ranks == [("E1", 1), ("E2", 1), ("E3", 3)]


def test_excluded_indicators_leave_the_total_like_missing_ones() -> None:
    # given E1 with four complaints (0 of 15) excluded from complaints
    rows = [fact("E1", "complaint") for _ in range(4)]
    # when scored with the exclusion
    scorecard = card(rows, exclusions={"E1": ["complaints"]})
    complaints = next(score for score in scorecard.indicators if score.code == "complaints")
    # then the line is excluded and the total is over 70 points: 35 + 15 + 0 + 0 of 70
    assert (complaints.status, complaints.points) == (Status.EXCLUDED, None)
    assert complaints.explanation == "excluded from this appraisal"
    assert scorecard.total == pytest.approx(100 * 50 / 70)


def test_nothing_scored_means_no_total_grade_or_rank() -> None:
    # given an engineer with every indicator excluded
    pack = presales()
    exclusions = {"E1": list(pack.plan("presales-engineer").weights)}
    # when scored
    scorecard = card([fact("E1", "complaint")], exclusions=exclusions)
    # then there is nothing to total
    assert (scorecard.total, scorecard.grade, scorecard.rank) == (None, None, None)


def test_a_plan_can_override_an_indicators_rule() -> None:
    # given the presales pack with a plan that deducts 3 per complaint instead of 5
    pack = presales()
    plan = pack.plan("presales-engineer").model_copy(
        update={
            "rule_overrides": {
                "complaints": pack.indicator("complaints").rule.model_copy(
                    update={
                        "events": [
                            pack.indicator("complaints")
                            .rule.events[0]
                            .model_copy(update={"points": -3})
                        ]
                    }  # type: ignore[union-attr]
                )
            }
        }
    )
    # when two complaints are scored on that plan
    scorecards = score_plan(
        facts_table([fact("E1", "complaint"), fact("E1", "complaint")]), plan, pack, Q3
    )
    complaints = scorecards.records()[0].indicators[3]
    # then 15 − 2 × 3
    assert complaints.points == 9


def test_an_explicit_group_is_scored_even_without_facts() -> None:
    # given facts for E1 only
    rows = [fact("E1", "complaint")]
    # when the group E1, E9 is scored
    records = score_presales(rows, employees=["E1", "E9"]).records()
    # then E9 has a scorecard, without data (no total), and the output is sorted by employee
    assert [record.employee_id for record in records] == ["E1", "E9"]
    assert (records[1].status, records[1].total) == (CardStatus.NO_DATA, None)


def test_json_has_exactly_the_contract_fields_sorted_by_employee() -> None:
    # given two engineers given out of order
    rows = [fact("E2", "complaint"), fact("E1", "satisfaction_score", value=88.123)]
    # when scored and written as JSON
    document = json.loads(score_presales(rows).to_json())
    # then a list sorted by employee_id with the §6 fields, points unrounded
    assert [scorecard["employee_id"] for scorecard in document] == ["E1", "E2"]
    assert list(document[0]) == ["employee_id", "total", "grade", "rank", "indicators"]
    assert list(document[0]["indicators"][0]) == [
        "code",
        "value",
        "points",
        "max_points",
        "status",
        "explanation",
    ]
    satisfaction = document[0]["indicators"][1]
    assert satisfaction["points"] == pytest.approx(8.123)
    assert satisfaction["points"] != round(satisfaction["points"], 2)
    assert document[1]["indicators"][1]["status"] == "missing"


def test_no_employees_gives_an_empty_list() -> None:
    # given an empty group
    # when scored
    # then the JSON is an empty list
    assert json.loads(score_presales([fact("E1", "complaint")], employees=[]).to_json()) == []


def test_unknown_language_is_refused() -> None:
    # given a language kpilib does not explain in
    # when scoring is asked for in it
    # then it is refused
    with pytest.raises(LanguageError):
        score_presales([fact("E1", "complaint")], language="fr")


def test_bulk_frames_hold_one_line_per_employee_and_indicator() -> None:
    # given three engineers
    rows = [fact(employee, "complaint") for employee in ("E1", "E2", "E3")]
    # when scored
    scorecards = score_presales(rows)
    # then 3 × 6 lines and 3 totals
    assert scorecards.lines.height == 18
    assert scorecards.totals.get_column("employee_id").to_list() == ["E1", "E2", "E3"]
    assert scorecards.lines.get_column("code").to_list()[:6] == list(
        presales().plan("presales-engineer").weights
    )


def test_a_ratio_of_derived_measures_is_explained_with_both_parts() -> None:
    # given (wins × 2) / (visits / calls), the parts being a formula and a ratio
    measure = {
        "kind": "ratio",
        "numerator": {
            "kind": "formula",
            "expression": "wins * 2",
            "inputs": {"wins": {"kind": "count", "metric": "win"}},
        },
        "denominator": {
            "kind": "ratio",
            "numerator": {"kind": "count", "metric": "visit"},
            "denominator": {"kind": "count", "metric": "call"},
        },
        "label": {"zh-Hans": "效率", "en": "efficiency"},
    }
    pack = make_pack(
        [
            indicator("a", measure, {"kind": "linear", "zero_at": 0, "full_at": 10}),
            indicator(
                "b",
                {"kind": "count", "metric": "b"},
                {"kind": "tiers", "tiers": [{"gte": 0, "points": 50}]},
            ),
        ],
        {"a": 50, "b": 50},
    )
    rows = [fact("E1", "win"), fact("E1", "visit"), fact("E1", "call"), fact("E1", "call")]
    # when scored: 2 / 0.5 = 4 → 50 × 4 / 10 = 20
    first = score_test_pack(pack, rows).records()[0].indicators[0]
    # then the value, points and both parts in the explanation
    assert (first.value, first.points) == (4.0, 20.0)
    assert first.explanation == "efficiency 2 of 0.5: 50 × 4 / 10 → 20"


def test_shown_numbers_round_half_away_from_zero_at_the_asked_decimals() -> None:
    from kpilib.engine.explain import excel_number_format, fixed_value

    # %.2f and round() round 2.675 (stored as 2.67499…) and 82.5 half to even; shown
    # numbers take the one display rule instead
    assert (f"{2.675:.2f}", round(82.5)) == ("2.67", 82)
    assert [fixed_value(2.675), fixed_value(82.5, 0), fixed_value(73, 2)] == ["2.68", "83", "73.00"]
    assert [fixed_value(None), fixed_value(float("nan")), fixed_value(-0.001, 2)] == [
        "—",
        "—",
        "0.00",
    ]
    assert [excel_number_format(digits) for digits in (0, 1, 3)] == ["0", "0.0", "0.000"]


def test_a_total_given_by_hand_is_graded_and_ranked_like_a_computed_one() -> None:
    # given the default bands and a group where one person has no total
    bands = presales().plan("presales-engineer").grade_bands
    # when a total is graded and the group ranked
    # then the same bands, ties share a rank, no total no rank
    assert [grade_of(total, bands) for total in (95.0, 89.9999999999, 80.0, 12.0)] == [
        "S",
        "S",
        "A",
        "D",
    ]
    assert ranks_of([70.0, None, 85.0, 70.0 + 1e-12]) == [2, None, 1, 2]
