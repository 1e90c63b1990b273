"""Daily reports in Chromium: an engineer writes and submits today's report on a 390 px
phone (no sideways scroll, every control at least 40 px tall), yesterday's plan offered as
a checklist; the manager rates it in the review queue with the hints beside it, with one
key; the engineer sees the rating. Screenshots for the user guide.

The day is pinned with the `today` marker (10:00 on Friday 2026-10-09 in Shanghai, the
clock ticking from there). The report written is that day's own, due at 10:00 on the next
working day, so the seconds the clock ticks during the test cannot make it late.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kpilib.audit.origin import Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.models import DailyReport
from kpilib.ingest.models import Fact
from tests.browser.conftest import new_page, sign_in
from tests.browser.test_phone_and_desktop_layout import assert_usable_on_a_phone, phone_page
from tests.factories import make_org

TODAY = datetime.date(2026, 10, 9)
YESTERDAY = datetime.date(2026, 10, 8)
SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY.isoformat())]

DONE = "拜访招商银行客户，完成 POC 环境部署，测试 3 个接口"
FINDINGS = "发现数据库连接池在并发 200 时超时，建议调大连接池并加监控"


def _yesterday_report(user) -> None:
    """Yesterday's report, submitted on time, with a two-item 明日计划."""
    draft = services.report_save_draft(
        actor=user, origin=Origin.WEB, report_date=YESTERDAY, today=YESTERDAY,
        answers={"done": "准备 POC 环境", "plan": "1. 部署 POC\n2. 跟进投标文件"},
    )
    evening = datetime.datetime.combine(YESTERDAY, datetime.time(18), tzinfo=SHANGHAI)
    services.report_submit(actor=user, origin=Origin.WEB, report=draft, now=evening)


def test_engineer_writes_on_a_phone_and_the_manager_rates_it(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given an engineer whose yesterday's report planned two items
    org = make_org()
    _yesterday_report(org.engineer.user)
    page = phone_page(browser, live_server)
    # when the engineer opens today's report on a 390 px phone
    sign_in(page, "engineer")
    page.goto("/reports/")
    # then yesterday's plan is a checklist (not text in a field) and the page fits the phone
    assert "完成 0 / 2 项" in page.locator(".checklist legend").inner_text()
    assert page.locator("#field-done").input_value() == ""
    assert_usable_on_a_phone(page, "daily report (empty)")
    # when they write, tick one item and save a draft
    page.fill("#field-done", DONE)
    page.fill("#field-findings", FINDINGS)
    page.fill("#field-plan", "1. 整理 POC 报告")
    page.locator(".checklist input[type=checkbox]").first.check()
    with page.expect_navigation(wait_until="load"):
        page.click("button[value=draft]")
    # then the draft is kept, ticked item included: "carried over 1 of 2"
    assert "完成 1 / 2 项" in page.locator(".checklist legend").inner_text()
    assert page.locator("#field-done").input_value() == DONE
    assert page.locator(".checklist input[type=checkbox]").first.is_checked()
    assert_usable_on_a_phone(page, "daily report (draft)")
    page.screenshot(path=str(screenshots / "phone-daily-report-zh.png"), full_page=True)
    # when they submit it
    with page.expect_navigation(wait_until="load"):
        page.click("button[value=submit]")
    # then it is submitted on time, and the page still fits the phone
    report = DailyReport.objects.get(author=org.engineer, report_date=TODAY)
    assert (report.status, report.on_time, report.checklist_done) == ("submitted", True, [0])
    assert_usable_on_a_phone(page, "daily report (submitted)")

    # when the manager opens the review queue on a desktop
    manager = new_page(browser, live_server, locale="zh-CN")
    sign_in(manager, "manager")
    manager.goto("/reports/review/")
    item = manager.locator(f"#report-{report.pk}")
    # then the report waits there with its hints beside it
    assert DONE in item.inner_text()
    assert item.locator(".hints li").count() >= 1
    manager.screenshot(path=str(screenshots / "daily-report-review-zh.png"), full_page=True)
    # when they focus it and press 3 (建设性 +1)
    item.focus()
    with manager.expect_response(lambda response: "/rate/" in response.url):
        manager.keyboard.press("3")
    # then the queue shows it rated, and the rating is the report's daily_report fact
    expect_rated = manager.locator(f"#report-{report.pk}.rated")
    expect_rated.wait_for()
    report.refresh_from_db()
    assert report.rating == 1
    fact = Fact.objects.get(employee=org.engineer, metric="daily_report", occurred_on=TODAY)
    assert (fact.value, fact.external_id) == (1.0, str(report.pk))

    # when the engineer opens the report on the phone
    page.goto(f"/reports/{report.pk}/")
    # then they see the rating, and the page fits the phone
    assert "建设性" in page.locator("main").inner_text()
    assert_usable_on_a_phone(page, "daily report (rated)")
    page.screenshot(path=str(screenshots / "phone-daily-report-rated-zh.png"), full_page=True)
