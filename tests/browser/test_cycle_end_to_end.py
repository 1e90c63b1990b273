"""Issue 11's done-means, end to end in Chromium, once in Chinese and once in English: HR
builds a regional variant with an extra indicator and runs a cycle of it from creation to
closed — self-assessment by the team of three, the manager's review with an interview
record, calibration in the 3-person team, an appeal upheld as a data correction,
acknowledgement by all, then close. Every step goes through the pages; the only direct
writes are the arranged facts and the source's withdrawal of a wrong complaint."""

from pathlib import Path

import pytest

from kpilib.appraisal.models import Appeal, Cycle, Interview, Participant, Scorecard
from kpilib.ingest.models import Fact
from kpilib.plans.fetch import effective_plan, live_revision
from kpilib.plans.models import Plan
from tests.appraisal_fixtures import QUARTER, TODAY, add_facts, make_world
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_employee, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]

# What the pages say, per language, where a test must read words
TEXT = {
    "zh-Hans": {
        "locale": "zh-CN",
        "submitted": "已于",
        "phase": {"calibration": "校准", "closed": "已结束"},
        "allowed": "A：3 人中允许 1 人",
        "corrected": "申诉更正",
        "not_confirmed": "尚未确认",
        "confirmed": "确认",
    },
    "en": {
        "locale": "en-US",
        "submitted": "Submitted on",
        "phase": {"calibration": "calibration", "closed": "closed"},
        "allowed": "A: 1 allowed of 3",
        "corrected": "Corrected on appeal",
        "not_confirmed": "not confirmed yet",
        "confirmed": "confirmed on",
    },
}


def _team_of_three() -> object:
    """The presales world plus 王五, a third engineer in 华东 (the variant's region), and
    customer-coverage data (the variant's extra indicator) for all three."""
    world = make_world()
    wangwu = make_employee(
        "王五", world.org.team_a, manager=world.org.manager, user=make_user("wangwu")
    )
    add_facts(wangwu, "unresolved_customer", 1, customer_id="C9")
    add_facts(wangwu, "satisfaction_score", 1, 90.0)
    add_facts(wangwu, "revisit_due", 1)
    add_facts(wangwu, "revisit_done", 1)
    add_facts(wangwu, "training_exam", 1, 85.0)
    add_facts(wangwu, "daily_report", 2, 0.0)
    for person in (world.org.engineer, world.org.peer, wangwu):
        add_facts(person, "customer_assigned", 1, customer_id="K1")
        add_facts(person, "customer_assigned", 1, customer_id="K2")
        add_facts(person, "customer_visit", 1, customer_id="K1")
        add_facts(person, "demo_held", 1, customer_id="K2")
    return world, wangwu


def _build_variant(page: object, plan: Plan) -> Plan:
    """HR makes the 华东 variant with customer coverage (10 points, 10 taken from technical
    resolution) and publishes it (the steps of test_plan_variant_flow)."""
    page.goto(f"/plans/{plan.pk}/")
    variants = page.locator("#variants form")
    variants.locator("input[name=code]").fill("pe-east")
    variants.locator("input[name=name_zh_hans]").fill("华东售前工程师")
    variants.locator("input[name=name_en]").fill("Presales engineers, East")
    variants.locator("input[name=regions][value=华东]").check()
    variants.locator("button[type=submit]").click()
    page.wait_for_selector("#indicator-add")
    page.select_option("#indicator-add select[name=indicator]", "customer_coverage")
    page.click("#add-indicator")
    page.locator("input[name=weight__customer_coverage]").fill("10")
    page.fill("input[name=weight__tech_resolution]", "25")
    page.click("#save-draft")
    page.wait_for_selector("#publish-revision")
    page.click("#publish-revision")
    page.wait_for_load_state("load")
    variant = Plan.objects.get(code="pe-east")
    assert effective_plan(live_revision(variant)).weights["customer_coverage"] == 10
    return variant


