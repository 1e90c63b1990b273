"""End to end in Chromium: HR browses the indicator library, watches the live SMART check
flag a vague definition before saving, publishes a clear one as version 2, and finds an
objective no indicator serves on the strategy page."""

from pathlib import Path

import pytest

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.library.models import Indicator, Objective, Theme
from kpilib.library.services import pack_import
from tests.browser.conftest import choose_language, new_page, sign_in
from tests.browser.test_appraisal_flow import settle_charts
from tests.factories import make_org
from tests.library.conftest import IMPORTED_ON, presales_pack_text

# (the pages run the SMART check over the periods before today)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(IMPORTED_ON)]

CLEAR_DEFINITION = "本季度项目支持满意度调研（NPS）平均得分 ≥ 90 分，按客户回复计算。"


def test_hr_fixes_a_vague_indicator_with_the_live_smart_check_and_reads_strategy_coverage(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given HR, the imported presales pack and a new objective no indicator serves yet
    make_org()
    pack_import(actor=SYSTEM, origin=Origin.WEB, text=presales_pack_text(), file_name="presales.yaml")
    Objective.objects.create(
        code="solution_turnaround",
        theme=Theme.objects.order_by("order").first(),
        name_zh_hans="缩短方案响应周期",
        name_en="Shorter solution turnaround",
        target="≤ 5 working days",
    )
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    # when HR opens the library and filters it to the customer-value dimension
    page.click("nav a[href='/library/']")
    page.wait_for_load_state("load")  # HTMX is ready
    everything = page.locator("#library-rows tbody tr").count()
    with page.expect_response(lambda response: "dimension=customer_value" in response.url):
        page.select_option("select[name=dimension]", "customer_value")
    # (the response arrives before HTMX swaps it in: wait for the table to be replaced)
    page.wait_for_function(
        "n => document.querySelectorAll('#library-rows tbody tr').length !== n", arg=everything
    )
    # then only customer-value indicators are listed, customer satisfaction among them
    rows = page.locator("#library-rows tbody tr")
    assert 0 < rows.count() < everything
    assert all("客户价值" in text for text in rows.all_inner_texts())
    # when HR opens customer satisfaction and edits its definition into a vague goal
    page.click("#library-rows a[href='/library/i/customer_satisfaction/']")
    page.click("a[href='/library/i/customer_satisfaction/edit/']")
    page.locator("#smart-check li.verdict-pass", has_text="具体").wait_for()
    page.fill("#id_definition_zh_hans", "提升客户满意度")
    # then the live SMART panel fails Specific, before anything is saved
    specific = page.locator("#smart-check li.verdict-fail", has_text="具体")
    specific.wait_for()
    assert "提升" in specific.inner_text()
    assert Indicator.objects.get(code="customer_satisfaction").draft is None
    page.screenshot(path=str(screenshots / "library-smart-zh.png"), full_page=True)
    # when HR writes a clear definition instead
    page.fill("#id_definition_zh_hans", CLEAR_DEFINITION)
    # then Specific passes again
    page.locator("#smart-check li.verdict-pass", has_text="具体").wait_for()
    # when HR saves the draft and publishes it
    page.click("#indicator-form button[type=submit]")
    page.fill("#change_note", "定义改为可衡量的调研目标")
    page.click("#draft-panel button[type=submit]")
    # then version 2 is published with the clear definition and the note
    assert "v2" in page.locator("#versions tbody tr").first.inner_text()
    indicator = Indicator.objects.get(code="customer_satisfaction")
    latest = indicator.latest_version()
    assert (latest.number, indicator.draft) == (2, None)
    assert latest.definition["definition"]["zh-Hans"] == CLEAR_DEFINITION
    assert latest.change_note == "定义改为可衡量的调研目标"

    # when HR switches the page to English and opens the strategy page
    choose_language(page, "en")
    page.wait_for_selector("html[lang=en]")
    page.click("nav a[href='/library/strategy/']")
    # then the new objective is listed as uncovered, under its theme and in the coverage
    assert "Shorter solution turnaround" in page.locator("#coverage").inner_text()
    objective = page.locator("#themes li", has_text="Shorter solution turnaround")
    assert "no indicator serves this objective" in objective.inner_text()
    # and the pack's own objectives are served
    assert page.locator("#themes li", has_text="served by").count() > 0
    settle_charts(page)
    page.screenshot(path=str(screenshots / "library-strategy-en.png"), full_page=True)
