"""Each role can do exactly what it should: every page and API route against every role.

Objects outside a user's scope answer 404 (as if missing), so guessing ids reveals nothing;
actions outside a role answer 403; signed-out visitors are sent to sign in (web) or get 401.
"""

import pytest
from django.test import Client

from kpilib.audit.origin import SYSTEM, Origin
from tests.factories import Org

ROLES = ["anonymous", "outsider", "engineer", "manager", "other_team", "hr"]


def client_for(org: Org, role: str) -> Client:
    client = Client()
    users = {
        "outsider": org.outsider,
        "engineer": org.engineer.user,
        "manager": org.manager.user,
        "other_team": org.other_team_engineer.user,
        "hr": org.hr,
    }
    if role != "anonymous":
        client.force_login(users[role])
    return client


# The admin site, per role (the application's own routes are in test_route_matrix.ROUTES,
# generated from the URL map).
MATRIX: dict[str, list[int]] = {
    "/admin/": [302, 302, 302, 302, 302, 200],
    "/admin/org/employee/": [302, 302, 302, 302, 302, 200],
}


@pytest.mark.parametrize("route", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_exactly_its_access(org: Org, role: str, route: str) -> None:
    # given a user in the role and a route naming real object ids
    url = route.format(
        engineer=org.engineer.pk,
        peer=org.peer.pk,
        other_team=org.other_team_engineer.pk,
        manager=org.manager.pk,
    )
    # when they request it
    response = client_for(org, role).get(url)
    # then the status is the one the matrix allows
    assert response.status_code == MATRIX[route][ROLES.index(role)], url


def test_manager_lists_exactly_their_subtree(org: Org) -> None:
    # given a manager heading team A (themselves, 张三, 李四)
    client = client_for(org, "manager")
    # when they list employees through the API
    response = client.get("/api/employees")
    # then they see their team and nobody from the north
    names = sorted(item["name"] for item in response.json()["items"])
    assert names == sorted(["王经理", "张三", "李四"])


def test_hr_lists_everyone(org: Org) -> None:
    # given HR
    client = client_for(org, "hr")
    # when they list employees
    response = client.get("/api/employees")
    # then all four employees are there
    assert response.json()["count"] == 4


def test_manager_of_a_region_sees_the_teams_below_it(org: Org) -> None:
    # given the north engineer heads the whole east region
    org.east.head = org.other_team_engineer
    org.east.save()
    client = client_for(org, "other_team")
    # when they open an east engineer's record
    response = client.get(f"/people/{org.engineer.pk}/")
    # then the subtree below their region is visible to them
    assert response.status_code == 200


def test_leaving_hr_group_removes_access(org: Org) -> None:
    # given HR loses the HR admin role
    from kpilib.accounts.services import user_set_hr_admin

    user_set_hr_admin(actor=SYSTEM, origin=Origin.TASK, user=org.hr, hr_admin=False)
    # when they open the audit trail
    response = client_for(org, "hr").get("/audit/")
    # then it is forbidden
    assert response.status_code == 403
