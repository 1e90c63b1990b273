"""Managers and the director read plans, read-only, and see every team with scores
(issue 11, item 16).

A manager reads the plans that cover or appraise someone they may see; the director
heads the company, so sees everyone and reads every such plan. Neither may change a
plan: the edit actions are absent and the edit addresses stay 404.
"""

import pytest
from django.test import Client

from kpilib.appraisal import services as cycles
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.appraisal.selectors import team_overview
from kpilib.audit.origin import Origin
from kpilib.permissions import plan_readable_for, plans_readable_by
from kpilib.plans import services
from tests.appraisal_fixtures import QUARTER, TODAY, World, make_world
from tests.factories import make_employee, make_user

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def services_cycle(world: World) -> Cycle:
    return cycles.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER,
    )


def published_cycle(world: World) -> Cycle:
    cycle = services_cycle(world)
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = cycles.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY,
            early_reason="fast-forward in a test",
        )
    return cycle


def _director(world: World):  # type: ignore[no-untyped-def]
    org = world.org
    director = make_employee(
        "陈总监", org.company, position="presales-director", user=make_user("director")
    )
    org.company.head = director
    org.company.save()
    return director


def test_a_manager_reads_the_plan_of_their_people_but_may_not_change_it(world: World) -> None:
    manager = world.org.manager.user
    assert list(plans_readable_by(manager)) == [world.plan]
    plan, can_edit = plan_readable_for(manager, world.plan.pk)
    assert plan == world.plan
    assert can_edit is False

    client = Client()
    client.force_login(manager)
    page = client.get(f"/plans/{world.plan.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="read-only-plan"' in html
    assert f"/plans/{world.plan.pk}/edit/" not in html
    assert f"/plans/{world.plan.pk}/ahp/" not in html
    assert "plan_variant_new" not in html
    assert "/variants/new/" not in html
    assert client.get(f"/plans/{world.plan.pk}/edit/").status_code == 404
    assert client.post(f"/plans/{world.plan.pk}/publish/").status_code == 404


def test_a_manager_does_not_read_a_plan_that_covers_none_of_their_people(world: World) -> None:
    hr = world.org.hr
    north = services.plan_variant_create(
        actor=hr, origin=Origin.WEB, parent=world.plan, code="pe-north",
        name_zh_hans="华北", name_en="North", regions=["华北"],
    )
    services.revision_publish(
        actor=hr, origin=Origin.WEB, revision=north.revisions.get(), confirm_no_participants=True
    )
    manager = world.org.manager.user
    assert north not in plans_readable_by(manager)
    client = Client()
    client.force_login(manager)
    assert client.get(f"/plans/{north.pk}/").status_code == 404
    # the base plan's page lists only the variants the manager may read
    assert f"/plans/{north.pk}/" not in client.get(f"/plans/{world.plan.pk}/").content.decode()


def test_readers_never_see_a_draft(world: World) -> None:
    hr = world.org.hr
    services.draft_save(actor=hr, origin=Origin.WEB, plan=world.plan, weights={})
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.org.manager.user)
    html = client.get(f"/plans/{world.plan.pk}/").content.decode()
    assert "Continue the draft" not in html
    assert "<li>r2 · " not in html  # the draft revision is not listed (bare "r2" can be in the CSRF token)
    hr_client = Client(headers={"Accept-Language": "en"})
    hr_client.force_login(hr)
    assert "<li>r2 · " in hr_client.get(f"/plans/{world.plan.pk}/").content.decode()


def test_the_director_reads_every_plan_and_sees_every_team_with_scores(world: World) -> None:
    director = _director(world)
    cycle = published_cycle(world)
    assert list(plans_readable_by(director.user)) == [world.plan]
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(director.user)
    home = client.get("/").content.decode()
    assert 'id="teams"' in home
    teams = {row.unit_name: row for row in team_overview(director.user)}
    # both teams, each with its people; the eastern team's two engineers and manager scored
    assert set(teams) >= {world.org.team_a.name, world.org.team_b.name}
    east = teams[world.org.team_a.name]
    assert east.cycle == cycle
    cards = [
        Scorecard.objects.filter(participant__cycle=cycle, participant__employee=e)
        .order_by("-revision").first()
        for e in (world.org.engineer, world.org.peer)
    ]
    graded = [c for c in cards if c is not None and not c.no_data]
    assert east.scored == len(graded) == 2
    assert east.mean_total == pytest.approx(sum(c.total for c in graded) / 2)
    assert sum(count for _grade, count in east.grades) == 2
    # and the page links the team to its cycle, filtered to the team
    assert f"/cycles/{cycle.pk}/?scope=all&amp;unit={world.org.team_a.pk}" in home


def test_a_manager_sees_only_their_own_team(world: World) -> None:
    services_cycle(world)
    rows = team_overview(world.org.manager.user)
    assert [row.unit_name for row in rows] == [world.org.team_a.name]
    assert rows[0].people == 2  # 张三 and 李四; the manager is not in their own team