def _advance(hr: object, cycle: Cycle) -> str:
    """Open the cycle page and move the cycle on with its button; each phase is finished,
    so no confirmation with a reason is asked for. The name of the phase it is in now."""
    hr.goto(f"/cycles/{cycle.pk}/")
    hr.click("#advance-phase")
    hr.wait_for_load_state("load")
    return hr.locator("#phases li.current .phase-name").inner_text() if hr.locator(
        "#phases li.current"
    ).count() else ""


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_a_regional_variant_runs_from_creation_to_a_closed_cycle(
    browser: object, live_server: object, screenshots: Path, language: str
) -> None:
    text = TEXT[language]
    world, wangwu = _team_of_three()
    org = world.org
    team = {"engineer": org.engineer, "peer": org.peer, "wangwu": wangwu}

    def page_for(username: str) -> object:
        page = new_page(browser, live_server, locale=text["locale"])
        sign_in(page, username)
        return page

    # given HR builds the 华东 variant with an extra indicator and starts a cycle of it
    hr = page_for("hr")
    variant = _build_variant(hr, world.plan)
    hr.goto(f"/plans/{variant.pk}/cycles/new/")
    hr.fill("#id_name", "2026 Q3 华东")
    hr.select_option("#id_kind", "quarterly")
    hr.fill("#id_period", QUARTER)
    hr.fill("#id_grade_targets", "A=30%")
    hr.check("#id_forced_distribution")
    hr.click("button[type=submit].primary")
    hr.wait_for_selector("#advance-phase")
    cycle = Cycle.objects.get(plan=variant)
    assert set(cycle.participants.values_list("employee__name", flat=True)) == {
        "张三", "李四", "王五",
    }
    # when HR moves through goal setting and data collection into self-assessment
    _advance(hr, cycle)
    _advance(hr, cycle)
    assert Cycle.objects.get(pk=cycle.pk).phase == Cycle.Phase.SELF_ASSESSMENT

    # and each of the three self-assesses from their home page, per indicator and overall
    people = {username: page_for(username) for username in team}
    for username, page in people.items():
        page.click("#my-cycles a[href$='/assessment/']")
        page.fill("#self-customer_coverage", f"{team[username].name}：两家客户都已拜访或演示")
        page.fill("#self-overall", f"{team[username].name} 的季度总结")
        page.click("#submit-self-assessment")
        assert text["submitted"] in page.locator("#self-status").inner_text()
    # then the phase is complete: it moves on to manager review without asking why
    _advance(hr, cycle)
    assert Cycle.objects.get(pk=cycle.pk).phase == Cycle.Phase.MANAGER_REVIEW

    # when 王经理 reviews all three from the cycle page, and records 张三's interview
    manager = page_for("manager")
    for username, employee in team.items():
        participant = Participant.objects.get(cycle=cycle, employee=employee)
        manager.goto(f"/cycles/{cycle.pk}/")
        manager.click(f"a[href='/participants/{participant.pk}/assessment/']")
        assert f"{employee.name}：两家客户都已拜访或演示" in manager.locator("#review-form").inner_text()
        manager.fill("#review-customer_coverage", "覆盖完整 / full coverage")
        manager.select_option("#review-rating", "4" if username != "peer" else "2")
        manager.fill("#review-overall", f"{employee.name}: review")
        manager.click("#submit-review")
        assert text["submitted"] in manager.locator("#review-status").inner_text()
    engineer_participant = Participant.objects.get(cycle=cycle, employee=org.engineer)
    manager.goto(f"/participants/{engineer_participant.pk}/assessment/")
    manager.fill("#interview-date", "2026-10-07")
    manager.fill("#interview-notes", "回顾计分卡，约定下季度目标 / scorecard and next goals")
    manager.check("#interview-confirm")
    manager.click("#record-interview")
    assert text["not_confirmed"] in manager.locator("#employee-confirmation").inner_text()
    # and 张三 confirms it
    people["engineer"].goto(f"/participants/{engineer_participant.pk}/assessment/")
    people["engineer"].click("#confirm-interview")
    confirmation = people["engineer"].locator("#employee-confirmation").inner_text()
    assert text["confirmed"] in confirmation
    assert text["not_confirmed"] not in confirmation
    assert Interview.objects.get().employee_confirmed_at is not None

    # when HR moves on to calibration
    assert _advance(hr, cycle) == text["phase"]["calibration"]
    # then the 3-person team's distribution allows one A, and HR moves 李四 up with a reason
    assert text["allowed"] in hr.locator("#calibration").inner_text()
    peer_row = hr.locator("#results tbody tr", has_text="李四")
    grade_before = Scorecard.objects.filter(participant__employee=org.peer).latest("revision").grade
    assert grade_before == "C"
    peer_row.locator("select[name=grade]").select_option("B")
    peer_row.locator("input[name=reason]").fill("两次投诉来自同一次客户停机 / one outage")
    peer_row.locator("button[type=submit]").click()
    hr.wait_for_load_state("load")
    assert Scorecard.objects.filter(participant__employee=org.peer).latest("revision").final_grade == "B"
    # and publishes, then opens acknowledgement
    _advance(hr, cycle)
    _advance(hr, cycle)
    assert Cycle.objects.get(pk=cycle.pk).phase == Cycle.Phase.ACKNOWLEDGEMENT

    # when 李四 appeals the data of the complaints line
    peer = people["peer"]
    peer.goto("/")
    peer.click("#my-cycles a[href^='/scorecards/']")
    peer.select_option("#appeal-form select[name=line_code]", "complaints")
    peer.fill("#appeal-form textarea[name=text]", "第二次投诉属于交付团队 / the second complaint was delivery's")
    peer.click("#appeal-form button[type=submit]")
    assert Appeal.objects.get().status == Appeal.Status.OPEN
    # and the wrong complaint is withdrawn at its source, and HR upholds the appeal
    Fact.objects.filter(employee=org.peer, metric="complaint").first().delete()
    hr.goto(f"/cycles/{cycle.pk}/")
    hr.fill("#appeals textarea[name=response]", "经核实已撤销 / withdrawn at the source")
    hr.check("#appeals input[name=uphold]")
    hr.click("#appeals button[type=submit]")
    hr.wait_for_load_state("load")
    # then 李四 has a corrected revision, re-scored from the facts
    corrected = Scorecard.objects.filter(participant__employee=org.peer).latest("revision")
    assert corrected.revision == 2
    assert corrected.appeal is not None
    complaints = next(line for line in corrected.lines if line["code"] == "complaints")
    assert complaints["value"] == 1
    assert Appeal.objects.get().status == Appeal.Status.UPHELD

    # when all three acknowledge their newest result
    for username, page in people.items():
        page.goto("/")
        page.click("#my-cycles a[href^='/scorecards/']")
        if username == "peer":
            assert text["corrected"] in page.locator("#correction").inner_text()
        page.click("#acknowledge")
        page.wait_for_load_state("load")
        assert page.locator("#acknowledge").count() == 0
    # then HR closes the cycle without being asked why
    _advance(hr, cycle)
    closed = Cycle.objects.get(pk=cycle.pk)
    assert closed.phase == Cycle.Phase.CLOSED
    assert closed.phase_change_reason == ""
    hr.screenshot(path=str(screenshots / f"cycle-closed-{language}.png"), full_page=True)
