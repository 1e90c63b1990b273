"""Hierarchy synthesis and plan points.

Published example: Saaty's house-buying hierarchy (Saaty 1990, How to make a decision:
the AHP, EJOR 48(1), and Saaty 1980, ch. 2): goal → 8 criteria → houses A, B, C. Its
composite priorities A .396, B .341, C .263 were recomputed with NumPy from the nine
matrices below before being asserted.
"""

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.ahp import (
    AhpInputError,
    ahp_priorities,
    ahp_request_from_document,
    global_weights,
    pairwise_matrix,
    weights_to_points,
)

HOUSE = Path(__file__).parents[1] / "fixtures" / "ahp" / "saaty_house_criteria.json"
HOUSES = ["A", "B", "C"]
# Each house compared with the others on one criterion (Saaty 1990, house example).
HOUSES_BY_CRITERION = {
    "size of house": [[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]],
    "transportation": [[1, 7, 1 / 5], [1 / 7, 1, 1 / 8], [5, 8, 1]],
    "neighbourhood": [[1, 8, 6], [1 / 8, 1, 1 / 4], [1 / 6, 4, 1]],
    "age of house": [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
    "yard space": [[1, 5, 4], [1 / 5, 1, 1 / 3], [1 / 4, 3, 1]],
    "modern facilities": [[1, 8, 6], [1 / 8, 1, 1 / 5], [1 / 6, 5, 1]],
    "general condition": [[1, 1 / 2, 1 / 2], [2, 1, 1], [2, 1, 1]],
    "financing": [[1, 1 / 7, 1 / 5], [7, 1, 3], [5, 1 / 3, 1]],
}

PRESALES_LOCAL_WEIGHTS = {
    "goal": {
        "customer_value": 0.5,
        "process_efficiency": 0.25,
        "capability_development": 0.15,
        "collaboration_behaviour": 0.10,
    },
    "customer_value": {"tech_resolution": 0.7, "customer_satisfaction": 0.3},
    "process_efficiency": {"revisit_completion": 0.6, "complaints": 0.4},
    "capability_development": {"learning_growth": 1.0},
    "collaboration_behaviour": {"daily_report": 1.0},
}


def test_house_hierarchy_synthesises_to_saatys_composite_priorities() -> None:
    # given the criteria weights and each criterion's comparison of the three houses
    criteria_matrix = ahp_request_from_document(json.loads(HOUSE.read_text("utf-8"))).matrix
    assert criteria_matrix is not None
    local_weights = {"best house": ahp_priorities(criteria_matrix).weights_by_criterion()}
    for criterion, rows in HOUSES_BY_CRITERION.items():
        local_weights[criterion] = ahp_priorities(
            pairwise_matrix(HOUSES, rows)
        ).weights_by_criterion()
    # when global weights are synthesised down the tree
    houses = global_weights("best house", local_weights)
    # then each house sums its eight paths to the published .396, .341, .263
    assert [(house.node, round(house.weight, 3)) for house in houses] == [
        ("A", 0.396),
        ("B", 0.341),
        ("C", 0.263),
    ]
    assert all(len(house.paths) == 8 for house in houses)


def test_indicator_weight_is_its_dimension_weight_times_its_local_weight() -> None:
    # given goal → four dimensions → the six presales indicators
    # when global weights are synthesised
    indicators = global_weights("goal", PRESALES_LOCAL_WEIGHTS)
    # then each is the product down its one path, in tree order, and they sum to 1
    assert {item.node: round(item.weight, 12) for item in indicators} == {
        "tech_resolution": 0.35,
        "customer_satisfaction": 0.15,
        "revisit_completion": 0.15,
        "complaints": 0.10,
        "learning_growth": 0.15,
        "daily_report": 0.10,
    }
    assert math.fsum(item.weight for item in indicators) == pytest.approx(1)
    assert indicators[0].explanation == "customer_value 0.500 × tech_resolution 0.700 = 0.350"


def test_presales_weights_become_plan_points_summing_to_100() -> None:
    # given the presales indicators' global weights
    weights = {item.node: item.weight for item in global_weights("goal", PRESALES_LOCAL_WEIGHTS)}
    # when turned into whole points
    points = weights_to_points(weights)
    # then they are the seed plan's 35/15/15/10/15/10
    assert points == {
        "tech_resolution": Decimal(35),
        "customer_satisfaction": Decimal(15),
        "revisit_completion": Decimal(15),
        "complaints": Decimal(10),
        "learning_growth": Decimal(15),
        "daily_report": Decimal(10),
    }


def test_largest_remainder_keeps_the_total_where_rounding_each_would_not() -> None:
    # given shares whose quotas are 33.5, 33.5 and 33 (rounding each gives 101)
    weights = {"a": 0.335, "b": 0.335, "c": 0.33}
    # when points are allocated
    points = weights_to_points(weights)
    # then the one spare point goes to the first of the tied largest remainders
    assert points == {"a": Decimal(34), "b": Decimal(33), "c": Decimal(33)}


def test_points_follow_the_plans_precision() -> None:
    # given three equal shares
    weights = {"a": 1, "b": 1, "c": 1}
    # when allocated to one decimal place
    points = weights_to_points(weights, decimals=1)
    # then they are 33.4 + 33.3 + 33.3 = 100.0
    assert points == {"a": Decimal("33.4"), "b": Decimal("33.3"), "c": Decimal("33.3")}
    assert sum(points.values()) == Decimal(100)


@given(
    weights=st.lists(
        st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=20
    ).filter(lambda values: math.fsum(values) > 1e-6),
    decimals=st.integers(min_value=0, max_value=2),
)
def test_points_always_sum_exactly_and_stay_within_one_unit_of_their_share(
    weights: list[float], decimals: int
) -> None:
    # given any non-negative weights
    named = {f"indicator {index}": weight for index, weight in enumerate(weights)}
    # when allocated to the plan's precision
    points = weights_to_points(named, decimals=decimals)
    # then they sum exactly to 100 and each is within one unit of its exact share
    unit = Decimal(1).scaleb(-decimals)
    assert sum(points.values()) == Decimal(100)
    for name, weight in named.items():
        exact = weight / math.fsum(weights) * 100
        assert abs(float(points[name]) - exact) < float(unit) + 1e-9


def test_local_weights_not_summing_to_one_are_rejected() -> None:
    # given a dimension whose indicators' local weights sum to 0.9
    local_weights = {
        **PRESALES_LOCAL_WEIGHTS,
        "customer_value": {"tech_resolution": 0.6, "customer_satisfaction": 0.3},
    }
    # when synthesised
    with pytest.raises(AhpInputError) as error:
        global_weights("goal", local_weights)
    # then the dimension is named
    assert [str(problem) for problem in error.value.problems] == [
        'hierarchy["customer_value"]: local weights sum to 0.9, not 1'
    ]


def test_cycles_and_stray_branches_are_rejected() -> None:
    # given a cycle a → b → a under the goal and a branch the goal never reaches
    local_weights = {"goal": {"a": 1.0}, "a": {"b": 1.0}, "b": {"a": 1.0}, "stray": {"x": 1.0}}
    # when synthesised
    with pytest.raises(AhpInputError) as error:
        global_weights("goal", local_weights)
    # then both are named
    assert [str(problem) for problem in error.value.problems] == [
        'hierarchy["b"]: cycle a → b → a',
        'hierarchy["stray"]: not under the goal "goal"',
    ]


def test_points_of_unusable_weights_are_refused() -> None:
    # given a negative weight
    # when points are allocated / then the weight is named
    with pytest.raises(AhpInputError, match=r'weights\["a"\]: must be finite and not negative'):
        weights_to_points({"a": -0.1, "b": 1.1})
