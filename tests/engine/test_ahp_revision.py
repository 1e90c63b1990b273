"""Inconsistency help: the judgements that contribute most, and what to change them to.

Method under test (Saaty 2003, EJOR 145): ε_ij = a_ij·w_j/w_i; the largest |ln ε_ij| is
revised first, towards w_i/w_j, snapped to Saaty's scale. On Saaty's house example
(CR 0.169) this names "neighbourhood over general condition", judged 6 where the
weights imply 1.13; revising it alone to 1 brings CR to 0.088.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from kpilib.engine.ahp import (
    PairwiseMatrix,
    ahp_priorities,
    ahp_request_from_document,
    nearest_scale_value,
    pairwise_matrix,
    revision_suggestions,
)

HOUSE = Path(__file__).parents[1] / "fixtures" / "ahp" / "saaty_house_criteria.json"


def house_matrix() -> PairwiseMatrix:
    matrix = ahp_request_from_document(json.loads(HOUSE.read_text("utf-8"))).matrix
    assert matrix is not None
    return matrix


def test_worst_judgement_of_the_house_example_is_named_first() -> None:
    # given Saaty's inconsistent house criteria (CR 0.169)
    matrix = house_matrix()
    result = ahp_priorities(matrix)
    # when revisions are suggested
    first = revision_suggestions(matrix, result)[0]
    # then the first is neighbourhood over general condition: judged 6, implied ≈ 1.13,
    # suggested 1, after which CR is 0.088
    assert (first.row, first.column) == ("neighbourhood", "general condition")
    assert first.current == pytest.approx(6)
    assert round(first.consistent_value, 2) == 1.13
    assert first.suggested == 1
    assert round(first.cr_after, 3) == 0.088


def test_suggestions_are_ordered_by_how_far_each_judgement_is_from_the_weights() -> None:
    # given the house criteria and their weights
    matrix = house_matrix()
    result = ahp_priorities(matrix)
    weights = np.array(result.weights)
    # when every possible revision is asked for
    suggestions = revision_suggestions(matrix, result, limit=100)
    # then each is ranked by |ln(a_ij w_j / w_i)|, worst first, and proposes w_i / w_j
    position = {name: index for index, name in enumerate(matrix.criteria)}
    deviations = [
        abs(math.log(s.current * weights[position[s.column]] / weights[position[s.row]]))
        for s in suggestions
    ]
    assert deviations == sorted(deviations, reverse=True)
    for suggestion in suggestions:
        i, j = position[suggestion.row], position[suggestion.column]
        assert suggestion.consistent_value == pytest.approx(weights[i] / weights[j])
        assert suggestion.suggested != pytest.approx(suggestion.current)


def test_cr_after_is_the_cr_of_the_matrix_with_only_that_judgement_changed() -> None:
    # given the house criteria
    matrix = house_matrix()
    result = ahp_priorities(matrix)
    # when revisions are suggested
    suggestions = revision_suggestions(matrix, result)
    # then each CR-after is recomputed from the matrix with that one cell (and its mirror)
    # revised
    assert len(suggestions) == 3
    for suggestion in suggestions:
        i, j = matrix.criteria.index(suggestion.row), matrix.criteria.index(suggestion.column)
        revised = matrix.with_judgement(i, j, suggestion.suggested)
        assert suggestion.cr_after == pytest.approx(ahp_priorities(revised).cr)


def test_revising_one_judgement_at_a_time_reaches_consistency() -> None:
    # given the house criteria
    matrix = house_matrix()
    steps = 0
    # when the first suggestion is applied until CR ≤ 0.10
    while not (result := ahp_priorities(matrix)).consistent:
        first = revision_suggestions(matrix, result)[0]
        i, j = matrix.criteria.index(first.row), matrix.criteria.index(first.column)
        matrix = matrix.with_judgement(i, j, first.suggested)
        steps += 1
    # then one revision was enough
    assert steps == 1


def test_consistent_matrix_gets_no_suggestions() -> None:
    # given a matrix with CR ≤ 0.10
    matrix = pairwise_matrix(["a", "b", "c"], [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    # when revisions are asked for
    # then there are none
    assert revision_suggestions(matrix, ahp_priorities(matrix)) == ()


@pytest.mark.parametrize(
    ("value", "nearest"),
    [(1.13, 1), (1.4, 1), (1.45, 2), (2.8, 3), (0.3, 1 / 3), (0.13, 1 / 8), (15, 9), (0.05, 1 / 9)],
)
def test_consistent_value_is_snapped_to_the_nearest_scale_value_by_ratio(
    value: float, nearest: float
) -> None:
    # given a ratio implied by the weights / when snapped / then the nearest step in ratio
    assert nearest_scale_value(value) == pytest.approx(nearest)


def test_explanation_reads_as_a_sentence() -> None:
    # given the first suggestion for the house criteria
    matrix = house_matrix()
    first = revision_suggestions(matrix, ahp_priorities(matrix))[0]
    # when it is explained / then it names both criteria, the numbers and the new CR
    assert first.explanation == (
        '"neighbourhood" over "general condition" is judged 6; the weights imply 1.13;'
        " changing it to 1 gives CR 0.088"
    )
