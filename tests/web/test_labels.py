"""Labels read right in Chinese (issue 11, item 12): no table has two columns with the
same heading, the cycle's name is not a person's name (姓名), nor is a token's."""

import re

import pytest
from django.test import Client

from kpilib.appraisal import services
from kpilib.audit.origin import Origin
from tests.appraisal_fixtures import QUARTER, TODAY, World, make_world

pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER,
    )
    return world


def headings(html: str) -> list[list[str]]:
    """The column headings of each table on the page, tags stripped."""
    tables = re.findall(r"<thead>(.*?)</thead>", html, re.S)
    return [
        [re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", t, re.S)]
        for t in tables
    ]


def chinese(user: object) -> Client:
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["hr", "engineer", "manager"])
def test_no_table_has_two_columns_with_the_same_heading(world: World, who: str) -> None:
    user = {"hr": world.org.hr, "engineer": world.org.engineer.user,
            "manager": world.org.manager.user}[who]
    client = chinese(user)
    cycle = world.plan.cycles.get()
    for address in ("/", "/cycles/", f"/cycles/{cycle.pk}/", "/accounts/tokens/"):
        response = client.get(address)
        if response.status_code != 200:
            continue
        for columns in headings(response.content.decode()):
            named = [c for c in columns if c]
            assert len(named) == len(set(named)), (address, columns)


def test_the_cycle_and_its_period_have_different_headings(world: World) -> None:
    html = chinese(world.org.hr).get("/cycles/").content.decode()
    assert headings(html)[0][:4] == ["考核周期", "方案", "期间", "阶段"]


def test_a_cycle_name_and_a_token_name_are_not_a_persons_name(world: World) -> None:
    client = chinese(world.org.hr)
    new_cycle = client.get(f"/plans/{world.plan.pk}/cycles/new/").content.decode()
    assert "周期名称" in new_cycle
    assert ">姓名<" not in new_cycle
    tokens = chinese(world.org.engineer.user).get("/accounts/tokens/").content.decode()
    assert "名称" in tokens
    assert "姓名" not in tokens
