"""Cycle and plan pages end to end through the test client, with the access rules."""

import datetime
import io
import os
import re

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.plans import services as plan_services
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, make_world

# (the cycle pages show the phase's progress as of today)
pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client_for(user: object, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def published_cycle(world: World) -> Cycle:
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    return cycle


def card(cycle: Cycle, employee: object) -> Scorecard:
    return Scorecard.objects.get(participant__cycle=cycle, participant__employee=employee)


def test_engineer_reads_their_explained_scorecard_in_chinese(world: World) -> None:
    # given published results
    cycle = published_cycle(world)
    mine = card(cycle, world.org.peer)
    # when 李四 opens it in Chinese
    page = (
        client_for(world.org.peer.user, "zh-hans").get(f"/scorecards/{mine.pk}/").content.decode()
    )
    # then each line shows its Chinese explanation and the facts link
    assert "客户投诉次数" in page
    assert "投诉" in page
    assert f"/scorecards/{mine.pk}/facts/complaints/" in page


def test_scorecards_are_private(world: World) -> None:
    # given published results
    cycle = published_cycle(world)
    theirs = card(cycle, world.org.engineer)
    # when a peer, a manager and HR open 张三's scorecard
    peer = client_for(world.org.peer.user).get(f"/scorecards/{theirs.pk}/")
    manager = client_for(world.org.manager.user).get(f"/scorecards/{theirs.pk}/")
    hr = client_for(world.org.hr).get(f"/scorecards/{theirs.pk}/")
    # then only the peer is turned away, as if it did not exist
    assert (peer.status_code, manager.status_code, hr.status_code) == (404, 200, 200)


def test_unpublished_scorecard_is_hidden_from_its_owner(world: World) -> None:
    # given a cycle in data collection
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    draft = card(cycle, world.org.peer)
    # when the employee opens their draft
    response = client_for(world.org.peer.user).get(f"/scorecards/{draft.pk}/")
    # then it is not theirs to see yet
    assert response.status_code == 404


def test_drill_down_lists_the_facts_behind_a_line(world: World) -> None:
    # given published results
    cycle = published_cycle(world)
    mine = card(cycle, world.org.peer)
    # when 李四 opens the facts behind complaints
    page = (
        client_for(world.org.peer.user)
        .get(f"/scorecards/{mine.pk}/facts/complaints/")
        .content.decode()
    )
    # then both complaints are listed
    assert page.count("<td>customer complaint</td>") == 2


def test_plan_admin_edits_only_their_plan(world: World) -> None:
    # given the manager delegated as administrator of another plan only
    other = plan_services.plan_clone(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, code="pe-copy", name_zh_hans="副本", name_en="Copy"
    )
    plan_services.plan_set_administrator(
        actor=world.org.hr, origin=Origin.WEB, plan=other, employee=world.org.manager, admin=True
    )
    client = client_for(world.org.manager.user)
    # when they open both plans
    theirs = client.get(f"/plans/{other.pk}/edit/")
    not_theirs = client.get(f"/plans/{world.plan.pk}/edit/")
    # then only their own plan opens
    assert theirs.status_code == 200
    assert not_theirs.status_code == 404


def test_appeal_flow_through_the_pages(world: World) -> None:
    # given published results
    cycle = published_cycle(world)
    mine = card(cycle, world.org.peer)
    # when 李四 appeals and HR upholds it with a corrected grade
    client_for(world.org.peer.user).post(
        f"/scorecards/{mine.pk}/appeal/", {"text": "请复核投诉记录"}
    )
    appeal = mine.appeals.get()
    client_for(world.org.hr).post(
        f"/appeals/{appeal.pk}/answer/",
        {"response": "一次投诉已撤销", "uphold": "on", "grade": "B", "grade_reason": "按 B 计"},
    )
    # then the employee sees revision 2 with the reason
    corrected = Scorecard.objects.get(participant=mine.participant, revision=2)
    page = client_for(world.org.peer.user).get(f"/scorecards/{corrected.pk}/").content.decode()
    assert "一次投诉已撤销" in page
    assert corrected.final_grade == "B"


def test_exports(world: World) -> None:
    # given published results
    cycle = published_cycle(world)
    mine = card(cycle, world.org.peer)
    client = client_for(world.org.hr)
    # when the scorecard and the team are exported to XLSX
    single = client.get(f"/scorecards/{mine.pk}/export.xlsx")
    team = client.get(f"/cycles/{cycle.pk}/export.xlsx")
    # then the workbooks read back hold the summary and every line, header frozen
    mine_only = load_workbook(io.BytesIO(single.content))
    summary = list(mine_only["Summary"].iter_rows(values_only=True))
    assert summary[0][:5] == ("Employee number", "Name", "Cycle", "Total", "Grade")
    assert [row[0] for row in summary[1:]] == [world.org.peer.employee_id]
    assert summary[1][3] == pytest.approx(float(mine.total))
    assert summary[1][4] == mine.final_grade
    lines = list(mine_only["Lines"].iter_rows(values_only=True))
    assert len(lines) == 1 + len(mine.lines)
    assert {row[2] for row in lines[1:]} == {line["code"] for line in mine.lines}
    everyone = load_workbook(io.BytesIO(team.content))["Summary"]
    assert everyone.freeze_panes == "A2"
    assert everyone.auto_filter.ref == f"A1:N{1 + cycle.participants.count()}"
    assert everyone["D2"].number_format == "0.00"


def test_pdf_export_embeds_a_chinese_font(world: World) -> None:
    # given published results and a machine with a CJK font
    from kpilib.appraisal.exports import ExportError, cjk_font

    try:
        cjk_font()
    except ExportError:
        if os.environ.get("CI") == "true":
            raise  # .ci/run installs fonts-noto-cjk: a missing font there is a real failure
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    cycle = published_cycle(world)
    mine = card(cycle, world.org.peer)
    # when it is exported as PDF in Chinese
    response = client_for(world.org.peer.user, "zh-hans").get(f"/scorecards/{mine.pk}/export.pdf")
    # then it is a PDF with an embedded font
    assert response.content[:4] == b"%PDF"
    assert b"/FontFile" in response.content


def test_own_draft_result_stays_hidden_on_the_cycle_page_and_export(world: World) -> None:
    # given a cycle in data collection with drafts computed, and 李四 as its plan's admin
    plan_services.plan_set_administrator(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, employee=world.org.peer, admin=True
    )
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    client = client_for(world.org.peer.user)
    # when 李四 opens the cycle and exports its scorecards
    page = client.get(f"/cycles/{cycle.pk}/").content.decode()
    export = client.get(f"/cycles/{cycle.pk}/export.xlsx")
    # then 张三's draft is there but not 李四's own
    from io import BytesIO

    from openpyxl import load_workbook

    numbers = [
        row[0]
        for row in load_workbook(BytesIO(export.content))["Summary"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert world.org.engineer.employee_id in numbers
    assert world.org.peer.employee_id not in numbers
    assert f'href="/scorecards/{card(cycle, world.org.peer).pk}/"' not in page


def test_text_that_looks_like_a_formula_is_exported_as_text(world: World) -> None:
    # given a person whose name starts like a spreadsheet formula
    world.org.peer.name = '=HYPERLINK("http://evil.example","x")'
    world.org.peer.save()
    cycle = published_cycle(world)
    # when HR exports the cycle
    content = client_for(world.org.hr).get(f"/cycles/{cycle.pk}/export.xlsx").content
    # then the cell holds text, not a formula
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [cell for row in load_workbook(BytesIO(content))["Summary"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert '\'=HYPERLINK("http://evil.example","x")' in [cell.value for cell in cells]


def test_opening_the_plan_editor_creates_no_draft(world: World) -> None:
    # when the plan editor is opened
    client_for(world.org.hr).get(f"/plans/{world.plan.pk}/edit/")
    # then no draft revision appeared
    assert not world.plan.revisions.filter(status="draft").exists()


def test_a_corrected_grade_must_be_one_of_the_plan(world: World) -> None:
    # given an appeal against a published scorecard
    cycle = published_cycle(world)
    appeal = services.appeal_file(
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=card(cycle, world.org.peer), text="请复核"
    )
    # when HR upholds it with a grade the plan does not have
    with pytest.raises(services.CycleError):
        services.appeal_answer(
            actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=True, response="调整", grade="A+"
        )
    # then no corrected revision was published
    assert not Scorecard.objects.filter(participant__employee=world.org.peer, revision=2).exists()


def test_adding_an_indicator_in_the_editor_keeps_it_with_a_weight_field(world: World) -> None:
    # given HR in the base plan's editor
    client = client_for(world.org.hr)
    # when they add customer coverage (no weight yet)
    response = client.post(
        f"/plans/{world.plan.pk}/indicators/add/", {"indicator": "customer_coverage", "weight": ""}
    )
    assert response.status_code == 302
    page = client.get(f"/plans/{world.plan.pk}/edit/").content.decode()
    # then the draft keeps it and the editor shows it with an empty weight input
    draft = world.plan.revisions.get(status="draft")
    assert draft.weights["customer_coverage"] is None
    assert 'name="weight__customer_coverage" value=""' in page
    assert "no weight set yet for" in page
    # and once its weight is saved with the others it is weighted in the draft
    weights = {f"weight__{code}": w for code, w in draft.weights.items() if w is not None}
    weights |= {"weight__customer_coverage": "10", "weight__tech_resolution": "25"}
    client.post(f"/plans/{world.plan.pk}/edit/", weights)
    draft.refresh_from_db()
    assert draft.weights["customer_coverage"] == 10
    # and the remove button takes it out again
    client.post(f"/plans/{world.plan.pk}/indicators/remove/", {"code": "customer_coverage"})
    draft.refresh_from_db()
    assert "customer_coverage" not in draft.weights


def test_adding_an_indicator_to_a_variant_in_the_editor(world: World) -> None:
    variant = plan_services.plan_variant_create(
        actor=world.org.hr, origin=Origin.WEB,
        parent=world.plan, code="pe-north", name_zh_hans="华北", name_en="North", regions=["华北"],
    )
    client = client_for(world.org.hr, "zh-hans")
    client.post(f"/plans/{variant.pk}/indicators/add/", {"indicator": "customer_coverage", "weight": "10"})
    page = client.get(f"/plans/{variant.pk}/edit/").content.decode()
    assert variant.revisions.get(status="draft").weights == {"customer_coverage": 10}
    assert 'name="weight__customer_coverage" value="10' in page
    # a second addition of the same indicator is refused on the form, not silently dropped
    again = client.post(
        f"/plans/{variant.pk}/indicators/add/", {"indicator": "customer_coverage", "weight": "5"}
    )
    assert again.status_code == 200
    assert variant.revisions.get(status="draft").weights == {"customer_coverage": 10}


@time_machine.travel(datetime.datetime(2026, 10, 8, 10, tzinfo=datetime.UTC), tick=False)
def test_moving_on_early_asks_for_confirmation_with_the_counts_and_deadline(world: World) -> None:
    # given a published cycle in acknowledgement, due 2026-10-30, on 2026-10-08
    cycle = published_cycle(world)
    cycle.phase_deadlines = {Cycle.Phase.ACKNOWLEDGEMENT: "2026-10-30"}
    cycle.save()
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY)
    hr = client_for(world.org.hr)
    # when HR asks to close it from the cycle page, without a reason
    page = hr.post(f"/cycles/{cycle.pk}/advance/", {"reason": ""})
    # then the confirmation step shows how far the phase got and its deadline, with a reason field
    text = page.content.decode()
    assert page.status_code == 200
    assert "0 of 3 acknowledged" in text
    assert "2026-10-30" in text
    assert 'name="reason"' in text
    cycle.refresh_from_db()
    assert cycle.phase == Cycle.Phase.ACKNOWLEDGEMENT
    # and the cycle page leads to that step instead of posting at once
    detail = hr.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f'href="/cycles/{cycle.pk}/advance/"' in detail
    assert "0 of 3 acknowledged, deadline 2026-10-30" in detail
    # when HR confirms with a reason
    done = hr.post(f"/cycles/{cycle.pk}/advance/", {"reason": "团队重组，结果已在会上确认"})
    # then the cycle is closed and the reason kept
    assert done.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.phase, cycle.phase_change_reason) == (Cycle.Phase.CLOSED, "团队重组，结果已在会上确认")


def test_a_refused_early_move_keeps_the_typed_reason(world: World) -> None:
    # given a cycle in acknowledgement with an open appeal
    cycle = published_cycle(world)
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY)
    services.appeal_file(
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=card(cycle, world.org.peer), text="请复核"
    )
    # when HR tries to close it early with a reason, in Chinese
    page = client_for(world.org.hr, "zh-Hans").post(
        f"/cycles/{cycle.pk}/advance/", {"reason": "季度末统一关闭"}
    )
    # then the page says why it is refused and keeps what was typed
    text = page.content.decode()
    assert "季度末统一关闭" in text
    assert "申诉" in text
    cycle.refresh_from_db()
    assert cycle.phase == Cycle.Phase.ACKNOWLEDGEMENT


def test_points_and_totals_follow_the_plans_precision_on_pages_and_exports(world: World) -> None:
    # given a plan whose revision shows one decimal, and published results
    from kpilib.engine.explain import fixed_value
    from kpilib.plans.models import PlanRevision

    PlanRevision.objects.filter(plan=world.plan).update(precision=1)
    cycle = published_cycle(world)
    mine = card(cycle, world.org.peer)
    shown = fixed_value(mine.total, 1)
    assert len(shown.split(".")[1]) == 1
    # when the scorecard, the cycle page, the home page and the XLSX are opened
    peer = client_for(world.org.peer.user)
    scorecard_page = peer.get(f"/scorecards/{mine.pk}/").content.decode()
    home = peer.get("/").content.decode()
    cycle_page = client_for(world.org.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    workbook = load_workbook(io.BytesIO(client_for(world.org.hr).get(f"/cycles/{cycle.pk}/export.xlsx").content))
    # then each shows the total with the plan's one decimal, never the default two
    for page in (scorecard_page, home, cycle_page):
        assert f">{shown}<" in page
        assert f">{fixed_value(mine.total, 2)}<" not in page
    assert workbook["Summary"]["D2"].number_format == "0.0"
    assert {cell.number_format for cell in workbook["Lines"]["F"][1:]} == {"0.0"}


def test_the_cycle_page_says_who_recomputed_the_scores_and_when(world: World) -> None:
    # given a cycle in data collection whose plan 王经理 administers
    plan_services.plan_set_administrator(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, employee=world.org.manager,
        admin=True,
    )
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="Q3", kind="quarterly",
        period=QUARTER,
    )
    cycle = services.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="fast-forward"
    )
    manager = client_for(world.org.manager.user)
    # when he recomputes from the current facts, at a known time
    with time_machine.travel(datetime.datetime(2026, 8, 12, 9, 30, tzinfo=datetime.UTC), tick=False):
        response = manager.post(f"/cycles/{cycle.pk}/recompute/")
    assert response.status_code == 302
    page = manager.get(f"/cycles/{cycle.pk}/").content.decode()
    # then the page names him and the time, and offers the recompute button (a scored phase)
    assert re.search(r'id="last-recompute">Scores last computed on 08/12/2026 [^<]* by manager\.<', page)
    assert "Recompute from current facts" in page


def test_the_cycle_page_offers_no_recompute_once_published(world: World) -> None:
    # given published results (publication freezes the scorecards)
    cycle = published_cycle(world)
    # when HR opens the cycle
    page = client_for(world.org.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    # then there is no recompute button, and the last scoring (by HR's phase moves) is shown
    assert "Recompute from current facts" not in page
    assert re.search(r'id="last-recompute">Scores last computed on [^<]* by hr\.<', page)


def test_only_the_employee_is_offered_acknowledgement_and_appeal(world: World) -> None:
    # given 李四's published scorecard
    mine = card(published_cycle(world), world.org.peer)
    # when 李四 and his manager open it
    own = client_for(world.org.peer.user).get(f"/scorecards/{mine.pk}/").content.decode()
    managers = client_for(world.org.manager.user).get(f"/scorecards/{mine.pk}/").content.decode()
    # then only 李四 gets the buttons (the service decides: can_acknowledge, can_appeal)
    assert 'id="acknowledge"' in own
    assert 'id="appeal-form"' in own
    assert 'id="acknowledge"' not in managers
    assert 'id="appeal-form"' not in managers


def test_a_manager_posting_an_acknowledgement_is_refused(world: World) -> None:
    # given 李四's published scorecard
    mine = card(published_cycle(world), world.org.peer)
    # when his manager posts the acknowledgement in his place
    response = client_for(world.org.manager.user).post(
        f"/scorecards/{mine.pk}/acknowledge/", follow=True
    )
    # then the service refuses it with its reason, and nothing is acknowledged
    assert "only the employee can acknowledge their result" in response.content.decode()
    mine.refresh_from_db()
    assert mine.acknowledged_at is None


def test_rank_is_shown_out_of_the_people_ranked(world: World) -> None:
    # given published results for the three engineers of the test world
    cycle = published_cycle(world)
    ranked = Scorecard.objects.filter(participant__cycle=cycle, rank__isnull=False).count()
    mine = card(cycle, world.org.peer)
    # when 李四 opens the scorecard, and HR the cycle page
    page = client_for(world.org.peer.user).get(f"/scorecards/{mine.pk}/").content.decode()
    cycle_page = client_for(world.org.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    # then the rank reads "1 / 2": the place out of everyone ranked (no data holds no rank)
    unranked = cycle.participants.count() - ranked
    assert ranked >= 2
    rank = re.search(r'id="scorecard-rank"><strong>([^<]*)</strong>', page)
    assert rank is not None
    assert rank.group(1) == f"{mine.rank} / {ranked}"
    assert re.findall(r'<td class="rank">([^<]*)</td>', cycle_page) == [
        f"{place} / {ranked}" for place in range(1, ranked + 1)
    ] + ["—"] * unranked

