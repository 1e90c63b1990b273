"""Issue 11, defects 3 and 4: a participant without facts is not scored (无数据), and forced
distribution in a small team counts whole people, with an audited override."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kpilib.appraisal import selectors, services
from kpilib.appraisal.errors import DistributionError
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import Origin
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, add_facts, make_world

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client_for(user: object, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def start(world: World, **options: object) -> Cycle:
    return services.cycle_create(
        actor=world.org.hr,
        origin=Origin.WEB,
        plan=world.plan,
        name="2026 Q3",
        kind="quarterly",
        period=QUARTER,
        **options,
    )


def advance_to(cycle: Cycle, phase: str, world: World) -> Cycle:
    while cycle.phase != phase:
        cycle = services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="test"
        )
    return cycle


def card_of(cycle: Cycle, employee: object) -> Scorecard:
    return (
        Scorecard.objects.filter(participant__cycle=cycle, participant__employee=employee)
        .order_by("-revision")
        .first()
    )


# --- defect 3: no data --------------------------------------------------------------


def test_a_zero_fact_participant_shows_no_data_not_a_grade(world: World) -> None:
    # given 赵六, who has no facts at all in 2026-Q3, in a cycle being scored
    cycle = advance_to(start(world), Cycle.Phase.DATA_COLLECTION, world)
    newcomer = card_of(cycle, world.org.other_team_engineer)
    # when HR opens the cycle in Chinese
    page = client_for(world.org.hr, "zh-hans").get(f"/cycles/{cycle.pk}/").content.decode()
    # then the card is no_data with no total, grade or rank, and the page says 无数据
    assert (newcomer.status, newcomer.total, newcomer.grade, newcomer.rank) == (
        Scorecard.Status.NO_DATA,
        None,
        "",
        None,
    )
    row = page[page.index(world.org.other_team_engineer.name, page.index('id="results"')) :]
    row = row[: row.index("</tr>")]
    assert "无数据" in row
    assert not any(f"<td>{grade}" in row for grade in "SABCD")


def test_people_with_data_are_ranked_without_the_person_who_has_none(world: World) -> None:
    # given the cycle scored
    cycle = advance_to(start(world), Cycle.Phase.DATA_COLLECTION, world)
    # then 张三 and 李四 are ranked 1 and 2, 赵六 has no rank
    ranks = {
        name: card_of(cycle, employee).rank
        for name, employee in (
            ("engineer", world.org.engineer),
            ("peer", world.org.peer),
            ("newcomer", world.org.other_team_engineer),
        )
    }
    assert ranks == {"engineer": 1, "peer": 2, "newcomer": None}


def test_hr_scores_a_person_without_data_by_hand_with_a_reason(world: World) -> None:
    # given a cycle in data collection where 赵六 has no data
    cycle = advance_to(start(world), Cycle.Phase.DATA_COLLECTION, world)
    newcomer = card_of(cycle, world.org.other_team_engineer)
    # when HR scores them without a reason, or scores someone who has data
    with pytest.raises(services.CycleError):
        services.scorecard_score_manually(
            actor=world.org.hr, origin=Origin.WEB, scorecard=newcomer, total=75, reason=" "
        )
    with pytest.raises(services.CycleError):
        services.scorecard_score_manually(
            actor=world.org.hr,
            origin=Origin.WEB,
            scorecard=card_of(cycle, world.org.peer),
            total=75,
            reason="r",
        )
    # then both are refused; with a reason the total is kept and graded, and ranked
    scored = services.scorecard_score_manually(
        actor=world.org.hr,
        origin=Origin.WEB,
        scorecard=newcomer,
        total=75,
        reason="joined in September; onboarding review",
    )
    assert (scored.status, scored.total, scored.grade) == (Scorecard.Status.MANUAL, 75.0, "B")
    assert scored.manual_reason == "joined in September; onboarding review"
    assert scored.rank is not None
    event = AuditEvent.objects.filter(
        object_type="appraisal.scorecard", object_id=str(newcomer.pk)
    ).latest("pk")
    assert event.changes["status"] == {"before": "no_data", "after": "manual"}
    assert event.changes["manual_reason"]["after"] == "joined in September; onboarding review"
    # and a recompute with still no data keeps the hand-given total
    services.cycle_score(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
    newcomer.refresh_from_db()
    assert (newcomer.status, newcomer.total) == (Scorecard.Status.MANUAL, 75.0)
    # but once facts arrive, the facts score them
    add_facts(world.org.other_team_engineer, "complaint", 1)
    services.cycle_score(actor=world.org.hr, origin=Origin.WEB, cycle=cycle)
    newcomer.refresh_from_db()
    assert newcomer.status == Scorecard.Status.SCORED
    assert newcomer.total is not None
    assert newcomer.total != 75.0
    assert newcomer.manual_reason == ""


def test_scoring_by_hand_from_the_web_and_the_api(world: World) -> None:
    # given a cycle in data collection where 赵六 has no data
    cycle = advance_to(start(world), Cycle.Phase.DATA_COLLECTION, world)
    newcomer = card_of(cycle, world.org.other_team_engineer)
    # when an engineer tries through the API, then HR posts the web form
    refused = client_for(world.org.engineer.user).post(
        f"/api/scorecards/{newcomer.pk}/manual-score",
        {"total": 90, "reason": "me"},
        content_type="application/json",
    )
    client_for(world.org.hr).post(
        f"/scorecards/{newcomer.pk}/score-by-hand/", {"total": "68", "reason": "probation"}
    )
    newcomer.refresh_from_db()
    # then the engineer cannot see the card; HR's total stands (web origin)
    assert refused.status_code == 404
    assert (newcomer.status, newcomer.total, newcomer.grade) == ("manual", 68.0, "C")
    # and through the API HR changes it, and reads the status back
    answer = client_for(world.org.hr).post(
        f"/api/scorecards/{newcomer.pk}/manual-score",
        {"total": 81.5, "reason": "rated by the regional lead"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["grade"]) == ("manual", "A")
    bad = client_for(world.org.hr).post(
        f"/api/scorecards/{newcomer.pk}/manual-score",
        {"total": 120, "reason": "r"},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "total")
    event = AuditEvent.objects.filter(object_id=str(newcomer.pk)).latest("pk")
    assert event.origin == Origin.API


def test_no_data_is_not_calibrated_and_does_not_block_publication(world: World) -> None:
    # given a cycle with forced distribution in calibration, 赵六 without data
    cycle = advance_to(
        start(world, grade_targets={"S": 0.5}, forced_distribution=True),
        Cycle.Phase.CALIBRATION,
        world,
    )
    newcomer = card_of(cycle, world.org.other_team_engineer)
    # when HR tries to move 赵六 to a grade
    with pytest.raises(services.CycleError):
        services.scorecard_calibrate(
            actor=world.org.hr, origin=Origin.WEB, scorecard=newcomer, grade="B", reason="r"
        )
    # then refused; the distribution counts the two graded people only
    distribution = {row.grade: row for row in selectors.grade_distribution(cycle)}
    assert distribution["S"].people == 2
    assert selectors.no_data_count(cycle) == 1
    # and publication goes ahead, 赵六 published without a grade
    cycle = advance_to(cycle, Cycle.Phase.PUBLICATION, world)
    newcomer.refresh_from_db()
    assert newcomer.published_at is not None
    assert (newcomer.status, newcomer.final_grade) == ("no_data", "")


def test_scorecard_page_api_and_exports_say_no_data(world: World) -> None:
    # given published results with 赵六 without data
    cycle = advance_to(start(world), Cycle.Phase.PUBLICATION, world)
    newcomer = card_of(cycle, world.org.other_team_engineer)
    hr = client_for(world.org.hr, "zh-hans")
    # when their scorecard, the API and the XLSX are read
    page = hr.get(f"/scorecards/{newcomer.pk}/").content.decode()
    api = client_for(world.org.hr).get(f"/api/scorecards/{newcomer.pk}").json()
    workbook = load_workbook(io.BytesIO(hr.get(f"/cycles/{cycle.pk}/export.xlsx").content))
    pdf = hr.get(f"/scorecards/{newcomer.pk}/export.pdf")
    # then each says no data, with no total
    assert "无数据" in page
    assert (api["status"], api["total"], api["rank"], api["final_grade"]) == (
        "no_data",
        None,
        None,
        "",
    )
    assert {line["status"] for line in api["lines"]} == {"missing"}
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    status_column = summary[0].index("评分状态")
    by_employee = {row[0]: row for row in summary[1:]}
    row = by_employee[world.org.other_team_engineer.employee_id]
    assert (row[3], row[status_column]) == (None, "无数据")
    assert pdf.status_code in {200, 302}  # 302: no CJK font on this machine
    # and the heatmap and the trend hold no total for them
    detail = hr.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"{world.org.other_team_engineer.name} #" not in detail
    trend = hr.get(f"/scorecards/{newcomer.pk}/").context["trend"]
    assert trend[-1]["total"] is None
    assert trend[-1]["no_data"]


# --- defect 4: forced distribution in whole people ---------------------------------


def three_graded(world: World) -> None:
    """赵六 gets facts as good as 张三's, so the team of 3 holds two top grades."""
    other = world.org.other_team_engineer
    add_facts(other, "satisfaction_score", 2, 96.0)
    add_facts(other, "revisit_due", 2)
    add_facts(other, "revisit_done", 2)
    add_facts(other, "training_exam", 1, 90.0)
    add_facts(other, "case_shared", 1)
    add_facts(other, "daily_report", 3, 1.0)


