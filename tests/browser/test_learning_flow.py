"""Training and the case library in Chromium (issue 13): an engineer shares a case in
Chinese and submits it, the manager approves it from the waiting list, the +2 fact is
there and the case is found by a Chinese word; HR's certification coverage matrix. Screenshots
for the user guide."""

import datetime
from pathlib import Path

import pytest

from kpilib.audit.origin import Origin
from kpilib.cases.models import Case
from kpilib.ingest.models import Fact
from kpilib.org.models import Employee
from kpilib.training import services as training
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_org

TODAY = datetime.date(2026, 10, 8)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(TODAY.isoformat())]


def test_a_case_is_shared_approved_and_found(browser: object, live_server: object, screenshots: Path) -> None:
    org = make_org()
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "engineer")
    page.goto("/cases/new/")
    page.fill("#id_title", "招商银行核心系统容器化迁移")
    page.fill("#id_customer", "招商银行")
    page.fill("#id_industry", "金融")
    page.fill("#id_problem", "核心交易系统扩容慢，高峰期响应超过 3 秒")
    page.fill("#id_solution", "用 Kubernetes 分三批迁移，灰度发布并保留回退通道")
    page.fill("#id_result", "高峰响应时间降到 0.8 秒")
    page.fill("#id_tags", "容器，迁移")
    page.click("form.card button[type=submit]")
    page.click("#case-submit")
    assert "待审批" in page.inner_text("#case-status")

    manager = new_page(browser, live_server, locale="zh-CN")
    sign_in(manager, "manager")
    manager.goto("/cases/")
    manager.click("#cases-waiting a")
    manager.click("#case-approve")
    assert "已批准" in manager.inner_text("#case-status")
    case = Case.objects.get()
    assert Fact.objects.filter(employee=org.engineer, metric="case_shared", external_id=f"case-{case.pk}").exists()

    reader = new_page(browser, live_server, locale="zh-CN")
    sign_in(reader, "peer")
    reader.goto("/cases/")
    reader.fill("#case-query", "容器化")
    reader.click("#case-search button[type=submit]")
    assert "招商银行核心系统容器化迁移" in reader.inner_text("#case-results")
    reader.screenshot(path=str(screenshots / "case-library-zh.png"), full_page=True)


def test_hr_sees_who_holds_what(browser: object, live_server: object, screenshots: Path) -> None:
    org = make_org()
    hcie = training.certification_save(
        actor=org.hr, origin=Origin.WEB, code="hcie", name="华为 HCIE", validity_months=24
    )
    acp = training.certification_save(
        actor=org.hr, origin=Origin.WEB, code="acp", name="阿里云 ACP", validity_months=24
    )
    training.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=hcie, employee=org.engineer,
        earned_on=datetime.date(2024, 11, 1), today=TODAY,
    )
    training.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=acp, employee=org.peer,
        earned_on=datetime.date(2026, 3, 1), today=TODAY,
    )
    training.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=acp, employee=org.engineer,
        earned_on=datetime.date(2024, 6, 1), today=TODAY,
    )
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    page.goto("/training/")
    matrix = page.inner_text("#coverage")
    assert "即将到期" in matrix
    assert "已过期" in matrix
    assert "有效" in matrix
    assert Employee.objects.count() >= 3
    page.screenshot(path=str(screenshots / "training-coverage-zh.png"), full_page=True)
