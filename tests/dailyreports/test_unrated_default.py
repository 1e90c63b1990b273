"""A report nobody rated by its rating deadline counts as normal (0): the report says so, its
fact carries `defaulted: unrated`, a later rating replaces the default, and the scorecard
line's explanation says how many of its facts are such defaults."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from kpilib.appraisal import services as appraisal_services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.models import DailyReport
from kpilib.dailyreports.selectors import rating_deadline_of
from kpilib.ingest.models import Fact
from tests.appraisal_fixtures import DAY, QUARTER, make_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
# DAY is Monday 2026-08-10: due Tuesday 10:00, rated by Friday 2026-08-14 10:00 (3 working days)
RATING_DEADLINE = datetime.datetime(2026, 8, 14, 10, tzinfo=SHANGHAI)
JUST_BEFORE = RATING_DEADLINE - datetime.timedelta(minutes=1)


def _submitted(author) -> DailyReport:
    draft = services.report_save_draft(
        actor=author.user, origin=Origin.WEB, report_date=DAY,
        answers={"done": "拜访招商银行客户，部署 POC 环境"}, today=DAY,
    )
    return services.report_submit(
        actor=author.user, origin=Origin.WEB, report=draft,
        now=datetime.datetime(2026, 8, 10, 18, tzinfo=SHANGHAI),
    )


def test_the_rating_deadline_is_three_working_days_after_the_report_is_due(db: None) -> None:
    world = make_world()
    assert rating_deadline_of(world.org.engineer, None, DAY) == RATING_DEADLINE


def test_an_unrated_report_counts_as_normal_after_the_deadline_and_a_rating_replaces_it(
    db: None,
) -> None:
    # given a submitted report nobody rated
    world = make_world()
    report = _submitted(world.org.engineer)
    # when the daily job runs a minute before the rating deadline
    # then nothing is defaulted yet
    assert services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=JUST_BEFORE) == 0
    # when it runs at the deadline
    assert services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=RATING_DEADLINE) == 1
    # then the report counts as normal, by default, and its fact says so
    report.refresh_from_db()
    assert (report.rating, report.rated_by_default, report.rated_by) == (0, True, None)
    fact = Fact.objects.get(metric="daily_report", source="daily-reports", external_id=str(report.pk))
    assert (fact.value, fact.attributes) == (0.0, {"defaulted": "unrated"})
    assert AuditEvent.objects.filter(object_type="dailyreports.dailyreport", object_id=str(report.pk)).exists()
    # when the job runs again, nothing changes
    assert services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=RATING_DEADLINE) == 0
    # when the manager rates it after all
    services.report_rate(
        actor=world.org.manager.user, origin=Origin.WEB, report=report, rating=1, now=RATING_DEADLINE
    )
    # then the rating replaces the default, on the report and on its one fact
    report.refresh_from_db()
    assert (report.rating, report.rated_by_default) == (1, False)
    fact = Fact.objects.get(metric="daily_report", source="daily-reports", external_id=str(report.pk))
    assert (fact.value, fact.attributes) == (1.0, {})


def test_a_rated_report_is_never_defaulted(db: None) -> None:
    world = make_world()
    report = _submitted(world.org.engineer)
    services.report_rate(
        actor=world.org.manager.user, origin=Origin.WEB, report=report, rating=-1, now=JUST_BEFORE
    )
    assert services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=RATING_DEADLINE) == 0
    assert Fact.objects.get(external_id=str(report.pk), source="daily-reports").value == -1.0


@time_machine.travel(datetime.datetime(2026, 10, 9, 12, tzinfo=datetime.UTC), tick=False)
def test_the_scorecard_line_says_how_many_of_its_facts_are_defaults(db: None) -> None:
    # given the engineer's report counted as normal by default, and the peer's rated
    world = make_world()
    org, hr = world.org, world.org.hr
    _submitted(org.engineer)
    services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=RATING_DEADLINE)
    # when the Q3 cycle is scored
    cycle = appraisal_services.cycle_create(
        actor=hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.CALIBRATION:
        cycle = appraisal_services.cycle_advance(
            actor=hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test"
        )

    def daily_line(employee) -> dict:
        card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=employee).latest(
            "revision"
        )
        return next(line for line in card.lines if line["code"] == "daily_report")

    # then the engineer's daily_report line says one of its facts is a default, in both languages
    line = daily_line(org.engineer)
    assert line["explanation_en"].endswith(
        "; 1 report was not rated by the deadline and counts as normal (0)"
    )
    assert line["explanation_zh_hans"].endswith("；其中 1 篇日报未在评分期限内评分，按正常（0）计")
    # and a line without defaults says nothing of the kind
    assert "not rated" not in daily_line(org.peer)["explanation_en"]


def test_the_report_page_says_it_counts_as_normal_by_default(db: None) -> None:
    world = make_world()
    report = _submitted(world.org.engineer)
    services.reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=RATING_DEADLINE)
    client = Client()
    client.force_login(world.org.engineer.user)
    page = client.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not rated by the rating deadline, so it counts as normal (0)." in page
