"""The presales-engineer plan of product.md §4, branch by branch, with hand-computed numbers."""

import pytest

from kpilib.engine.scorecard import CardStatus, Status
from tests.engine.scoring_support import card, fact, line, presales, score_presales


def unresolved(count: int) -> list[dict[str, str | None]]:
    return [fact("E1", "unresolved_customer", customer=f"C{number}") for number in range(count)]


@pytest.mark.parametrize(
    ("customers", "points"),
    [(0, 35), (1, 30), (3, 30), (4, 20), (10, 20), (11, 10), (25, 10)],
)
def test_tech_resolution_tiers_by_distinct_unresolved_customers(
    customers: int, points: float
) -> None:
    # given `customers` different unresolved customers (and a daily report in the quarter,
    # so E1 has data even with no unresolved customer)
    rows = [*unresolved(customers), fact("E1", "daily_report", value=0)]
    # when E1 is scored for 2026-Q3
    scored = line(rows, "tech_resolution")
    # then the tier of §4 applies: 0 → 35; 1–3 → 30; 4–10 → 20; 11 or more → 10
    assert (scored.value, scored.points, scored.status) == (customers, points, Status.SCORED)


def test_same_customer_twice_counts_once_and_other_quarters_do_not_count() -> None:
    # given one customer reported twice in the quarter and another one in June
    rows = [
        fact("E1", "unresolved_customer", customer="C1"),
        fact("E1", "unresolved_customer", on="2026-09-30", customer="C1"),
        fact("E1", "unresolved_customer", on="2026-06-30", customer="C2"),
    ]
    # when scored
    scored = line(rows, "tech_resolution")
    # then one distinct customer: 30 points, explained
    assert (scored.value, scored.points) == (1, 30)
    assert scored.explanation == "1 unresolved customer (1–3) → 30"


@pytest.mark.parametrize(
    ("scores", "points"),
    [
        (["79"], 0.0),
        (["80"], 0.0),
        (["87.5"], 7.5),
        (["90", "87"], 8.5),
        (["95"], 15.0),
        (["100", "98"], 15.0),
    ],
)
def test_customer_satisfaction_is_linear_from_80_to_95(scores: list[str], points: float) -> None:
    # given survey responses in the quarter
    rows = [fact("E1", "satisfaction_score", value=score) for score in scores]
    # when scored
    scored = line(rows, "customer_satisfaction")
    # then 15 × (mean − 80) / 15 within 0–15
    assert scored.points == pytest.approx(points)


def test_customer_satisfaction_between_the_lines_is_explained_with_its_formula() -> None:
    # given responses averaging 88.5
    rows = [fact("E1", "satisfaction_score", value=90), fact("E1", "satisfaction_score", value=87)]
    # when scored in English and in Chinese
    english = line(rows, "customer_satisfaction").explanation
    chinese = line(rows, "customer_satisfaction", language="zh-Hans").explanation
    # then both show the formula of §4
    assert english == "mean satisfaction 88.5: 15 × (88.5 − 80) / 15 → 8.5"
    assert chinese == "平均满意度 88.5：15 × (88.5 − 80) / 15 → 8.5 分"


def test_no_survey_responses_leaves_satisfaction_unscored_and_renormalises_the_total() -> None:
    # given an engineer with no survey responses: 0 unresolved (35), no revisits due (15),
    # no complaints (15), exam 85 and one case (8), four normal reports (8)
    rows = [
        fact("E1", "training_exam", value=85),
        fact("E1", "case_shared"),
        *[fact("E1", "daily_report", value=0) for _ in range(4)],
    ]
    # when scored
    scorecard = card(rows)
    satisfaction = next(
        score for score in scorecard.indicators if score.code == "customer_satisfaction"
    )
    # then satisfaction is missing and flagged, and the total is 100 × 81 / 85
    assert (satisfaction.points, satisfaction.status) == (None, Status.MISSING)
    assert satisfaction.flags == ("no_survey_responses",)
    assert satisfaction.explanation == "no survey responses: not scored"
    assert scorecard.total == pytest.approx(100 * 81 / 85)
    assert scorecard.grade == "S"


@pytest.mark.parametrize(
    ("due", "done", "points", "value"),
    [(10, 8, 12.0, 0.8), (4, 0, 0.0, 0.0), (5, 5, 15.0, 1.0), (5, 6, 15.0, 1.0)],
)
def test_revisit_completion_is_15_times_the_rate_capped_at_one(
    due: int, done: int, points: float, value: float
) -> None:
    # given revisits due and done in the quarter
    rows = [fact("E1", "revisit_due") for _ in range(due)] + [
        fact("E1", "revisit_done") for _ in range(done)
    ]
    # when scored
    scored = line(rows, "revisit_completion")
    # then 15 × min(done / due, 1)
    assert (scored.value, scored.points) == (pytest.approx(value), pytest.approx(points))


