"""A 360 campaign from nomination to the scorecard, in Chromium (issue 14, item 11):

张三 nominates three presales peers, one sales and one delivery colleague and invites a
customer; his manager approves, which e-mails the customer a single-use link; the customer
answers on a phone without an account, a peer answers from the home page's to-do list,
the others answer too; HR closes the campaign. 张三's report then shows the sales, delivery
and customer raters — each group too small on its own — pooled as "other", the manager
named and self apart; and once HR recomputes the cycle, the solution-architect plan's 360
协作评分 line scores from those results, its facts link leading to the report.
Screenshots for the user guide."""

import re
from pathlib import Path

import pytest
from django.core import mail

from kpilib.appraisal import services as appraisal_services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback import services
from kpilib.feedback.models import Nomination, Question
from kpilib.library.models import PlanTemplate
from kpilib.org.models import Position
from kpilib.plans import services as plan_services
from tests.browser.conftest import new_page, sign_in
from tests.conftest import pinned
from tests.factories import make_employee, make_org, make_user
from tests.library.conftest import presales_pack_text

TODAY = "2026-11-02"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]


def _world():
    """The org, the presales pack, a published solution-architect plan (it weighs
    collaboration_360) for presales engineers, its 2026 Q4 cycle in manager review, and a
    launched 360 campaign of that cycle with 张三 as its subject."""
    import datetime

    from kpilib.library.services import pack_import

    org = make_org()
    today = datetime.date.fromisoformat(TODAY)
    with pinned(today):
        pack_import(actor=SYSTEM, origin=Origin.WEB, text=presales_pack_text(), file_name="presales.yaml")
    plan = plan_services.plan_create_from_template(
        actor=org.hr, origin=Origin.WEB, template=PlanTemplate.objects.get(code="solution-architect"),
        code="sa-2026", name_zh_hans="解决方案架构考核 2026", name_en="Solution architects 2026",
        positions=[Position.objects.get(code="presales-engineer")],
    )
    plan_services.revision_publish(actor=org.hr, origin=Origin.WEB, revision=plan.revisions.get())
    cycle = appraisal_services.cycle_create(
        actor=org.hr, origin=Origin.WEB, plan=plan, name="2026 Q4", kind="quarterly", period="2026-Q4"
    )
    while cycle.phase != Cycle.Phase.MANAGER_REVIEW:
        cycle = appraisal_services.cycle_advance(
            actor=org.hr, origin=Origin.WEB, cycle=cycle, today=today, early_reason="fast-forward in a test"
        )
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    campaign = services.campaign_create(
        actor=org.hr, origin=Origin.WEB, name="2026 Q4 360", name_en="2026 Q4 360", questionnaire=questionnaire,
        deadline=datetime.date(2026, 11, 20), today=today, cycle=cycle,
        group_limits={"peer": [3, 4], "sales": [1, 2], "delivery": [0, 2], "customer": [0, 2]},
    )
    services.campaign_add_subjects(actor=org.hr, origin=Origin.WEB, campaign=campaign, employees=[org.engineer])
    services.campaign_launch(
        actor=org.hr, origin=Origin.WEB, campaign=campaign, today=today,
        now=datetime.datetime.combine(today, datetime.time(9), tzinfo=datetime.UTC),
    )
    colleagues = {
        "钱七": make_employee("钱七", org.team_a, manager=org.manager, user=make_user("qian")),
        "孙销售": make_employee("孙销售", org.team_a, position="sales", user=make_user("sales")),
        "周交付": make_employee("周交付", org.team_a, position="delivery-engineer", user=make_user("delivery")),
    }
    return org, cycle, campaign, colleagues


def _answer_everything(page: object, score: int) -> None:
    """Every rating question on the form gets `score`, and the first a comment."""
    questions = page.locator("fieldset.question .scale")  # type: ignore[attr-defined]
    for index in range(questions.count()):
        questions.nth(index).locator(f"input[value='{score}']").check()
    page.locator("textarea[name^='comment-']").first.fill("需求澄清及时，方案讲解清楚")  # type: ignore[attr-defined]


def _answers(campaign: object, score: int) -> dict:
    return {
        question.code: {"score": score, "comment": ""}
        for question in campaign.questionnaire.questions.filter(kind=Question.Kind.RATING)  # type: ignore[attr-defined]
    }


