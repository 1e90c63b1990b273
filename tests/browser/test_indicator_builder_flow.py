"""End to end in Chromium: HR creates an indicator without YAML — a distinct count of
customers with unresolved issues scored by a tiers table built row by row — previews the
points on sample values, checks the YAML tab shows the same rule, and saves the draft."""

from pathlib import Path

import pytest

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.library.models import Indicator
from kpilib.library.services import pack_import
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_org
from tests.library.conftest import IMPORTED_ON, presales_pack_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(IMPORTED_ON)]


def fill_tier(page: object, row: int, points: str, **bounds: str) -> None:
    for bound, value in bounds.items():
        page.fill(f"#b-rule-tiers-{row}-{bound}", value)  # type: ignore[attr-defined]
    page.fill(f"#b-rule-tiers-{row}-points", points)  # type: ignore[attr-defined]


def add_tier(page: object, row: int) -> None:
    page.click("#b-rule-tiers .row-add")  # type: ignore[attr-defined]
    page.locator(f"#b-rule-tiers-{row}-points").wait_for()  # type: ignore[attr-defined]


def test_hr_builds_a_tiers_indicator_in_the_form_previews_points_and_saves_it(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given HR and the imported presales pack
    make_org()
    pack_import(
        actor=SYSTEM, origin=Origin.WEB, text=presales_pack_text(), file_name="presales.yaml"
    )
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    # when HR opens a new indicator
    page.goto("/library/new/")
    page.wait_for_load_state("load")
    # then the empty form shows no error before anything is saved
    page.locator("#smart-check").wait_for()
    assert page.locator(".verdict-fail, .errorlist, #definition-problems").count() == 0
    # when HR fills in the metadata
    page.fill("#id_code", "regional_resolution")
    page.fill("#id_name_zh_hans", "区域项目技术解决率")
    page.fill("#id_name_en", "Regional technical resolution")
    page.fill(
        "#id_definition_zh_hans",
        "本季度存在未解决技术问题的客户数（去重），0 个得满分 35 分，按档位扣减。",
    )
    page.fill(
        "#id_definition_en",
        "Distinct customers with an unresolved technical issue this quarter; none earns the full 35 points, fewer is better.",
    )
    page.select_option("#id_dimension", "customer_value")
    page.fill("#id_unit_zh_hans", "家")
    page.fill("#id_unit_en", "customers")
    page.select_option("#id_period", "quarter")
    page.select_option("#id_direction", "lower_better")
    page.fill("#id_data_source", "crm")
    page.select_option("#id_leading_or_lagging", "lagging")
    page.fill("#id_default_weight", "35")
    page.check("input[name=objectives][value=resolve_customer_issues]")
    # and builds the measure: distinct customers among the unresolved-customer facts
    with page.expect_response(lambda response: "/library/builder/" in response.url):
        page.select_option("#b-measure-kind", "distinct_count")
    page.select_option("#b-measure-metric", "unresolved_customer")
    # and a tiers rule, adding the rows one by one
    page.locator("#b-rule-tiers").wait_for()
    add_tier(page, 0)
    fill_tier(page, 0, "35", lte="0")
    add_tier(page, 1)
    fill_tier(page, 1, "30", gte="1", lte="3")
    add_tier(page, 2)
    fill_tier(page, 2, "20", gte="4", lte="10")
    add_tier(page, 3)
    fill_tier(page, 3, "10", gte="11")
    # and types sample values into the preview
    page.fill("#preview-samples", "0, 2, 7, 12")
    # then the engine's points for each sample are shown
    points = page.locator("#rule-preview td.points")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#rule-preview td.points')].map(c => c.textContent).join(',') === '35,30,20,10'"
    )
    assert points.all_inner_texts() == ["35", "30", "20", "10"]
    # and the SMART check passes what is filled in
    page.locator("#smart-check li.verdict-pass", has_text="具体").wait_for()
    assert page.locator("#smart-check .verdict-fail").count() == 0
    page.screenshot(path=str(screenshots / "library-builder-zh.png"), full_page=True)
    # when HR opens the YAML tab
    with page.expect_response(lambda response: "/library/builder/" in response.url):
        page.click("#tab-yaml")
    # then it shows the rule built in the form
    rule_yaml = page.input_value("#id_rule")
    assert "kind: tiers" in rule_yaml
    assert "lte: 10.0" in rule_yaml
    # when HR goes back to the form and saves the draft
    with page.expect_response(lambda response: "/library/builder/" in response.url):
        page.click("#tab-builder")
    assert page.input_value("#b-rule-tiers-3-gte") == "11"
    with page.expect_navigation(wait_until="load"):
        page.click("#indicator-form button[type=submit]")
    # then the draft holds the measure and the four tiers
    draft = Indicator.objects.get(code="regional_resolution").draft
    assert draft["measure"]["kind"] == "distinct_count"
    assert [tier["points"] for tier in draft["rule"]["tiers"]] == [35, 30, 20, 10]
    # and the builder fits a 390 px phone: no sideways scroll, its rows wrap
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/library/i/regional_resolution/edit/")
    page.locator("#b-rule-tiers-3-points").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
