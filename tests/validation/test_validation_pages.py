"""Solution validation's pages and API, and the done-means of issue 14 item 8: verdicts
recorded on the web become the facts `solution_validation_pass_rate` scores from."""


import pytest
from django.test import Client

from kpilib.appraisal import services as cycles
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.library.models import PlanTemplate
from kpilib.org.models import Position
from kpilib.plans import services as plan_services
from kpilib.validation.models import Solution, ValidationRound
from tests.appraisal_fixtures import TODAY, World, make_world

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


def submit(world: World, **extra: object) -> Solution:
    author = client(world.org.engineer.user)
    response = author.post("/validation/new/", {
        "title": "华东证券行情系统国产化方案", "summary": "迁移到国产数据库并双写校验",
        "customer_name": "华东证券", "customer_id": "C-HDZQ", "project_id": "P-88",
        "product_reviewers": [world.org.peer.pk], "delivery_reviewers": [world.org.other_team_engineer.pk],
        **extra,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return Solution.objects.latest("pk")


def pass_rate_line(world: World) -> dict[str, object]:
    """The solution architect plan's pass-rate line of 张三 in 2026-Q4 (the verdicts' quarter)."""
    template = PlanTemplate.objects.get(code="solution-architect")
    plan = plan_services.plan_create_from_template(
        actor=world.org.hr, origin=Origin.WEB, template=template, code="sa-2026",
        name_zh_hans="架构师考核", name_en="Architects",
        positions=[Position.objects.get(code="presales-engineer")],
    )
    plan_services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=plan.revisions.get())
    cycle = cycles.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=plan, name=f"Q4 {Cycle.objects.count()}",
        kind="quarterly", period="2026-Q4",
    )
    cycle = cycles.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY, early_reason="test")
    card = Scorecard.objects.filter(participant__cycle=cycle, participant__employee=world.org.engineer).latest("revision")
    return next(line for line in card.lines if line["code"] == "solution_validation_pass_rate")


def test_submit_review_resubmit_and_the_pass_rate_line(world: World) -> None:
    # given the engineer submitted a solution to 李四 (product) and 赵六 (delivery)
    solution = submit(world)
    first = solution.rounds.get()
    # the reviewers see it in their queue; the author's manager sees it but gets no verdict form
    assert solution.title in client(world.org.peer.user).get("/validation/queue/").content.decode()
    assert 'id="verdict-pass"' in client(world.org.peer.user).get(f"/validation/{solution.pk}/").content.decode()
    manager_page = client(world.org.manager.user).get(f"/validation/{solution.pk}/")
    assert manager_page.status_code == 200
    assert 'id="verdict-pass"' not in manager_page.content.decode()
    # a fail without a reason is refused, with the reason on the page
    page = client(world.org.other_team_engineer.user).post(
        f"/validation/rounds/{first.pk}/verdict/", {"verdict": "fail"}, follow=True
    ).content.decode()
    assert "Tick at least one checklist item" in page
    # when product passes and delivery fails on deliverability, round 1 fails
    client(world.org.peer.user).post(f"/validation/rounds/{first.pk}/verdict/", {"verdict": "pass"})
    client(world.org.other_team_engineer.user).post(
        f"/validation/rounds/{first.pk}/verdict/",
        {"verdict": "fail", "reasons": ["deliverability"], "comment": "排期不可行"},
    )
    first.refresh_from_db()
    assert first.state == ValidationRound.State.FAILED
    author_page = client(world.org.engineer.user).get(f"/validation/{solution.pk}/").content.decode()
    assert "Deliverability" in author_page
    assert 'id="solution-resubmit"' in author_page
    assert "working days to verdict" in author_page or "working day to verdict" in author_page
    # the author resubmits with the same reviewers (prefilled) and both pass round 2
    resubmit = client(world.org.engineer.user)
    assert resubmit.get(f"/validation/{solution.pk}/resubmit/").status_code == 200
    response = resubmit.post(f"/validation/{solution.pk}/resubmit/", {
        "title": solution.title, "summary": "补充交付排期", "notes": "排期已与交付确认",
        "product_reviewers": [world.org.peer.pk], "delivery_reviewers": [world.org.other_team_engineer.pk],
    })
    assert response.status_code == 302
    second = solution.rounds.get(number=2)
    for reviewer in (world.org.peer, world.org.other_team_engineer):
        client(reviewer.user).post(f"/validation/rounds/{second.pk}/verdict/", {"verdict": "pass"})
    second.refresh_from_db()
    assert second.state == ValidationRound.State.PASSED
    page = client(world.org.engineer.user, "zh-hans").get(f"/validation/{solution.pk}/").content.decode()
    assert 'id="round-1"' in page
    assert 'id="round-2"' in page
    assert "交付可实施性" in page
    # then the pass-rate line scores one pass of two rounds: 50% is under the zero line (60%)
    line = pass_rate_line(world)
    assert (line["status"], line["value"], line["points"]) == ("scored", 0.5, 0.0)