def test_no_revisits_due_earns_full_marks_with_a_flag() -> None:
    # given revisits done but none due
    rows = [fact("E1", "revisit_done"), fact("E1", "revisit_done")]
    # when scored
    scored = line(rows, "revisit_completion")
    # then full marks, flagged, still scored
    assert (scored.value, scored.points, scored.status) == (None, 15.0, Status.SCORED)
    assert scored.flags == ("no_revisits_due",)
    assert scored.explanation == "no revisits due → 15 (full marks)"


@pytest.mark.parametrize(
    ("complaints", "points"), [(0, 15), (1, 10), (2, 5), (3, 0), (4, 0), (9, 0)]
)
def test_each_complaint_costs_five_points_down_to_zero(complaints: int, points: float) -> None:
    # given complaints in the quarter (and a case shared in it, so E1 has data)
    rows = [fact("E1", "complaint") for _ in range(complaints)] + [
        fact("E1", "case_shared", on="2026-08-05")
    ]
    # when scored
    scored = line(rows, "complaints")
    # then 15 − 5 × count, not below 0
    assert scored.points == points


def test_third_complaint_brings_points_to_zero_in_both_languages() -> None:
    # given three complaints
    rows = [fact("E1", "complaint") for _ in range(3)]
    # when scored in both languages
    english = line(rows, "complaints").explanation
    chinese = line(rows, "complaints", language="zh-Hans").explanation
    # then the issue's own wording
    assert english == "3 complaints × −5 from 15 → 0"
    assert chinese == "3 次投诉 × −5，基础 15 → 0 分"


def test_a_fourth_complaint_is_explained_as_held_at_the_floor() -> None:
    # given four complaints
    rows = [fact("E1", "complaint") for _ in range(4)]
    # when scored
    scored = line(rows, "complaints")
    # then the floor is named
    assert scored.explanation == "4 complaints × −5 from 15 → 0 (floor 0)"


@pytest.mark.parametrize(
    ("exams", "cases", "points"),
    [
        (["79"], 0, 0),
        (["80"], 0, 6),
        (["60", "85"], 0, 6),
        (["85"], 1, 8),
        (["85"], 2, 10),
        (["85"], 3, 10),
        (["50"], 4, 8),
        (["50"], 6, 10),
    ],
)
def test_learning_growth_passes_at_80_and_adds_2_per_case_up_to_10(
    exams: list[str], cases: int, points: float
) -> None:
    # given exams and shared cases in the quarter
    rows = [fact("E1", "training_exam", value=score) for score in exams]
    rows += [fact("E1", "case_shared") for _ in range(cases)]
    # when scored
    scored = line(rows, "learning_growth")
    # then 6 if the best exam ≥ 80, + 2 per case, at most 10
    assert scored.points == points


def test_no_exam_means_base_zero_but_cases_still_count() -> None:
    # given two shared cases and no exam
    rows = [fact("E1", "case_shared"), fact("E1", "case_shared")]
    # when scored
    scored = line(rows, "learning_growth")
    # then 4 points, flagged, explained
    assert (scored.points, scored.status, scored.flags) == (4.0, Status.SCORED, ("no_exam_taken",))
    assert scored.explanation == "no exam taken → 0, 2 cases shared × +2 → 4"


def test_learning_growth_cap_is_named_in_the_explanation() -> None:
    # given a passed exam and three cases (6 + 6 = 12)
    rows = [fact("E1", "training_exam", value=92), *[fact("E1", "case_shared") for _ in range(3)]]
    # when scored
    scored = line(rows, "learning_growth")
    # then 10, capped
    assert scored.explanation == "best exam score 92 ≥ 80 → 6, 3 cases shared × +2 → 10 (cap 10)"


@pytest.mark.parametrize(
    ("ratings", "points"),
    [
        ([0, 0, 0], 8),
        ([-1, -1, -1], 5),
        ([1, 1], 10),
        ([1, 1, 1], 10),
        ([-1] * 9, 0),
        ([-1, 1, 0], 8),
        ([1, -1, -1], 7),
    ],
)
def test_daily_reports_start_at_8_within_0_and_10(ratings: list[int], points: float) -> None:
    # given daily reports rated −1 perfunctory, 0 normal, +1 constructive
    rows = [fact("E1", "daily_report", value=rating) for rating in ratings]
    # when scored
    scored = line(rows, "daily_report")
    # then 8 − perfunctory + constructive, within 0–10
    assert scored.points == points


def test_daily_report_explanation_lists_both_kinds_of_report() -> None:
    # given one perfunctory and two constructive reports
    rows = [fact("E1", "daily_report", value=rating) for rating in (1, 0, -1, 1)]
    # when scored in Chinese
    scored = line(rows, "daily_report", language="zh-Hans")
    # then both kinds are named with their points
    assert scored.explanation == "1 篇敷衍日报 × −1，2 篇建设性日报 × +1，基础 8 → 9 分"


def test_no_daily_reports_scores_zero_with_a_flag() -> None:
    # given no reports at all
    rows = [fact("E1", "complaint")]
    # when scored
    scored = line(rows, "daily_report")
    # then 0, flagged, still counted in the total
    assert (scored.points, scored.status, scored.flags) == (
        0.0,
        Status.SCORED,
        ("no_daily_reports",),
    )
    assert scored.explanation == "no daily reports → 0"


