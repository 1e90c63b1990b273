"""Appeals (issue 11, defect 5): an upheld appeal is a correction, not a calibration; the
corrected grade is one of the plan's and matches the total unless a reason is given; a data
appeal re-scores from the corrected facts; no appeal after acknowledgement; typed text
survives an error; open appeals are on the home to-do list."""

import pytest

from kpilib.appraisal import services
from kpilib.appraisal.models import Appeal, Cycle, Scorecard
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.models import Fact
from kpilib.ingest.services import facts_import
from tests.appraisal.test_cycle_pages import client_for
from tests.appraisal.test_cycle_pages import published_cycle as published
from tests.appraisal_fixtures import DAY, TODAY, World, add_facts, make_world

# (the cycle pages show the phase's progress as of today)
pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def newest(cycle: Cycle, employee: object) -> Scorecard:
    return (
        Scorecard.objects.filter(participant__cycle=cycle, participant__employee=employee)
        .order_by("-revision")
        .first()
    )


def appeal_of(world: World, cycle: Cycle, text: str = "请复核", line_code: str = "") -> Appeal:
    return services.appeal_file(
        actor=world.org.peer.user,
        origin=Origin.WEB,
        scorecard=newest(cycle, world.org.peer),
        text=text,
        line_code=line_code,
    )


def test_an_upheld_appeal_shows_as_a_correction_not_as_a_calibration(world: World) -> None:
    # given 李四 at 63.00 (C) appealing the grade, upheld with B and a reason
    cycle = published(world)
    appeal = appeal_of(world, cycle, "两次投诉来自同一次停电")
    services.appeal_answer(
        actor=world.org.hr,
        origin=Origin.WEB,
        appeal=appeal,
        uphold=True,
        response="两次投诉合并计算",
        grade="B",
        grade_reason="同一事件只计一次",
    )
    corrected = newest(cycle, world.org.peer)
    assert (corrected.revision, corrected.final_grade, corrected.calibrated_grade) == (2, "B", "")
    assert corrected.corrected_on_appeal
    assert corrected.appeal == appeal
    # when HR opens the cycle page and 李四 the scorecard, in Chinese
    cycle_page = client_for(world.org.hr, "zh-Hans").get(f"/cycles/{cycle.pk}/").content.decode()
    card_page = client_for(world.org.peer.user, "zh-Hans").get(
        f"/scorecards/{corrected.pk}/"
    ).content.decode()
    # then both say 申诉更正, never 由 C 校准
    assert "申诉更正" in cycle_page
    assert "申诉更正" in card_page
    assert "由 C 校准" not in cycle_page
    assert "由 C 校准" not in card_page
    assert "同一事件只计一次" in card_page


def test_the_corrected_grade_must_match_the_total_unless_a_reason_is_given(world: World) -> None:
    # given an appeal of 李四's grade (63.00 gives C)
    cycle = published(world)
    appeal = appeal_of(world, cycle)
    # when HR upholds it with B and no reason for the difference
    with pytest.raises(services.CycleError) as caught:
        services.appeal_answer(
            actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="调整", grade="B"
        )
    # then it is refused on the grade reason, naming the total's grade; nothing is published
    assert caught.value.field == "grade_reason"
    assert "63.00 gives C" in caught.value.messages[0]
    assert newest(cycle, world.org.peer).revision == 1
    # and a grade the plan does not have is refused too
    with pytest.raises(services.CycleError):
        services.appeal_answer(
            actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="调整",
            grade="A+", grade_reason="x",
        )
    # when HR upholds with the total's own grade, no reason is needed
    services.appeal_answer(
        actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="维持 C", grade="C"
    )
    assert newest(cycle, world.org.peer).final_grade == "C"


def test_a_data_appeal_rescores_from_the_corrected_facts(world: World) -> None:
    # given 李四 appealing the satisfaction line: the survey scored 86 was really 98
    cycle = published(world)
    before = newest(cycle, world.org.peer)
    appeal = appeal_of(world, cycle, "满意度调查录入有误，应为 98", line_code="customer_satisfaction")
    survey = Fact.objects.get(employee=world.org.peer, metric="satisfaction_score")
    # when the survey is corrected through the fact store (re-imported under its own id)
    csv = (
        "employee_id,metric,occurred_on,value,external_id\n"
        f"{world.org.peer.employee_id},satisfaction_score,{DAY.isoformat()},98,{survey.external_id}\n"
    )
    facts_import(actor=world.org.hr, origin=Origin.WEB, data=csv.encode(), file_name="fix.csv", source="test")
    # and HR upholds the appeal
    services.appeal_answer(
        actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="调查已更正"
    )
    # then revision 2 is scored from the corrected survey, revision 1 is unchanged
    corrected = newest(cycle, world.org.peer)
    line = {item["code"]: item for item in corrected.lines}["customer_satisfaction"]
    assert (line["value"], line["points"]) == (98, 15)
    assert corrected.total > before.total
    before.refresh_from_db()
    assert {item["code"]: item for item in before.lines}["customer_satisfaction"]["value"] == 86
    # and the disputed line on the corrected scorecard shows the new figures beside the old
    page = client_for(world.org.peer.user).get(f"/scorecards/{corrected.pk}/").content.decode()
    row = page[page.index('class="status-scored disputed"') :].split("</tr>")[0]
    assert "98" in row
    assert "15.00 / 15.00" in row
    assert "was 86" in row


