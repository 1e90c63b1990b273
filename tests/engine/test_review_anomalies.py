"""Anomalies of the quarterly review (product.md §8): robust z and relative change against
what a metric's own history expects, like compared with like. Hand-checked cases."""

from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.engine.review import Anomaly, AnomalySettings, NotChecked, find_anomalies
from kpilib.engine.review.anomalies import (
    month_index,
    monthly_activity,
    monthly_rates,
    robust_scale,
)
from tests.engine.review_support import monthly_facts

START = date(2025, 1, 1)
CHECKED = [month_index(date(2026, 1, 1)) + offset for offset in range(3)]  # 2026-Q1
COUNTERS = {"complaint": ("error_proofing_coverage",)}


def detect(
    facts: pl.DataFrame, months: list[int], *, through: date | None = None, **options: object
) -> tuple[list[Anomaly], list[NotChecked], pl.DataFrame]:
    """find_anomalies on the facts' monthly activity up to the last checked month."""
    activity = monthly_activity(facts, last_month=max(months), through=through)
    return find_anomalies(activity, months, through=through, **options)  # type: ignore[arg-type]


def anomalies_of(complaints: list[int], **options: object) -> list[dict[str, object]]:
    facts = monthly_facts(10, {"complaint": complaints}, START)
    found, _, _ = detect(facts, CHECKED, counters=COUNTERS, **options)
    return [anomaly.as_dict() for anomaly in found]


def test_a_spike_over_a_steady_history_is_an_anomaly_with_its_suggestion() -> None:
    # given 10 employees and 1 complaint a month for a year (rate .1), then 5 in January
    found = anomalies_of([1] * 12 + [5, 1, 1])
    # then January departs: every description of the history expects .1 with no spread
    # (z infinite), and .5 is +400 % of it
    assert found == [
        {
            "metric": "complaint",
            "month": "2026-01",
            "value": 0.5,
            "expected": 0.1,
            "suggested_indicators": ["error_proofing_coverage"],
            "group": None,
            "direction": "rise",
            "z": None,
            "change": pytest.approx(4.0),
            "method": "level",
            "history_months": 12,
            "partial": False,
        }
    ]


def test_a_rise_below_half_of_the_expected_value_is_no_anomaly() -> None:
    # given .1 a month, then .14 in February: +40 % < 50 % even though the history is flat
    assert anomalies_of([1] * 12 + [1, 1, 1]) == []
    facts = monthly_facts(50, {"complaint": [5] * 12 + [5, 7, 5]}, START)
    found, _, _ = detect(facts, CHECKED, counters=COUNTERS)
    assert found == []


def test_robust_z_decides_against_a_varying_history() -> None:
    # given 1, 2, 1, 2, … complaints among 10 (rates .1/.2): median .15, every deviation
    # .05, so MAD .05 and scale 1.4826 × .05 = .07413
    history = [1, 2] * 6
    # when January has 4.5 per 10 (45 among 100 employees keeps it whole)
    facts = monthly_facts(100, {"complaint": [10 * c for c in history] + [45, 15, 10]}, START)
    found, _, _ = detect(facts, CHECKED, counters=COUNTERS)
    # then z = (.45 − .15) / .07413 = 4.05 ≥ 3.5 under the level and quarterly descriptions,
    # and (.45 − .1) / .07413 = 4.72 against January a year before: an anomaly, reported
    # with the closest description
    assert [(a.month, a.method) for a in found] == [("2026-01", "level")]
    assert found[0].expected == pytest.approx(0.15)
    assert found[0].z == pytest.approx(0.30 / (1.4826 * 0.05))
    # and .40 gives z = .25 / .07413 = 3.37 < 3.5: no anomaly
    facts = monthly_facts(100, {"complaint": [10 * c for c in history] + [40, 15, 10]}, START)
    assert detect(facts, CHECKED, counters=COUNTERS)[0] == []


def test_a_fall_is_an_anomaly_without_suggestions() -> None:
    found = anomalies_of([4] * 12 + [0, 4, 4])
    assert [(a["month"], a["direction"], a["suggested_indicators"]) for a in found] == [
        ("2026-01", "fall", [])
    ]


def test_exams_in_the_last_month_of_each_quarter_are_no_anomaly() -> None:
    # given every employee takes an exam in the first month of each quarter only
    exams = [10 if (month % 3) == 0 else 0 for month in range(15)]
    facts = monthly_facts(10, {"training_exam": exams}, START)
    found, not_checked, _ = detect(facts, CHECKED, counters={})
    # then January is what the same month of every quarter leads one to expect, and
    # February's and March's silence too
    assert found == []
    assert not_checked == []


