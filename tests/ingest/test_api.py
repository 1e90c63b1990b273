"""REST intake (`POST /api/facts`, token) and webhooks (`POST /api/webhooks/{source}`, HMAC)."""

import json
import time
from typing import Any

import pytest
from django.test import Client

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.models import ApiToken, Fact, ImportBatch, QuarantinedRow, Source
from kpilib.ingest.services import api_token_create, webhook_signature
from tests.ingest.conftest import Team

FACT = {
    "employee_id": "E1001",
    "metric": "satisfaction_score",
    "occurred_on": "2025-03-05",
    "value": 96,
    "customer_id": "华东银行",
    "external_id": "S-1",
}
SECRET = "s3cret-shared-with-the-crm"


@pytest.fixture
def token(team: Team) -> str:
    source = Source.objects.create(name="survey")
    _, raw = api_token_create(
        actor=team.hr, origin=Origin.WEB, name="survey tool", user=team.hr, source=source
    )
    return raw


def _post(token: str, facts: list[dict[str, Any]], key: str = "", query: str = "") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(
        f"/api/facts{query}",
        json.dumps({"facts": facts}),
        content_type="application/json",
        **headers,
    )


def test_facts_need_a_valid_token(team: Team, token: str) -> None:
    # when facts come without a token, or with a wrong one
    anonymous = Client().post("/api/facts", "{}", content_type="application/json")
    wrong = _post("kpi_not-a-token", [FACT])
    # then both are refused and nothing is written
    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert not Fact.objects.exists()


def test_good_facts_are_stored_under_the_tokens_source(team: Team, token: str) -> None:
    # when a batch is posted
    response = _post(token, [FACT, {**FACT, "external_id": "S-2", "value": "88"}])
    # then they are facts of the token's source, with provenance
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["imported"], body["errors"]) == (2, [])
    fact = Fact.objects.get(external_id="S-1")
    assert (fact.source, fact.employee, fact.batch.channel) == ("survey", team.zhang, "api")


def test_a_bad_item_is_reported_by_index_and_nothing_is_written(team: Team, token: str) -> None:
    # given one good and one bad item
    facts = [FACT, {**FACT, "external_id": "S-2", "occurred_on": "05/03/2025", "employee_id": "E9"}]
    # when posted all or nothing
    response = _post(token, facts)
    # then each problem of item 1 is listed and nothing is stored
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": 1,
            "field": "occurred_on",
            "reason": "not a date YYYY-MM-DD or YYYY/MM/DD: '05/03/2025'",
        }
    ]
    assert not Fact.objects.exists()


def test_partial_stores_the_good_items_and_quarantines_the_bad(team: Team, token: str) -> None:
    # when the same items are posted with partial=true
    facts = [FACT, {**FACT, "external_id": "S-2", "employee_id": "E9"}]
    response = _post(token, facts, query="?partial=true")
    # then the good one is stored, the bad one named and quarantined
    body = response.json()
    assert (response.status_code, body["imported"], body["quarantined"]) == (200, 1, 1)
    assert body["errors"] == [{"index": 1, "field": "employee_id", "reason": "unknown owner E9"}]
    assert QuarantinedRow.objects.get().values["external_id"] == "S-2"


def test_an_idempotency_key_replays_the_first_answer(team: Team, token: str) -> None:
    # given a batch posted with a key
    first = _post(token, [FACT], key="batch-2025-03-05")
    # when it is retried with the same key (after the fact was changed elsewhere)
    Fact.objects.update(value=1)
    again = _post(token, [FACT], key="batch-2025-03-05")
    other = _post(token, [{**FACT, "value": 50}], key="batch-2025-03-05")
    # then the retry returns the same answer without importing; another body is refused
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Fact.objects.get().value == 1
    assert ImportBatch.objects.filter(channel="api").count() == 1
    assert other.status_code == 409


def test_a_failed_request_replays_its_failure(team: Team, token: str) -> None:
    # given a refused batch sent with a key
    bad = [{**FACT, "metric": ""}]
    first = _post(token, bad, key="k1")
    # when it is retried
    again = _post(token, bad, key="k1")
    # then the answer is the same refusal
    assert (first.status_code, again.status_code) == (422, 422)
    assert again.json() == first.json()


