"""End to end in Chromium: plans from templates, delegated plan administration, the what-if,
a cycle run to publication with a calibration move, explained scorecards, and an appeal
answered with a corrected revision."""

import re
from pathlib import Path

import pytest

from kpilib.appraisal import services as cycle_services
from kpilib.appraisal.models import Appeal, Cycle, Scorecard
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.models import Fact
from kpilib.library.services import pack_import
from kpilib.plans import services as plan_services
from kpilib.plans.models import Plan, PlanRevision
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, make_world
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_org
from tests.library.conftest import presales_pack_text

# (the pages show a cycle's progress and run the SMART check as of today)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]


def published_cycle(world: World) -> Cycle:
    cycle = cycle_services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = cycle_services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    return cycle


def settle_charts(page: object) -> None:
    """Wait until every ECharts chart has finished animating, so a screenshot shows it drawn."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll("[_echarts_instance_]")].every(
            (element) => echarts.getInstanceByDom(element).getZr().animation.isFinished())"""
    )


def row_of(page: object, container: str, name: str) -> object:
    return page.locator(f"{container} tbody tr", has_text=name)  # type: ignore[attr-defined]


def test_hr_creates_a_plan_from_the_template_publishes_it_and_delegates_it(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given HR, the organisation and the presales pack, but no plan yet
    org = make_org()
    pack_import(actor=SYSTEM, origin=Origin.WEB, text=presales_pack_text(), file_name="presales.yaml")
    page = new_page(browser, live_server, locale="en-US")
    sign_in(page, "hr")
    # when HR creates a plan for presales engineers from the presales-engineer template
    page.click("nav >> text=Plans")
    page.click("a[href='/plans/new/']")
    page.select_option("#id_template", label="Presales engineer appraisal")
    page.fill("#id_code", "pe-east-2026")
    page.fill("#id_name_zh_hans", "华东售前工程师考核 2026")
    page.fill("#id_name_en", "East presales engineers 2026")
    page.check("label:has-text('Presales engineer') >> input[type=checkbox]")
    page.click("button[type=submit].primary")
    # then the plan exists as a draft with the template's six indicators
    assert "not published" in page.locator("h1").inner_text()
    plan = Plan.objects.get(code="pe-east-2026")
    # when HR opens the draft and publishes it
    page.click(f"a[href='/plans/{plan.pk}/edit/']")
    assert float(page.locator("#weight-total").inner_text()) == 100
    page.click("#publish-revision")
    # then revision 1 is live and the page lists the weights
    assert "revision 1 live" in page.locator("h1").inner_text()
    assert plan.revisions.get().status == PlanRevision.Status.PUBLISHED
    assert (
        "Project technical resolution"
        in page.locator(".card", has_text="Indicators and weights").inner_text()
    )
    # when HR delegates the plan to the team's manager
    page.select_option("#plan-admins select[name=employee]", value=str(org.manager.pk))
    page.click("#plan-admins button:has-text('Delegate')")
    # then the manager is listed as the plan's administrator
    assert "王经理" in page.locator("#plan-admin-list").inner_text()
    assert list(plan.administrators.all()) == [org.manager]
    page.screenshot(path=str(screenshots / "plan-detail-en.png"), full_page=True)


def test_plan_administrator_compares_a_reweighted_draft_with_the_live_plan(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a live plan and a quarter of facts, administered by the team manager
    world = make_world()
    plan_services.plan_set_administrator(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, employee=world.org.manager, admin=True
    )
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "manager")
    # when the manager opens the plan from the plans list and starts a draft
    page.click("nav a[href='/plans/']")
    page.click(f"a[href='/plans/{world.plan.pk}/']")
    page.click(f"a[href='/plans/{world.plan.pk}/edit/']")
    # and moves 10 points from technical resolution to complaints and saves the draft
    page.fill("input[name=weight__tech_resolution]", "25")
    page.fill("input[name=weight__complaints]", "25")
    assert float(page.locator("#weight-total").inner_text()) == 100
    page.click("#save-draft")
    page.wait_for_load_state("load")  # HTMX is ready
    # and runs the what-if for 2026-Q3
    page.fill("#whatif input[name=period]", QUARTER)
    page.click("#whatif button[type=submit]")
    page.wait_for_selector("#whatif-result table.whatif")
    # then 李四, who had two complaints, drops from C (63.00) to D (57.76) under the draft
    peer = row_of(page, "#whatif-result", "李四").locator("td")
    assert [peer.nth(i).inner_text() for i in (1, 2, 4, 5)] == ["63.00", "C", "57.76", "D"]
    assert "changed" in (row_of(page, "#whatif-result", "李四").get_attribute("class") or "")
    # and 张三, with full marks on both indicators, keeps their total
    engineer = row_of(page, "#whatif-result", "张三").locator("td")
    assert engineer.nth(1).inner_text() == engineer.nth(4).inner_text() == "98.00"
    # and the live revision is untouched
    draft = world.plan.revisions.get(status=PlanRevision.Status.DRAFT)
    assert draft.weights["complaints"] == 25
    page.screenshot(path=str(screenshots / "plan-whatif-zh.png"), full_page=True)


def test_hr_runs_a_cycle_to_publication_with_a_calibration_move(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a live plan with a quarter of facts
    world = make_world()
    page = new_page(browser, live_server, locale="en-US")
    sign_in(page, "hr")
    # when HR starts a quarterly cycle for 2026-Q3 from the plan page
    page.goto(f"/plans/{world.plan.pk}/")
    page.click(f"a[href='/plans/{world.plan.pk}/cycles/new/']")
    page.fill("#id_name", "2026 Q3 presales")
    page.select_option("#id_kind", "quarterly")
    page.fill("#id_period", QUARTER)
    page.click("button[type=submit].primary")
    # then the cycle starts in goal setting
    assert page.locator("#phases li.current .phase-name").inner_text() == "goal setting"
    # when HR moves it phase by phase up to self-assessment
    for phase in ("data collection", "self-assessment"):
        page.click("#advance-phase")
        assert page.locator("#phases li.current .phase-name").inner_text() == phase
    # and on from self-assessment, which nobody has done yet
    page.click("#advance-phase")
    # then a confirmation step shows how far the phase got and asks why move on early
    assert "0 of 3 self-assessed" in page.locator("#phase-completion").inner_text()
    assert page.locator("#phases").count() == 0
    # when HR gives a reason and confirms, and does the same for manager review
    page.fill("#id_reason", "Self-assessment is done on paper this quarter")
    page.click("#confirm-advance")
    assert page.locator("#phases li.current .phase-name").inner_text() == "manager review"
    page.click("#advance-phase")
    assert "0 of 3 reviewed by their manager" in page.locator("#phase-completion").inner_text()
    page.fill("#id_reason", "Reviews were held in the team meeting")
    page.click("#confirm-advance")
    assert page.locator("#phases li.current .phase-name").inner_text() == "calibration"
    assert world.plan.cycles.get().phase_change_reason == "Reviews were held in the team meeting"
    # then both engineers are scored, 李四 with 63.00 (C)
    peer_row = row_of(page, "#results", "李四")
    assert "63.00" in peer_row.inner_text()
    # when HR moves 李四 from C to B with a reason
    peer_row.locator("select[name=grade]").select_option("B")
    peer_row.locator("input[name=reason]").fill("Both complaints came from one customer outage")
    peer_row.locator("button:has-text('Move')").click()
    # then the row shows B, calibrated from C, and the lanes put 李四 under B
    peer_row = row_of(page, "#results", "李四")
    assert "B calibrated from C" in peer_row.inner_text()
    assert "李四" in page.locator(".lane[data-grade=B]").inner_text()
    settle_charts(page)
    page.screenshot(path=str(screenshots / "cycle-calibration-en.png"), full_page=True)
    # when HR moves the cycle on to publication
    page.click("#advance-phase")
    # then every scorecard is published with the calibrated grade
    assert page.locator("#phases li.current .phase-name").inner_text() == "publication"
    assert "published" in row_of(page, "#results", "李四").inner_text()
    card = Scorecard.objects.get(participant__employee=world.org.peer)
    assert (card.final_grade, card.calibration_reason) == (
        "B",
        "Both complaints came from one customer outage",
    )
    assert card.published_at is not None


def test_engineer_reads_their_explained_scorecard_and_its_facts_in_chinese(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given published results for 2026-Q3
    world = make_world()
    published_cycle(world)
    page = new_page(browser, live_server, locale="zh-CN")
    # when 张三 signs in on a Chinese browser and opens their scorecard from the home page
    sign_in(page, "engineer")
    page.click("#my-cycles a[href^='/scorecards/']")
    # then every indicator shows points of its maximum and a Chinese explanation
    assert page.locator("#scorecard-total strong").first.inner_text() == "98.00"
    rows = page.locator("#scorecard-lines tbody tr")
    assert rows.count() == 6
    for index in range(6):
        cells = rows.nth(index).locator("td")
        assert re.fullmatch(r"\d+\.\d\d / \d+\.\d\d", cells.nth(2).inner_text())
        assert re.search(r"[\u4e00-\u9fff]", cells.nth(3).inner_text())
    satisfaction = row_of(page, "#scorecard-lines", "客户满意度")
    assert satisfaction.locator("td").nth(2).inner_text() == "15.00 / 15.00"
    assert "96" in satisfaction.locator("td.explanation").inner_text()
    settle_charts(page)
    page.screenshot(path=str(screenshots / "scorecard-engineer-zh.png"), full_page=True)
    # when they follow the facts link of the satisfaction line
    satisfaction.locator("a[href$='/facts/customer_satisfaction/']").click()
    # then they see the two survey responses behind it, with the line's Chinese explanation
    facts = page.locator("table tbody tr")
    assert facts.count() == 2
    assert all("客户满意度评分" in text for text in facts.all_inner_texts())
    assert "96" in page.locator("p.muted").first.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", page.locator("p.muted").first.inner_text())
    page.screenshot(path=str(screenshots / "scorecard-facts-zh.png"), full_page=True)


def test_upheld_appeal_gives_the_engineer_a_corrected_revision_with_the_reason(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given published results in which 李四 has two complaints (63.00, C)
    world = make_world()
    published_cycle(world)
    engineer = new_page(browser, live_server, locale="zh-CN")
    sign_in(engineer, "peer")
    engineer.click("#my-cycles a[href^='/scorecards/']")
    assert engineer.locator("#scorecard-total strong").first.inner_text() == "63.00"
    # when 李四 appeals the data of the complaints line
    appeal_text = "第二次投诉针对的是另一团队交付的产品，不应计入我的投诉次数。"
    engineer.select_option("#appeal-form select[name=line_code]", "complaints")
    engineer.fill("#appeal-form textarea[name=text]", appeal_text)
    engineer.click("#appeal-form button[type=submit]")
    # then the appeal is on their scorecard, still open
    assert appeal_text in engineer.locator("#acknowledge-appeal").inner_text()
    appeal = Appeal.objects.get()
    assert appeal.status == Appeal.Status.OPEN
    # when the wrong complaint is withdrawn at the source and HR upholds the appeal
    Fact.objects.filter(employee=world.org.peer, metric="complaint").first().delete()
    reason = "经核实，第二次投诉属于交付团队，已从投诉记录中撤销。"
    hr = new_page(browser, live_server, locale="en-US")
    sign_in(hr, "hr")
    hr.goto("/")
    hr.click("#due .appeal-due a")
    assert "About the data of Customer complaints" in hr.locator("#appeals").inner_text()
    # HR first picks a grade that the corrected total does not give, without saying why
    hr.fill("#appeals textarea[name=response]", reason)
    hr.check("#appeals input[name=uphold]")
    hr.select_option("#appeals select[name=grade]", "A")
    hr.click("#appeals button:has-text('Answer')")
    # the answer comes back as typed, asking why; HR leaves the grade to the total instead
    assert "gives C: say why the grade is A" in hr.locator("#appeals").inner_text()
    assert hr.locator("#appeals textarea[name=response]").input_value() == reason
    hr.select_option("#appeals select[name=grade]", "")
    hr.click("#appeals button:has-text('Answer')")
    assert hr.locator("#appeals").count() == 0
    assert "corrected on appeal" in row_of(hr, "#results", "李四").inner_text()
    assert "calibrated" not in row_of(hr, "#results", "李四").inner_text()
    # then 李四 sees the corrected revision 2 from their home page, with the reason
    engineer.goto("/")
    assert "68.00" in engineer.locator("#my-cycles").inner_text()
    engineer.click("#my-cycles a[href^='/scorecards/']")
    assert reason in engineer.locator("#correction").inner_text()
    assert engineer.locator("#scorecard-total strong").first.inner_text() == "68.00"
    assert "申诉更正" in engineer.locator("#correction").inner_text()
    complaints = row_of(engineer, "#scorecard-lines", "客户投诉次数")
    assert complaints.locator("td").nth(2).inner_text().startswith("10.00 / 15.00")
    assert "5.00" in complaints.locator(".was").nth(1).inner_text()
    assert reason in engineer.locator("#acknowledge-appeal").inner_text()
    assert Appeal.objects.get().status == Appeal.Status.UPHELD
    revisions = Scorecard.objects.filter(participant__employee=world.org.peer)
    assert sorted(revisions.values_list("revision", flat=True)) == [1, 2]
    settle_charts(engineer)
    engineer.screenshot(path=str(screenshots / "appeal-answered-zh.png"), full_page=True)
    # when they acknowledge the corrected result, no appeal form is offered any more
    engineer.click("#acknowledge")
    assert engineer.locator("#appeal-form").count() == 0