def test_one_a_in_three_passes_at_thirty_percent(world: World) -> None:
    # given a team of 3 in calibration with A ≤ 30% (S allowed freely), one person in A
    cycle = advance_to(
        start(world, grade_targets={"A": 0.3}, forced_distribution=True),
        Cycle.Phase.CALIBRATION,
        world,
    )
    top = card_of(cycle, world.org.engineer)
    services.scorecard_calibrate(
        actor=world.org.hr, origin=Origin.WEB, scorecard=top, grade="A", reason="calibrated"
    )
    three = card_of(cycle, world.org.other_team_engineer)
    services.scorecard_score_manually(
        actor=world.org.hr, origin=Origin.WEB, scorecard=three, total=65, reason="new"
    )
    # when calibration ends (33% in A: the share check used to block this)
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY)
    # then it moves on: 0.9 people rounds to 1 allowed
    assert cycle.phase == Cycle.Phase.PUBLICATION


def test_two_as_in_three_block_until_hr_keeps_them_with_a_reason(world: World) -> None:
    # given a team of 3 in calibration with A ≤ 30%, two people moved to A
    three_graded(world)
    cycle = advance_to(
        start(world, grade_targets={"A": 0.3}, forced_distribution=True),
        Cycle.Phase.CALIBRATION,
        world,
    )
    for employee in (world.org.engineer, world.org.other_team_engineer):
        services.scorecard_calibrate(
            actor=world.org.hr,
            origin=Origin.WEB,
            scorecard=card_of(cycle, employee),
            grade="A",
            reason="calibrated",
        )
    # when calibration ends without a reason
    with pytest.raises(DistributionError) as caught:
        services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY)
    # then it is refused, counted in people
    assert caught.value.problems == [
        "A: 2 of 3 people, 1 allowed (at most 30%, round to the nearest)"
    ]
    # when HR keeps the grades with a reason
    cycle = services.cycle_advance(
        actor=world.org.hr,
        origin=Origin.WEB,
        cycle=cycle,
        today=DAY,
        distribution_reason="both closed the two largest deals of the year",
    )
    # then the cycle moves on, nobody demoted, and the reason is on the cycle and audited
    assert cycle.phase == Cycle.Phase.PUBLICATION
    assert card_of(cycle, world.org.engineer).final_grade == "A"
    cycle.refresh_from_db()
    assert cycle.distribution_reason == "both closed the two largest deals of the year"
    event = AuditEvent.objects.filter(object_type="appraisal.cycle", object_id=str(cycle.pk)).latest(
        "pk"
    )
    assert event.changes["distribution_reason"]["after"] == cycle.distribution_reason


