"""Priorities and consistency reproduce Saaty's published worked examples.

Each example's matrix is in tests/fixtures/ahp/ and its published values are quoted in
the test. Before asserting them they were recomputed independently with
`numpy.linalg.eig` (principal eigenvector, λmax, CI, CR with Saaty's RI) and found to
agree to the digits asserted.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.ahp import (
    RANDOM_INDEX,
    PairwiseMatrix,
    PriorityMethod,
    ahp_priorities,
    ahp_request_from_document,
    pairwise_matrix,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ahp"


def fixture_matrix(name: str) -> PairwiseMatrix:
    matrix = ahp_request_from_document(json.loads((FIXTURES / name).read_text("utf-8"))).matrix
    assert matrix is not None
    return matrix


def rounded(values: tuple[float, ...], places: int = 3) -> list[float]:
    return [round(value, places) for value in values]


def test_wealth_of_nations_matches_saaty_1980() -> None:
    # given Saaty's relative-wealth-of-nations matrix (Saaty 1977, J. Math. Psychology 15,
    # and Saaty 1980, The Analytic Hierarchy Process), lower triangle typed to 3 decimals
    matrix = fixture_matrix("saaty_wealth_of_nations.json")
    # when priorities are read by the eigenvector method
    result = ahp_priorities(matrix)
    # then they are the published .427 .230 .021 .052 .052 .123 .094, λmax 7.61, CR .08
    assert rounded(result.weights) == [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    assert round(result.lambda_max, 2) == 7.61
    assert round(result.cr, 2) == 0.08
    assert result.consistent


def test_drink_consumption_matches_saaty_2008() -> None:
    # given "which drink is consumed more in the US" (Saaty 2008, Decision making with the
    # analytic hierarchy process, Int. J. Services Sciences 1(1)), entered as pair judgements
    matrix = fixture_matrix("saaty_drinks_judgements.json")
    # when priorities are read by the eigenvector method
    result = ahp_priorities(matrix)
    # then they are the published derived values and C.R. 0.022
    assert rounded(result.weights) == [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    assert round(result.cr, 3) == 0.022
    assert result.consistent


def test_house_criteria_are_published_inconsistent_example() -> None:
    # given the eight criteria of Saaty's house-buying example (Saaty 1990, How to make a
    # decision: the AHP, EJOR 48(1); also Saaty 1980, ch. 2)
    matrix = fixture_matrix("saaty_house_criteria.json")
    # when priorities are read by the eigenvector method
    result = ahp_priorities(matrix)
    # then weights, λmax 9.669, CI 0.238 and CR 0.169 are as published, and CR > 0.10
    assert rounded(result.weights) == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(result.lambda_max, 3) == 9.669
    assert round(result.ci, 3) == 0.238
    assert round(result.cr, 3) == 0.169
    assert not result.consistent


def test_geometric_method_reads_row_geometric_means_but_keeps_matrix_consistency() -> None:
    # given the inconsistent house criteria, where the two methods visibly differ
    matrix = fixture_matrix("saaty_house_criteria.json")
    # when priorities are read by the geometric-mean (row) method
    geometric = ahp_priorities(matrix, PriorityMethod.GEOMETRIC)
    eigenvector = ahp_priorities(matrix, PriorityMethod.EIGENVECTOR)
    # then weights are the normalised row geometric means (computed by hand below), while
    # λmax, CI and CR, properties of the judgements, are the same for both methods
    row_means = np.prod(matrix.values, axis=1) ** (1 / matrix.size)
    assert geometric.weights == pytest.approx(tuple(row_means / row_means.sum()))
    assert rounded(geometric.weights) == [0.175, 0.063, 0.149, 0.019, 0.036, 0.042, 0.167, 0.350]
    assert (geometric.lambda_max, geometric.cr) == (eigenvector.lambda_max, eigenvector.cr)
    assert geometric.method is PriorityMethod.GEOMETRIC


def test_two_criteria_are_always_consistent() -> None:
    # given a 2×2 matrix, whose random index is 0
    matrix = pairwise_matrix(["客户价值", "过程效能"], [[1, 4], [0.25, 1]])
    # when priorities are computed
    result = ahp_priorities(matrix)
    # then the weights are 4:1 and CR is defined as 0
    assert result.weights == pytest.approx((0.8, 0.2))
    assert (result.ci, result.cr, result.consistent) == (0.0, 0.0, True)


def test_random_index_is_saatys_table_for_one_to_fifteen_criteria() -> None:
    # given / when the table the engine divides by
    # then it is Saaty's, including the dip at n = 12
    assert RANDOM_INDEX == (
        0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("a_over_c", "expected_cr", "consistent"), [(8, 0.093, True), (9, 0.117, False)]
)
def test_matrix_is_consistent_only_while_cr_is_at_most_ten_percent(
    a_over_c: float, expected_cr: float, consistent: bool
) -> None:
    # given a judged equal to b and b 3 times c, with a judged 8 or 9 times c (instead of 3)
    rows = [[1, 1, a_over_c], [1, 1, 3], [1 / a_over_c, 1 / 3, 1]]
    matrix = pairwise_matrix(["a", "b", "c"], rows)
    # when priorities are computed
    result = ahp_priorities(matrix)
    # then CR = CI / 0.58 lands either side of 0.10, and so does `consistent`
    assert result.cr == pytest.approx(result.ci / 0.58)
    assert round(result.cr, 3) == expected_cr
    assert result.consistent is consistent


weight_vectors = st.lists(
    st.floats(min_value=1.0, max_value=9.0, allow_nan=False), min_size=2, max_size=15
)


@given(raw_weights=weight_vectors, method=st.sampled_from(PriorityMethod))
def test_consistent_matrix_gives_back_its_weights_with_zero_cr(
    raw_weights: list[float], method: PriorityMethod
) -> None:
    # given a perfectly consistent matrix a_ij = w_i / w_j (ratios stay within 1/9..9)
    names = [f"criterion {index}" for index in range(len(raw_weights))]
    rows = [[w_i / w_j for w_j in raw_weights] for w_i in raw_weights]
    matrix = pairwise_matrix(names, rows)
    # when priorities are computed by either method
    result = ahp_priorities(matrix, method)
    # then they are the weights scaled to sum to 1, λmax = n and CR ≈ 0
    expected = np.array(raw_weights) / sum(raw_weights)
    assert result.weights == pytest.approx(tuple(expected), rel=1e-9, abs=1e-12)
    assert result.lambda_max == pytest.approx(len(raw_weights), rel=1e-9)
    assert result.cr == pytest.approx(0.0, abs=1e-9)
