"""The 360 API (issue 14, item 10): the same rules as the pages — a form is its rater's
alone, a subject is the person's, their managers' and HR's, campaigns are HR's; answers
go through the services and no endpoint returns who said what."""

import json

import pytest
from django.core import mail
from django.test import Client

from kpilib.audit.models import AuditEvent
from kpilib.feedback.models import Nomination, Response
from tests.factories import Org, make_org
from tests.feedback.test_services import _answers, _campaign, _subject

pytestmark = pytest.mark.today("2026-11-02")


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def signed_in(user: object) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _json(client: Client, method: str, path: str, body: object = None):
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")


def test_nominate_submit_approve_and_answer_through_the_api(org: Org) -> None:
    campaign = _campaign(org, group_limits={"peer": [1, 4], "sales": [0, 2]})
    subject = _subject(campaign, org)
    engineer, manager, peer = signed_in(org.engineer.user), signed_in(org.manager.user), signed_in(org.peer.user)
    # the subject's groups name what is short
    shown = engineer.get(f"/api/feedback/subjects/{subject.pk}").json()
    assert shown["shortfalls"] == ["presales peers needs at least 1 rater (0 nominated)."]
    assert {g["relationship"] for g in shown["groups"]} >= {"self", "manager", "peer", "sales"}
    # a bad group is a 400 naming the field; a good nomination is 201
    refused = _json(engineer, "post", f"/api/feedback/subjects/{subject.pk}/nominations", {"relationship": "manager", "rater": org.peer.pk})
    assert (refused.status_code, refused.json()["field"]) == (400, "relationship")
    added = _json(engineer, "post", f"/api/feedback/subjects/{subject.pk}/nominations", {"relationship": "peer", "rater": org.peer.pk})
    assert added.status_code == 201
    _json(engineer, "post", f"/api/feedback/subjects/{subject.pk}/nominations",
          {"relationship": "customer", "external_name": "刘总", "external_email": "liu@customer.example"})
    assert _json(engineer, "post", f"/api/feedback/subjects/{subject.pk}/submit").json()["state"] == "submitted"
    # only the manager approves; the customer's link is e-mailed, never returned
    assert _json(engineer, "post", f"/api/feedback/subjects/{subject.pk}/approve").status_code == 400
    approved = _json(manager, "post", f"/api/feedback/subjects/{subject.pk}/approve")
    assert approved.json()["state"] == "approved"
    assert "kpf_" not in approved.content.decode()
    assert [message.to for message in mail.outbox] == [["liu@customer.example"]]
    # the peer lists their forms, reads one and answers it
    [listed] = peer.get("/api/feedback/forms").json()
    assert (listed["subject"], listed["relationship"], listed["draft"]) == ("张三", "peer", False)
    form = peer.get(f"/api/feedback/forms/{listed['id']}").json()
    assert form["min_group"] == 3
    assert [q["code"] for q in form["questions"]][-2:] == ["keep_doing", "do_more"]
    assert _json(peer, "put", f"/api/feedback/forms/{listed['id']}", {"answers": {"collab_responsive": {"score": 9}}}).status_code == 400
    saved = _json(peer, "put", f"/api/feedback/forms/{listed['id']}", {"answers": _answers(campaign), "submit": True})
    assert saved.json() == {"status": "submitted"}
    assert Response.objects.get(nomination_id=listed["id"]).status == "submitted"
    assert peer.get("/api/feedback/forms").json() == []
    assert set(AuditEvent.objects.filter(object_type="feedback.response").values_list("origin", flat=True)) == {"api"}


def test_the_api_keeps_forms_subjects_and_campaigns_to_whom_they_belong(org: Org) -> None:
    campaign = _campaign(org)
    subject = _subject(campaign, org)
    own = Nomination.objects.get(subject=subject, relationship="self")
    for user in (org.manager.user, org.peer.user, org.hr):
        assert signed_in(user).get(f"/api/feedback/forms/{own.pk}").status_code == 404
        assert _json(signed_in(user), "put", f"/api/feedback/forms/{own.pk}", {"answers": {}}).status_code == 404
    assert signed_in(org.peer.user).get(f"/api/feedback/subjects/{subject.pk}").status_code == 404
    assert signed_in(org.manager.user).get(f"/api/feedback/subjects/{subject.pk}").status_code == 200
    assert signed_in(org.manager.user).get("/api/feedback/campaigns").status_code == 403
    [row] = signed_in(org.hr).get("/api/feedback/campaigns").json()
    assert (row["subjects"], row["invited"], row["submitted"]) == (1, 2, 0)
    assert Client().get("/api/feedback/forms").status_code == 401
