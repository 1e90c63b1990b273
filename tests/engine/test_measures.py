"""Measures over facts: each kind, filters, periods and trailing windows, missing data."""

from typing import Any

import pytest
from pydantic import TypeAdapter

from kpilib.engine.definitions import Measure
from kpilib.engine.measures import compute_measures, employees_with_facts
from kpilib.engine.periods import parse_period
from tests.engine.scoring_support import Q3, fact, facts_table

MEASURES: TypeAdapter[Measure] = TypeAdapter(Measure)

ROWS = [
    fact("E1", "score", on="2026-07-01", value=70, customer="C1", region="华东"),
    fact("E1", "score", on="2026-08-01", value=90, customer="C2", region="华北"),
    fact("E1", "score", on="2026-09-30", value=80, customer="C1", region="华东"),
    fact("E1", "score", on="2026-09-30", value=85, customer=None, region="华东"),
    fact("E1", "score", on="2026-06-30", value=10, customer="C3", region="华东"),
    fact("E1", "visit", on="2026-08-02", customer="C3"),
    fact("E2", "visit", on="2026-04-01", customer="C4"),
]


def measured(
    measure: dict[str, Any], rows: list[dict[str, str | None]] = ROWS, period: str = "2026-Q3"
) -> dict[str, Any]:
    """employee → value of the measure."""
    frame = compute_measures(
        facts_table(rows), {"m": MEASURES.validate_python(measure)}, parse_period(period)
    )
    return dict(zip(frame.get_column("employee_id"), frame.get_column("m"), strict=True))


@pytest.mark.parametrize(
    ("measure", "e1", "e2"),
    [
        ({"kind": "count", "metric": "score"}, 4, 0),
        ({"kind": "count", "metric": ["score", "visit"]}, 5, 0),
        ({"kind": "distinct_count", "metric": "score"}, 2, 0),
        ({"kind": "distinct_count", "metric": ["score", "visit"], "of": "customer_id"}, 3, 0),
        ({"kind": "sum", "metric": "score"}, 325, 0),
        ({"kind": "mean", "metric": "score"}, 81.25, None),
        ({"kind": "min", "metric": "score"}, 70, None),
        ({"kind": "max", "metric": "score"}, 90, None),
        ({"kind": "latest", "metric": "score"}, 85, None),
        ({"kind": "mean", "metric": "score", "when_no_facts": "zero"}, 81.25, 0),
        ({"kind": "count", "metric": "visit", "when_no_facts": "missing"}, 1, None),
        ({"kind": "sum", "metric": "visit"}, 1, 0),
    ],
)
def test_each_kind_of_measure_over_the_quarter(
    measure: dict[str, Any], e1: float | None, e2: float | None
) -> None:
    # given E1's facts and E2 whose only fact is from April
    # when the measure is taken over 2026-Q3
    values = measured(measure)
    # then E1 gets the hand-computed value and E2 the no-facts value
    assert values == {"E1": pytest.approx(e1) if e1 is not None else None, "E2": e2}


def test_latest_takes_the_last_fact_of_the_latest_day_in_file_order() -> None:
    # given two facts on 2026-09-30 (80 then 85 in the file)
    # when the latest value is taken
    # then the later line wins
    assert measured({"kind": "latest", "metric": "score"})["E1"] == 85


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"region": "华东"}, 3),
        ({"region": ["华东", "华北"]}, 4),
        ({"value": [70, 90]}, 2),
        ({"region": "华东", "value": 80}, 1),
        ({"customer_id": "C1"}, 2),
        ({"no_such_column": "x"}, 0),
    ],
)
def test_where_filters_on_value_and_attributes(where: dict[str, Any], expected: float) -> None:
    # given scores with a region attribute
    # when counting with filters
    values = measured({"kind": "count", "metric": "score", "where": where})
    # then only matching facts count (a column the facts lack matches nothing)
    assert values["E1"] == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2026-09", 2), ("2026-Q3", 4), ("2026", 5), ("2026-06-30..2026-07-01", 2)],
)
def test_periods_choose_the_facts(period: str, expected: float) -> None:
    # given scores from June to September
    # when counted over different periods
    # then the period's closed date range decides
    assert measured({"kind": "count", "metric": "score"}, period=period)["E1"] == expected


@pytest.mark.parametrize(("months", "expected"), [(1, 2), (3, 4), (4, 5)])
def test_trailing_windows_end_with_the_period(months: int, expected: float) -> None:
    # given scores from June to September
    # when counted over the last N months of 2026-09
    values = measured(
        {"kind": "count", "metric": "score", "window_months": months}, period="2026-09"
    )
    # then the window runs back N whole months
    assert values["E1"] == expected


@pytest.mark.parametrize(("cap", "expected"), [(None, 4.0), (1, 1.0)])
def test_ratio_of_two_measures_with_a_cap(cap: float | None, expected: float) -> None:
    # given 4 scores and 1 visit for E1, nothing in the quarter for E2
    measure = {
        "kind": "ratio",
        "numerator": {"kind": "count", "metric": "score"},
        "denominator": {"kind": "count", "metric": "visit"},
        "cap": cap,
    }
    # when the ratio is taken
    values = measured(measure)
    # then scores / visits, capped; E2's zero denominator makes it missing
    assert values == {"E1": expected, "E2": None}


def test_formula_over_named_measures() -> None:
    # given the formula "best − worst" over the quarter's scores
    measure = {
        "kind": "formula",
        "expression": "if(n > 0, best - worst, 0)",
        "inputs": {
            "best": {"kind": "max", "metric": "score"},
            "worst": {"kind": "min", "metric": "score"},
            "n": {"kind": "count", "metric": "score"},
        },
    }
    # when computed
    values = measured(measure)
    # then 90 − 70 for E1, and 0 for E2 who has no scores
    assert values == {"E1": 20, "E2": 0}


def test_an_explicit_roster_scores_people_without_facts() -> None:
    # given a roster naming E3, who has no facts
    facts = facts_table(ROWS)
    measure = {"m": MEASURES.validate_python({"kind": "count", "metric": "score"})}
    # when measures are computed for that roster
    frame = compute_measures(facts, measure, Q3, employees=["E3", "E1"])
    # then exactly the roster is measured, in its order
    assert frame.select("employee_id", "m").rows() == [("E3", 0.0), ("E1", 4.0)]


def test_who_has_facts_is_read_from_each_measure_s_own_date_range() -> None:
    # given E1 with visits in Q3, E2 with a visit in April only, E3 with an unrelated fact
    rows = [*ROWS, fact("E3", "badge_swipe", on="2026-08-01")]
    in_quarter = {"m": MEASURES.validate_python({"kind": "count", "metric": "visit"})}
    trailing = {
        "m": MEASURES.validate_python({"kind": "count", "metric": "visit", "window_months": 6})
    }
    # when asked who has facts these measures read for 2026-Q3
    def who(measures: dict[str, Measure]) -> list[str]:
        found = employees_with_facts(facts_table(rows), measures, Q3)
        return sorted(found.get_column("employee_id").to_list())

    # then the quarter's count sees E1 only; a six-month window reaches E2's April visit
    assert who(in_quarter) == ["E1"]
    assert who(trailing) == ["E1", "E2"]