def test_the_pass_rate_scores_from_passed_rounds(world: World) -> None:
    # given two solutions, each passed in its first round
    for number in (1, 2):
        solution = submit(world, title=f"方案 {number}")
        validation_round = solution.rounds.get()
        for reviewer in (world.org.peer, world.org.other_team_engineer):
            client(reviewer.user).post(f"/validation/rounds/{validation_round.pk}/verdict/", {"verdict": "pass"})
    # then every review passed: full marks
    line = pass_rate_line(world)
    assert (line["status"], line["value"], line["points"]) == ("scored", 1.0, 10.0)


def test_who_sees_what(world: World) -> None:
    solution = submit(world)
    for reader in (world.org.engineer.user, world.org.manager.user, world.org.hr, world.org.peer.user):
        assert client(reader).get(f"/validation/{solution.pk}/").status_code == 200
    assert client(world.org.outsider).get(f"/validation/{solution.pk}/").status_code == 404
    assert client(world.org.outsider).get("/validation/").status_code == 403
    # a reviewer may not resubmit someone else's solution
    assert client(world.org.peer.user).get(f"/validation/{solution.pk}/resubmit/").status_code == 404
    # the home page points the reviewers to their queue
    assert "/validation/queue/" in client(world.org.peer.user).get("/").content.decode()
    index = client(world.org.engineer.user, "zh-hans").get("/validation/").content.decode()
    assert "方案验证" in index
    assert solution.title in index


def test_the_api_submits_lists_and_records_verdicts(world: World) -> None:
    # when the engineer submits through the API
    author = client(world.org.engineer.user)
    body = {
        "title": "制造 MES 防错方案", "summary": "装配线防错检查点", "project_id": "P-9",
        "reviewers": [{"employee": world.org.peer.pk, "function": "product"},
                      {"employee": world.org.other_team_engineer.pk, "function": "delivery"}],
    }
    response = author.post("/api/solutions", body, content_type="application/json")
    assert response.status_code == 201, response.content
    solution = response.json()
    [first] = solution["rounds"]
    assert [v["verdict"] for v in first["verdicts"]] == ["", ""]
    # a reviewer missing from the checklist's functions is a 400 with the reason
    refused = author.post(
        "/api/solutions", {**body, "reviewers": body["reviewers"][:1]}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "delivery" in refused.json()["detail"]
    # the manager is not a reviewer: 400; the outsider cannot even see the round: 403
    verdict_url = f"/api/validation-rounds/{first['id']}/verdict"
    assert client(world.org.manager.user).post(
        verdict_url, {"verdict": "pass"}, content_type="application/json"
    ).status_code == 400
    assert client(world.org.outsider).post(
        verdict_url, {"verdict": "pass"}, content_type="application/json"
    ).status_code == 403
    client(world.org.peer.user).post(verdict_url, {"verdict": "pass"}, content_type="application/json")
    answer = client(world.org.other_team_engineer.user).post(
        verdict_url, {"verdict": "fail", "reasons": ["cost"]}, content_type="application/json"
    ).json()
    assert answer["rounds"][0]["state"] == "failed"
    assert answer["rounds"][0]["workdays_to_verdict"] == 0
    # the manager lists it; the other team's engineer reads it as a reviewer; HR reads it
    assert [s["id"] for s in client(world.org.manager.user).get("/api/solutions").json()] == [solution["id"]]
    assert client(world.org.hr).get(f"/api/solutions/{solution['id']}").status_code == 200
    # the author resubmits as round 2
    again = author.post(f"/api/solutions/{solution['id']}/rounds", body, content_type="application/json")
    assert again.status_code == 201
    assert [r["number"] for r in again.json()["rounds"]] == [1, 2]
    assert client(world.org.outsider).get(f"/api/solutions/{solution['id']}").status_code == 403
