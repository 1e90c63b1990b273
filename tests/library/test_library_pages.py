"""Library pages: browse, detail with SMART panel, live check while editing, access rules."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kpilib.library.fetch import published_definitions
from kpilib.library.models import Indicator
from tests.factories import Org
from tests.library.conftest import IMPORTED_ON

# (the pages and publishing run the SMART check over the periods before today)
pytestmark = pytest.mark.today(IMPORTED_ON)


def signed_in(user: object) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_engineer_browses_the_library_but_cannot_edit(org: Org, presales: str) -> None:
    # given an engineer
    client = signed_in(org.engineer.user)
    # when they open the library, an indicator, and the edit page
    listing = client.get("/library/")
    detail = client.get("/library/i/complaints/")
    edit = client.get("/library/i/complaints/edit/")
    # then they can read but not edit
    assert listing.status_code == 200
    assert "Customer complaints" in listing.content.decode()
    assert detail.status_code == 200
    assert 'id="smart-check"' in detail.content.decode()
    assert edit.status_code == 403


def test_outsider_without_employee_record_cannot_read_the_library(org: Org, presales: str) -> None:
    # when a user with no employee record opens the library
    response = signed_in(org.outsider).get("/library/")
    # then it is forbidden
    assert response.status_code == 403


def test_filter_by_dimension_returns_only_its_indicators(org: Org, presales: str) -> None:
    # when HR filters by the customer value dimension through HTMX
    response = signed_in(org.hr).get(
        "/library/?dimension=customer_value", headers={"HX-Request": "true"}
    )
    # then only that dimension's indicators are listed
    page = response.content.decode()
    assert "tech_resolution" in page
    assert "daily_report" not in page


def test_live_check_flags_a_vague_definition(org: Org, presales: str) -> None:
    # given HR editing an indicator into a vague goal
    client = signed_in(org.hr)
    form = client.get("/library/i/customer_satisfaction/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["objectives"] = form.initial["objectives"]
    data["definition_en"] = "Improve customer satisfaction"
    data["definition_zh_hans"] = "提升客户满意度"
    # when the page asks for a live check
    response = client.post("/library/check/", data)
    # then the SMART panel shows Specific failing
    page = response.content.decode()
    assert 'class="verdict-fail"' in page
    assert "Specific" in page


def test_hr_saves_a_draft_and_publishes_it(org: Org, presales: str) -> None:
    # given HR editing the satisfaction full-marks line
    client = signed_in(org.hr)
    form = client.get("/library/i/customer_satisfaction/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["rule"] = data["rule"].replace("full_at: 95", "full_at: 96")
    # (the definitions state the line too, and must agree with the rule)
    data["definition_zh_hans"] = data["definition_zh_hans"].replace("95 分及以上", "96 分及以上")
    data["definition_en"] = data["definition_en"].replace("95 or more", "96 or more")
    # when they save and publish
    saved = client.post("/library/i/customer_satisfaction/edit/", data)
    published = client.post(
        "/library/i/customer_satisfaction/publish/", {"change_note": "stricter"}, follow=True
    )
    # then version 2 exists with the new line
    assert saved.status_code == 302, saved.context["form"].errors
    assert "Published version 2." in published.content.decode()
    assert (
        Indicator.objects.get(code="customer_satisfaction")
        .latest_version()
        .definition["rule"]["full_at"]
        == 96
    )


def test_compare_page_shows_the_changed_line(org: Org, presales: str) -> None:
    # given two versions of an indicator
    client = signed_in(org.hr)
    form = client.get("/library/i/customer_satisfaction/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["rule"] = data["rule"].replace("full_at: 95", "full_at: 96")
    # (the definitions state the line too, and must agree with the rule)
    data["definition_zh_hans"] = data["definition_zh_hans"].replace("95 分及以上", "96 分及以上")
    data["definition_en"] = data["definition_en"].replace("95 or more", "96 or more")
    client.post("/library/i/customer_satisfaction/edit/", data)
    client.post("/library/i/customer_satisfaction/publish/")
    # when they are compared
    response = client.get("/library/i/customer_satisfaction/compare/?left=1&right=2")
    # then the full-marks line is marked as changed
    page = response.content.decode()
    assert (
        '<tr class="changed"><td><code>rule.full_at</code></td><td>95.0</td><td>96.0</td></tr>'
        in page
    )


def test_strategy_page_and_exports(org: Org, presales: str) -> None:
    # given HR
    client = signed_in(org.hr)
    # when they open strategy and download both exports
    strategy = client.get("/library/strategy/")
    yaml_export = client.get("/library/export.yaml")
    xlsx_export = client.get("/library/export.xlsx")
    # then each answers with content
    assert strategy.status_code == 200
    assert "theme-shares-data" in strategy.content.decode()
    assert yaml_export["Content-Disposition"].endswith('kpilib-library.yaml"')
    sheet = load_workbook(io.BytesIO(xlsx_export.content))["indicators"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "code"
    assert {row[0] for row in rows[1:]} == set(published_definitions())
    assert len(rows) > 1


def test_import_page_reports_problems_with_location(org: Org, presales: str) -> None:
    # given a pack with an unknown dimension
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = presales.replace("dimension: customer_value", "dimension: nowhere", 1)
    upload = SimpleUploadedFile("bad.yaml", text.encode())
    # when HR imports it
    response = signed_in(org.hr).post("/library/import/", {"file": upload})
    # then the problem is listed with file, line and path
    page = response.content.decode()
    assert response.status_code == 400
    assert "no dimension &#x27;nowhere&#x27; in this pack" in page


def test_owner_and_purpose_are_kept_beside_the_definition(org: Org, presales: str) -> None:
    # given HR editing an indicator
    client = signed_in(org.hr)
    form = client.get("/library/i/complaints/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["owner"] = org.manager.pk
    data["purpose_en"] = "Keep customers' trust: every complaint costs points."
    # when they save
    client.post("/library/i/complaints/edit/", data)
    # then the owner and purpose show on the indicator's page
    page = client.get("/library/i/complaints/").content.decode()
    assert "Keep customers&#x27; trust" in page
    assert org.manager.name in page
