"""Cross-department solution validation in Chromium (issue 14, item 8): 张三 submits a
solution to a product and a delivery reviewer; product passes it from the review queue,
delivery fails it on a checklist item with a comment; 张三 resubmits with the reviewers
prefilled and both pass round 2. Both rounds stay on the page, and the solution-architect
plan's pass-rate line scores one passed round of two. Screenshots for the user guide."""

from pathlib import Path

import pytest

from kpilib.validation.models import Solution, ValidationRound
from tests.appraisal_fixtures import TODAY, make_world
from tests.browser.conftest import new_page, sign_in
from tests.validation.test_validation_pages import pass_rate_line

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY)]


def _verdict(page: object, solution: Solution, verdict: str, reason: str = "", comment: str = "") -> None:
    page.goto("/validation/queue/")  # type: ignore[attr-defined]
    page.click(f"#review-queue a[href='/validation/{solution.pk}/#verdict']")  # type: ignore[attr-defined]
    if reason:
        page.check(f"#verdict input[name=reasons][value={reason}]")  # type: ignore[attr-defined]
    if comment:
        page.fill("#verdict textarea[name=comment]", comment)  # type: ignore[attr-defined]
    with page.expect_navigation(wait_until="load"):  # type: ignore[attr-defined]
        page.click(f"#verdict-{verdict}")  # type: ignore[attr-defined]


def test_submit_fail_resubmit_pass_and_the_pass_rate_line(
    browser: object, live_server: object, screenshots: Path
) -> None:
    world = make_world()
    org = world.org
    # 张三 submits a solution, naming 李四 for product and 赵六 for delivery
    author = new_page(browser, live_server, locale="zh-CN")
    sign_in(author, "engineer")
    author.goto("/validation/new/")
    form = author.locator("#solution-form")
    form.locator("input[name=title]").fill("华东证券行情系统国产化方案")
    form.locator("textarea[name=summary]").fill("迁移到国产分布式数据库，双写校验三个月后切换")
    form.locator("input[name=customer_name]").fill("华东证券")
    form.locator("select[name=product_reviewers]").select_option(str(org.peer.pk))
    form.locator("select[name=delivery_reviewers]").select_option(str(org.other_team_engineer.pk))
    with author.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()
    solution = Solution.objects.get(title="华东证券行情系统国产化方案")

    # product passes from the queue; delivery fails it on deliverability
    product = new_page(browser, live_server, locale="zh-CN")
    sign_in(product, "peer")
    product.goto("/validation/queue/")
    product.screenshot(path=str(screenshots / "validation-queue-zh.png"), full_page=True)
    _verdict(product, solution, "pass")
    delivery = new_page(browser, live_server, locale="zh-CN")
    sign_in(delivery, "north")
    _verdict(delivery, solution, "fail", reason="deliverability", comment="交付排期不可行，请补充人力计划")
    assert solution.rounds.get().state == ValidationRound.State.FAILED

    # 张三 resubmits: the reviewers come prefilled, the notes say what changed
    author.goto(f"/validation/{solution.pk}/")
    assert "交付可实施性" in author.locator("#round-1").inner_text()
    author.click("#solution-resubmit")
    assert author.locator("select[name=delivery_reviewers] option:checked").count() == 1
    author.fill("textarea[name=notes]", "排期已与交付确认，补充人力计划")
    with author.expect_navigation(wait_until="load"):
        author.locator("#solution-form button[type=submit]").click()

    # both pass round 2
    _verdict(product, solution, "pass")
    _verdict(delivery, solution, "pass")
    author.goto(f"/validation/{solution.pk}/")
    assert author.locator("#round-2 .verdict-pass").count() == 2
    assert author.locator("#round-1 .verdict-fail").count() == 1  # every round is kept
    author.screenshot(path=str(screenshots / "validation-rounds-zh.png"), full_page=True)

    # the pass-rate line counts one passed round of two
    line = pass_rate_line(world)
    assert (line["status"], line["value"]) == ("scored", 0.5)
