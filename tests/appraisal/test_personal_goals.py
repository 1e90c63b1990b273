"""Personal goals in a mixed plan: set, self-rated, manager-rated, scored with their share."""

import pytest

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import SYSTEM, Origin
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


def test_pbc_goal_is_rated_by_the_manager_and_carries_its_share(world: World) -> None:
    # given a PBC cycle and a commitment 李四 sets in goal setting
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    participant = cycle.participants.get(employee=world.org.peer)
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant,
        title="完成 3 个新行业方案",
        weight=1.0,
    )
    # when they rate themselves 5 and the manager rates 4
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")  # data collection
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")  # self-assessment
    services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant,
        goal=goal,
        self_rating=5,
    )
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")  # manager review
    services.goal_save(
        actor=world.org.manager.user, origin=Origin.WEB,
        participant=participant,
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
        title="目标",
        weight=1.0,
    )
    for _ in range(3):
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    assert cycle.phase == Cycle.Phase.MANAGER_REVIEW
    # when the employee tries to set the manager rating
    with pytest.raises(services.CycleError):
        services.goal_save(
            actor=world.org.peer.user, origin=Origin.WEB,
            participant=participant,
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
        title="新行业",
        key_results=[{"title": "签约 2 家", "grade": None}],
    )
    for _ in range(3):
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    services.goal_save(
        actor=world.org.manager.user, origin=Origin.WEB,
        participant=participant,
        goal=goal,
        key_results=[{"title": "签约 2 家", "grade": 0.1}],
    )
    # when the employee re-grades it and adds a key result
    with pytest.raises(services.CycleError):
        services.goal_save(
            actor=world.org.peer.user, origin=Origin.WEB,
            participant=participant,
            goal=goal,
            key_results=[{"title": "签约 2 家", "grade": 1.0}],
        )
    with pytest.raises(services.CycleError):
        services.goal_save(
            actor=world.org.manager.user, origin=Origin.WEB,
            participant=participant,
            goal=goal,
            key_results=[{"title": "签约 2 家", "grade": 1.0}, {"title": "新增", "grade": 1.0}],
        )
    # then the manager's grade stands
    goal.refresh_from_db()
    assert goal.key_results == [{"title": "签约 2 家", "grade": 0.1}]


def _goal_setting_cycle(world: World) -> Cycle:
    return services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )


@pytest.mark.parametrize("who", ["other_team_engineer", "outsider", "system"])
def test_only_the_employee_and_their_reviewers_may_write_goals(world: World, who: str) -> None:
    # given 李四's goal in goal setting
    participant = _goal_setting_cycle(world).participants.get(employee=world.org.peer)
    goal = services.goal_save(
        actor=world.org.peer.user, origin=Origin.WEB, participant=participant, title="目标", weight=1.0
    )
    wrong = {
        "other_team_engineer": world.org.other_team_engineer.user,
        "outsider": world.org.outsider,
        "system": SYSTEM,
    }[who]
    # when someone else calls the services directly
    with pytest.raises(services.CycleError, match="only the employee"):
        services.goal_save(actor=wrong, origin=Origin.API, participant=participant, title="别人的")
    with pytest.raises(services.CycleError, match="only the employee"):
        services.goal_save(actor=wrong, origin=Origin.API, participant=participant, goal=goal, weight=9.0)
    with pytest.raises(services.CycleError, match="only the employee"):
        services.goal_delete(actor=wrong, origin=Origin.API, goal=goal)
    # then the goal is as 李四 left it, and there is still only one
    goal.refresh_from_db()
    assert (goal.title, goal.weight) == ("目标", 1.0)
    assert participant.goals.count() == 1


def test_a_goal_cannot_be_changed_through_another_participant(world: World) -> None:
    # given goals of two participants
    cycle = _goal_setting_cycle(world)
    mine = cycle.participants.get(employee=world.org.peer)
    theirs = cycle.participants.get(employee=world.org.engineer)
    goal = services.goal_save(actor=world.org.peer.user, origin=Origin.WEB, participant=mine, title="目标")
    # when the other employee passes 李四's goal with their own participation
    with pytest.raises(services.CycleError, match="another participant"):
        services.goal_save(
            actor=world.org.engineer.user, origin=Origin.WEB, participant=theirs, goal=goal, title="改"
        )
    # then nothing changed
    goal.refresh_from_db()
    assert goal.title == "目标"
