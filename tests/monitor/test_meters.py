"""An engineer's own target meters (issue 15, items 1 and 2, the engineer's dashboard):
each line of the cycle under way measured against the value its rule gives full points
at, on or off track by the period's pace, "needed per remaining week" for what adds up,
and a drill-down to the same facts. Points are not shown before publication."""

import datetime

import pytest
from django.test import Client

from kpilib.appraisal import services as cycles
from kpilib.appraisal.models import Cycle, Participant
from kpilib.audit.origin import Origin
from kpilib.engine.monitor import Pace
from kpilib.monitor.selectors import own_meters
from tests.appraisal_fixtures import World, make_world_scoring

TODAY = datetime.date(2026, 8, 20)  # 51 of Q3's 92 days
pytestmark = pytest.mark.today("2026-08-20")


@pytest.fixture
def world(db: None) -> World:
    world = make_world_scoring(TODAY)
    return world


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


def test_meters_measure_each_line_against_its_full_marks_value(world: World) -> None:
    mine = own_meters(world.org.engineer, today=lambda: TODAY, language="en")
    assert mine is not None
    meters = {meter.code: meter for meter in mine.meters}
    # the presales engineer plan's lines with a full-marks value (events and gates have none)
    assert set(meters) == {"tech_resolution", "customer_satisfaction", "revisit_completion"}
    satisfaction = meters["customer_satisfaction"]
    assert (satisfaction.actual, satisfaction.target, satisfaction.pace) == (96.0, 95.0, Pace.ON_TRACK)
    assert satisfaction.needed_per_week is None  # a mean is expected at its target all along
    assert satisfaction.explanation.startswith("on track: 96 against 95 expected by now (55% of the period passed")
    assert mine.elapsed == pytest.approx(51 / 92)
    # 李四 has two unresolved customers: off track against none
    theirs = {m.code: m for m in own_meters(world.org.peer, today=lambda: TODAY, language="zh-Hans").meters}
    assert theirs["tech_resolution"].pace is Pace.OFF_TRACK
    assert theirs["tech_resolution"].lower_better
    assert theirs["tech_resolution"].explanation.startswith("进度落后")


def test_what_adds_up_says_what_is_needed_per_remaining_week(world: World) -> None:
    from kpilib.monitor.selectors import meters_of

    participant = Participant.objects.get(employee=world.org.engineer)
    card = participant.scorecards.latest("revision")
    # an accumulating line: 2 of 8 wins with 41 days (5.86 weeks) left
    lines = [{**card.lines[0], "code": "certification_attainment", "value": 0.5, "version": 1, "status": "scored"}]
    from kpilib.engine.monitor import target_meter
    from kpilib.engine.periods import parse_period

    meter = target_meter(0.5, 2, period=parse_period("2026-Q3"), today=TODAY)
    assert meter.needed_per_week == pytest.approx(1.5 / (41 / 7))
    card.lines = lines
    [shown] = meters_of(card, today=TODAY, language="en")
    assert shown.needed_per_week == pytest.approx(meter.needed_per_week)
    assert shown.pace is meter.pace


def test_the_home_page_shows_the_meters_without_points(world: World) -> None:
    page = client(world.org.engineer.user).get("/").content.decode()
    assert 'id="my-meters"' in page
    assert "1 of 3 on track" in page or "2 of 3 on track" in page or "3 of 3 on track" in page
    assert 'id="gauge-customer_satisfaction-data"' in page
    card = Participant.objects.get(employee=world.org.engineer).scorecards.latest("revision")
    meters_card = page.split('id="my-meters"')[1].split("</section>")[0]
    for line in card.lines:  # the draft's points and explanations stay on the scorecard
        assert line["explanation_en"] not in meters_card
    zh = client(world.org.engineer.user, "zh-hans").get("/").content.decode()
    assert "我的目标" in zh
    assert "进度正常" in zh


def test_the_drill_down_lists_the_lines_facts_for_the_person_and_their_managers(world: World) -> None:
    participant = Participant.objects.get(employee=world.org.engineer)
    address = f"/monitor/meters/{participant.pk}/customer_satisfaction/"
    page = client(world.org.engineer.user).get(address)
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<tr><td>") == 2  # the two satisfaction surveys of the quarter
    assert "on track: 96 against 95" in body
    card = participant.scorecards.latest("revision")
    line = next(line for line in card.lines if line["code"] == "customer_satisfaction")
    assert line["explanation_en"] not in body  # the draft's points stay on the scorecard
    assert client(world.org.manager.user).get(address).status_code == 200
    assert client(world.org.peer.user).get(address).status_code == 404
    assert client(world.org.outsider).get(address).status_code == 404
    assert client(world.org.engineer.user).get(f"/monitor/meters/{participant.pk}/nothing/").status_code == 404


