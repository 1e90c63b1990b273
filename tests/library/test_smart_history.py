"""The library's SMART check reads history from stored facts for its Achievable test."""

import datetime

from kpilib.ingest.models import Fact
from kpilib.library.models import Indicator
from kpilib.library.selectors import indicator_history, past_periods, smart_report
from tests.factories import Org, make_employee


def test_past_periods_are_the_complete_ones_before_today() -> None:
    # when the last two quarters before 2026-11-26 are asked for
    periods = past_periods("quarter", 2, datetime.date(2026, 11, 26))
    # then they are Q2 and Q3
    assert [period.label for period in periods] == ["2026-Q2", "2026-Q3"]


def test_full_marks_above_everyone_history_fails_achievable(org: Org, presales: str) -> None:
    # given six engineers whose survey means were 60 last quarter
    today = datetime.date(2026, 11, 26)
    last_quarter = past_periods("quarter", 1, today)[0]
    people = [make_employee(f"工程师{n}", org.team_a) for n in range(6)]
    Fact.objects.bulk_create(
        Fact(
            employee=person,
            metric="satisfaction_score",
            occurred_on=last_quarter.start,
            value=60.0,
            source="test",
            external_id=f"h{n}",
        )
        for n, person in enumerate(people)
    )
    document = Indicator.objects.get(code="customer_satisfaction").latest_version().definition
    # when the indicator is checked
    history = indicator_history(document, today=today)
    report = smart_report(document, today=today)
    # then the history holds their results and full marks at 95 is not achievable
    assert history == [60.0] * 6
    assert report.checks["achievable"] == "fail"


def test_without_facts_achievable_is_unknown(org: Org, presales: str) -> None:
    # given no facts at all
    document = Indicator.objects.get(code="customer_satisfaction").latest_version().definition
    # when the indicator is checked
    report = smart_report(document, today=datetime.date(2026, 11, 26))
    # then achievability cannot be decided
    assert report.checks["achievable"] == "unknown"


def test_the_history_window_is_the_one_before_the_given_today(org: Org, presales: str) -> None:
    # given six engineers whose survey means were 60 in 2026-Q3
    people = [make_employee(f"工程师{n}", org.team_a) for n in range(6)]
    Fact.objects.bulk_create(
        Fact(
            employee=person,
            metric="satisfaction_score",
            occurred_on=datetime.date(2026, 8, 1),
            value=60.0,
            source="test",
            external_id=f"w{n}",
        )
        for n, person in enumerate(people)
    )
    document = Indicator.objects.get(code="customer_satisfaction").latest_version().definition
    # then a today in 2026-Q4 sees them, and a today years later does not
    assert indicator_history(document, today=datetime.date(2026, 11, 26)) == [60.0] * 6
    assert indicator_history(document, today=datetime.date(2029, 11, 26)) == []
