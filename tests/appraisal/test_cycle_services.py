"""Cycles: scorecards from stored facts, phases, calibration, publication, appeals."""

import datetime

import pytest

from kpilib.appraisal import selectors, services
from kpilib.appraisal.errors import PhaseNotFinishedError
from kpilib.appraisal.models import Appeal, Cycle, Scorecard
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from tests.appraisal_fixtures import DAY, QUARTER, World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def start(world: World, **options: object) -> Cycle:
    return services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB,
        plan=world.plan,
        name="2026 Q3",
        kind="quarterly",
        period=QUARTER,
        **options,
    )


def advance_to(cycle: Cycle, phase: str, actor: object) -> Cycle:
    while cycle.phase != phase:
        cycle = services.cycle_advance(actor=actor, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    return cycle


def card_of(cycle: Cycle, employee: object) -> Scorecard:
    return (
        Scorecard.objects.filter(participant__cycle=cycle, participant__employee=employee)
        .order_by("-revision")
        .first()
    )


def test_cycle_takes_everyone_the_plan_covers(world: World) -> None:
    # when a cycle starts
    cycle = start(world)
    # then the three presales engineers are participants, each with their manager as reviewer
    participants = {
        p.employee.name: p.reviewer
        for p in cycle.participants.select_related("employee", "reviewer")
    }
    assert set(participants) == {"张三", "李四", "赵六"}
    assert participants["张三"] == world.org.manager


def test_scorecards_follow_the_presales_rules(world: World) -> None:
    # given a cycle moved into data collection (which scores it)
    cycle = advance_to(start(world), Cycle.Phase.DATA_COLLECTION, world.org.hr)
    # then 李四's lines are the hand-computed ones
    lines = {line["code"]: line for line in card_of(cycle, world.org.peer).lines}
    assert lines["tech_resolution"]["points"] == 30  # 2 unresolved customers: 1–3 → 30
    assert lines["complaints"]["points"] == 5  # 15 − 5 × 2
    assert lines["customer_satisfaction"]["points"] == pytest.approx(15 * (86 - 80) / 15)
    assert lines["revisit_completion"]["points"] == 15  # no revisits due → full marks
    assert lines["learning_growth"]["points"] == 0  # no exam, no case
    assert lines["daily_report"]["points"] == 7  # 8 − 1 perfunctory
    # and 张三 is first
    assert card_of(cycle, world.org.engineer).rank == 1
    assert "投诉" in lines["complaints"]["explanation_zh_hans"]


def test_calibration_needs_a_reason_and_forced_distribution_binds(world: World) -> None:
    # given a cycle in calibration that allows nobody in S
    cycle = advance_to(
        start(world, grade_targets={"S": 0.0}, forced_distribution=True),
        Cycle.Phase.CALIBRATION,
        world.org.hr,
    )
    top = card_of(cycle, world.org.engineer)
    assert top.grade == "S"
    # when leaving calibration with someone in S
    with pytest.raises(services.CycleError) as caught:
        services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    assert caught.value.messages[0].startswith("S: 1 of 2 people, 0 allowed")
    # and a move without a reason is refused
    with pytest.raises(services.CycleError):
        services.scorecard_calibrate(actor=world.org.hr, origin=Origin.WEB, scorecard=top, grade="A", reason=" ")
    # when the person is moved with a reason
    services.scorecard_calibrate(actor=world.org.hr, origin=Origin.WEB, scorecard=top, grade="A", reason="team quota")
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    # then the cycle moves on and the grade shows as calibrated
    top.refresh_from_db()
    assert cycle.phase == Cycle.Phase.PUBLICATION
    assert (top.grade, top.final_grade, top.calibration_reason) == ("S", "A", "team quota")


def test_published_scorecards_never_change(world: World) -> None:
    # given published results
    cycle = advance_to(start(world), Cycle.Phase.PUBLICATION, world.org.hr)
    card = card_of(cycle, world.org.peer)
    before = (card.total, card.lines)
    # when more facts arrive and the cycle is recomputed
    from tests.appraisal_fixtures import add_facts

    add_facts(world.org.peer, "complaint", 1)
    services.cycle_score(actor=SYSTEM, origin=Origin.TASK, cycle=cycle)
    # then the published scorecard is as it was
    card.refresh_from_db()
    assert (card.total, card.lines) == before
    assert card.published_at is not None


def test_upheld_appeal_publishes_a_corrected_revision_with_its_reason(world: World) -> None:
    # given 李四's published scorecard and a survey that was missing
    cycle = advance_to(start(world), Cycle.Phase.PUBLICATION, world.org.hr)
    card = card_of(cycle, world.org.peer)
    appeal = services.appeal_file(
        actor=world.org.peer.user,
        origin=Origin.WEB,
        scorecard=card,
        text="缺少一份满意度调查",
        line_code="customer_satisfaction",
    )
    from tests.appraisal_fixtures import add_facts

    add_facts(world.org.peer, "satisfaction_score", 1, 98.0)
    # when HR upholds the appeal
    services.appeal_answer(
        actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="补录调查后重新计分"
    )
    # then revision 2 is published with the reason, and revision 1 is unchanged
    corrected = card_of(cycle, world.org.peer)
    card.refresh_from_db()
    assert corrected.revision == 2
    assert corrected.published_at is not None
    assert corrected.correction_reason == "补录调查后重新计分"
    assert corrected.total > card.total
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.UPHELD


def test_closing_waits_for_open_appeals(world: World) -> None:
    # given an open appeal in the acknowledgement phase
    cycle = advance_to(start(world), Cycle.Phase.ACKNOWLEDGEMENT, world.org.hr)
    services.appeal_file(
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=card_of(cycle, world.org.peer), text="请复核"
    )
    # when HR closes the cycle
    with pytest.raises(services.CycleError) as caught:
        services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    # then it is refused until the appeal is answered
    assert caught.value.messages == ["answer every open appeal before closing the cycle"]


def test_line_names_come_from_the_pinned_version_not_a_later_draft(world: World) -> None:
    # given a cycle scoring version 1 of the complaints indicator
    from kpilib.library import services as library_services
    from kpilib.library.models import Indicator

    cycle = advance_to(start(world), Cycle.Phase.DATA_COLLECTION, world.org.hr)
    indicator = Indicator.objects.get(code="complaints")
    document = dict(indicator.latest_version().definition)
    document["name"] = {"zh-Hans": "投诉（草稿）", "en": "Complaints (draft)"}
    # when the indicator's draft is renamed and the cycle recomputed
    library_services.indicator_save_draft(actor=world.org.hr, origin=Origin.WEB, indicator=indicator, document=document)
    services.cycle_score(actor=SYSTEM, origin=Origin.TASK, cycle=cycle)
    # then the scorecard still names the line as version 1 does
    lines = card_of(cycle, world.org.peer).lines
    line = next(item for item in lines if item["code"] == "complaints")
    assert (line["name_zh_hans"], line["name_en"]) == ("客户投诉次数", "Customer complaints")


def acknowledgement_cycle(world: World, deadline: str = "2026-10-30") -> Cycle:
    """A cycle published and in acknowledgement, due on `deadline`, nobody acknowledged yet."""
    cycle = advance_to(
        start(world, phase_deadlines={Cycle.Phase.ACKNOWLEDGEMENT: deadline}),
        Cycle.Phase.ACKNOWLEDGEMENT,
        world.org.hr,
    )
    return cycle


def test_closing_before_the_deadline_with_nobody_acknowledged_is_refused(world: World) -> None:
    # given a cycle in acknowledgement, 0 of 3 acknowledged, due 2026-10-30
    cycle = acknowledgement_cycle(world)
    # when HR closes it on 2026-10-08 without a reason
    with pytest.raises(PhaseNotFinishedError) as caught:
        services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=datetime.date(2026, 10, 8)
        )
    # then it is refused, naming how far the phase got and its deadline
    assert "0 of 3 acknowledged, deadline 2026-10-30" in caught.value.messages[0]
    assert caught.value.completion.early
    cycle.refresh_from_db()
    assert cycle.phase == Cycle.Phase.ACKNOWLEDGEMENT