def test_no_cycle_under_way_means_no_meters(world: World) -> None:
    cycle = Cycle.objects.get()
    while cycle.phase != Cycle.Phase.PUBLICATION:  # published: the scorecard has the final word
        cycle = cycles.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY, early_reason="test")
    assert own_meters(world.org.engineer, today=lambda: TODAY, language="en") is None
    assert 'id="my-meters"' not in client(world.org.manager.user).get("/").content.decode()  # in no plan


def test_a_manager_sees_the_meters_off_track_of_their_people(world: World) -> None:
    from kpilib.monitor.selectors import meters_of, team_off_track

    found = team_off_track(world.org.manager.user, today=lambda: TODAY, language="en")
    assert found is not None
    # 李四's two unresolved customers; 张三 is on track; 赵六 (another team) is not theirs
    assert {(row["person"], row["code"]) for row in found.rows} >= {("李四", "tech_resolution")}
    assert "张三" not in {row["person"] for row in found.rows}
    assert "赵六" not in {row["person"] for row in found.rows}
    assert found.people == len({row["person"] for row in found.rows})
    # each row is the person's own meter: the same figures as their home page
    peer = Participant.objects.get(employee=world.org.peer)
    own = {m.code: m for m in meters_of(peer.scorecards.latest("revision"), today=TODAY, language="en")}
    for row in found.rows:
        if row["person"] == "李四":
            assert (row["actual"], row["expected"], row["explanation"]) == (
                own[row["code"]].actual, own[row["code"]].expected, own[row["code"]].explanation,
            )
    page = client(world.org.manager.user).get("/").content.decode()
    assert 'id="off-track"' in page
    assert f'href="/monitor/meters/{peer.pk}/tech_resolution/"' in page
    zh = client(world.org.manager.user, "zh-hans").get("/").content.decode()
    assert "本期进度落后" in zh
    assert f"你可查看的 {found.people} 人中有 {found.count} 项指标进度落后" in zh
    # HR sees everyone's; an engineer manages nobody and gets no such card
    assert team_off_track(world.org.hr, today=lambda: TODAY, language="en").people >= found.people
    assert 'id="off-track"' not in client(world.org.engineer.user).get("/").content.decode()


def test_the_growth_index_ranks_the_team_against_their_previous_cycle(world: World) -> None:
    from kpilib.ingest.models import Fact
    from kpilib.monitor.selectors import team_growth

    # a Q2 where 李四 did well and 张三 poorly, scored like Q3
    for employee, metric, value in (
        (world.org.engineer, "satisfaction_score", 70.0), (world.org.engineer, "complaint", 1.0),
        (world.org.peer, "satisfaction_score", 98.0), (world.org.peer, "revisit_due", 1.0),
        (world.org.peer, "revisit_done", 1.0),
    ):
        Fact.objects.create(
            employee=employee, metric=metric, occurred_on=datetime.date(2026, 5, 10), value=value,
            source="test", external_id=f"q2-{employee.pk}-{metric}",
        )
    q2 = cycles.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q2", kind="quarterly", period="2026-Q2"
    )
    while q2.phase != Cycle.Phase.DATA_COLLECTION:
        q2 = cycles.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=q2, today=TODAY, early_reason="test")
    growth = team_growth(world.org.manager.user)
    assert growth is not None
    totals = {}
    for employee in (world.org.engineer, world.org.peer):
        cards = {
            p.cycle.period: p.scorecards.latest("revision").total for p in Participant.objects.filter(employee=employee)
        }
        totals[employee.name] = cards["2026-Q3"] - cards["2026-Q2"]
    rows = growth.improved + growth.declined
    assert [row["name"] for row in rows] == sorted(totals, key=lambda name: -totals[name])
    for row in rows:
        assert row["change"] == pytest.approx(totals[row["name"]])
    assert growth.compared == 2
    page = client(world.org.manager.user).get("/").content.decode()
    assert 'id="growth"' in page
    assert "张三" in page.split('id="growth"')[1].split("</section>")[0]
    assert "与上一周期相比的进步" in client(world.org.manager.user, "zh-hans").get("/").content.decode()
    # an engineer sees nobody's growth
    assert team_growth(world.org.engineer.user) is None
