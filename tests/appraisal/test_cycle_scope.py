"""The cycle page filters to "my team / my region / everyone I may see", groups people by
org unit and shows the distribution per group and overall (issue 11, item 9)."""

import pytest
from django.test import Client

from kpilib.appraisal import selectors, services
from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.audit.origin import Origin
from kpilib.permissions import participants_visible, scorecards_visible
from tests.appraisal_fixtures import QUARTER, TODAY, World, make_world
from tests.factories import make_employee, make_user

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def start(world: World) -> Cycle:
    return services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER,
    )


def advance_to(cycle: Cycle, phase: str, world: World) -> Cycle:
    while cycle.phase != phase:
        cycle = services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY,
            early_reason="fast-forward in a test",
        )
    return cycle


def page(user: object, cycle: Cycle, query: str = "") -> str:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    response = client.get(f"/cycles/{cycle.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def names(user: object, cycle: Cycle, scope: str | None) -> set[str]:
    visible = list(participants_visible(user, cycle))
    _applied, shown = selectors.scoped_participants(user, visible, scope)
    return {p.employee.name for p in shown}


def test_a_manager_starts_on_their_team_and_hr_on_everyone(world: World) -> None:
    cycle = start(world)
    org = world.org
    # a second manager in the north who also runs the cycle sees everyone, and their own team
    north_head = make_employee("钱经理", org.team_b, position="presales-manager", user=make_user("qian"))
    org.team_b.head = north_head
    org.team_b.save()
    world.plan.administrators.add(north_head)
    assert names(org.manager.user, cycle, None) == {"张三", "李四"}
    assert names(org.hr, cycle, None) == {"张三", "李四", "赵六"}
    assert names(north_head.user, cycle, None) == {"赵六"}
    assert names(north_head.user, cycle, "all") == {"张三", "李四", "赵六"}
    # the region is the viewer's own: 钱经理 is in 华北
    assert names(north_head.user, cycle, "region") == {"赵六"}
    # HR has no team and no region of their own
    assert names(org.hr, cycle, "team") == set()
    assert names(org.hr, cycle, "region") == set()
    # a scope never widens what the permissions allow
    assert names(org.manager.user, cycle, "all") == {"张三", "李四"}


def test_the_page_filters_by_org_unit_and_says_how_many_are_shown(world: World) -> None:
    cycle = advance_to(start(world), Cycle.Phase.CALIBRATION, world)
    html = page(world.org.hr, cycle, f"?scope=all&unit={world.org.team_b.pk}")
    assert "赵六" in html
    assert "张三" not in html
    assert "1 person shown of 3 you may see." in html
    # an org unit outside the shown people is ignored, not an error
    assert "3 people shown of 3" in page(world.org.hr, cycle, "?unit=999999")


def test_results_are_shown_per_org_unit_and_overall(world: World) -> None:
    cycle = advance_to(start(world), Cycle.Phase.CALIBRATION, world)
    hr = world.org.hr
    visible = list(participants_visible(hr, cycle))
    cards = scorecards_visible(hr, selectors.latest_scorecards(visible))
    groups, overall = selectors.results_by_unit(cycle, visible, cards)
    assert [g.unit_name for g in groups] == [world.org.team_a.name, world.org.team_b.name]
    assert [g.people for g in groups] == [2, 1]
    graded = [c for c in cards.values() if not c.no_data and c.total is not None]
    assert overall.scored == len(graded)
    assert sum(count for _g, count in overall.grades) == len(graded)
    for group in groups:
        assert sum(count for _g, count in group.grades) == group.scored
    html = page(hr, cycle, "?scope=all")
    assert 'id="distribution-by-unit"' in html
    assert 'class="group-row"' in html  # the scorecards table is grouped by org unit


def test_the_groups_never_count_a_grade_the_viewer_may_not_see(world: World) -> None:
    # before publication the engineer sees only their own row, and not its grade
    cycle = advance_to(start(world), Cycle.Phase.CALIBRATION, world)
    engineer = world.org.engineer.user
    visible = list(participants_visible(engineer, cycle))
    assert [p.employee.name for p in visible] == ["张三"]
    cards = scorecards_visible(engineer, selectors.latest_scorecards(visible))
    assert cards == {}
    _groups, overall = selectors.results_by_unit(cycle, visible, cards)
    assert overall.scored == 0
    assert all(count == 0 for _g, count in overall.grades)
    assert 'id="distribution-by-unit"' not in page(engineer, cycle)
    assert Scorecard.objects.filter(participant__cycle=cycle).exists()
