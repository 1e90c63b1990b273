"""End to end in Chromium: HR builds a regional variant with one extra indicator and
publishes it (issue 11, defect 1: the added indicator used to vanish on save)."""

from pathlib import Path

import pytest

from kpilib.org.models import OrgUnit
from kpilib.plans.fetch import effective_plan, live_revision
from kpilib.plans.models import Plan
from tests.appraisal_fixtures import TODAY, make_world
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_unit

# (the pages show a cycle's progress and run the SMART check as of today)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]


def test_hr_builds_a_regional_variant_with_one_extra_indicator(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given the live presales plan, and HR signed in in Chinese
    world = make_world()
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    # when HR creates a 华北 variant from the plan's page
    page.goto(f"/plans/{world.plan.pk}/")
    variants = page.locator("#variants form")
    variants.locator("input[name=code]").fill("pe-north")
    variants.locator("input[name=name_zh_hans]").fill("华北售前工程师")
    variants.locator("input[name=name_en]").fill("Presales engineers, North")
    variants.locator("input[name=regions][value=华北]").check()  # the organisation's regions
    variants.locator("button[type=submit]").click()
    page.wait_for_selector("#indicator-add")
    # and adds customer coverage (客户覆盖率) without a weight yet
    page.select_option("#indicator-add select[name=indicator]", "customer_coverage")
    page.click("#add-indicator")
    # then the editor lists it at once with an empty weight field, and publication waits for it
    weight = page.locator("input[name=weight__customer_coverage]")
    assert weight.input_value() == ""
    assert "尚未设置权重" in page.locator("#revision-check").inner_text()
    # when HR gives it 10 points, takes 10 from technical resolution and saves
    weight.fill("10")
    page.fill("input[name=weight__tech_resolution]", "25")
    assert float(page.locator("#weight-total").inner_text()) == 100
    page.click("#save-draft")
    page.wait_for_selector("#publish-revision")
    page.screenshot(path=str(screenshots / "plan-variant-extra-indicator.png"), full_page=True)
    # and publishes the variant
    page.click("#publish-revision")
    page.wait_for_load_state("load")
    # then the variant's live revision carries seven indicators, the new one with 10 points
    variant = Plan.objects.get(code="pe-north")
    effective = effective_plan(live_revision(variant))
    assert effective.weights["customer_coverage"] == 10
    assert effective.weights["tech_resolution"] == 25
    assert len(effective.weights) == 7
    # and the base plan is unchanged
    assert "customer_coverage" not in effective_plan(live_revision(world.plan)).weights


def test_publishing_a_variant_nobody_is_in_needs_a_confirmation(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a region of the organisation with nobody in it yet, and HR signed in in English
    world = make_world()
    make_unit("华南", OrgUnit.Kind.REGION, world.org.company)
    OrgUnit.objects.filter(name="华南").update(name_en="South China")
    page = new_page(browser, live_server, locale="en-GB")
    sign_in(page, "hr")
    # when HR creates a variant for it, choosing the region from the organisation's
    page.goto(f"/plans/{world.plan.pk}/")
    variants = page.locator("#variants form")
    variants.locator("input[name=code]").fill("pe-south")
    variants.locator("input[name=name_zh_hans]").fill("华南售前工程师")
    variants.locator("input[name=name_en]").fill("Presales engineers, South")
    variants.get_by_label("South China").check()
    variants.locator("button[type=submit]").click()
    page.wait_for_selector("#revision-check")
    # then the editor warns that it appraises no one, and publishing waits for a confirmation
    assert "Nobody is in this variant's regions (South China)" in page.locator(
        "#no-participants-warning"
    ).inner_text()
    page.screenshot(path=str(screenshots / "plan-variant-no-participants-en.png"), full_page=True)
    page.click("#publish-revision")
    variant = Plan.objects.get(code="pe-south")
    assert live_revision(variant) is None
    # when HR confirms and publishes
    page.check("#confirm-no-participants")
    page.click("#publish-revision")
    page.wait_for_url(f"**/plans/{variant.pk}/")
    # then the variant is live
    assert live_revision(variant) is not None
