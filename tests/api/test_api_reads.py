"""Reading the library, results and AHP through the REST API, with the access rules."""

import pytest
from django.test import Client

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle
from kpilib.audit.origin import Origin
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.today(TODAY)
def test_indicators_are_listed_with_their_versions_and_smart_check(world: World) -> None:
    # when an engineer lists the library and opens an indicator
    client = client_for(world.org.engineer.user)
    listing = client.get("/api/indicators?dimension=customer_value").json()
    detail = client.get("/api/indicators/customer_satisfaction").json()
    # then the dimension's indicators come back, and the detail carries the SMART verdicts
    assert {item["code"] for item in listing} >= {"tech_resolution", "customer_satisfaction"}
    assert all(item["dimension"] == "customer_value" for item in listing)
    assert detail["versions"] == [1]
    assert {line["check"] for line in detail["smart"]} == {
        "specific",
        "measurable",
        "achievable",
        "relevant",
        "time_bound",
    }


def test_library_needs_an_employee_record(world: World) -> None:
    # when a user without an employee record lists indicators
    response = client_for(world.org.outsider).get("/api/indicators")
    # then it is forbidden
    assert response.status_code == 403


def test_own_scorecard_appears_only_once_published(world: World) -> None:
    # given a cycle in data collection (drafts computed)
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.API, plan=world.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.API, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    # when the engineer and their manager read the cycle's scorecards
    own = client_for(world.org.engineer.user).get(f"/api/cycles/{cycle.pk}/scorecards").json()
    team = client_for(world.org.manager.user).get(f"/api/cycles/{cycle.pk}/scorecards").json()
    # then the engineer sees nothing yet and the manager sees the team's drafts
    assert own == []
    assert {card["employee_id"] for card in team} == {
        world.org.engineer.employee_id,
        world.org.peer.employee_id,
    }
    # and after publication the engineer sees their own, explained line by line
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.API, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    own = client_for(world.org.engineer.user).get(f"/api/cycles/{cycle.pk}/scorecards").json()
    assert [card["employee_id"] for card in own] == [world.org.engineer.employee_id]
    assert own[0]["lines"][0]["explanation_en"]


def test_ahp_endpoint_answers_like_the_cli(world: World) -> None:
    # given Saaty's consistent 3×3 matrix for weights 0.6, 0.3, 0.1
    document = {"criteria": ["A", "B", "C"], "matrix": [[1, 2, 6], [0.5, 1, 3], [1 / 6, 1 / 3, 1]]}
    # when it is posted
    response = client_for(world.org.hr).post("/api/ahp", document, content_type="application/json")
    # then the weights come back with CR 0
    body = response.json()
    assert body["weights"] == pytest.approx({"A": 0.6, "B": 0.3, "C": 0.1})
    assert body["cr"] == pytest.approx(0, abs=1e-9)
    assert body["consistent"] is True


def test_ahp_endpoint_explains_a_bad_matrix(world: World) -> None:
    # when a matrix with a judgement beyond 9 is posted
    document = {"criteria": ["A", "B"], "matrix": [[1, 12], [1 / 12, 1]]}
    response = client_for(world.org.hr).post("/api/ahp", document, content_type="application/json")
    # then the answer is 422 naming the cell
    assert response.status_code == 422
    assert "matrix" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "status"),
    [("offset=9223372036854775808", 422), ("limit=100000", 422), ("limit=2&offset=1", 200)],
)
def test_employee_pages_are_bounded(world: World, query: str, status: int) -> None:
    # given HR (an offset past 2^63 was an HTTP 500 on SQLite; found by tests/fuzz)
    # when they page through employees with extreme bounds
    response = client_for(world.org.hr).get(f"/api/employees?{query}")
    # then out-of-range bounds are a 422 that says why, in-range ones a page
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["items"]) == 2


@pytest.mark.parametrize("address", ["/api/indicators?q=a%00b", "/api/employees?q=%00", "/library/?q=%00"])
def test_a_nul_character_in_the_query_is_refused_not_a_server_error(world: World, address: str) -> None:
    # given HR (PostgreSQL cannot store or compare NUL: this was an HTTP 500 there; tests/fuzz)
    # when a query string carries NUL
    response = client_for(world.org.hr).get(address)
    # then it is a 400 that says why, on both databases
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
