"""Cycles: scorecards from stored facts, phases, calibration, publication, appeals."""

import pytest

from kpilib.appraisal import services
from kpilib.appraisal.models import Appeal, Cycle, Scorecard
from kpilib.audit.origin import SYSTEM, Origin
from tests.appraisal_fixtures import QUARTER, World, make_world


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
        cycle = services.cycle_advance(actor=actor, origin=Origin.WEB, cycle=cycle)
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
        services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
    assert "S holds" in caught.value.messages[0]
    # and a move without a reason is refused
    with pytest.raises(services.CycleError):
        services.scorecard_calibrate(actor=world.org.hr, origin=Origin.WEB, scorecard=top, grade="A", reason=" ")
    # when the person is moved with a reason
    services.scorecard_calibrate(actor=world.org.hr, origin=Origin.WEB, scorecard=top, grade="A", reason="team quota")
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
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
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=card, text="缺少一份满意度调查"
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
        services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
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
