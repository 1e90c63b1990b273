"""The plan page's "who administers this" text is what kpilib.permissions allows
(issue 11, defect 7): the rights it lists are PLAN_ADMINISTRATOR_RIGHTS, each checked here
against the function that grants it, and the people it names are exactly those the
permissions module lets administer the plan."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from kpilib.appraisal import services as cycles
from kpilib.appraisal.models import Cycle
from kpilib.audit.origin import Origin
from kpilib.org.models import Employee
from kpilib.permissions import (
    PLAN_ADMINISTRATOR_RIGHTS,
    PLAN_RIGHT_TEXT,
    Action,
    PlanRight,
    administrators_of_plan,
    allowed,
    can_manage_cycle,
    participants_visible,
    plans_administered_by,
)
from kpilib.plans import services
from kpilib.plans.models import Plan
from tests.appraisal_fixtures import QUARTER, World, make_world


def _cycle(plan: Plan) -> Cycle:
    return plan.cycles.get()


# How each right is actually granted, asked of the permissions module itself.
GRANTED_BY: dict[PlanRight, Callable[[Any, Plan], bool]] = {
    PlanRight.EDIT: lambda user, plan: plans_administered_by(user).filter(pk=plan.pk).exists(),
    PlanRight.RUN_CYCLES: lambda user, plan: can_manage_cycle(user, _cycle(plan)),
    PlanRight.SEE_RESULTS: lambda user, plan: (
        participants_visible(user, _cycle(plan)).count() == _cycle(plan).participants.count()
    ),
}


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    hr = world.org.hr
    variant = services.plan_variant_create(
        actor=hr, origin=Origin.WEB, parent=world.plan, code="pe-north",
        name_zh_hans="华北", name_en="North", regions=["华北"],
    )
    services.revision_publish(actor=hr, origin=Origin.WEB, revision=variant.revisions.get())
    for plan in (world.plan, variant):
        cycles.cycle_create(
            actor=hr, origin=Origin.WEB, plan=plan, name="2026 Q3", kind="quarterly", period=QUARTER
        )
    # the manager administers the base plan; 李四 only the northern variant
    services.plan_set_administrator(
        actor=hr, origin=Origin.WEB, plan=world.plan, employee=world.org.manager, admin=True
    )
    services.plan_set_administrator(
        actor=hr, origin=Origin.WEB, plan=variant, employee=world.org.peer, admin=True
    )
    return world


def _variant() -> Plan:
    return Plan.objects.get(code="pe-north")


def test_every_right_has_a_check_and_every_listed_right_has_its_text() -> None:
    assert set(GRANTED_BY) == set(PlanRight)
    assert set(PLAN_RIGHT_TEXT) == set(PLAN_ADMINISTRATOR_RIGHTS)


@pytest.mark.parametrize("code", ["pe-2026", "pe-north"])
def test_the_named_administrators_are_exactly_those_the_permissions_allow(
    world: World, code: str
) -> None:
    # given a plan, and everyone with an account who is not HR
    plan = Plan.objects.get(code=code)
    people = Employee.objects.filter(user__isnull=False)
    # when the people the page names are compared with who the permissions let administer it
    own, inherited = administrators_of_plan(plan)
    allowed_people = {e for e in people if GRANTED_BY[PlanRight.EDIT](e.user, plan)}
    # then they are the same people
    assert set(own) | set(inherited) == allowed_people
    # and each of them holds every right the page lists, and none may delegate
    for employee in allowed_people:
        for right in PLAN_ADMINISTRATOR_RIGHTS:
            assert GRANTED_BY[right](employee.user, plan), (employee, right)
        assert not allowed(employee.user, Action.CREATE_PLAN)
    # and someone not named holds none of them
    outsider = world.org.engineer
    assert outsider not in allowed_people
    assert not any(GRANTED_BY[right](outsider.user, plan) for right in PLAN_ADMINISTRATOR_RIGHTS)


def test_the_variant_page_names_its_own_and_its_parents_administrators(world: World) -> None:
    # when HR opens the northern variant's page
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.org.hr)
    page = client.get(f"/plans/{_variant().pk}/").content.decode()
    section = page.split('id="plan-admins"', 1)[1].split("</section>", 1)[0]
    # then it names 李四 (delegated) and 王经理 (through the parent), not "only HR"
    assert world.org.peer.name in section
    assert world.org.manager.name in section
    assert "Only HR administers this plan." not in section
    # and lists exactly the rights the permissions module grants
    rights = section.split('id="plan-admin-rights">', 1)[1].split("</ul>", 1)[0]
    assert rights.count("<li>") == len(PLAN_ADMINISTRATOR_RIGHTS)
    for right in PLAN_ADMINISTRATOR_RIGHTS:
        assert escape(str(PLAN_RIGHT_TEXT[right])) in rights
