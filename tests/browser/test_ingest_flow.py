"""End to end in Chromium: HR uploads a GBK Zoho CRM export with broken rows, sees each one
explained, imports the good rows, fixes the others in the quarantine and re-submits them."""

from pathlib import Path

import pytest

from kpilib.ingest.models import Fact, QuarantinedRow
from kpilib.org.models import Employee
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_position, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ZOHO_EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "connectors" / "zoho_deals_gbk.csv"


def test_hr_imports_a_zoho_export_quarantines_broken_rows_and_resubmits_them(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given HR and a team whose e-mails the Zoho export names
    unit = make_unit("华东售前一组")
    for number, name, email in (
        ("E1001", "张伟", "zhang.wei@example.com"),
        ("E1002", "李娜", "li.na@example.com"),
        ("E1003", "王芳", "wang.fang@example.com"),
    ):
        Employee.objects.create(
            employee_id=number, name=name, email=email, org_unit=unit, position=make_position()
        )
    make_user("hr", hr_admin=True)
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    # when HR uploads the GBK deals export to a new Zoho CRM source and accepts the mapping
    page.click("nav a[href='/ingest/']")
    page.set_input_files("#id_file", str(ZOHO_EXPORT))
    page.fill("#id_new_source", "zoho")
    page.select_option("#id_new_kind", "zoho_deals")
    page.click("#upload button.primary")
    page.click("#mapping-form button.primary")
    # then the preview explains every broken row by line, column and reason
    problems = page.locator("#import-problems").inner_text()
    assert "未知负责人 张三（zhangsan@example.com）" in problems
    assert "2025/13/01" in problems
    assert "occurred_on" in problems
    assert not Fact.objects.exists()
    page.screenshot(path=str(screenshots / "ingest-preview-zh.png"), full_page=True)
    # when HR imports the good rows and keeps the others in the quarantine
    page.click("#commit-partial")
    # then the good rows are facts and the batch page offers to fix the rest
    page.wait_for_selector("#batch-counts")
    assert Fact.objects.count() == 3
    page.click("#fix-quarantined")
    assert page.locator("#quarantine-form tbody tr").count() == 3
    page.screenshot(path=str(screenshots / "ingest-quarantine-zh.png"), full_page=True)
    # when HR maps the CRM owner 张三 to 王芳, corrects the two dates and re-submits all rows
    page.goto("/ingest/sources/zoho/")
    page.fill("#id_alias", "张三")
    page.fill("#id_employee_number", "E1003")
    page.click("#alias-form button.primary")
    page.goto("/ingest/quarantine/?source=zoho")
    rows = {row.line: row.pk for row in QuarantinedRow.objects.all()}
    page.fill(f"#q{rows[6]} input[name$='-occurred_on']", "2025-01-13")
    page.fill(f"#q{rows[8]} input[name$='-occurred_on']", "2025-03-30")
    page.check("#quarantine-form thead input[type=checkbox]")
    page.click("#resubmit")
    # then every row is a fact, of the right person, and nothing waits
    page.wait_for_selector(".messages")
    assert Fact.objects.count() == 6
    assert not QuarantinedRow.objects.filter(status="open").exists()
    assert Fact.objects.get(external_id="zcrm_4876876000000123006").employee.name == "王芳"
