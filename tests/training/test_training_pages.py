"""The training pages (issue 13, items 8 and 9): HR keeps the catalogues, records and
imports; managers see their team's coverage; an engineer sees their own."""

import datetime

import pytest
from django.test import Client

from kpilib.audit.origin import Origin
from kpilib.ingest.models import Fact
from kpilib.training import services
from kpilib.training.models import Exam
from tests.factories import Org, make_org

TODAY = datetime.date(2026, 10, 8)
pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def org(db: None) -> Org:
    org = make_org()
    hcie = services.certification_save(
        actor=org.hr, origin=Origin.WEB, code="hcie", name="华为 HCIE", validity_months=24
    )
    services.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=hcie, employee=org.engineer,
        earned_on=datetime.date(2024, 11, 1), today=TODAY,
    )
    return org


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


def test_hr_adds_an_exam_and_records_an_attempt(org: Org) -> None:
    hr = client(org.hr)
    response = hr.post("/training/", {"code": "product-q3", "name": "产品知识考试", "pass_line": "80", "counting": "highest"})
    assert response.status_code == 302
    exam = Exam.objects.get(code="product-q3")
    response = hr.post(
        f"/training/exams/{exam.code}/",
        {"employee": org.engineer.pk, "taken_on": "2026-09-10", "score": "86"},
    )
    assert response.status_code == 302
    assert Fact.objects.get(employee=org.engineer, metric="training_exam").value == 86.0
    page = hr.get(f"/training/exams/{exam.code}/").content.decode()
    assert "1 of 1 person passed." in page


def test_a_refused_attempt_keeps_the_form(org: Org) -> None:
    services.exam_save(actor=org.hr, origin=Origin.WEB, code="product-q3", name="产品知识考试")
    response = client(org.hr).post(
        "/training/exams/product-q3/", {"employee": org.engineer.pk, "taken_on": "2027-01-01", "score": "86"}
    )
    assert response.status_code == 200
    assert "An exam cannot be taken in the future." in response.content.decode()


def test_the_manager_sees_the_teams_coverage_with_expiring_and_never_held(org: Org) -> None:
    page = client(org.manager.user).get("/training/").content.decode()
    assert 'id="coverage"' in page
    assert "expires soon" in page  # 张三's HCIE expires 2026-11-01
    assert "never held" in page  # 李四
    assert 'id="expiring"' in page
    assert "Add an exam" not in page  # catalogues are HR's


def test_an_engineer_sees_only_themself_and_may_not_record(org: Org) -> None:
    engineer = client(org.peer.user)
    page = engineer.get("/training/").content.decode()
    assert org.peer.name in page
    assert org.engineer.name not in page
    assert engineer.post("/training/certifications/new/", {"code": "x", "name": "x"}).status_code == 403


def test_an_lms_upload_with_a_bad_row_imports_nothing_and_names_the_line(org: Org) -> None:
    services.exam_save(actor=org.hr, origin=Origin.WEB, code="product-q3", name="产品知识考试")
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = f"工号,考试编码,成绩,考试日期,记录ID\n{org.engineer.employee_id},product-q3,abc,2026-08-05,R1\n"
    response = client(org.hr).post(
        "/training/exams/import/",
        {"file": SimpleUploadedFile("lms.csv", text.encode("gbk"))},
        follow=True,
    )
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "lms.csv:2: 成绩" in html
    assert not Fact.objects.filter(metric="training_exam").exists()


def test_chinese_pages(org: Org) -> None:
    page = client(org.hr, "zh-hans").get("/training/").content.decode()
    assert "培训与认证" in page


def test_the_api_reads_results_and_coverage_in_scope_and_hr_records(org: Org) -> None:
    services.exam_save(actor=org.hr, origin=Origin.WEB, code="product-q3", name="产品知识考试")
    hr = client(org.hr)
    created = hr.post(
        "/api/exams/product-q3/attempts",
        {"employee": org.engineer.pk, "taken_on": "2026-09-01", "score": 82},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["passed"] is True
    refused = client(org.manager.user).post(
        "/api/exams/product-q3/attempts",
        {"employee": org.engineer.pk, "taken_on": "2026-09-01", "score": 82},
        content_type="application/json",
    )
    assert refused.status_code == 403
    peer = client(org.peer.user)
    assert peer.get("/api/exams/product-q3/results").json() == []  # 张三's result is not theirs
    rows = client(org.manager.user).get("/api/certifications/coverage").json()
    states = {(row["name"], row["certification"]): row["state"] for row in rows}
    assert states[(org.engineer.name, "hcie")] == "expiring"
    assert states[(org.peer.name, "hcie")] == "never"
