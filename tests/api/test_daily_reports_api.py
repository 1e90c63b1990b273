"""`POST /api/daily-reports` with a personal access token the person made on their own page:
stored hashed and shown once, revoked by its owner, refused after; the report is the token
owner's; a refusal names the field; the OpenAPI document describes it."""

import hashlib
import re

import pytest
from django.test import Client

from kpilib.accounts.models import PersonalAccessToken
from kpilib.audit.models import AuditEvent
from kpilib.dailyreports.models import DailyReport
from kpilib.ingest.models import Fact
from tests.factories import Org

# Friday 2026-10-09, from 10:00 in Shanghai: today's report is due at 10:00 on Saturday 10-10 (调休).
pytestmark = pytest.mark.today("2026-10-09")
REPORT = {
    "answers": {
        "done": "拜访招商银行客户，完成 POC 环境部署，测试 3 个接口",
        "findings": "连接池在并发 200 时超时，建议调大连接池",
        "plan": "1. 整理 POC 报告",
    }
}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _make_token(client: Client, name: str = "手机快捷指令") -> str:
    page = client.post("/accounts/tokens/", {"name": name}).content.decode()
    match = re.search(r'<code translate="no" id="new-token-value">(kpp_[^<]+)</code>', page)
    assert match, "the new token is shown on the page"
    return match.group(1)


def _post(token: str, body: dict) -> object:
    return Client().post(
        "/api/daily-reports", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_token_made_on_my_page_posts_my_report_and_is_stored_only_hashed(org: Org) -> None:
    # given the engineer makes a token on their own page
    client = _signed_in(org.engineer.user)
    raw = _make_token(client)
    # then only its hash and first characters are kept, and the list never shows it again
    token = PersonalAccessToken.objects.get(user=org.engineer.user)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    assert raw not in client.get("/accounts/tokens/").content.decode()
    assert raw not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert token.token_hash not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    # when a tool posts today's report with it
    response = _post(raw, REPORT)
    # then it is the engineer's report, submitted on time, and the submission is a fact
    assert response.status_code == 200, response.content
    body = response.json()
    report = DailyReport.objects.get(pk=body["id"])
    assert (report.author, report.status, report.on_time) == (org.engineer, "submitted", True)
    assert body["report_date"] == "2026-10-09"
    assert body["deadline"].startswith("2026-10-10T")
    assert Fact.objects.filter(employee=org.engineer, metric="daily_report_on_time").count() == 1
    assert AuditEvent.objects.filter(object_type="dailyreports.dailyreport", origin="api").exists()
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_draft_can_be_replaced_until_it_is_submitted(org: Org) -> None:
    raw = _make_token(_signed_in(org.engineer.user))
    draft = _post(raw, {"answers": {"done": "草稿"}, "submit": False}).json()
    assert draft["status"] == "draft"
    submitted = _post(raw, REPORT).json()
    assert (submitted["id"], submitted["status"]) == (draft["id"], "submitted")
    # a submitted report is refused
    again = _post(raw, REPORT)
    assert again.status_code == 400
    assert again.json()["detail"] == "This report was already submitted."


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"answers": {"findings": "无"}}, "answers.done", "今日完成 is required."),
        ({"answers": {"done": "x", "mood": "好"}}, "answers.mood", "mood is not a field of your report; its fields are done, findings, plan."),
        ({"report_date": "2026-10-12", "answers": {"done": "x"}}, "report_date", "A daily report cannot be written for a day that has not come."),
        ({"answers": {"done": "x"}, "checklist_done": [3]}, "checklist_done", "That item is not on yesterday's plan. It has 0 items, numbered from 0."),
        ({"answers": {"done": "x" * 5001}}, "answers.done", "今日完成 is longer than 5000 characters."),
    ],
)
def test_a_refusal_names_the_field(org: Org, body: dict, field: str, detail: str) -> None:
    raw = _make_token(_signed_in(org.engineer.user))
    response = _post(raw, body)
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["detail"]) == (field, detail)
    assert not DailyReport.objects.exists()


def test_a_body_that_does_not_parse_names_its_field(org: Org) -> None:
    raw = _make_token(_signed_in(org.engineer.user))
    response = _post(raw, {"report_date": "yesterday", "answers": {"done": "x"}})
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["report_date"]


def test_a_revoked_or_wrong_token_is_refused_and_only_the_owner_revokes(org: Org) -> None:
    # given a token of the engineer
    owner = _signed_in(org.engineer.user)
    raw = _make_token(owner)
    token = PersonalAccessToken.objects.get()
    # then someone else cannot revoke it (as if it did not exist)
    assert _signed_in(org.peer.user).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    # when the owner revokes it
    assert owner.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    # then it is refused, as are a made-up token and a session without a token
    assert _post(raw, REPORT).status_code == 401
    assert _post("kpp_made-up", REPORT).status_code == 401
    assert owner.post("/api/daily-reports", REPORT, content_type="application/json").status_code == 401
    assert not DailyReport.objects.exists()
    assert "revoked" in owner.get("/accounts/tokens/").content.decode()


def test_a_data_source_token_is_not_a_personal_token(org: Org) -> None:
    # the fact-intake tokens (kpi_…) are for POST /api/facts only
    from kpilib.audit.origin import Origin
    from kpilib.ingest.models import Source
    from kpilib.ingest.services import api_token_create

    _, raw = api_token_create(
        actor=org.hr, origin=Origin.WEB, name="crm", user=org.engineer.user,
        source=Source.objects.create(name="crm"),
    )
    assert _post(raw, REPORT).status_code == 401


def test_a_token_needs_a_name(org: Org) -> None:
    client = _signed_in(org.engineer.user)
    response = client.post("/accounts/tokens/", {"name": "  "}, follow=True)
    assert "Give the token a name" in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_the_openapi_document_describes_the_endpoint_and_its_bearer_auth(org: Org) -> None:
    document = _signed_in(org.hr).get("/api/openapi.json").json()
    operation = document["paths"]["/api/daily-reports"]["post"]
    assert operation["summary"] == "Write (and submit) your daily report"
    assert operation["security"] == [{"PersonalTokenAuth": []}]
    assert document["components"]["securitySchemes"]["PersonalTokenAuth"]["scheme"] == "bearer"
    assert {"200", "400"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["DailyReportIn"]
    assert set(schema["properties"]) == {"report_date", "answers", "checklist_done", "submit"}
