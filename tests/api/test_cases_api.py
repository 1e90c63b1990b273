"""The case library through the REST API (issue 13, items 10 and 12): the library searched
in Chinese with reuse counts, visibility as on the pages, write → submit → approve making
the `case_shared` fact, a return with its comment, reuse counted once, refusals as 4xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpilib.audit.models import AuditEvent
from kpilib.cases.models import Case
from kpilib.ingest.models import Fact
from kpilib.library.models import Objective
from tests.factories import Org

pytestmark = pytest.mark.today("2026-10-08")

MIGRATION = {
    "title": "招商银行核心系统容器化迁移",
    "customer": "招商银行",
    "industry": "金融",
    "product": "云原生平台",
    "problem": "核心交易系统扩容慢，高峰期响应超时",
    "solution": "采用 Kubernetes 分批迁移，灰度发布",
    "result": "响应时间降低 60%",
    "tags": ["容器", "POC"],
}
DATABASE = {
    "title": "国产化数据库替换",
    "industry": "政务",
    "problem": "原有商业数据库授权费用高",
    "solution": "迁移到国产分布式数据库，双写验证",
    "tags": ["信创"],
}


def signed_in(user: object) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def write(client: Client, case: dict) -> dict:
    response = client.post("/api/cases", case, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def approved(org: Org, case: dict) -> dict:
    """The engineer writes and submits `case`; their manager approves it."""
    engineer, manager = signed_in(org.engineer.user), signed_in(org.manager.user)
    pk = write(engineer, case)["id"]
    assert engineer.post(f"/api/cases/{pk}/submit").status_code == 200
    response = manager.post(
        f"/api/cases/{pk}/decision", {"decision": "approve"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_write_submit_approve_makes_the_case_shared_fact_once_approved(org: Org) -> None:
    # given the engineer writes a draft through the API
    engineer, manager = signed_in(org.engineer.user), signed_in(org.manager.user)
    draft = write(engineer, MIGRATION)
    assert (draft["status"], draft["author_employee_id"], draft["editable"]) == (
        "draft",
        org.engineer.employee_id,
        True,
    )
    # when they submit it
    submitted = engineer.post(f"/api/cases/{draft['id']}/submit").json()
    # then it waits for the manager, and nothing scores yet
    assert (submitted["status"], submitted["editable"]) == ("submitted", False)
    waiting = manager.get("/api/cases").json()["waiting"]
    assert [case["id"] for case in waiting] == [draft["id"]]
    assert manager.get(f"/api/cases/{draft['id']}").json()["may_decide"] is True
    assert not Fact.objects.filter(metric="case_shared").exists()
    # when the manager approves it
    decided = manager.post(
        f"/api/cases/{draft['id']}/decision",
        {"decision": "approve"},
        content_type="application/json",
    ).json()
    # then it is in the library and the author has exactly one case_shared fact, written by the API
    assert decided["status"] == "approved"
    [fact] = Fact.objects.filter(metric="case_shared")
    assert (fact.employee, fact.value, fact.source, fact.external_id) == (
        org.engineer,
        1.0,
        "cases",
        f"case-{draft['id']}",
    )
    assert str(fact.occurred_on) == "2026-10-08"
    origins = set(
        AuditEvent.objects.filter(object_type__contains="case").values_list("origin", flat=True)
    )
    assert origins == {"api"}


def test_a_case_returned_with_a_comment_is_changed_and_sent_again(org: Org) -> None:
    # given a submitted case
    engineer, manager = signed_in(org.engineer.user), signed_in(org.manager.user)
    pk = write(engineer, MIGRATION)["id"]
    engineer.post(f"/api/cases/{pk}/submit")
    # when the manager returns it without a comment, then with one
    bare = manager.post(
        f"/api/cases/{pk}/decision", {"decision": "return"}, content_type="application/json"
    )
    returned = manager.post(
        f"/api/cases/{pk}/decision",
        {"decision": "return", "comment": "补充客户收益数据"},
        content_type="application/json",
    )
    # then the first is refused naming the comment, the second returns it with the comment
    assert bare.status_code == 400
    assert bare.json()["field"] == "comment"
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["decision_comment"]) == (
        "returned",
        "补充客户收益数据",
    )
    assert engineer.get(f"/api/cases/{pk}").json()["decision_comment"] == "补充客户收益数据"
    assert not Fact.objects.filter(metric="case_shared").exists()
    # and the author changes one field (the others stay) and submits again
    patched = engineer.patch(
        f"/api/cases/{pk}",
        {"result": "响应时间降低 60%，年节省 200 万"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert (patched.json()["result"], patched.json()["title"], patched.json()["tags"]) == (
        "响应时间降低 60%，年节省 200 万",
        MIGRATION["title"],
        MIGRATION["tags"],
    )
    assert engineer.post(f"/api/cases/{pk}/submit").json()["status"] == "submitted"


def test_the_library_is_searched_in_chinese_and_filtered_by_tag_and_industry(org: Org) -> None:
    # given two approved cases and the engineer's draft
    migration, database = approved(org, MIGRATION), approved(org, DATABASE)
    engineer = signed_in(org.engineer.user)
    draft = write(engineer, {**MIGRATION, "title": "容器化草稿"})
    reader = signed_in(org.other_team_engineer.user)
    # when a reader of another team searches for a Chinese word, a tag and an industry
    by_word = reader.get("/api/cases", {"q": "容器化"}).json()
    by_two_words = reader.get("/api/cases", {"q": "国产化 数据库"}).json()
    by_tag = reader.get("/api/cases", {"tag": "信创"}).json()
    by_industry = reader.get("/api/cases", {"industry": "金融"}).json()
    everything = reader.get("/api/cases").json()
    # then only approved cases come back, matching, with their reuse counts
    assert [case["id"] for case in by_word["library"]] == [migration["id"]]
    assert [case["id"] for case in by_two_words["library"]] == [database["id"]]
    assert [case["id"] for case in by_tag["library"]] == [database["id"]]
    assert [case["id"] for case in by_industry["library"]] == [migration["id"]]
    assert {case["id"] for case in everything["library"]} == {migration["id"], database["id"]}
    assert all(case["reuse_count"] == 0 for case in everything["library"])
    assert everything["facets"] == {"tags": ["POC", "信创", "容器"], "industries": ["政务", "金融"]}
    # and the reader has no cases of their own; the author sees theirs in every state
    assert everything["own"] == []
    own = engineer.get("/api/cases").json()["own"]
    assert {case["id"]: case["status"] for case in own} == {
        draft["id"]: "draft",
        migration["id"]: "approved",
        database["id"]: "approved",
    }


def test_drafts_are_seen_only_by_the_author_their_managers_and_hr(org: Org) -> None:
    # given the engineer's draft
    pk = write(signed_in(org.engineer.user), MIGRATION)["id"]
    # when each role opens it
    statuses = {
        name: signed_in(user).get(f"/api/cases/{pk}").status_code
        for name, user in {
            "author": org.engineer.user,
            "manager": org.manager.user,
            "hr": org.hr,
            "peer": org.peer.user,
            "other team": org.other_team_engineer.user,
            "outsider": org.outsider,
        }.items()
    }
    # then only the author, their manager and HR read it; the others get 404, as on the page
    assert statuses == {
        "author": 200,
        "manager": 200,
        "hr": 200,
        "peer": 404,
        "other team": 404,
        "outsider": 404,
    }
    assert Client().get(f"/api/cases/{pk}").status_code == 401
    # and another team's engineer cannot change it either
    other = signed_in(org.other_team_engineer.user)
    assert (
        other.put(f"/api/cases/{pk}", DATABASE, content_type="application/json").status_code == 404
    )
    assert other.post(f"/api/cases/{pk}/submit").status_code == 404


def test_reuse_counts_once_per_reader_and_never_for_the_author(org: Org) -> None:
    # given an approved case
    pk = approved(org, MIGRATION)["id"]
    peer, other = signed_in(org.peer.user), signed_in(org.other_team_engineer.user)
    assert peer.get(f"/api/cases/{pk}").json()["may_reuse"] is True
    # when two readers record a reuse, one of them twice, and the author once
    first = peer.post(
        f"/api/cases/{pk}/reuse", {"note": "华夏银行 POC"}, content_type="application/json"
    )
    again = peer.post(f"/api/cases/{pk}/reuse", {}, content_type="application/json")
    second = other.post(f"/api/cases/{pk}/reuse", {}, content_type="application/json")
    own = signed_in(org.engineer.user).post(
        f"/api/cases/{pk}/reuse", {}, content_type="application/json"
    )
    # then two reuses count, the repeat and the author's are refused with the reason
    assert (first.status_code, first.json()["reuse_count"], first.json()["may_reuse"]) == (
        200,
        1,
        False,
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "You have recorded reusing this case already."
    assert second.json()["reuse_count"] == 2
    assert own.status_code == 400
    assert own.json()["detail"] == "The author does not count as reusing their own case."
    [listed] = peer.get("/api/cases").json()["library"]
    assert listed["reuse_count"] == 2


def test_refusals_are_4xx_with_the_services_reason(org: Org) -> None:
    # given a submitted case of the engineer, and an objective
    Objective.objects.create(
        code="market-share", name_zh_hans="扩大市场份额", name_en="Market share"
    )
    engineer, manager = signed_in(org.engineer.user), signed_in(org.manager.user)
    pk = write(engineer, {**MIGRATION, "objectives": ["market-share"]})["id"]
    engineer.post(f"/api/cases/{pk}/submit")
    # when the author decides on their own case, changes it while waiting, or submits it again;
    # HR (no employee record) writes one; a required field is blank; an objective is unknown;
    # and a body is missing a field
    own_decision = engineer.post(
        f"/api/cases/{pk}/decision", {"decision": "approve"}, content_type="application/json"
    )
    waiting_edit = engineer.put(f"/api/cases/{pk}", MIGRATION, content_type="application/json")
    resubmit = engineer.post(f"/api/cases/{pk}/submit")
    by_hr = signed_in(org.hr).post("/api/cases", MIGRATION, content_type="application/json")
    blank = engineer.post(
        "/api/cases", {**MIGRATION, "solution": "  "}, content_type="application/json"
    )
    unknown = engineer.post(
        "/api/cases", {**MIGRATION, "objectives": ["nowhere"]}, content_type="application/json"
    )
    unparsed = engineer.post("/api/cases", {"title": "只有标题"}, content_type="application/json")
    too_early = manager.post(f"/api/cases/{pk}/reuse", {}, content_type="application/json")
    # then each is answered with the service's reason (and its field), nothing changed
    assert own_decision.status_code == 400
    assert own_decision.json()["detail"] == "Only the author's managers or HR decide on a case."
    assert waiting_edit.status_code == 400
    assert (
        waiting_edit.json()["detail"]
        == "A case waiting for approval or approved is no longer changed."
    )
    assert resubmit.status_code == 400
    assert by_hr.status_code == 400
    assert by_hr.json()["detail"] == "Only an employee writes cases."
    assert (blank.status_code, blank.json()["field"]) == (400, "solution")
    assert (unknown.status_code, unknown.json()["field"]) == (400, "objectives")
    assert "nowhere" in unknown.json()["detail"]
    assert unparsed.status_code == 422
    nul = engineer.post(
        "/api/cases", {**MIGRATION, "problem": "扩容\x00慢"}, content_type="application/json"
    )
    assert nul.status_code == 422
    assert (too_early.status_code, too_early.json()["detail"]) == (
        400,
        "Only an approved case can be reused.",
    )
    assert Case.objects.get(pk=pk).status == Case.Status.SUBMITTED
    assert list(Case.objects.get(pk=pk).objectives.values_list("code", flat=True)) == [
        "market-share"
    ]
    assert Case.objects.count() == 1


def test_a_refusal_speaks_the_callers_language(org: Org) -> None:
    # given a Chinese-speaking HR user without an employee record
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(org.hr)
    # when they write a case
    response = client.post("/api/cases", MIGRATION, content_type="application/json")
    # then the reason is in Chinese
    assert response.status_code == 400
    assert response.json()["detail"] == "只有员工可以撰写案例。"


def test_the_author_attaches_a_file_by_multipart(
    org: Org, settings: object, tmp_path: object
) -> None:
    # given a draft and a media folder
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    engineer = signed_in(org.engineer.user)
    pk = write(engineer, MIGRATION)["id"]
    # when the author uploads slides, and another team's engineer tries to
    upload = engineer.post(
        f"/api/cases/{pk}/attachments", {"file": SimpleUploadedFile("方案.pptx", b"slides")}
    )
    other = signed_in(org.other_team_engineer.user).post(
        f"/api/cases/{pk}/attachments", {"file": SimpleUploadedFile("x.txt", b"x")}
    )
    # then the case lists the file with its download address; the other is 404
    assert upload.status_code == 200, upload.content
    [attachment] = upload.json()["attachments"]
    assert (attachment["file_name"], attachment["size"]) == ("方案.pptx", 6)
    assert engineer.get(attachment["download"]).status_code == 200
    assert other.status_code == 404


def test_the_library_needs_an_employee_record(org: Org) -> None:
    # when a user without an employee record (not HR) and a signed-out caller list the library
    outsider = signed_in(org.outsider).get("/api/cases")
    anonymous = Client().get("/api/cases")
    # then the first is forbidden and the second must sign in
    assert (outsider.status_code, anonymous.status_code) == (403, 401)


def test_the_openapi_document_describes_the_case_operations(org: Org) -> None:
    # when the API's document is read
    document = Client().get("/api/openapi.json").json()
    # then every case operation is there, with its parameters and fields described
    operations = {
        (method, path)
        for path, ops in document["paths"].items()
        for method in ops
        if "/cases" in path
    }
    assert operations == {
        ("get", "/api/cases"),
        ("post", "/api/cases"),
        ("get", "/api/cases/{pk}"),
        ("put", "/api/cases/{pk}"),
        ("patch", "/api/cases/{pk}"),
        ("post", "/api/cases/{pk}/submit"),
        ("post", "/api/cases/{pk}/decision"),
        ("post", "/api/cases/{pk}/reuse"),
        ("post", "/api/cases/{pk}/attachments"),
    }
    [q] = [p for p in document["paths"]["/api/cases"]["get"]["parameters"] if p["name"] == "q"]
    assert "Chinese" in q["description"]
    decision = document["components"]["schemas"]["DecisionIn"]["properties"]["decision"]
    assert decision["enum"] == ["approve", "return"]
    assert "case_shared" in decision["description"]
