"""End to end in Chromium (issue 11, item 8): the engineer self-assesses on a 390 px phone,
per indicator and overall, with a file as evidence; the manager reads it on the scorecard,
reviews per line with an overall rating and records the performance interview; the
engineer reads the review and confirms the interview."""

from pathlib import Path

import pytest

from kpilib.appraisal import services as cycle_services
from kpilib.appraisal.models import Cycle, Evidence, Interview, Participant, Scorecard
from kpilib.audit.origin import Origin
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, make_world
from tests.browser.conftest import new_page, sign_in
from tests.browser.test_phone_and_desktop_layout import assert_usable_on_a_phone, phone_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]


def cycle_in(world: World, phase: str) -> Cycle:
    cycle = cycle_services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER,
    )
    while cycle.phase != phase:
        cycle = cycle_services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY,
            early_reason="fast-forward in a test",
        )
    return cycle


def test_engineer_self_assesses_on_a_phone_and_the_manager_reviews_with_an_interview(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a cycle in self-assessment
    world = make_world()
    cycle = cycle_in(world, Cycle.Phase.SELF_ASSESSMENT)
    participant = Participant.objects.get(cycle=cycle, employee=world.org.engineer)
    # when 张三 opens his self-assessment from the home page on a phone
    phone = phone_page(browser, live_server, locale="zh-CN")
    sign_in(phone, "engineer")
    phone.click("#my-cycles a[href$='/assessment/']")
    assert_usable_on_a_phone(phone, "the self-assessment page")
    # and attaches a file, then comments on two indicators and overall, and submits
    phone.set_input_files(
        "#evidence-file",
        files=[{"name": "客户表扬信.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    phone.click("#evidence-form button[value=evidence_add]")
    assert "客户表扬信.pdf" in phone.locator("#evidence").inner_text()
    phone.fill("#self-complaints", "本季度零投诉")
    phone.fill("#self-customer_satisfaction", "两次调研均在 95 分以上")
    phone.fill("#self-overall", "完成三个项目的技术支持，分享一个案例。")
    phone.screenshot(path=str(screenshots / "self-assessment-phone-zh.png"), full_page=True)
    phone.click("#submit-self-assessment")
    # then the page says it is submitted
    assert "已于" in phone.locator("#self-status").inner_text()
    participant.refresh_from_db()
    assert participant.self_lines == {
        "complaints": "本季度零投诉",
        "customer_satisfaction": "两次调研均在 95 分以上",
    }
    assert Evidence.objects.get().file_name == "客户表扬信.pdf"

    # when HR moves on to manager review and 王经理 opens 张三's scorecard
    cycle_services.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="test"
    )
    card = Scorecard.objects.filter(participant=participant).latest("revision")
    manager = new_page(browser, live_server, locale="en-US")
    sign_in(manager, "manager")
    manager.goto(f"/scorecards/{card.pk}/")
    # then he reads the self-assessment beside the review form, and the evidence
    assert "本季度零投诉" in manager.locator("#review-form").inner_text()
    assert "客户表扬信.pdf" in manager.locator("#evidence").inner_text()
    # when he comments on a line, rates 4 and submits, then records the interview
    manager.fill("#review-complaints", "Zero complaints: keep the checklist.")
    manager.select_option("#review-rating", "4")
    manager.fill("#review-overall", "Strong quarter; lead one more case study.")
    manager.click("#submit-review")
    assert "Submitted on" in manager.locator("#review-status").inner_text()
    manager.fill("#interview-date", "2026-10-07")
    manager.fill("#interview-notes", "Went through the scorecard; agreed on next quarter's goals.")
    manager.check("#interview-confirm")
    manager.click("#record-interview")
    # then the interview waits for 张三's confirmation
    assert "not confirmed yet" in manager.locator("#employee-confirmation").inner_text()
    manager.screenshot(path=str(screenshots / "manager-review-en.png"), full_page=True)

    # when 张三 opens his page again, reads the review and confirms the interview
    phone.goto(f"/participants/{participant.pk}/assessment/")
    assert "Strong quarter" in phone.locator("#manager-review").inner_text()
    assert "超出预期" in phone.locator("#manager-review").inner_text()
    assert_usable_on_a_phone(phone, "the review as the engineer reads it")
    phone.click("#confirm-interview")
    # then both confirmations are recorded
    assert "已于" in phone.locator("#employee-confirmation").inner_text()
    interview = Interview.objects.get()
    assert interview.manager_confirmed_at
    assert interview.employee_confirmed_at
    assert str(interview.held_on) == "2026-10-07"
