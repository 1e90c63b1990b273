"""Daily report pages: writing on the phone page, the review queue with hints, one-key
rating over HTMX, the author seeing rating and comments, and privacy."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from kpilib.audit.origin import Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.models import DailyReport
from kpilib.ingest.models import Fact
from tests.factories import Org, make_employee, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 10, 8)
pytestmark = pytest.mark.usefixtures("pinned")

ANSWERS = {
    "done": "拜访招商银行客户，完成 POC 环境部署，测试 3 个接口",
    "findings": "发现数据库连接池在并发 200 时超时，建议调大连接池并加监控",
    "plan": "整理 POC 报告\n跟进投标文件",
}


@pytest.fixture
def pinned():
    with time_machine.travel(datetime.datetime(2026, 10, 9, 9, tzinfo=SHANGHAI), tick=False):
        yield


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submitted(org: Org, author=None, answers=ANSWERS, day=DAY) -> DailyReport:
    user = (author or org.engineer).user
    draft = services.report_save_draft(actor=user, origin=Origin.WEB, report_date=day, answers=answers, today=day)
    now = datetime.datetime.combine(day, datetime.time(18), tzinfo=SHANGHAI)
    return services.report_submit(actor=user, origin=Origin.WEB, report=draft, now=now)


def test_engineer_saves_a_draft_then_submits_on_time(org: Org) -> None:
    # given yesterday's report with two plan items
    _submitted(org)
    client = _client(org.engineer.user)
    # when the engineer opens today's page
    page = client.get("/reports/").content.decode()
    # then yesterday's plan is offered as a checklist, not as text in a field
    assert "carried over 0 of 2" in page
    assert "整理 POC 报告" in page
    assert '<textarea id="field-done" name="field_done" rows="4" required></textarea>' in page
    # when they save a draft ticking one item, then submit
    form = {"report_date": "2026-10-09", "field_done": "回访客户", "carried": ["1"], "action": "draft"}
    assert client.post("/reports/", form).status_code == 302
    assert "carried over 1 of 2" in client.get("/reports/").content.decode()
    response = client.post("/reports/", {**form, "action": "submit"})
    # then the report is submitted on time (due 10:00 the next working day)
    report = DailyReport.objects.get(report_date=datetime.date(2026, 10, 9))
    assert response.url == f"/reports/{report.pk}/"
    assert (report.status, report.on_time, report.checklist_done) == ("submitted", True, [1])


def test_manager_rates_from_the_queue_with_one_key_over_htmx(org: Org) -> None:
    # given a constructive report and a perfunctory one in the team
    good = _submitted(org)
    _submitted(org, author=org.peer, answers={"done": "开会"})
    client = _client(org.manager.user)
    # when the manager opens the queue
    page = client.get("/reports/review/").content.decode()
    # then both wait, each with its hints beside it and the three keys
    assert "2 reports to rate" in page
    assert "too short" in page
    assert "proposes something" in page
    assert 'data-rating-key="3"' in page
    # when they press +1 on the first (HTMX)
    response = client.post(f"/reports/{good.pk}/rate/", {"rating": "1", "comment": "好建议"}, HTTP_HX_REQUEST="true")
    # then the item is swapped for its rated state and the fact says +1
    assert response.status_code == 200
    assert "constructive (+1)" in response.content.decode()
    assert Fact.objects.get(external_id=str(good.pk)).value == 1.0
    # when they rate the rest normal
    queue = client.get("/reports/review/").content.decode()
    assert "1 report to rate" in queue
    ids = [str(report.pk) for report in DailyReport.objects.filter(rating__isnull=True)]
    client.post("/reports/review/rest-normal/", {"report": ids})
    # then nothing is left
    assert "Nothing to rate" in client.get("/reports/review/").content.decode()


def test_author_sees_rating_and_threaded_comments(org: Org) -> None:
    # given a rated report with a comment and a reply
    report = _submitted(org)
    now = datetime.datetime(2026, 10, 9, 9, tzinfo=SHANGHAI)
    services.report_rate(actor=org.manager.user, origin=Origin.WEB, report=report, rating=-1, comment="请写具体", now=now)
    manager = _client(org.manager.user)
    manager.post(f"/reports/{report.pk}/comment/", {"text": "连接池调到多少？"})
    first = report.comments.get()
    _client(org.engineer.user).post(f"/reports/{report.pk}/comment/", {"text": "调到 500", "parent": first.pk})
    # when the author opens it
    page = _client(org.engineer.user).get(f"/reports/{report.pk}/").content.decode()
    # then they see the rating, its comment and the thread, and no rating buttons
    assert "perfunctory (−1)" in page
    assert "请写具体" in page
    assert page.index("连接池调到多少？") < page.index("调到 500")
    assert "data-rating-key" not in page
    assert report.comments.get(text="调到 500").parent == first


def test_only_the_circle_sees_a_report(org: Org) -> None:
    # given a submitted report, a CC reader and a draft
    cc = make_employee("周七", org.team_b, user=make_user("cc-reader"))
    report = _submitted(org)
    report.cc.add(cc)
    draft = services.report_save_draft(
        actor=org.engineer.user, origin=Origin.WEB, report_date=datetime.date(2026, 10, 9),
        answers={"done": "草稿"}, today=datetime.date(2026, 10, 9),
    )
    # then the author, the manager, the CC reader and HR see it; a peer and another team do not
    seen = {
        name: _client(user).get(f"/reports/{report.pk}/").status_code
        for name, user in {
            "author": org.engineer.user, "manager": org.manager.user, "cc": cc.user, "hr": org.hr,
            "peer": org.peer.user, "north": org.other_team_engineer.user, "outsider": org.outsider,
        }.items()
    }
    assert seen == {"author": 200, "manager": 200, "cc": 200, "hr": 200, "peer": 404, "north": 404, "outsider": 404}
    # and a draft is the author's alone
    assert _client(org.manager.user).get(f"/reports/{draft.pk}/").status_code == 404
    assert _client(org.hr).get(f"/reports/{draft.pk}/").status_code == 404
    # and nobody outside the line can rate it, even by posting
    response = _client(org.peer.user).post(f"/reports/{report.pk}/rate/", {"rating": "1"})
    assert response.status_code == 404
    assert not Fact.objects.filter(metric="daily_report").exists()


def test_the_review_queue_is_for_managers(org: Org) -> None:
    assert _client(org.engineer.user).get("/reports/review/").status_code == 403
    assert _client(org.hr).get("/reports/").status_code == 403


def test_the_review_queue_speaks_chinese(org: Org) -> None:
    # given a perfunctory report and a manager reading in Chinese
    _submitted(org, author=org.peer, answers={"done": "开会"})
    org.manager.user.language = "zh-hans"
    org.manager.user.save()
    # when they open the queue
    page = _client(org.manager.user).get("/reports/review/").content.decode()
    # then the page, the keys and the hints are in Chinese
    assert "日报评价" in page
    assert "敷衍" in page
    assert "太短" in page
    assert "too short" not in page
