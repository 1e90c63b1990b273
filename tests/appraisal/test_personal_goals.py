"""Personal goals in a mixed plan: set, self-rated, manager-rated, scored with their share."""

import pytest

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.plans import services as plan_services
from tests.appraisal_fixtures import QUARTER, World, make_world


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    draft = plan_services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    plan_services.revision_update(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, personal_mode="pbc", personal_share=30.0
    )
    plan_services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    return world


def test_pbc_goal_is_rated_by_the_manager_and_carries_its_share(world: World) -> None:
    # given a PBC cycle and a commitment 李四 sets in goal setting
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    participant = cycle.participants.get(employee=world.org.peer)
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant,
        as_reviewer=False,
        title="完成 3 个新行业方案",
        weight=1.0,
    )
    # when they rate themselves 5 and the manager rates 4
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)  # data collection
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)  # self-assessment
    services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant,
        as_reviewer=False,
        goal=goal,
        self_rating=5,
    )
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)  # manager review
    services.goal_save(
        actor=world.org.manager.user, origin=Origin.WEB,
        participant=participant,
        as_reviewer=True,
        goal=goal,
        manager_rating=4,
    )
    services.cycle_score(actor=SYSTEM, origin=Origin.TASK, cycle=cycle)
    # then the goal line is worth 30 points and earns 85% of them
    card = Scorecard.objects.get(participant=participant)
    line = next(line for line in card.lines if line["code"] == f"goal:{goal.pk}")
    assert line["max_points"] == pytest.approx(30)
    assert line["points"] == pytest.approx(25.5)
    assert line["name_zh_hans"] == "完成 3 个新行业方案"
    # and the indicators now carry 70 of the 100 points
    indicator_max = sum(
        line["max_points"] for line in card.lines if not line["code"].startswith("goal:")
    )
    assert indicator_max == pytest.approx(70)


def test_employee_cannot_give_the_scoring_rating(world: World) -> None:
    # given a goal in manager review
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    participant = cycle.participants.get(employee=world.org.peer)
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant,
        as_reviewer=False,
        title="目标",
        weight=1.0,
    )
    for _ in range(3):
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
    assert cycle.phase == Cycle.Phase.MANAGER_REVIEW
    # when the employee tries to set the manager rating
    with pytest.raises(services.CycleError):
        services.goal_save(
            actor=world.org.peer.user, origin=Origin.WEB,
            participant=participant,
            as_reviewer=False,
            goal=goal,
            manager_rating=5,
        )
    # then the goal is unrated
    goal.refresh_from_db()
    assert goal.manager_rating is None


def test_in_manager_review_the_employee_can_no_longer_change_results(world: World) -> None:
    # given an OKR plan and a goal with one key result, graded by the manager in review
    draft = plan_services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    plan_services.revision_update(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, personal_mode="okr", personal_share=30.0
    )
    plan_services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    participant = cycle.participants.get(employee=world.org.peer)
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant,
        as_reviewer=False,
        title="新行业",
        key_results=[{"title": "签约 2 家", "grade": None}],
    )
    for _ in range(3):
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
    services.goal_save(
        actor=world.org.manager.user, origin=Origin.WEB,
        participant=participant,
        as_reviewer=True,
        goal=goal,
        key_results=[{"title": "签约 2 家", "grade": 0.1}],
    )
    # when the employee re-grades it and adds a key result
    with pytest.raises(services.CycleError):
        services.goal_save(
            actor=world.org.peer.user, origin=Origin.WEB,
            participant=participant,
            as_reviewer=False,
            goal=goal,
            key_results=[{"title": "签约 2 家", "grade": 1.0}],
        )
    with pytest.raises(services.CycleError):
        services.goal_save(
            actor=world.org.manager.user, origin=Origin.WEB,
            participant=participant,
            as_reviewer=True,
            goal=goal,
            key_results=[{"title": "签约 2 家", "grade": 1.0}, {"title": "新增", "grade": 1.0}],
        )
    # then the manager's grade stands
    goal.refresh_from_db()
    assert goal.key_results == [{"title": "签约 2 家", "grade": 0.1}]
