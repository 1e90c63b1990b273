"""Daily report services: who may write, submit and rate; deadlines over China's holidays;
the rating as the `daily_report` fact with its provenance."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.errors import DailyReportError
from kpilib.dailyreports.models import DailyReport
from kpilib.dailyreports.selectors import checklist_for, review_queue
from kpilib.engine.workdays import is_workday, report_deadline
from kpilib.ingest.models import Fact
from tests.factories import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEB = Origin.WEB
# 2026-09-30 (Wed) is the last working day before the National Day holiday (10-01 … 10-07);
# 2026-10-10 (Sat) is an adjusted working day (调休).
BEFORE_HOLIDAY = datetime.date(2026, 9, 30)
PINNED = time_machine.travel(datetime.datetime(2026, 10, 9, 12, tzinfo=SHANGHAI), tick=False)

ANSWERS = {
    "done": "拜访招商银行客户，完成 POC 环境部署，测试 3 个接口",
    "findings": "发现数据库连接池在并发 200 时超时，建议调大连接池并加监控",
    "plan": "1. 整理 POC 报告\n2. 跟进投标文件\n3. 回访华东医院",
}


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _submitted(org: Org, day: datetime.date, *, author=None, answers=ANSWERS) -> DailyReport:
    user = (author or org.engineer).user
    draft = services.report_save_draft(
        actor=user, origin=WEB, report_date=day, answers=answers, today=day
    )
    return services.report_submit(actor=user, origin=WEB, report=draft, now=_at(day, 18))


def test_deadline_skips_the_national_day_holiday() -> None:
    # given the last working day before the holiday
    # when its report's deadline is computed (10:00 the next working day)
    due = report_deadline(
        BEFORE_HOLIDAY, deadline_time=datetime.time(10), workdays_after=1, zone=SHANGHAI
    )
    # then it is 10:00 on 2026-10-08, the first working day after 10-01 … 10-07
    assert due == _at(datetime.date(2026, 10, 8), 10)
    # and an adjusted Saturday counts as a working day, a company exception wins
    assert is_workday(datetime.date(2026, 10, 10))
    assert not is_workday(datetime.date(2026, 10, 10), {datetime.date(2026, 10, 10): False})


@PINNED
def test_submission_after_the_holiday_before_ten_is_on_time(org: Org) -> None:
    # given a draft for the day before the holiday
    user = org.engineer.user
    draft = services.report_save_draft(
        actor=user, origin=WEB, report_date=BEFORE_HOLIDAY, answers=ANSWERS, today=BEFORE_HOLIDAY
    )
    # when it is submitted on 10-08 at 09:59, and another one at 10:01
    report = services.report_submit(
        actor=user, origin=WEB, report=draft, now=_at(datetime.date(2026, 10, 8), 9, 59)
    )
    late_draft = services.report_save_draft(
        actor=user, origin=WEB, report_date=datetime.date(2026, 10, 8), answers=ANSWERS,
        today=datetime.date(2026, 10, 8),
    )
    late = services.report_submit(
        actor=user, origin=WEB, report=late_draft, now=_at(datetime.date(2026, 10, 9), 10, 1)
    )
    # then the first is on time (due 10-08 10:00) and the second late (due 10-09 10:00)
    assert report.on_time is True
    assert report.deadline == _at(datetime.date(2026, 10, 8), 10)
    assert late.on_time is False


@PINNED
def test_drafts_are_kept_and_only_the_author_submits(org: Org) -> None:
    # given a draft saved twice
    user = org.engineer.user
    day = datetime.date(2026, 10, 8)
    services.report_save_draft(actor=user, origin=WEB, report_date=day, answers={"done": "a"}, today=day)
    draft = services.report_save_draft(
        actor=user, origin=WEB, report_date=day, answers={"done": "拜访客户"}, today=day
    )
    # then there is one draft with the last text
    assert DailyReport.objects.get().answers["done"] == "拜访客户"
    assert draft.status == DailyReport.Status.DRAFT
    # when the manager or a peer tries to submit it, they are refused
    for other in (org.manager.user, org.peer.user):
        with pytest.raises(DailyReportError):
            services.report_submit(actor=other, origin=WEB, report=draft, now=_at(day, 18))
    # and a report for tomorrow cannot be written
    with pytest.raises(DailyReportError):
        services.report_save_draft(
            actor=user, origin=WEB, report_date=day + datetime.timedelta(days=1), answers={}, today=day
        )


@PINNED
def test_a_required_field_left_empty_is_refused(org: Org) -> None:
    user = org.engineer.user
    day = datetime.date(2026, 10, 8)
    draft = services.report_save_draft(
        actor=user, origin=WEB, report_date=day, answers={"findings": "无"}, today=day
    )
    with pytest.raises(DailyReportError, match="今日完成"):
        services.report_submit(actor=user, origin=WEB, report=draft, now=_at(day, 18))


@PINNED
def test_yesterdays_plan_is_a_checklist_not_copied_text(org: Org) -> None:
    # given yesterday's report with three plan items
    _submitted(org, datetime.date(2026, 10, 8))
    today = datetime.date(2026, 10, 9)
    # when today's checklist is read and two of its items are ticked
    checklist = checklist_for(org.engineer, today)
    report = services.report_save_draft(
        actor=org.engineer.user, origin=WEB, report_date=today, answers={"done": "写报告"},
        checklist_done=[0, 2], today=today,
    )
    # then the items are offered, "carried over 2 of 3", and none of their text is in today's report
    assert checklist.items == ["整理 POC 报告", "跟进投标文件", "回访华东医院"]
    assert (len(report.checklist_done), report.checklist_total) == (2, 3)
    assert "投标" not in report.text
    with pytest.raises(DailyReportError):
        services.report_save_draft(
            actor=org.engineer.user, origin=WEB, report_date=today, answers={}, checklist_done=[3],
            today=today,
        )


@PINNED
def test_rating_writes_the_daily_report_fact_with_provenance(org: Org) -> None:
    # given a submitted report
    report = _submitted(org, datetime.date(2026, 10, 8))
    # when the manager rates it constructive
    services.report_rate(
        actor=org.manager.user, origin=WEB, report=report, rating=1, comment="好建议",
        now=_at(datetime.date(2026, 10, 9), 9),
    )
    # then it is a daily_report fact of +1 on the report's day, source daily-reports, id the report
    fact = Fact.objects.get(metric="daily_report")
    assert (fact.employee, fact.occurred_on, fact.value) == (
        org.engineer, datetime.date(2026, 10, 8), 1.0
    )
    assert (fact.source, fact.external_id) == ("daily-reports", str(report.pk))
    assert fact.batch is not None
    assert AuditEvent.objects.filter(object_type="dailyreports.dailyreport", object_id=str(report.pk)).exists()


@PINNED
def test_re_rating_updates_the_one_fact(org: Org) -> None:
    # given a report rated normal
    report = _submitted(org, datetime.date(2026, 10, 8))
    now = _at(datetime.date(2026, 10, 9), 9)
    services.report_rate(actor=org.manager.user, origin=WEB, report=report, rating=0, now=now)
    # when it is re-rated perfunctory
    services.report_rate(actor=org.manager.user, origin=WEB, report=report, rating=-1, now=now)
    # then the same fact now says −1
    assert list(Fact.objects.filter(metric="daily_report").values_list("value", flat=True)) == [-1.0]


@PINNED
def test_only_managers_up_the_line_rate(org: Org) -> None:
    # given the engineer's submitted report
    report = _submitted(org, datetime.date(2026, 10, 8))
    now = _at(datetime.date(2026, 10, 9), 9)
    # when the author, a peer, another team's engineer or HR rate it, they are refused
    for actor in (org.engineer.user, org.peer.user, org.other_team_engineer.user, org.hr):
        with pytest.raises(DailyReportError):
            services.report_rate(actor=actor, origin=WEB, report=report, rating=1, now=now)
    # and a rating outside −1 / 0 / +1 too
    with pytest.raises(DailyReportError):
        services.report_rate(actor=org.manager.user, origin=WEB, report=report, rating=2, now=now)
    assert not Fact.objects.filter(metric="daily_report").exists()


@PINNED
def test_queue_has_hints_and_rest_normal_rates_what_is_left(org: Org) -> None:
    # given two submitted reports of the team, one perfunctory
    _submitted(org, datetime.date(2026, 10, 8))
    _submitted(org, datetime.date(2026, 10, 8), author=org.peer, answers={"done": "开会"})
    # when the manager opens the queue
    queue = review_queue(org.manager.user)
    # then both wait, with the engine's hints beside each
    assert [item.verdict.quality for item in queue] == ["constructive", "perfunctory"] or [
        item.verdict.quality for item in queue
    ] == ["perfunctory", "constructive"]
    # when the rest is rated normal
    rated = services.reports_rate_rest_normal(
        actor=org.manager.user, origin=WEB, reports=[item.report for item in queue],
        now=_at(datetime.date(2026, 10, 9), 9),
    )
    # then the queue is empty and each has a 0 fact
    assert rated == 2
    assert review_queue(org.manager.user) == []
    assert sorted(Fact.objects.filter(metric="daily_report").values_list("value", flat=True)) == [0, 0]


@PINNED
def test_threaded_comments_by_readers_only(org: Org) -> None:
    report = _submitted(org, datetime.date(2026, 10, 8))
    first = services.report_comment(actor=org.manager.user, origin=WEB, report=report, text="连接池调到多少？")
    reply = services.report_comment(
        actor=org.engineer.user, origin=WEB, report=report, text="调到 500", parent=first
    )
    assert list(first.replies.all()) == [reply]
    with pytest.raises(DailyReportError):
        services.report_comment(actor=org.other_team_engineer.user, origin=WEB, report=report, text="?")
