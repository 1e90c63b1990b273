"""Layout in Chromium: the engineer's pages on a 390 px phone, HR's navigation at 1366 px.

On the phone no page scrolls sideways (wide tables scroll inside their own box) and every
control a thumb must hit — buttons, fields, the navigation — is at least 40 px tall.
On a 1366 px laptop HR's navigation stays on one line.
"""

from pathlib import Path

import pytest

from kpilib.appraisal.models import Scorecard
from tests.appraisal_fixtures import TODAY, make_world
from tests.browser.conftest import sign_in
from tests.browser.test_appraisal_flow import published_cycle

# (the pages show a cycle's progress and run the SMART check as of today)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
TAP = 40  # px: the smallest height of a control a thumb must hit

OVERFLOW = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)
    - window.innerWidth"""
SMALL_TARGETS = f"""() => [...document.querySelectorAll(
      "main button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
      + " main select, main textarea, .mainnav a, .userbox summary, .userbox select")]
    .filter((e) => e.offsetParent !== null)
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([e, box]) => box.height < {TAP})
    .map(([e, box]) => (e.id || e.name || e.textContent.trim() || e.tagName) + " " + box.height)"""


def phone_page(browser: object, live_server: object, locale: str = "zh-CN") -> object:
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=locale,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,  # type: ignore[attr-defined]
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def assert_usable_on_a_phone(page: object, name: str) -> None:
    page.wait_for_load_state("load")  # type: ignore[attr-defined]  # (sizes need the stylesheet)
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways on a phone"  # type: ignore[attr-defined]
    assert page.evaluate(SMALL_TARGETS) == [], f"{name} has controls too small to tap"  # type: ignore[attr-defined]


def test_engineer_pages_are_usable_on_a_phone(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a published cycle with the engineer's scorecard
    world = make_world()
    published_cycle(world)
    card = Scorecard.objects.get(participant__employee=world.org.engineer)
    page = phone_page(browser, live_server)
    # when the engineer signs in on a 390 px phone
    sign_in(page, "engineer")
    # then home, the scorecard with its acknowledgement and appeal, and a line's facts fit
    # the screen and can be tapped
    assert_usable_on_a_phone(page, "home")
    page.screenshot(path=str(screenshots / "phone-home-zh.png"), full_page=True)
    page.goto(f"/scorecards/{card.pk}/")
    assert page.locator("#scorecard-total").count() == 1
    assert_usable_on_a_phone(page, "scorecard")
    page.screenshot(path=str(screenshots / "phone-scorecard-zh.png"), full_page=True)
    page.goto(f"/scorecards/{card.pk}/facts/complaints/")
    assert_usable_on_a_phone(page, "facts")
    page.screenshot(path=str(screenshots / "phone-facts-zh.png"), full_page=True)
    page.goto("/cycles/")
    assert_usable_on_a_phone(page, "cycles")


def test_manager_pages_are_usable_on_a_phone(browser: object, live_server: object) -> None:
    # given a published cycle the manager's team is in
    world = make_world()
    cycle = published_cycle(world)
    page = phone_page(browser, live_server, locale="en-US")
    # when the manager opens home, the cycle and people on a phone
    sign_in(page, "manager")
    for path in ("/", f"/cycles/{cycle.pk}/", "/people/"):
        page.goto(path)
        # then each fits the screen and can be tapped
        assert_usable_on_a_phone(page, path)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_hr_navigation_stays_on_one_line_at_1366_px(
    browser: object, live_server: object, screenshots: Path, locale: str
) -> None:
    # given HR, who sees every entry of the navigation
    make_world()
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=locale,
        viewport=LAPTOP,
        base_url=live_server.url,  # type: ignore[attr-defined]
    )
    page = context.new_page()
    # when HR signs in on a 1366 px laptop
    sign_in(page, "hr")
    # then the header is one line: every navigation entry on the same row, none hidden
    tops = page.evaluate(
        "() => [...document.querySelectorAll('.mainnav a')].map((a) => a.getBoundingClientRect().top)"
    )
    assert len(tops) >= 9
    assert max(tops) - min(tops) < 2, "the navigation wraps"
    assert page.evaluate(
        "() => { const nav = document.querySelector('.mainnav');"
        " return nav.scrollWidth <= nav.clientWidth + 1; }"
    ), "navigation entries are cut off"
    assert page.evaluate(OVERFLOW) <= 0
    if locale == "en-US":
        page.screenshot(path=str(screenshots / "nav-hr-1366-en.png"))