def test_rounding_down_is_a_cycle_setting(world: World) -> None:
    # given a cycle that rounds targets down: A ≤ 30% of 3 allows nobody
    three_graded(world)
    cycle = advance_to(
        start(world, grade_targets={"A": 0.3}, forced_distribution=True, distribution_rounding="floor"),
        Cycle.Phase.CALIBRATION,
        world,
    )
    services.scorecard_calibrate(
        actor=world.org.hr,
        origin=Origin.WEB,
        scorecard=card_of(cycle, world.org.engineer),
        grade="A",
        reason="calibrated",
    )
    # then one A is over its target
    assert [row.allowed for row in selectors.grade_distribution(cycle) if row.grade == "A"] == [0]
    assert selectors.distribution_problems(cycle)


def test_calibration_page_shows_allowed_people_in_both_languages(world: World) -> None:
    # given a team of 3 in calibration with A ≤ 30%
    three_graded(world)
    cycle = advance_to(
        start(world, grade_targets={"A": 0.3}, forced_distribution=True),
        Cycle.Phase.CALIBRATION,
        world,
    )
    # when HR opens the cycle in English and in Chinese
    english = client_for(world.org.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    chinese = client_for(world.org.hr, "zh-hans").get(f"/cycles/{cycle.pk}/").content.decode()
    # then the allowance is in whole people
    assert "A: 1 allowed of 3" in english
    assert "A：3 人中允许 1 人" in chinese


def test_the_advance_page_asks_for_the_distribution_reason(world: World) -> None:
    # given two A's of 3 at A ≤ 30% in calibration
    three_graded(world)
    cycle = advance_to(
        start(world, grade_targets={"A": 0.3}, forced_distribution=True),
        Cycle.Phase.CALIBRATION,
        world,
    )
    for employee in (world.org.engineer, world.org.other_team_engineer):
        services.scorecard_calibrate(
            actor=world.org.hr,
            origin=Origin.WEB,
            scorecard=card_of(cycle, employee),
            grade="A",
            reason="calibrated",
        )
    client = client_for(world.org.hr)
    # when HR opens the cycle, then the advance page, and confirms with a reason
    detail = client.get(f"/cycles/{cycle.pk}/").content.decode()
    step = client.get(f"/cycles/{cycle.pk}/advance/").content.decode()
    refused = client.post(f"/cycles/{cycle.pk}/advance/", {"reason": "", "distribution_reason": ""})
    moved = client.post(
        f"/cycles/{cycle.pk}/advance/", {"reason": "", "distribution_reason": "two big deals"}
    )
    # then the detail page leads to the confirmation step, which names the grade over
    assert f'href="/cycles/{cycle.pk}/advance/"' in detail
    assert "A: 2 of 3 people, 1 allowed" in step
    assert 'name="distribution_reason"' in step
    assert refused.status_code == 200
    assert moved.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.phase, cycle.distribution_reason) == (Cycle.Phase.PUBLICATION, "two big deals")
