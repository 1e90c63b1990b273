"""Reports people can hand on (issue 11, item 14): the cycle XLSX in rank order with org
unit, manager, calibration and appeal columns; the cycle PDF with a cover (distribution
and ranking), the company header, page numbers, notes and signature lines."""

import io
import os
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from kpilib.appraisal import services
from kpilib.appraisal.exports import (
    ExportError,
    appeal_note,
    calibration_note,
    cjk_font,
    scorecards_pdf,
)
from kpilib.appraisal.models import Appeal, Cycle, Scorecard
from kpilib.audit.origin import Origin
from tests.appraisal_fixtures import QUARTER, TODAY, World, make_world

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def advance_to(cycle: Cycle, phase: str, world: World) -> Cycle:
    while cycle.phase != phase:
        cycle = services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY,
            early_reason="fast-forward in a test",
        )
    return cycle


def newest(cycle: Cycle, employee: object) -> Scorecard:
    return (
        Scorecard.objects.filter(participant__cycle=cycle, participant__employee=employee)
        .order_by("-revision")
        .first()
    )


@pytest.fixture
def closed_loop(world: World) -> Cycle:
    """A cycle with a calibration move (李四 up one grade) and a rejected grade appeal."""
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER,
    )
    cycle = advance_to(cycle, Cycle.Phase.CALIBRATION, world)
    peer = newest(cycle, world.org.peer)
    bands = [band for band in ("S", "A", "B", "C", "D") if band != peer.grade]
    services.scorecard_calibrate(
        actor=world.org.hr, origin=Origin.WEB, scorecard=peer, grade=bands[-1],
        reason="covered the north for a month",
    )
    cycle = advance_to(cycle, Cycle.Phase.ACKNOWLEDGEMENT, world)
    appeal = services.appeal_file(
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=newest(cycle, world.org.peer),
        text="the grade ignores my project work",
    )
    services.appeal_answer(
        actor=world.org.hr, origin=Origin.WEB, appeal=appeal, uphold=False,
        response="project work is in the next cycle",
    )
    return cycle


def test_the_notes_say_what_calibration_and_appeals_did(world: World, closed_loop: Cycle) -> None:
    peer = newest(closed_loop, world.org.peer)
    assert calibration_note(peer) == (
        f"{peer.grade} → {peer.calibrated_grade}: covered the north for a month"
    )
    note = appeal_note(peer, list(Appeal.objects.filter(scorecard__participant=peer.participant)))
    assert "the grade ignores my project work" in note
    assert "project work is in the next cycle" in note
    assert calibration_note(newest(closed_loop, world.org.engineer)) == ""


def test_the_cycle_workbook_is_in_rank_order_with_org_unit_manager_calibration_and_appeals(
    world: World, closed_loop: Cycle
) -> None:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.org.hr)
    workbook = load_workbook(io.BytesIO(client.get(f"/cycles/{closed_loop.pk}/export.xlsx").content))
    sheet = workbook["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[8:] == (
        "Org unit", "Manager", "Grade from the total", "Calibration", "Appeals", "Acknowledged on",
    )
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{len(rows)}"
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    peer = by_number[world.org.peer.employee_id]
    assert peer["Org unit"] == world.org.team_a.name
    assert peer["Manager"] == world.org.manager.name
    assert "covered the north for a month" in peer["Calibration"]
    assert "the grade ignores my project work" in peer["Appeals"]
    # ranked people first, in rank order; people without a rank (no data) after them
    ranks = [row[5] for row in rows[1:]]
    ranked = [rank for rank in ranks if rank is not None]
    assert ranked == sorted(ranked)
    assert ranks[: len(ranked)] == ranked


def test_the_cycle_pdf_has_a_cover_and_numbered_pages(world: World, closed_loop: Cycle) -> None:
    try:
        cjk_font()
    except ExportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(world.org.hr)
    team = client.get(f"/cycles/{closed_loop.pk}/export.pdf").content
    single = client.get(f"/scorecards/{newest(closed_loop, world.org.peer).pk}/export.pdf").content
    assert team[:4] == b"%PDF"

    def pages(pdf: bytes) -> int:
        return len(re.findall(rb"/Type\s*/Page\b", pdf))

    people = closed_loop.participants.count()
    # the cover, then at least a page per person; a single scorecard has no cover
    assert pages(team) >= 1 + people
    assert pages(single) >= 1
    cards = [newest(closed_loop, p.employee) for p in closed_loop.participants.all()]
    with_cover = scorecards_pdf(cards, "zh-Hans", today=TODAY, cover=True)
    without = scorecards_pdf(cards, "zh-Hans", today=TODAY)
    assert pages(with_cover) == pages(without) + 1
