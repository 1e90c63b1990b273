"""The facts behind a line, as people check them (issue 11, item 14): the source's own
columns, revisits matched due ↔ done so the missing ones show, and daily-report values
by their meaning."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from kpilib.appraisal import selectors, services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.ingest.models import Fact
from tests.appraisal_fixtures import QUARTER, TODAY, World, add_facts, make_world

pytestmark = pytest.mark.today(TODAY)


def fact(metric: str, day: int, project: str = "", pk: int = 0) -> SimpleNamespace:
    return SimpleNamespace(
        metric=metric, occurred_on=datetime.date(2026, 8, day), project_id=project,
        customer_id="", pk=pk or day,
    )


def test_each_due_revisit_takes_the_first_done_one_on_or_after_its_day() -> None:
    facts = [
        fact("revisit_due", 1, "P1", 1),
        fact("revisit_due", 3, "P2", 2),
        fact("revisit_done", 2, "P2", 3),  # before P2 was due: does not meet it
        fact("revisit_done", 5, "P1", 4),
        fact("revisit_due", 6, "P1", 5),
    ]
    pairs = selectors.paired_facts(facts)
    shown = [
        (p.key, p.due.pk if p.due else None, p.done.pk if p.done else None) for p in pairs
    ]
    assert shown == [("P1", 1, 4), ("P2", 2, None), ("P1", 5, None), ("P2", None, 3)]


def test_facts_without_pairs_have_no_matching() -> None:
    assert selectors.paired_facts([fact("complaint", 1)]) == []


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def published(world: World) -> Cycle:
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER,
    )
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY,
            early_reason="fast-forward in a test",
        )
    return cycle


def facts_page(world: World, cycle: Cycle, employee: object, line_code: str) -> str:
    card = Scorecard.objects.filter(
        participant__cycle=cycle, participant__employee=employee
    ).order_by("-revision").first()
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.org.hr)
    response = client.get(f"/scorecards/{card.pk}/facts/{line_code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_facts_page_shows_the_sources_columns_and_rating_meanings(world: World) -> None:
    Fact.objects.filter(employee=world.org.engineer, metric="daily_report").update(
        attributes={"备注": "客户现场"}
    )
    cycle = published(world)
    html = facts_page(world, cycle, world.org.engineer, "daily_report")
    assert '<th translate="no">备注</th>' in html
    assert '<td translate="no">客户现场</td>' in html
    assert "constructive (+1)" in html


def test_the_revisit_line_shows_the_missing_revisits(world: World) -> None:
    # 张三 owes revisits of P1 and P2 and made only P1's
    Fact.objects.filter(employee=world.org.engineer, metric__startswith="revisit").delete()
    add_facts(world.org.engineer, "revisit_due", 1, project_id="P1")
    add_facts(world.org.engineer, "revisit_due", 1, project_id="P2")
    add_facts(world.org.engineer, "revisit_done", 1, project_id="P1")
    cycle = published(world)
    html = facts_page(world, cycle, world.org.engineer, "revisit_completion")
    assert 'id="fact-pairs"' in html
    assert html.count('class="bad missing"') == 1
    assert "<strong>missing</strong>" in html