def test_a_yearly_season_is_no_anomaly_with_one_year_of_history() -> None:
    # given a January peak a year ago, and again this January
    season = [6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    facts = monthly_facts(10, {"complaint": season + season[:3]}, START)
    assert detect(facts, CHECKED, counters=COUNTERS)[0] == []


def test_with_two_full_years_seasonal_decomposition_expects_the_season() -> None:
    # given three years of a noisy yearly season around a rising trend
    generator = np.random.default_rng(7)
    months = 36 + 3
    base = [20 + month // 6 + (15 if month % 12 == 11 else 0) for month in range(months)]
    noisy = [int(value + generator.integers(-1, 2)) for value in base]
    start = date(2023, 1, 1)
    checked = [month_index(date(2026, 1, 1)) + offset for offset in range(3)]
    facts = monthly_facts(20, {"complaint": noisy}, start)
    assert detect(facts, checked, counters=COUNTERS)[0] == []
    # and a January three times its usual level is still found
    spiked = [*noisy[:36], noisy[36] * 3, noisy[37], noisy[38]]
    facts = monthly_facts(20, {"complaint": spiked}, start)
    found = detect(facts, checked, counters=COUNTERS)[0]
    assert [(a.month, a.direction) for a in found] == [("2026-01", "rise")]


def test_a_metric_with_too_short_a_history_is_reported_not_checked() -> None:
    facts = monthly_facts(10, {"complaint": [0] * 7 + [1] * 5 + [9, 1, 1]}, START)
    found, not_checked, _ = detect(facts, CHECKED, counters=COUNTERS)
    # the complaint series starts with its first fact (August): 5 months of history
    assert found == []
    assert [(item.metric, item.history_months) for item in not_checked] == [("complaint", 5)]


def test_a_partial_month_is_projected_to_its_end() -> None:
    # given 30 employees active each month and 3 complaints a month for a year, spread
    # over the month (dated the 15th), then 6 complaints in the first 10 days of January
    facts = monthly_facts(30, {"complaint": [3] * 12}, START).vstack(
        monthly_facts(30, {"complaint": [6]}, date(2026, 1, 1), day=5)
    )
    found, _, _ = detect(
        facts, [month_index(date(2026, 1, 1))], counters=COUNTERS, through=date(2026, 1, 10)
    )
    # then January is projected to 6 × 31 / 10 = 18.6 among 30 = .62 against .1
    complaint = [a for a in found if a.metric == "complaint"]
    assert [(a.month, a.partial) for a in complaint] == [("2026-01", True)]
    assert complaint[0].value == pytest.approx(6 * 31 / 10 / 30)


def test_a_metric_recorded_early_in_each_month_is_not_inflated_by_the_projection() -> None:
    # given complaints always dated the 5th: by the 10th a month is complete
    facts = monthly_facts(30, {"complaint": [3] * 13}, START, day=5)
    found, _, rates = detect(
        facts, [month_index(date(2026, 1, 1))], counters=COUNTERS, through=date(2026, 1, 10)
    )
    # then January's 3 stay 3 (× 36 / 36), and nothing is an anomaly
    assert found == []
    january = rates.filter(pl.col("metric") == "complaint", pl.col("partial"))
    assert january.get_column("rate").to_list() == [pytest.approx(0.1)]


def test_large_groups_get_their_own_series_and_small_ones_do_not() -> None:
    # given two teams of 25 and one of 5; only team A's complaints spike in January
    employees = 55
    facts = monthly_facts(employees, {"complaint": [5] * 12 + [5, 5, 5]}, START)
    spike = monthly_facts(employees, {"complaint": [0] * 12 + [20]}, START).filter(
        pl.col("metric") == "complaint"
    )
    teams = pl.DataFrame(
        {
            "employee_id": [f"E{n:02d}" for n in range(employees)],
            "group": ["A" if n < 25 else "B" if n < 50 else "C" for n in range(employees)],
        }
    )
    # the 20 spike complaints go to E00–E19, all in team A
    found, _, _ = detect(
        facts.vstack(spike),
        CHECKED,
        counters=COUNTERS,
        groups=teams,
        settings=AnomalySettings(min_group=20),
    )
    assert {(a.group, a.month) for a in found} >= {(None, "2026-01"), ("A", "2026-01")}
    assert all(a.group != "C" for a in found)


def test_monthly_rate_is_facts_per_active_employee() -> None:
    facts = monthly_facts(4, {"complaint": [2, 0, 1]}, START)
    last = month_index(date(2025, 3, 1))
    rates = monthly_rates(monthly_activity(facts, last_month=last), last)
    complaint = rates.filter(pl.col("metric") == "complaint")
    assert complaint.get_column("rate").to_list() == [0.5, 0.0, 0.25]


def test_robust_scale_falls_back_to_the_mean_absolute_deviation() -> None:
    assert robust_scale(np.array([1.0, 1.0, 1.0, 5.0])) == pytest.approx(1.2533 * 1.0)
    assert robust_scale(np.array([1.0, 2.0, 3.0])) == pytest.approx(1.4826)
    assert robust_scale(np.array([2.0, 2.0])) == 0.0


@settings(max_examples=40, deadline=None)
@given(
    period=st.sampled_from([2, 3, 4, 6, 12]),
    pattern=st.lists(st.integers(0, 20), min_size=12, max_size=12),
    history=st.integers(12, 30),
    offset=st.integers(0, 11),
)
def test_a_periodic_metric_is_never_an_anomaly(
    period: int, pattern: list[int], history: int, offset: int
) -> None:
    # given a metric that repeats itself every `period` months (quarterly, yearly, …)
    cycle = pattern[:period]
    months = history + 3
    series = [cycle[(month + offset) % period] for month in range(months)]
    start = date(2023, 1, 1)
    first_checked = month_index(start) + history
    facts = monthly_facts(10, {"exam": series}, start)
    # when its last three months are checked
    found, _, _ = detect(facts, [first_checked, first_checked + 1, first_checked + 2], counters={})
    # then none is an anomaly
    assert [a for a in found if a.metric == "exam"] == []