def test_a_grade_appeal_keeps_the_published_lines(world: World) -> None:
    # given an appeal of 李四's grade, and a complaint that arrived after publication
    cycle = published(world)
    before = newest(cycle, world.org.peer)
    appeal = appeal_of(world, cycle, "等级偏低")
    add_facts(world.org.peer, "complaint", 1)
    # when HR upholds it with B and a reason
    services.appeal_answer(
        actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="调整等级",
        grade="B", grade_reason="客户停电导致投诉",
    )
    # then the correction keeps the published lines and total: only the grade changed
    corrected = newest(cycle, world.org.peer)
    assert (corrected.total, corrected.lines) == (before.total, before.lines)
    assert corrected.final_grade == "B"


def test_no_appeal_after_acknowledgement(world: World) -> None:
    # given 李四 acknowledged their published result
    cycle = published(world)
    card = newest(cycle, world.org.peer)
    services.scorecard_acknowledge(actor=world.org.peer.user, origin=Origin.WEB, scorecard=card)
    # when they try to appeal it
    with pytest.raises(services.CycleError) as caught:
        appeal_of(world, cycle)
    # then the service refuses, and the page offers no appeal form
    assert "acknowledged" in caught.value.messages[0]
    page = client_for(world.org.peer.user).get(f"/scorecards/{card.pk}/").content.decode()
    assert 'id="appeal-form"' not in page
    assert not Appeal.objects.exists()


def test_one_open_appeal_at_a_time_and_the_form_only_when_it_may_be_filed(world: World) -> None:
    # given an open appeal of 李四's scorecard
    cycle = published(world)
    card = newest(cycle, world.org.peer)
    peer = client_for(world.org.peer.user)
    assert 'id="appeal-form"' in peer.get(f"/scorecards/{card.pk}/").content.decode()
    appeal_of(world, cycle)
    # then a second appeal is refused and the form is gone while the first waits
    with pytest.raises(services.CycleError):
        appeal_of(world, cycle, "再次申诉")
    assert 'id="appeal-form"' not in peer.get(f"/scorecards/{card.pk}/").content.decode()


def test_typed_appeal_text_survives_a_refusal(world: World) -> None:
    # given a published scorecard whose cycle closed meanwhile
    cycle = published(world)
    card = newest(cycle, world.org.peer)
    Cycle.objects.filter(pk=cycle.pk).update(phase=Cycle.Phase.CLOSED)
    # when 李四 files an appeal with a line that is not on the scorecard
    text = "第二次投诉不属于我负责的项目，请核实后撤销。"
    page = client_for(world.org.peer.user).post(
        f"/scorecards/{card.pk}/appeal/", {"text": text, "line_code": "no_such_line"}
    )
    # then the page comes back with the error and the typed text
    assert page.status_code == 200
    assert text in page.content.decode()
    assert not Appeal.objects.exists()


def test_typed_answer_survives_a_validation_error(world: World) -> None:
    # given an open appeal of 李四's grade (63.00, C)
    cycle = published(world)
    appeal = appeal_of(world, cycle)
    # when HR upholds it with B but gives no reason for the grade
    response = "经复核，两次投诉来自同一事件，等级调整为 B。"
    page = client_for(world.org.hr).post(
        f"/appeals/{appeal.pk}/answer/", {"response": response, "uphold": "on", "grade": "B"}
    )
    # then the cycle page comes back with the reason asked for and the answer as typed
    text = page.content.decode()
    assert page.status_code == 200
    assert response in text
    assert "63.00 gives C" in text
    assert '<option value="B" selected>B</option>' in text
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.OPEN


def test_the_grade_is_chosen_from_the_plans_grades(world: World) -> None:
    # given an open appeal on the cycle page
    cycle = published(world)
    appeal = appeal_of(world, cycle)
    page = client_for(world.org.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    # then the corrected grade is a select of the plan's grades
    form = page[page.index(f'id="appeal-{appeal.pk}"') :]
    select = form[form.index('<select name="grade"') : form.index("</select>")]
    assert [f'<option value="{g}">{g}</option>' in select for g in "SABCD"] == [True] * 5


def test_open_appeals_are_on_the_home_to_do_list(world: World) -> None:
    # given an open appeal of 李四
    cycle = published(world)
    appeal_of(world, cycle)
    # when their manager, HR and 李四 open the home page
    manager = client_for(world.org.manager.user).get("/").content.decode()
    hr = client_for(world.org.hr).get("/").content.decode()
    own = client_for(world.org.peer.user).get("/").content.decode()
    # then the manager and HR see it waiting; HR, who runs the cycle, is asked to answer it
    assert "Appeal of 李四, waiting for its answer" in manager
    assert "Answer the appeal of 李四" in hr
    assert f'href="/cycles/{cycle.pk}/#appeals"' in hr
    assert "appeal-due" not in own
    # and once answered it is gone
    services.appeal_answer(
        actor=SYSTEM, origin=Origin.WEB, appeal=Appeal.objects.get(), uphold=False, response="维持"
    )
    assert "appeal-due" not in client_for(world.org.manager.user).get("/").content.decode()


def test_only_an_older_revision_says_a_newer_one_exists(world: World) -> None:
    # given 李四's published revision 1, corrected on appeal into revision 2
    cycle = published(world)
    first = newest(cycle, world.org.peer)
    appeal = appeal_of(world, cycle, "两次投诉来自同一次停电")
    services.appeal_answer(
        actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True,
        response="两次投诉合并计算", grade="B", grade_reason="同一事件只计一次",
    )
    corrected = newest(cycle, world.org.peer)
    for viewer in (world.org.peer.user, world.org.hr):
        client = client_for(viewer, "en")
        # when they open each revision
        # then only the older one says a newer revision exists
        assert "A newer revision" in client.get(f"/scorecards/{first.pk}/").content.decode()
        assert "A newer revision" not in client.get(f"/scorecards/{corrected.pk}/").content.decode()
