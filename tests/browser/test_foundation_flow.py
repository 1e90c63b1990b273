"""End to end in Chromium: each role signs in and finds their home; HR imports people."""

from pathlib import Path

import pytest

from kpilib.org.models import Employee
from tests.browser.conftest import new_page, sign_in
from tests.factories import make_org

pytestmark = pytest.mark.django_db(transaction=True)


def test_engineer_signs_in_and_sees_their_home_in_chinese(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given an engineer on a Chinese browser
    make_org()
    page = new_page(browser, live_server, locale="zh-CN")
    # when they sign in
    sign_in(page, "engineer")
    # then their home page greets them in Chinese with their scorecard section
    assert page.locator("#employee-home h2").inner_text() == "我的计分卡"
    assert page.locator("#hr-home").count() == 0
    page.screenshot(path=str(screenshots / "home-engineer-zh.png"), full_page=True)


def test_manager_searches_their_team_as_they_type(
    browser: object, live_server: object, screenshots: Path
) -> None:
    # given a manager on an English browser
    make_org()
    page = new_page(browser, live_server, locale="en-US")
    sign_in(page, "manager")
    # when they open People and type part of a name
    page.click("nav >> text=People")
    page.fill("#q", "张")
    # then the list narrows to their matching report without a page load
    page.wait_for_function("() => document.querySelectorAll('#people-rows tbody tr').length === 1")
    assert "张三" in page.locator("#people-rows tbody").inner_text()
    page.screenshot(path=str(screenshots / "people-manager-en.png"), full_page=True)


def test_hr_imports_a_gbk_file_fixes_it_and_imports_it(
    browser: object, live_server: object, screenshots: Path, tmp_path: Path
) -> None:
    # given HR and a GBK file with one broken row
    make_org()
    header = "employee_id,name,email,org_unit,position,manager_id,region,hire_date\n"
    broken = tmp_path / "新员工.csv"
    broken.write_bytes(
        (
            header + "E801,周杰,zhou.jie@example.com,华南售前一组,售前工程师,,华南,2025/13/01\n"
            "E802,吴敏,wu.min@example.com,华南售前一组,售前工程师,E801,华南,2025-03-01\n"
        ).encode("gbk")
    )
    page = new_page(browser, live_server, locale="zh-CN")
    sign_in(page, "hr")
    # when they upload it
    # importing is reached from the People page (HR's navigation keeps one line)
    page.click("nav >> text=人员")
    page.click("main >> text=导入员工")
    page.set_input_files("#id_file", str(broken))
    page.click("button.primary")
    # then the broken row is explained and nothing is imported
    problems = page.locator("#import-problems")
    assert "hire_date" in problems.inner_text()
    assert "第" not in problems.locator("td").first.inner_text()  # file name cell holds the name
    assert Employee.objects.filter(employee_id__in=["E801", "E802"]).count() == 0
    page.screenshot(path=str(screenshots / "import-problems-zh.png"), full_page=True)
    # when they fix the date and upload again
    fixed = tmp_path / "新员工-修正.csv"
    fixed.write_bytes(broken.read_bytes().replace(b"2025/13/01", b"2025/01/13"))
    page.set_input_files("#id_file", str(fixed))
    page.click("button.primary")
    # then both people exist and the summary says so
    assert "新增 2 人" in page.locator(".messages").inner_text()
    assert Employee.objects.get(employee_id="E802").manager.employee_id == "E801"