def test_more_than_ten_thousand_facts_are_refused(team: Team, token: str) -> None:
    # when 10,001 facts are posted
    response = _post(token, [FACT] * 10_001)
    # then the request is refused as too large
    assert response.status_code == 413
    assert "10000" in response.json()["detail"]


def test_ten_thousand_facts_are_accepted_in_one_request(team: Team, token: str) -> None:
    # when exactly 10,000 facts are posted
    facts = [{**FACT, "external_id": f"S-{i}"} for i in range(10_000)]
    response = _post(token, facts)
    # then all are stored
    assert response.status_code == 200
    assert Fact.objects.count() == 10_000


@pytest.fixture
def zoho(team: Team) -> Source:
    return Source.objects.create(name="zoho", kind="zoho_deals", webhook_secret=SECRET)


DEAL = {
    "Record Id": "zcrm_1",
    "Deal Owner": "张伟",
    "Owner Email": "zhang.wei@example.com",
    "Deal Name": "华东银行数据中台",
    "Account Name": "华东银行",
    "Stage": "Closed Won",
    "Closing Date": "2025-03-05",
}


def _deliver(records: list[dict[str, Any]], *, secret: str = SECRET, age: int = 0) -> Any:
    body = json.dumps({"records": records}).encode()
    timestamp = str(int(time.time()) - age)
    return Client().post(
        "/api/webhooks/zoho",
        body,
        content_type="application/json",
        HTTP_X_KPILIB_TIMESTAMP=timestamp,
        HTTP_X_KPILIB_SIGNATURE="sha256=" + webhook_signature(secret, timestamp, body),
    )


def test_a_signed_webhook_delivery_becomes_facts_through_the_connector(zoho: Source) -> None:
    # when a correctly signed deal arrives
    stranger = {**DEAL, "Record Id": "zcrm_2", "Deal Owner": "无名", "Owner Email": None}
    response = _deliver([DEAL, stranger])
    # then the won deal is a fact and the unknown owner's deal waits in quarantine
    assert response.status_code == 200, response.content
    assert response.json()["imported"] == 1
    assert Fact.objects.get().metric == "opportunity_won"
    assert QuarantinedRow.objects.get().problems == [["employee_id", "unknown owner 无名"]]


def test_a_wrongly_signed_webhook_is_refused(zoho: Source) -> None:
    # when the delivery is signed with another secret
    response = _deliver([DEAL], secret="guess")
    # then it is refused and nothing is stored
    assert response.status_code == 401
    assert response.json()["detail"] == "the signature does not match"
    assert not Fact.objects.exists()


def test_a_replayed_webhook_is_refused(zoho: Source) -> None:
    # given a delivery accepted once
    body = json.dumps({"records": [DEAL]}).encode()
    timestamp = str(int(time.time()))
    headers = {
        "HTTP_X_KPILIB_TIMESTAMP": timestamp,
        "HTTP_X_KPILIB_SIGNATURE": "sha256=" + webhook_signature(SECRET, timestamp, body),
    }
    first = Client().post("/api/webhooks/zoho", body, content_type="application/json", **headers)
    # when exactly the same delivery is sent again
    again = Client().post("/api/webhooks/zoho", body, content_type="application/json", **headers)
    # then it is refused as a replay
    assert first.status_code == 200
    assert (again.status_code, again.json()["detail"]) == (
        401,
        "this delivery was already received",
    )


def test_an_expired_webhook_is_refused(zoho: Source) -> None:
    # when a correctly signed delivery is ten minutes old
    response = _deliver([DEAL], age=600)
    # then it is refused as outside the window
    assert response.status_code == 401
    assert response.json()["detail"] == "the timestamp is outside the accepted window"