def test_nomination_approval_answers_and_a_pooled_report_reach_the_scorecard(
    browser: object, live_server: object, screenshots: Path
) -> None:
    import datetime

    org, cycle, campaign, colleagues = _world()
    subject = campaign.subjects.get(employee=org.engineer)

    # 张三 nominates from his 360 page: three peers, a sales and a delivery colleague, a customer
    engineer = new_page(browser, live_server, locale="zh-CN")
    sign_in(engineer, "engineer")
    engineer.goto("/feedback/")
    engineer.click(f"#feedback-own a[href='/feedback/subjects/{subject.pk}/']")
    assert "售前同事" in engineer.locator("#shortfalls").inner_text()  # the form names the short group
    for relationship, colleague in (
        ("peer", org.peer), ("peer", org.other_team_engineer), ("peer", colleagues["钱七"]),
        ("sales", colleagues["孙销售"]), ("delivery", colleagues["周交付"]),
    ):
        form = engineer.locator("#nominate-form")
        form.locator("select[name=relationship]").select_option(relationship)
        form.locator("select[name=rater]").select_option(str(colleague.pk))
        with engineer.expect_navigation(wait_until="load"):
            form.locator("button[type=submit]").click()
    customer = engineer.locator("#customer-form")
    customer.locator("input[name=external_name]").fill("刘总")
    customer.locator("input[name=external_email]").fill("liu@customer.example")
    with engineer.expect_navigation(wait_until="load"):
        customer.locator("button[type=submit]").click()
    assert engineer.locator("#shortfalls").count() == 0  # every group at its minimum
    engineer.screenshot(path=str(screenshots / "feedback-nominations-zh.png"), full_page=True)
    with engineer.expect_navigation(wait_until="load"):
        engineer.click("#nominations-submit")

    # the manager approves from the home page's list; the customer's link goes out by e-mail
    manager = new_page(browser, live_server, locale="zh-CN")
    sign_in(manager, "manager")
    manager.goto("/feedback/")
    manager.click(f"#feedback-approve a[href='/feedback/subjects/{subject.pk}/']")
    with manager.expect_navigation(wait_until="load"):
        manager.click("#nominations-approve")
    assert manager.locator("#subject-state").get_attribute("class") == "badge active"
    links = [re.search(r"https?://\S+/feedback/link/\S+/", message.body) for message in mail.outbox]
    link = next(found.group(0) for found in links if found)

    # the customer answers on a phone, without an account
    phone = browser.new_context(  # type: ignore[attr-defined]
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url  # type: ignore[attr-defined]
    ).new_page()
    phone.goto(link)
    assert "至少 3" in phone.locator("#anonymity").inner_text()  # the rules, before answering
    _answer_everything(phone, 3)
    phone.screenshot(path=str(screenshots / "feedback-customer-form-phone-zh.png"), full_page=True)
    with phone.expect_navigation(wait_until="load"):
        phone.click("#feedback-submit")
    phone.goto(link)  # single use
    assert phone.locator("#feedback-form").count() == 0

    # 李四 answers from his to-do list, saving a draft first
    peer = new_page(browser, live_server, locale="zh-CN")
    sign_in(peer, "peer")
    peer.goto("/feedback/")
    own_form = Nomination.objects.get(subject=subject, rater=org.peer)
    peer.click(f"#feedback-todo a[href='/feedback/forms/{own_form.pk}/']")
    _answer_everything(peer, 5)
    with peer.expect_navigation(wait_until="load"):
        peer.click("#feedback-save")
    assert peer.locator("fieldset.question input[value='5']:checked").count() > 0  # the draft kept
    with peer.expect_navigation(wait_until="load"):
        peer.click("#feedback-submit")

    # the others answer: self 5, the manager 4, the other peers 4, sales 2 and delivery 4
    now = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)
    scores = {"self": 5, "manager": 4, "peer": 4, "sales": 2, "delivery": 4}
    for nomination in Nomination.objects.filter(subject=subject, rater__isnull=False).exclude(rater=org.peer):
        services.response_save(
            actor=nomination.rater.user, origin=Origin.WEB, nomination=nomination,
            answers=_answers(campaign, scores[nomination.relationship]), submit=True, now=now,
        )

    # HR closes the campaign
    hr = new_page(browser, live_server, locale="zh-CN")
    sign_in(hr, "hr")
    hr.goto(f"/feedback/campaigns/{campaign.pk}/")
    with hr.expect_navigation(wait_until="load"):
        hr.click("#campaign-close")

    # 张三's report: manager named, peers shown, sales + delivery + customer pooled as other
    engineer.goto(f"/feedback/subjects/{subject.pk}/report/")
    groups = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in engineer.locator("#results-groups tbody tr").all()
    }
    assert groups == {"直属上级": "1", "售前同事": "3", "其他": "3"}, groups
    # overall = (4 + 5 + 4 + 4 + 3 + 2 + 4) / 7 over the manager, peers and the pool
    assert engineer.locator("#results-overall strong").first.inner_text() == "3.71"
    assert "需求澄清及时" in engineer.locator("#results-comments").inner_text()
    engineer.screenshot(path=str(screenshots / "feedback-report-zh.png"), full_page=True)

    # HR recomputes the cycle: the 360 line scores from the campaign's facts
    hr.goto(f"/cycles/{cycle.pk}/")
    with hr.expect_navigation(wait_until="load"):
        hr.click(f"form[action='/cycles/{cycle.pk}/recompute/'] button")
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=org.engineer).latest("revision")
    line = next(line for line in card.lines if line["code"] == "collaboration_360")
    # the mean of the four competencies' facts, 26/7 each: 3 or less earns 0, 4.5 full marks
    assert line["value"] == pytest.approx(26 / 7)
    assert line["points"] == pytest.approx((26 / 7 - 3) / 1.5 * line["max_points"])
    hr.goto(f"/scorecards/{card.pk}/facts/collaboration_360/")
    with hr.expect_navigation(wait_until="load"):
        hr.click(f"a[href='/feedback/subjects/{subject.pk}/report/']")
    assert hr.locator("#results-groups").count() == 1
    assert "孙销售" not in hr.content()  # no rater's name next to the results
    assert "liu@customer.example" not in hr.content()
