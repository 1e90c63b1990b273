"""On time / late / missing: live statistics per person, and the submission facts."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.test import Client

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.selectors import submission_rows
from kpilib.ingest.models import Fact
from tests.factories import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEB = Origin.WEB
# The National Day week: 09-30 (Wed) working, 10-01 … 10-07 off, 10-08 (Thu), 10-09 (Fri),
# 10-10 (Sat, adjusted working day) working.
PINNED = time_machine.travel(datetime.datetime(2026, 10, 12, 12, tzinfo=SHANGHAI), tick=False)
NOW = datetime.datetime(2026, 10, 12, 12, tzinfo=SHANGHAI)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _submit(user, day: datetime.date, at: datetime.datetime):
    draft = services.report_save_draft(
        actor=user, origin=WEB, report_date=day, answers={"done": "拜访客户"}, today=day
    )
    return services.report_submit(actor=user, origin=WEB, report=draft, now=at)


def _template(org: Org) -> None:
    services.template_save(actor=org.hr, origin=WEB, name="售前日报")


@PINNED
def test_each_working_day_is_on_time_late_or_missing(org: Org) -> None:
    # given a default template; 09-30 on time, 10-08 late, 10-09 and 10-10 not written
    _template(org)
    user = org.engineer.user
    _submit(user, datetime.date(2026, 9, 30), _at(datetime.date(2026, 10, 8), 9))
    _submit(user, datetime.date(2026, 10, 8), _at(datetime.date(2026, 10, 9), 11))
    # when the statistics are read on Monday 10-12 at noon for 09-28 … 10-12
    rows = submission_rows(
        [org.engineer], since=datetime.date(2026, 9, 28), until=datetime.date(2026, 10, 12), now=NOW
    )
    # then the holiday week counts nothing, the adjusted Saturday counts, and 10-12 is not due
    row = rows[0]
    assert (row.on_time, row.late) == (1, 1)
    assert row.missing_days == [
        datetime.date(2026, 9, 28), datetime.date(2026, 9, 29),
        datetime.date(2026, 10, 9), datetime.date(2026, 10, 10),
    ]
    assert row.waiting == 1


@PINNED
def test_submission_facts_move_from_missing_to_late(org: Org) -> None:
    # given a report day past its deadline with nothing submitted
    _template(org)
    day = datetime.date(2026, 10, 9)
    services.reports_record_missing(actor=SYSTEM, origin=Origin.TASK, since=day, now=NOW)
    services.reports_record_missing(actor=SYSTEM, origin=Origin.TASK, since=day, now=NOW)
    facts = Fact.objects.filter(employee=org.engineer, source="daily-reports", occurred_on=day)
    # then it is one missing fact, however often the job runs
    assert list(facts.values_list("metric", "occurred_on")) == [("daily_report_missing", day)]
    # when the report arrives late
    _submit(org.engineer.user, day, NOW)
    # then the same fact now says late
    assert list(facts.values_list("metric", "occurred_on")) == [("daily_report_late", day)]


@PINNED
def test_on_time_submission_is_a_fact_and_nobody_without_template_is_missing(org: Org) -> None:
    # given no template: reports are optional
    assert services.reports_record_missing(
        actor=SYSTEM, origin=Origin.TASK, since=datetime.date(2026, 10, 8), now=NOW
    ) == 0
    # when a report is submitted on time
    _submit(org.engineer.user, datetime.date(2026, 10, 9), _at(datetime.date(2026, 10, 9), 18))
    # then it is a daily_report_on_time fact
    fact = Fact.objects.get(source="daily-reports")
    assert (fact.metric, fact.value) == ("daily_report_on_time", 1.0)


@PINNED
def test_the_command_records_missing_days(org: Org) -> None:
    _template(org)
    call_command("record_missing_reports", "--since", "2026-10-09")
    assert Fact.objects.filter(metric="daily_report_missing", employee=org.engineer).count() == 2


@PINNED
def test_team_page_shows_the_managers_team_live(org: Org) -> None:
    # given a template and one late report of the engineer
    _template(org)
    _submit(org.engineer.user, datetime.date(2026, 10, 8), _at(datetime.date(2026, 10, 9), 11))
    client = Client()
    client.force_login(org.manager.user)
    # when the manager opens October's submissions
    page = client.get("/reports/team/?period=2026-10").content.decode()
    # then their team is there and the north team is not
    assert "张三" in page
    assert "李四" in page
    assert "赵六" not in page
    engineer = Client()
    engineer.force_login(org.engineer.user)
    assert engineer.get("/reports/team/").status_code == 403
