"""The demo facts look like a real presales year: calendars, hiring, spikes and gaps."""

from datetime import date

import numpy as np
import polars as pl

from kpilib.demo.calendar import DemoCalendar
from kpilib.demo.generator import default_start_month, generate_demo
from tests.demo.conftest import WrittenDemo


def typed_facts(demo: WrittenDemo) -> pl.DataFrame:
    """Facts with real dates and numbers, each with its employee's region and hire date."""
    employees = demo.employees.select(
        "employee_id", "region", hire_date=pl.col("hire_date").str.to_date()
    )
    return demo.facts.with_columns(
        occurred_on=pl.col("occurred_on").str.to_date(),
        number=pl.col("value").cast(pl.Float64),
    ).join(employees, on="employee_id")


def test_daily_reports_fall_on_working_days_only(small_demo: WrittenDemo) -> None:
    # given the daily reports and the window's working days
    reports = typed_facts(small_demo).filter(pl.col("metric") == "daily_report")
    working_days = DemoCalendar.for_window(np.datetime64("2025-01"), 12).working.days
    # then none is on a weekend or a public holiday (National Day, Spring Festival, ...)
    assert (reports["occurred_on"].dt.weekday() <= 5).all()
    assert reports["occurred_on"].is_in(working_days.tolist()).all()
    assert not reports["occurred_on"].is_in([date(2025, 10, 1), date(2025, 1, 29)]).any()


def test_an_engineer_reports_daily_about_twenty_times_a_month(small_demo: WrittenDemo) -> None:
    # given daily reports per engineer per full month (April has no long holiday)
    reports = typed_facts(small_demo).filter(
        (pl.col("metric") == "daily_report") & (pl.col("occurred_on").dt.month() == 4)
    )
    # when counted per engineer
    per_engineer = reports.group_by("employee_id").len()["len"]
    # then the typical engineer files about twenty, never more than the working days
    assert 17 <= per_engineer.median() <= 22
    assert per_engineer.max() <= 22


def test_nobody_has_facts_before_being_hired(small_demo: WrittenDemo) -> None:
    # given the facts with their employees' hire dates
    facts = typed_facts(small_demo)
    # then no fact predates its employee's hire date
    assert facts.filter(pl.col("occurred_on") < pl.col("hire_date")).is_empty()


def test_some_engineers_join_during_the_year(small_demo: WrittenDemo) -> None:
    # given the staff hired inside the window
    employees = small_demo.employees.with_columns(hire_date=pl.col("hire_date").str.to_date())
    joiners = employees.filter(pl.col("hire_date") > date(2025, 1, 31))["employee_id"]
    # when their first fact is found
    facts = typed_facts(small_demo).filter(pl.col("employee_id").is_in(joiners.to_list()))
    first_month = facts.group_by("employee_id").agg(pl.col("occurred_on").min().dt.month())
    # then a few joined, and they have no facts in the first month
    assert 2 <= joiners.len() <= 30
    assert (first_month["occurred_on"] > 1).all()


def test_complaint_spike_stands_out_in_its_region_and_months(small_demo: WrittenDemo) -> None:
    # given complaints per engineer per region and month
    spike = small_demo.dataset.complaint_spike
    facts = typed_facts(small_demo).with_columns(month=pl.col("occurred_on").dt.strftime("%Y-%m"))
    staff = facts.group_by("region").agg(pl.col("employee_id").n_unique().alias("staff"))
    complaints = (
        facts.filter(pl.col("metric") == "complaint")
        .group_by("region", "month")
        .len()
        .join(staff, on="region")
        .with_columns(rate=pl.col("len") / pl.col("staff"))
    )
    # when the spike's cells are compared with all the others
    in_spike = pl.col("region").eq(spike.region) & pl.col("month").is_in(spike.months)
    spike_rate = complaints.filter(in_spike)["rate"].mean()
    usual_rate = complaints.filter(~in_spike)["rate"].mean()
    # then the spike is at least three times the usual rate
    assert len(spike.months) == 2
    assert spike_rate > 3 * usual_rate


def test_some_engineer_months_have_no_survey_responses(small_demo: WrittenDemo) -> None:
    # given each employed engineer-month and those with survey answers
    facts = typed_facts(small_demo).with_columns(month=pl.col("occurred_on").dt.month())
    active = facts.filter(pl.col("metric") == "daily_report").select("employee_id", "month")
    surveyed = facts.filter(pl.col("metric") == "satisfaction_score").select(
        "employee_id", "month"
    )
    # when the months without any answer are found
    silent = active.unique().join(surveyed.unique(), on=["employee_id", "month"], how="anti")
    # then there are some, but only a small share
    share = silent.height / active.unique().height
    assert 0.01 < share < 0.15


def test_december_is_busier_than_february(small_demo: WrittenDemo) -> None:
    # given opportunity work (demos, RFPs, deals) by month
    business = typed_facts(small_demo).filter(
        pl.col("metric").is_in(["demo_held", "rfp_answered", "opportunity_won", "poc_success"])
    )
    per_month = dict(business.group_by(pl.col("occurred_on").dt.month()).len().rows())
    # then the fourth-quarter push beats the Spring Festival month by far
    assert per_month[12] > 1.4 * per_month[2]


def test_stronger_engineers_leave_fewer_customers_unresolved(small_demo: WrittenDemo) -> None:
    # given each engineer's mean satisfaction and count of unresolved customers over the year
    facts = typed_facts(small_demo)
    satisfaction = (
        facts.filter(pl.col("metric") == "satisfaction_score")
        .group_by("employee_id")
        .agg(satisfaction=pl.col("number").mean())
    )
    unresolved = (
        facts.filter(pl.col("metric") == "unresolved_customer")
        .group_by("employee_id")
        .agg(unresolved=pl.col("customer_id").n_unique())
    )
    # when the two are compared across engineers
    both = satisfaction.join(unresolved, on="employee_id", how="left").fill_null(0)
    correlation = both.select(pl.corr("satisfaction", "unresolved")).item()
    # then one latent skill drives both: a clear negative correlation
    assert correlation < -0.3


def test_default_window_ends_with_last_month() -> None:
    # given a day in November 2026
    today = date(2026, 11, 26)
    # when the default first month of a twelve-month window is chosen
    start = default_start_month(12, today)
    # then the window runs from December 2025 to October 2026
    assert start == "2025-11"


def test_moderate_scale_gives_about_a_hundred_and_twenty_facts_per_engineer_month() -> None:
    # given a thousand engineers over three months
    dataset = generate_demo(engineers=1000, months=3, seed=3, start="2025-03")
    # when the facts are counted
    facts = dataset.facts.collect()
    # then the volume matches the benchmarks' scale: about a hundred facts per engineer-month
    # for the engineers' plan and the extra metrics, some twenty-five more for the
    # architects' and managers' plans (issue 10)
    assert facts.height == dataset.fact_count
    assert 100 <= facts.height / (1000 * 3) <= 140
    teams = dataset.org_units.filter(pl.col("kind") == "team").height
    assert dataset.employees.height == 1000 + teams + 1
    assert set(dataset.org_units.filter(pl.col("kind") == "region")["name"]) >= {
        "华东", "华北", "华南", "西南",
    }