def test_moving_on_early_with_a_reason_is_audited_with_actor_and_origin(world: World) -> None:
    # given a cycle in acknowledgement, 1 of 3 acknowledged, due 2026-10-30
    cycle = acknowledgement_cycle(world)
    services.scorecard_acknowledge(
        actor=world.org.engineer.user, origin=Origin.WEB, scorecard=card_of(cycle, world.org.engineer)
    )
    completion = selectors.phase_completion(cycle, today=datetime.date(2026, 10, 8))
    assert (completion.done, completion.total, completion.early) == (1, 3, True)
    # when HR closes it early, saying why
    cycle = services.cycle_advance(
        actor=world.org.hr,
        origin=Origin.CLI,
        cycle=cycle,
        today=datetime.date(2026, 10, 8),
        early_reason="  reorganisation on 10-09: results confirmed in the team meeting ",
    )
    # then it is closed, and the move's audit event names who, from where, and why
    assert cycle.phase == Cycle.Phase.CLOSED
    event = AuditEvent.objects.filter(object_type="appraisal.cycle", object_id=str(cycle.pk)).latest("at", "pk")
    assert (event.actor, event.origin) == (world.org.hr, Origin.CLI)
    assert event.changes["phase"] == {"before": "acknowledgement", "after": "closed"}
    assert event.changes["phase_change_reason"]["after"] == (
        "reorganisation on 10-09: results confirmed in the team meeting"
    )