def test_openapi_schema_documents_the_intake_endpoints(db: None) -> None:
    # when the OpenAPI schema is read
    schema = Client().get("/api/openapi.json").json()
    # then both endpoints, the bearer token and the headers are documented
    facts = schema["paths"]["/api/facts"]["post"]
    webhook = schema["paths"]["/api/webhooks/{source}"]["post"]
    assert "Idempotency-Key" in {parameter["name"] for parameter in facts["parameters"]}
    assert {"X-Kpilib-Signature", "X-Kpilib-Timestamp"} <= {
        parameter["name"] for parameter in webhook["parameters"]
    }
    assert "records" in json.dumps(webhook["requestBody"])
    assert any(
        "Bearer" in json.dumps(scheme) or "bearer" in json.dumps(scheme)
        for scheme in schema["components"]["securitySchemes"].values()
    )


def test_hr_creates_a_token_in_the_admin_and_sees_it_once(team: Team) -> None:
    # given HR in the administration and a data source
    source = Source.objects.create(name="crm")
    client = Client()
    client.force_login(team.hr)
    # when HR adds a token for the source
    response = client.post(
        "/admin/ingest/apitoken/add/",
        {"name": "CRM sync", "user": team.hr.pk, "source": source.pk},
        follow=True,
    )
    # then the raw token is shown once, works, and only its hash is kept (not in the trail)
    shown = [str(message) for message in response.context["messages"]]
    raw = next(text.rsplit(" ", 1)[-1] for text in shown if "kpi_" in text)
    assert _post(raw, [FACT]).status_code == 200
    token = ApiToken.objects.get()
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    event = AuditEvent.objects.get(object_type="ingest.apitoken")
    assert "token_hash" not in event.changes
    assert token.last_used_at is not None


def test_a_token_cannot_write_into_another_sources_facts(team) -> None:
    # given a CRM fact received through the API
    from kpilib.ingest.models import Fact, Source
    from kpilib.ingest.services import facts_receive

    crm = Source.objects.create(name="crm")
    survey = Source.objects.create(name="survey")
    facts_receive(
        actor=SYSTEM, origin=Origin.WEB,
        source=crm,
        channel="api",
        records=[
            {
                "employee_id": "E1001",
                "metric": "complaint",
                "occurred_on": "2025-03-01",
                "external_id": "X-1",
            }
        ],
    )
    # when the survey source sends a record that names the CRM source and the same id
    facts_receive(
        actor=SYSTEM, origin=Origin.WEB,
        source=survey,
        channel="api",
        records=[
            {
                "employee_id": "E1002",
                "metric": "complaint",
                "occurred_on": "2025-03-01",
                "external_id": "X-1",
                "source": "crm",
            }
        ],
    )
    # then the CRM fact still belongs to E1001 and the survey one is its own fact
    assert Fact.objects.get(source="crm", external_id="X-1").employee.employee_id == "E1001"
    assert Fact.objects.get(source="survey", external_id="X-1").employee.employee_id == "E1002"


def test_the_intake_answers_with_an_outcome_not_an_http_status(db: None) -> None:
    # given a source and one good and one bad fact, sent by the service itself (no HTTP)
    from kpilib.audit.origin import SYSTEM, Origin
    from kpilib.ingest.services import facts_receive, source_create
    from tests.factories import make_org

    org = make_org()
    source = source_create(actor=SYSTEM, origin=Origin.TASK, name="erp")
    good = {
        "employee_id": org.engineer.employee_id,
        "metric": "case_shared",
        "occurred_on": "2026-08-11",
        "value": "1",
        "external_id": "g1",
    }
    bad = {**good, "external_id": "b1", "occurred_on": "2026-02-30"}
    common = {"actor": SYSTEM, "origin": Origin.TASK, "source": source, "channel": "api"}
    # when the bad batch is refused and the good one accepted
    refused = facts_receive(**common, records=[bad], request_id="r1", body=b"r1")
    accepted = facts_receive(**common, records=[good], request_id="a1", body=b"a1")
    # then each says what happened in the domain's words, and a replay says the same
    assert (refused.accepted, accepted.accepted) == (False, True)
    assert not hasattr(accepted, "status")
    replay = facts_receive(**common, records=[good], request_id="a1", body=b"a1")
    assert (replay.accepted, replay.body) == (True, accepted.body)
