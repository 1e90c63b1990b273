"""The case library's pages, and the done-means of issue 13: a case approved by the
manager adds 2 points to the learning and growth line."""

import datetime

import pytest
from django.test import Client

from kpilib.appraisal import services as cycles
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.cases.models import Case
from kpilib.ingest.models import Fact
from tests.appraisal_fixtures import TODAY, World, make_world

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


def learning_points(world: World) -> float:
    cycle = cycles.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name=f"Q3 {Cycle.objects.count()}",
        kind="quarterly", period="2026-Q4",  # the approval day, TODAY, is in Q4
    )
    cycle = cycles.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY, early_reason="test"
    )
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=world.org.peer).latest("revision")
    return next(line["points"] for line in card.lines if line["code"] == "learning_growth")


def test_a_case_written_submitted_and_approved_adds_two_points(world: World) -> None:
    # 李四 passed an exam early in Q4: 6 points on the line before any case
    Fact.objects.create(
        employee=world.org.peer, metric="training_exam", occurred_on=datetime.date(2026, 10, 5),
        value=85.0, source="test", external_id="exam-q4",
    )
    before = learning_points(world)
    assert before == 6
    author = client(world.org.peer.user)
    response = author.post("/cases/new/", {
        "title": "证券行情系统国产化迁移", "customer": "华东证券", "industry": "证券",
        "problem": "旧系统停保", "solution": "迁移到国产数据库并双写校验", "tags": "国产化，数据库",
    })
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.tags == ["国产化", "数据库"]
    assert author.post(f"/cases/{case.pk}/submit/").status_code == 302
    # the manager sees it waiting, and approves it on its page
    manager = client(world.org.manager.user)
    assert f"/cases/{case.pk}/" in manager.get("/cases/").content.decode()
    assert 'id="case-approve"' in manager.get(f"/cases/{case.pk}/").content.decode()
    manager.post(f"/cases/{case.pk}/decide/", {"decision": "approve", "comment": ""})
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    assert Fact.objects.filter(employee=world.org.peer, metric="case_shared", source="cases").count() == 1
    assert learning_points(world) == before + 2
    # the library finds it by a Chinese word, and a colleague records a reuse
    page = client(world.org.engineer.user).get("/cases/?q=国产化").content.decode()
    assert "证券行情系统国产化迁移" in page
    client(world.org.engineer.user).post(f"/cases/{case.pk}/reuse/", {"note": "招行 POC"})
    assert "reused 1 time" in client(world.org.engineer.user).get(f"/cases/{case.pk}/").content.decode()


def test_a_draft_is_private_and_a_return_needs_a_comment(world: World) -> None:
    author = client(world.org.peer.user)
    author.post("/cases/new/", {"title": "草稿", "problem": "p", "solution": "s"})
    case = Case.objects.get()
    assert client(world.org.engineer.user).get(f"/cases/{case.pk}/").status_code == 404
    author.post(f"/cases/{case.pk}/submit/")
    page = client(world.org.manager.user).post(
        f"/cases/{case.pk}/decide/", {"decision": "return", "comment": ""}, follow=True
    ).content.decode()
    assert "Say what to change when returning a case." in page
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_the_library_in_chinese(world: World) -> None:
    assert "案例库" in client(world.org.engineer.user, "zh-hans").get("/cases/").content.decode()
