"""A re-rating after publication changes the fact, never the published scorecard."""

import datetime

import time_machine
from django.test import Client

from kpilib.appraisal import services as appraisal_services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.dailyreports import services
from kpilib.ingest.models import Fact
from tests.appraisal_fixtures import DAY, QUARTER, make_world


@time_machine.travel(datetime.datetime(2026, 10, 9, 12, tzinfo=datetime.UTC), tick=False)
def test_re_rating_leaves_the_published_scorecard_as_it_was(db: None) -> None:
    # given a rated report in Q3 and the Q3 cycle published
    world = make_world()
    org, hr = world.org, world.org.hr
    now = datetime.datetime(2026, 10, 9, 12, tzinfo=datetime.UTC)
    draft = services.report_save_draft(
        actor=org.engineer.user, origin=Origin.WEB, report_date=DAY,
        answers={"done": "拜访客户，部署 POC 环境"}, today=DAY,
    )
    report = services.report_submit(actor=org.engineer.user, origin=Origin.WEB, report=draft, now=now)
    services.report_rate(actor=org.manager.user, origin=Origin.WEB, report=report, rating=1, now=now)
    cycle = appraisal_services.cycle_create(
        actor=hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = appraisal_services.cycle_advance(
            actor=hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test"
        )
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=org.engineer).latest("revision")
    published = (card.pk, card.total, card.lines)
    # when the manager re-rates the report perfunctory
    services.report_rate(actor=org.manager.user, origin=Origin.WEB, report=report, rating=-1, now=now)
    # then the fact changed and the published scorecard did not
    assert Fact.objects.get(metric="daily_report", source="daily-reports").value == -1.0
    latest = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=org.engineer).latest("revision")
    assert (latest.pk, latest.total, latest.lines) == published
    line = next(line for line in latest.lines if line["code"] == "daily_report")
    assert line is not None


@time_machine.travel(datetime.datetime(2026, 10, 9, 12, tzinfo=datetime.UTC), tick=False)
def test_the_daily_report_line_links_to_the_rated_report(db: None) -> None:
    # given a rated report in a published Q3
    world = make_world()
    org, hr = world.org, world.org.hr
    now = datetime.datetime(2026, 10, 9, 12, tzinfo=datetime.UTC)
    draft = services.report_save_draft(
        actor=org.engineer.user, origin=Origin.WEB, report_date=DAY,
        answers={"done": "拜访客户，部署 POC 环境"}, today=DAY,
    )
    report = services.report_submit(actor=org.engineer.user, origin=Origin.WEB, report=draft, now=now)
    services.report_rate(actor=org.manager.user, origin=Origin.WEB, report=report, rating=1, now=now)
    cycle = appraisal_services.cycle_create(
        actor=hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = appraisal_services.cycle_advance(
            actor=hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test"
        )
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=org.engineer).latest("revision")
    client = Client()
    client.force_login(org.engineer.user)
    # when the engineer opens the facts behind the daily_report line
    page = client.get(f"/scorecards/{card.pk}/facts/daily_report/").content.decode()
    # then the rating's fact links to the report
    assert f'href="/reports/{report.pk}/"' in page
