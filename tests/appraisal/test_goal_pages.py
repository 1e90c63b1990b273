"""The personal-goals page: who may write what in which phase, through the same service."""

import pytest
from django.test import Client

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle, Participant, PersonalGoal
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import Origin
from kpilib.plans import services as plan_services
from tests.appraisal_fixtures import DAY, QUARTER, World, make_world


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    draft = plan_services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    plan_services.revision_update(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, personal_mode="pbc", personal_share=30.0
    )
    plan_services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    return world


@pytest.fixture
def participant(world: World) -> Participant:
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    return cycle.participants.get(employee=world.org.peer)


def client_for(user: object, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def advance_to(participant: Participant, phase: str, world: World) -> None:
    cycle = participant.cycle
    while cycle.phase != phase:
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")


def test_the_employee_adds_edits_and_removes_a_goal_in_goal_setting(
    world: World, participant: Participant
) -> None:
    # given 李四 on their goals page in goal setting
    client = client_for(world.org.peer.user)
    url = f"/participants/{participant.pk}/goals/"
    # when they add a goal, change its weight and then remove it
    client.post(url, {"title": "完成 3 个新行业方案", "key_actions": "拜访", "weight": "2"})
    goal = PersonalGoal.objects.get(participant=participant)
    client.post(url, {"goal": goal.pk, "title": "完成 3 个新行业方案", "weight": "3"})
    goal.refresh_from_db()
    weight_after_edit = goal.weight
    client.post(url, {"goal": goal.pk, "delete": "1"})
    # then each step went through the audited service, as 李四, from the web
    assert weight_after_edit == 3.0
    assert not PersonalGoal.objects.filter(participant=participant).exists()
    events = AuditEvent.objects.filter(object_type="appraisal.personalgoal").order_by("pk")
    assert [event.origin for event in events] == ["web", "web", "web"]
    assert {event.actor_id for event in events} == {world.org.peer.user.pk}


def test_the_page_explains_the_pbc_scale_from_the_engine_in_chinese(
    world: World, participant: Participant
) -> None:
    # given the PBC rubric of the engine
    # when 李四 opens the page in Chinese
    page = client_for(world.org.peer.user, "zh-hans").get(
        f"/participants/{participant.pk}/goals/"
    ).content.decode()
    # then the scale shown is the rubric that scores
    assert "5 → 100%, 4 → 85%, 3 → 70%, 2 → 50%, 1 → 20%" in page
    assert "PBC：带关键举措的承诺" in page


def test_a_typo_in_a_number_is_a_message_not_an_error_page(
    world: World, participant: Participant
) -> None:
    # given the goals page
    client = client_for(world.org.peer.user, "zh-hans")
    # when the weight is not a number
    response = client.post(
        f"/participants/{participant.pk}/goals/", {"title": "目标", "weight": "三"}, follow=True
    )
    # then the page says so and nothing was saved
    assert response.status_code == 200
    assert "请检查输入的数字。" in response.content.decode()
    assert not PersonalGoal.objects.filter(participant=participant).exists()


def test_in_manager_review_only_the_manager_rates_and_the_refusal_is_shown(
    world: World, participant: Participant
) -> None:
    # given a goal in manager review
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB, participant=participant, title="目标", weight=1.0
    )
    advance_to(participant, Cycle.Phase.MANAGER_REVIEW, world)
    url = f"/participants/{participant.pk}/goals/"
    # when the employee posts a manager rating and then the manager does
    refused = client_for(world.org.peer.user).post(
        url, {"goal": goal.pk, "manager_rating": "5"}, follow=True
    )
    client_for(world.org.manager.user).post(url, {"goal": goal.pk, "manager_rating": "4"})
    # then only the manager's rating is kept, and the employee saw why theirs was not
    goal.refresh_from_db()
    assert goal.manager_rating == 4
    assert "these cannot change: manager_rating" in refused.content.decode()


def test_someone_outside_the_team_gets_no_page_and_no_goal_of_another(
    world: World, participant: Participant
) -> None:
    # given 李四's goal and another participant's page
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB, participant=participant, title="目标"
    )
    other = participant.cycle.participants.get(employee=world.org.engineer)
    # when an engineer of another team opens the page, and 张三 posts 李四's goal id on theirs
    outsider = client_for(world.org.other_team_engineer.user).get(
        f"/participants/{participant.pk}/goals/"
    )
    crossed = client_for(world.org.engineer.user).post(
        f"/participants/{other.pk}/goals/", {"goal": goal.pk, "title": "改"}
    )
    # then both are told there is no such thing, and the goal is unchanged
    assert outsider.status_code == 404
    assert crossed.status_code == 404
    goal.refresh_from_db()
    assert goal.title == "目标"
