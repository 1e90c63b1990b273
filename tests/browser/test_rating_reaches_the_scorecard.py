"""A daily-report rating reaches the scorecard, in Chromium (issue 13): the manager rates a
report constructive in the review queue, HR recomputes the open cycle from the current
facts, and the 日报总结 line of the author's scorecard changes; its facts link leads to the
rated report. Screenshot for the user guide."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kpilib.appraisal import services as appraisal_services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.dailyreports import services
from tests.appraisal_fixtures import DAY, QUARTER, make_world
from tests.browser.conftest import new_page, sign_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today("2026-10-09")]


def _line_row(page: object, name: str) -> object:
    return page.locator("table tr", has_text=name)  # type: ignore[attr-defined]


def test_a_rating_changes_the_scorecard_line_which_links_to_the_report(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given 李四 (one perfunctory report so far: 7 of 10 on 日报总结) submits a report in Q3
    world = make_world()
    org, hr = world.org, world.org.hr
    draft = services.report_save_draft(
        actor=org.peer.user, origin=Origin.WEB, report_date=DAY, today=DAY,
        answers={"done": "招商银行 POC：完成容器平台部署，压测 3 个接口", "findings": "并发 200 时连接池超时，建议扩容"},
    )
    report = services.report_submit(
        actor=org.peer.user, origin=Origin.WEB, report=draft,
        now=datetime.datetime.combine(DAY, datetime.time(18), tzinfo=SHANGHAI),
    )
    # and the Q3 cycle open in manager review, scored from the facts
    cycle = appraisal_services.cycle_create(
        actor=hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.MANAGER_REVIEW:
        cycle = appraisal_services.cycle_advance(
            actor=hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test"
        )
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=org.peer).latest("revision")
    before = next(line for line in card.lines if line["code"] == "daily_report")
    assert before["points"] == pytest.approx(7 * before["max_points"] / 10)

    # when the manager rates the report constructive (+1) with one key in the review queue
    manager = new_page(browser, live_server, locale="zh-CN")
    sign_in(manager, "manager")
    manager.goto("/reports/review/")
    item = manager.locator(f"#report-{report.pk}")
    item.wait_for()
    item.focus()
    with manager.expect_response(lambda response: "/rate/" in response.url):
        manager.keyboard.press("3")
    manager.locator(f"#report-{report.pk}.rated").wait_for()

    # and HR recomputes the open cycle from the current facts
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    page.goto(f"/cycles/{cycle.pk}/")
    page.click(f"form[action='/cycles/{cycle.pk}/recompute/'] button")
    page.wait_for_load_state("load")

    # then 李四's 日报总结 line counts the constructive report and scores 8 of 10
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=org.peer).latest("revision")
    after = next(line for line in card.lines if line["code"] == "daily_report")
    assert after["points"] == pytest.approx(8 * after["max_points"] / 10)
    page.goto(f"/scorecards/{card.pk}/")
    row = _line_row(page, after["name_zh_hans"])
    assert "1 篇建设性日报" in row.inner_text()
    page.screenshot(path=str(screenshots / "scorecard-daily-report-zh.png"), full_page=True)
    # when HR follows the line's facts link, then the report's fact links to the report
    row.locator(f"a[href='/scorecards/{card.pk}/facts/daily_report/']").click()
    page.click(f"a[href='/reports/{report.pk}/']")
    # then the report shows the manager's rating
    assert "建设性" in page.locator("#rating").inner_text()
