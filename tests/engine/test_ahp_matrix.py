"""Validation of pairwise judgements: every problem named with its place and reason."""

import pytest

from kpilib.engine.ahp import (
    AhpInputError,
    pairwise_matrix,
    pairwise_matrix_from_judgements,
)

CRITERIA = ["客户价值", "过程效能", "能力发展"]


def problems_of(error: pytest.ExceptionInfo[AhpInputError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_judgements_fill_the_matrix_with_reciprocals() -> None:
    # given one judgement per pair, one of them given in the lower-triangle order
    judgements = {
        ("客户价值", "过程效能"): 3,
        ("能力发展", "客户价值"): 0.2,
        ("过程效能", "能力发展"): 2.5,
    }
    # when the matrix is built
    matrix = pairwise_matrix_from_judgements(CRITERIA, judgements)
    # then each judgement and its reciprocal are in place and the diagonal is 1
    assert matrix.judgement("客户价值", "过程效能") == 3
    assert matrix.judgement("过程效能", "客户价值") == pytest.approx(1 / 3)
    assert matrix.judgement("客户价值", "能力发展") == pytest.approx(5)
    assert matrix.judgement("能力发展", "过程效能") == pytest.approx(0.4)
    assert [matrix.values[index, index] for index in range(3)] == [1, 1, 1]


def test_missing_pair_is_named() -> None:
    # given judgements that leave out 过程效能 versus 能力发展
    judgements = {("客户价值", "过程效能"): 3, ("客户价值", "能力发展"): 5}
    # when the matrix is built
    with pytest.raises(AhpInputError) as error:
        pairwise_matrix_from_judgements(CRITERIA, judgements)
    # then the missing pair is named in the input's own "A,B" form
    assert problems_of(error) == ['judgements: missing pair "过程效能,能力发展"']


def test_unknown_criterion_self_comparison_and_repeated_pair_are_each_reported() -> None:
    # given a pair naming an unknown criterion, one comparing a criterion with itself and
    # one pair given in both orders
    judgements = {
        ("客户价值", "协作行为"): 2,
        ("客户价值", "客户价值"): 1,
        ("客户价值", "过程效能"): 3,
        ("过程效能", "客户价值"): 0.5,
        ("客户价值", "能力发展"): 5,
        ("过程效能", "能力发展"): 2,
    }
    # when the matrix is built
    with pytest.raises(AhpInputError) as error:
        pairwise_matrix_from_judgements(CRITERIA, judgements)
    # then all three problems are reported at once
    assert problems_of(error) == [
        'judgements["客户价值,协作行为"]: unknown criterion "协作行为"',
        'judgements["客户价值,客户价值"]: a criterion cannot be compared with itself',
        'judgements["过程效能,客户价值"]: this pair is judged twice (once in each order)',
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0, "must be positive, got 0"),
        (-3, "must be positive, got -3"),
        (10, "is 10, outside Saaty's scale 1/9 to 9"),
        (0.1, "is 1/10, outside Saaty's scale 1/9 to 9"),
        (float("nan"), "must be a finite number, got nan"),
    ],
)
def test_judgement_off_the_scale_is_rejected(value: float, reason: str) -> None:
    # given a judgement that is not a positive number between 1/9 and 9
    judgements = {
        ("客户价值", "过程效能"): value,
        ("客户价值", "能力发展"): 1,
        ("过程效能", "能力发展"): 1,
    }
    # when the matrix is built
    with pytest.raises(AhpInputError) as error:
        pairwise_matrix_from_judgements(CRITERIA, judgements)
    # then the judgement is named with the reason
    assert problems_of(error) == [
        f'judgements["客户价值,过程效能"]: judgement of 客户价值 over 过程效能 {reason}'
    ]


@pytest.mark.parametrize("value", [2.5, 0.11, 9, 1 / 9, 0.143])
def test_intermediate_and_two_decimal_judgements_are_accepted(value: float) -> None:
    # given an intermediate value or 1/9, 1/7 typed with few decimals
    rows = [[1, value], [1 / value, 1]]
    # when the matrix is built
    matrix = pairwise_matrix(["a", "b"], rows)
    # then it keeps the judgement
    assert matrix.judgement("a", "b") == pytest.approx(value)


def test_full_matrix_problems_name_row_column_and_reason() -> None:
    # given a matrix with a wrong diagonal, a non-reciprocal pair and a value off the scale
    rows = [[1, 3, 12], [0.5, 2, 1], [1 / 12, 1, 1]]
    # when it is validated
    with pytest.raises(AhpInputError) as error:
        pairwise_matrix(["a", "b", "c"], rows)
    # then each problem is located and explained
    assert problems_of(error) == [
        "matrix[0][2]: judgement of a over c is 12, outside Saaty's scale 1/9 to 9",
        "matrix[1][0]: 1/2 is not the reciprocal of matrix[0][1] = 3 (expected 1/3)",
        "matrix[1][1]: a criterion compared with itself must be 1, got 2",
        "matrix[2][0]: judgement of c over a is 1/12, outside Saaty's scale 1/9 to 9",
    ]


def test_reciprocals_typed_with_two_decimals_are_made_exact() -> None:
    # given 1/3 typed as 0.33 below a 3
    rows = [[1, 3], [0.33, 1]]
    # when the matrix is built
    matrix = pairwise_matrix(["a", "b"], rows)
    # then both cells are made exactly reciprocal by their geometric mean
    a_over_b = matrix.judgement("a", "b")
    assert a_over_b == pytest.approx((3 / 0.33) ** 0.5)
    assert a_over_b * matrix.judgement("b", "a") == pytest.approx(1)


def test_shape_and_criteria_problems_are_reported_before_values() -> None:
    # given a repeated criterion name and a ragged matrix
    rows = [[1, 2, 3], [0.5, 1]]
    # when it is validated
    with pytest.raises(AhpInputError) as error:
        pairwise_matrix(["a", "b", "a"], rows)
    # then the name and the shape are reported
    assert problems_of(error) == [
        'criteria[2]: duplicate criterion "a"',
        "matrix: expected 3 rows, one per criterion, got 2",
    ]


@pytest.mark.parametrize("size", [1, 16])
def test_fewer_than_two_or_more_than_fifteen_criteria_are_rejected(size: int) -> None:
    # given too few or too many criteria for Saaty's random index
    names = [f"c{index}" for index in range(size)]
    # when a matrix is built
    with pytest.raises(AhpInputError) as error:
        pairwise_matrix_from_judgements(names, {})
    # then the count is the problem
    assert problems_of(error) == [
        f"criteria: {size} criteria given; AHP needs 2 to 15"
        " (Saaty's random index is tabulated up to 15)"
    ]


def test_matrix_cannot_be_changed_in_place() -> None:
    # given a validated matrix
    matrix = pairwise_matrix(["a", "b"], [[1, 2], [0.5, 1]])
    # when its values are written to
    # then NumPy refuses, so results computed from it stay true
    with pytest.raises(ValueError, match="read-only"):
        matrix.values[0, 1] = 9
