"""An engineer's target meters in Chromium (issue 15, the engineer's dashboard): the
gauges are drawn on the home page with their status, on a desktop and on a phone, and a
meter's facts link lists the facts its figure came from. Screenshots for the user guide."""

import datetime
from pathlib import Path

import pytest

from tests.appraisal_fixtures import make_world_scoring
from tests.browser.conftest import new_page, sign_in

TODAY = datetime.date(2026, 8, 20)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today("2026-08-20")]


def test_the_engineer_sees_meters_and_their_facts(browser: object, live_server: object, screenshots: Path) -> None:
    make_world_scoring(TODAY)
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "engineer")
    page.goto("/")
    meters = page.locator("#my-meters")
    assert "我的目标" in meters.locator("h2").inner_text()
    satisfaction = page.locator("#meter-customer_satisfaction")
    assert "进度正常" in satisfaction.locator(".badge.pace").inner_text()
    satisfaction.locator(".gauge canvas").wait_for()  # ECharts drew the gauge
    assert page.locator("#my-meters .gauge canvas").count() == page.locator("#my-meters .gauge").count() == 3
    page.screenshot(path=str(screenshots / "home-meters-zh.png"), full_page=True)
    phone = browser.new_context(  # type: ignore[attr-defined]
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url  # type: ignore[attr-defined]
    ).new_page()
    sign_in(phone, "engineer")
    phone.goto("/")
    phone.locator("#meter-customer_satisfaction .gauge canvas").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing overflows the phone's width
    phone.locator("#my-meters").screenshot(path=str(screenshots / "home-meters-phone-zh.png"))
    # the facts behind the figure: the quarter's two satisfaction surveys
    with page.expect_navigation(wait_until="load"):
        satisfaction.locator("a").click()
    assert page.locator("#facts tbody tr").count() == 2
    assert "进度正常" in page.content()