def test_moving_on_after_the_deadline_or_when_everyone_is_done_needs_no_reason(
    world: World,
) -> None:
    # given one cycle past its acknowledgement deadline with nobody acknowledged
    late = acknowledgement_cycle(world, deadline="2026-10-30")
    # when HR closes it the day after the deadline
    late = services.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=late, today=datetime.date(2026, 10, 31)
    )
    # then it closes without a reason (the deadline day itself still belonged to the phase)
    assert (late.phase, late.phase_change_reason) == (Cycle.Phase.CLOSED, "")
    # given another cycle where everyone acknowledged before the deadline
    done = acknowledgement_cycle(world)
    for employee in (world.org.engineer, world.org.peer, world.org.other_team_engineer):
        services.scorecard_acknowledge(
            actor=employee.user, origin=Origin.WEB, scorecard=card_of(done, employee)
        )
    # then it closes before the deadline without a reason
    done = services.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=done, today=datetime.date(2026, 10, 8)
    )
    assert done.phase == Cycle.Phase.CLOSED


def test_every_phase_change_is_checked_not_only_closing(world: World) -> None:
    # given a cycle in self-assessment that nobody has done, due 2026-10-10
    cycle = advance_to(
        start(world, phase_deadlines={Cycle.Phase.SELF_ASSESSMENT: "2026-10-10"}),
        Cycle.Phase.SELF_ASSESSMENT,
        world.org.hr,
    )
    participant = cycle.participants.get(employee=world.org.engineer)
    services.participant_self_assess(
        actor=world.org.engineer.user, origin=Origin.WEB, participant=participant, text="本季度完成三个项目"
    )
    # when HR moves on to manager review on 2026-10-05
    with pytest.raises(PhaseNotFinishedError) as caught:
        services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=datetime.date(2026, 10, 5)
        )
    # then the refusal counts 1 of 3 self-assessed and names the deadline
    assert "1 of 3 self-assessed, deadline 2026-10-10" in caught.value.messages[0]


def test_open_appeals_block_closing_even_with_a_reason(world: World) -> None:
    # given an open appeal in a cycle past its acknowledgement deadline
    cycle = acknowledgement_cycle(world)
    services.appeal_file(
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=card_of(cycle, world.org.peer), text="请复核"
    )
    # when HR closes with a reason
    with pytest.raises(services.CycleError) as caught:
        services.cycle_advance(
            actor=world.org.hr,
            origin=Origin.WEB,
            cycle=cycle,
            today=datetime.date(2026, 11, 8),
            early_reason="closing anyway",
        )
    # then it is refused: there is no override
    assert caught.value.messages == ["answer every open appeal before closing the cycle"]


# --- only the employee acknowledges, appeals and assesses themselves (issue 12, item 4) ---


@pytest.mark.parametrize("who", ["manager", "peer", "hr", "system"])
def test_only_the_employee_acknowledges_their_result(world: World, who: str) -> None:
    # given 张三's published scorecard
    card = card_of(advance_to(start(world), Cycle.Phase.PUBLICATION, world.org.hr), world.org.engineer)
    actor = _someone_else(world, who)
    # when someone else acknowledges it through the service itself
    with pytest.raises(services.CycleError) as caught:
        services.scorecard_acknowledge(actor=actor, origin=Origin.API, scorecard=card)
    # then it is refused and the card stays unacknowledged
    assert "only the employee" in caught.value.message
    card.refresh_from_db()
    assert card.acknowledged_at is None


@pytest.mark.parametrize("who", ["manager", "peer", "hr", "system"])
def test_only_the_employee_appeals_their_result(world: World, who: str) -> None:
    # given 张三's published scorecard
    card = card_of(advance_to(start(world), Cycle.Phase.PUBLICATION, world.org.hr), world.org.engineer)
    # when someone else files an appeal against it
    with pytest.raises(services.CycleError) as caught:
        services.appeal_file(
            actor=_someone_else(world, who), origin=Origin.API, scorecard=card, text="请复核"
        )
    # then it is refused and no appeal exists
    assert "only the employee" in caught.value.message
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["manager", "peer", "hr"])
def test_only_the_employee_writes_their_self_assessment(world: World, who: str) -> None:
    # given a cycle in self-assessment
    cycle = advance_to(start(world), Cycle.Phase.SELF_ASSESSMENT, world.org.hr)
    participant = cycle.participants.get(employee=world.org.engineer)
    # when someone else writes 张三's self-assessment
    with pytest.raises(services.CycleError):
        services.participant_self_assess(
            actor=_someone_else(world, who), origin=Origin.API, participant=participant, text="代写"
        )
    # then it stays empty
    participant.refresh_from_db()
    assert participant.self_assessment == ""


def _someone_else(world: World, who: str) -> object:
    """Anyone but 张三: his manager, his peer, HR or the system."""
    return {
        "manager": world.org.manager.user,
        "peer": world.org.peer.user,
        "hr": world.org.hr,
        "system": SYSTEM,
    }[who]