def test_a_full_scorecard_adds_up_to_its_total_grade_and_rank() -> None:
    # given E1 (30 + 8.5 + 7.5 + 10 + 8 + 9 = 73) and E2 with a perfect quarter (100)
    rows = [
        *unresolved(2),
        fact("E1", "satisfaction_score", value=90),
        fact("E1", "satisfaction_score", value=87),
        fact("E1", "revisit_due"),
        fact("E1", "revisit_due"),
        fact("E1", "revisit_done"),
        fact("E1", "complaint"),
        fact("E1", "training_exam", value=85),
        fact("E1", "case_shared"),
        *[fact("E1", "daily_report", value=rating) for rating in (1, 0, -1, 1)],
        fact("E2", "satisfaction_score", value=97),
        fact("E2", "training_exam", value=92),
        *[fact("E2", "case_shared") for _ in range(2)],
        *[fact("E2", "daily_report", value=1) for _ in range(2)],
    ]
    # when both are scored
    first, second = score_presales(rows).records()
    # then totals, grades and ranks follow
    assert [score.points for score in first.indicators] == [30, 8.5, 7.5, 10, 8, 9]
    assert (first.total, first.grade, first.rank) == (pytest.approx(73), "B", 2)
    assert (second.total, second.grade, second.rank) == (pytest.approx(100), "S", 1)


@pytest.mark.parametrize(("complaints", "grade"), [(0, "S"), (1, "A"), (3, "B")])
def test_grades_change_at_the_band_lines(complaints: int, grade: str) -> None:
    # given 35 + 15 + 15 + 15 + 0 + 10 = 90 points before complaints
    rows = [
        fact("E1", "satisfaction_score", value=95),
        *[fact("E1", "daily_report", value=1) for _ in range(2)],
        *[fact("E1", "complaint") for _ in range(complaints)],
    ]
    # when scored
    scorecard = card(rows)
    # then S ≥ 90, A ≥ 80, B ≥ 70
    assert scorecard.total == pytest.approx(90 - 5 * complaints)
    assert scorecard.grade == grade


def test_an_engineer_with_facts_only_outside_the_period_has_no_data() -> None:
    # given E2 whose only fact is from June
    rows = [fact("E1", "complaint"), fact("E2", "complaint", on="2026-06-01")]
    # when the quarter is scored
    scorecard = card(rows, employee="E2")
    # then E2 is not scored: no total, grade or rank, every line missing (product.md §4),
    # where it used to get 35 + 15 + 15 + 0 + 0 over 85 = 76.47 (B) for an empty quarter
    assert (scorecard.status, scorecard.total, scorecard.grade, scorecard.rank) == (
        CardStatus.NO_DATA,
        None,
        None,
        None,
    )
    assert {score.status for score in scorecard.indicators} == {Status.MISSING}
    assert {score.points for score in scorecard.indicators} == {None}
    assert all(score.flags == ("no_data",) for score in scorecard.indicators)


def test_a_zero_fact_engineer_is_not_scored_and_does_not_take_a_rank() -> None:
    # given three new engineers with no facts at all, beside one with a complaint
    rows = [fact("E1", "complaint")]
    # when the quarter is scored for the group
    records = score_presales(rows, employees=["E1", "N1", "N2", "N3"]).records()
    # then only E1 is scored and ranked; the new engineers have no data, not 82.79 (A)
    summary = [(r.employee_id, r.status, r.grade, r.rank) for r in records]
    assert summary == [
        ("E1", CardStatus.SCORED, "B", 1),
        ("N1", CardStatus.NO_DATA, None, None),
        ("N2", CardStatus.NO_DATA, None, None),
        ("N3", CardStatus.NO_DATA, None, None),
    ]


def test_one_fact_of_any_plan_metric_is_data_and_counts_read_the_rest_as_zero() -> None:
    # given an engineer whose only fact in the quarter is one normal daily report
    rows = [fact("E1", "daily_report", value=0)]
    # when scored
    scorecard = card(rows)
    # then scored: no unresolved customer → 35, no complaint → 15, no revisits due → 15
    assert scorecard.status is CardStatus.SCORED
    points = {score.code: score.points for score in scorecard.indicators}
    assert (points["tech_resolution"], points["complaints"], points["revisit_completion"]) == (
        35,
        15,
        15,
    )


def test_a_fact_of_a_metric_the_plan_does_not_read_is_no_data() -> None:
    # given an engineer whose only fact in the quarter is of a metric no indicator reads
    rows = [fact("E1", "badge_swipe")]
    # when scored
    scorecard = card(rows)
    # then no data
    assert scorecard.status is CardStatus.NO_DATA
    assert scorecard.total is None


def test_plan_weights_are_the_indicators_maximum_points() -> None:
    # given the built-in pack
    plan = presales().plan("presales-engineer")
    # when its weights are read
    weights = dict(plan.weights)
    # then they are §4's
    assert weights == {
        "tech_resolution": 35,
        "customer_satisfaction": 15,
        "revisit_completion": 15,
        "complaints": 15,
        "learning_growth": 10,
        "daily_report": 10,
    }
