"""End to end in Chromium: a plan administrator answers the AHP pairwise comparisons, watches
the consistency ratio and the weights chart update as they answer, adjusts for a business
stage, and applies the weights to the plan's draft."""

import json
from pathlib import Path

import pytest

from kpilib.audit.origin import Origin
from kpilib.plans import services as plan_services
from kpilib.plans.models import AhpJudgement, PlanRevision
from tests.appraisal_fixtures import TODAY, make_world
from tests.browser.conftest import new_page, sign_in
from tests.browser.test_appraisal_flow import settle_charts

# (the pages show a cycle's progress and run the SMART check as of today)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]

# (first, second) → Saaty value, as the plan administrator answers them.
ANSWERS = {
    "customer_value,process_efficiency": "2",
    "customer_value,capability_development": "3",
    "customer_value,collaboration_behaviour": "3",
    "process_efficiency,capability_development": "2",
    "process_efficiency,collaboration_behaviour": "2",
    "capability_development,collaboration_behaviour": "1",
    "tech_resolution,customer_satisfaction": "2",
    "revisit_completion,complaints": "1/2",
}


def chart_data(page: object) -> dict[str, list[object]]:
    return json.loads(page.locator("#ahp-chart-data").text_content())  # type: ignore[attr-defined]


def saved_through_htmx(page: object) -> object:
    return page.expect_response(  # type: ignore[attr-defined]
        lambda response: response.url.endswith("/ahp/judgements/") and response.ok
    )


def test_plan_administrator_derives_weights_by_ahp_and_applies_them_to_the_draft(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a live plan (35/15/15/15/10/10) administered by the team manager
    world = make_world()
    plan = world.plan
    plan_services.plan_set_administrator(
        actor=world.org.hr, origin=Origin.WEB, plan=plan, employee=world.org.manager, admin=True
    )
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "manager")
    # when the manager opens the AHP page from the plan
    page.goto(f"/plans/{plan.pk}/")
    page.click(f"a[href='/plans/{plan.pk}/ahp/']")
    page.wait_for_load_state("load")  # HTMX is ready
    # then nothing is answered yet and the chart shows equal shares within each dimension
    assert page.locator("select.saaty").count() == len(ANSWERS)
    assert "CR =" not in page.locator("#ahp-levels").inner_text()
    before = chart_data(page)
    # when they answer every comparison, each answer saved as they choose it
    for pair, value in ANSWERS.items():
        with saved_through_htmx(page):
            page.select_option(f"select[name='pair__{pair}']", value)
    page.wait_for_function("() => document.querySelectorAll('#ahp-levels .badge').length === 3")
    # then the three levels with choices show a consistent CR and the chart follows the answers
    levels = page.locator("#ahp-levels").inner_text()
    assert levels.count("CR = ") == 3
    assert page.locator("#ahp-levels .badge.active").count() == 3
    after = chart_data(page)
    assert after["indicators"] == before["indicators"]
    assert after["base"] != before["base"]
    names = after["indicators"]
    base = dict(zip(names, after["base"], strict=True))
    assert base["项目技术解决率"] > base["客户满意度"] > base["技术学习交流与成长"]
    assert page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('ahp-chart')) !== undefined"
    )
    saved = AhpJudgement.objects.get(plan=plan, judge=world.org.manager.user, level="dimensions")
    assert saved.judgements["customer_value,process_efficiency"] == 2
    # when they tick the quality stage, which weighs process efficiency and complaints more
    with saved_through_htmx(page):
        page.check("#profile-form input[name=profile][value=quality_stage]")
    page.wait_for_function(
        "() => { const d = JSON.parse(document.getElementById('ahp-chart-data').textContent);"
        " return d.adjusted.some((v, i) => v !== d.base[i]); }"
    )
    # then complaints weigh more after the adjustment than by AHP alone
    adjusted = chart_data(page)
    complaints = adjusted["indicators"].index("客户投诉次数")
    assert adjusted["adjusted"][complaints] > adjusted["base"][complaints]
    settle_charts(page)
    page.screenshot(path=str(screenshots / "ahp-judgements-zh.png"), full_page=True)
    points = {
        cells[0]: float(cells[3])
        for cells in (
            row.split("\t") for row in page.locator("#ahp-points tbody tr").all_inner_texts()
        )
    }
    # when they apply the result to the plan's draft
    page.click("#ahp-apply")
    # then the plan edit page shows the AHP points, summing to 100, in a new draft
    assert page.url.endswith(f"/plans/{plan.pk}/edit/")
    assert float(page.locator("#weight-total").inner_text()) == pytest.approx(100)
    shown = {name: float(page.get_by_label(name, exact=True).input_value()) for name in points}
    assert shown == pytest.approx(points)
    assert shown["项目技术解决率"] != 35
    draft = plan.revisions.get(status=PlanRevision.Status.DRAFT)
    assert sum(draft.weights.values()) == pytest.approx(100)
    assert plan.revisions.get(status=PlanRevision.Status.PUBLISHED).weights["tech_resolution"] == 35


def test_inconsistent_judgements_are_applied_only_anyway_and_with_a_reason(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given judgements whose dimensions contradict each other (CR far above 0.10)
    from tests.plans.test_ahp_services import answer_everything

    world = make_world()
    answer_everything(world, inconsistent=True)
    page = new_page(browser, live_server, locale="en-GB")
    sign_in(page, "hr")
    page.goto(f"/plans/{world.plan.pk}/ahp/")
    page.wait_for_load_state("load")
    # when HR ticks the expansion stage (saved with the judgements) and presses apply
    with saved_through_htmx(page):
        page.check("#profile-form input[name=profile][value=expansion_stage]")
    assert page.locator("#ahp-override").is_visible()
    page.click("#ahp-apply")
    # then the page refuses and says why; nothing is applied
    assert "> 0.10" in page.locator(".messages").inner_text()
    assert not world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()
    # when HR applies anyway and says why
    page.check("#ahp-apply-anyway")
    page.fill("#ahp-reason", "The sales committee set these priorities on purpose")
    page.screenshot(path=str(screenshots / "ahp-apply-anyway-en.png"), full_page=True)
    page.click("#ahp-apply")
    # then the draft has the weights, and the AHP page keeps the profile and shows the reason
    page.wait_for_url(f"**/plans/{world.plan.pk}/edit/")
    assert world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()
    page.goto(f"/plans/{world.plan.pk}/ahp/")
    assert page.is_checked("#profile-form input[name=profile][value=expansion_stage]")
    assert "set these priorities on purpose" in page.locator("#ahp-last-application").inner_text()
