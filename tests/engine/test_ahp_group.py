"""Group judgement: AIJ (geometric mean of judgements) and AIP (of priorities).

Worked by hand: for judges 张三 (a12 = 3, a13 = 5, a23 = 3) and 李四 (a12 = 1, a13 = 3,
a23 = 1) the AIJ matrix is a12 = √3, a13 = √15, a23 = √3 (Aczél and Saaty 1983). Under the
geometric-mean method AIJ and AIP give the same weights (Barzilai and Golany 1994), which
the property test checks for any judges.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.ahp import (
    Aggregation,
    AhpInputError,
    PairwiseMatrix,
    PriorityMethod,
    ahp_priorities,
    group_priorities,
    pairwise_matrix,
    pairwise_matrix_from_judgements,
)

CRITERIA = ["customer_value", "process_efficiency", "capability_development"]


def judged(a12: float, a13: float, a23: float, criteria: list[str] = CRITERIA) -> PairwiseMatrix:
    first, second, third = criteria
    return pairwise_matrix_from_judgements(
        criteria, {(first, second): a12, (first, third): a13, (second, third): a23}
    )


JUDGES = {"张三": judged(3, 5, 3), "李四": judged(1, 3, 1)}


def test_aij_takes_the_geometric_mean_of_each_judgement() -> None:
    # given two judges who disagree
    # when the group is aggregated by AIJ (the default)
    group = group_priorities(JUDGES)
    # then the group matrix is the element-wise geometric mean, still reciprocal, and the
    # group's weights and CR are that matrix's
    expected = judged(math.sqrt(3), math.sqrt(15), math.sqrt(3))
    assert group.aggregation is Aggregation.AIJ
    assert group.group_matrix.values == pytest.approx(expected.values)
    assert group.group.weights == pytest.approx(ahp_priorities(expected).weights)
    assert group.group.cr == pytest.approx(ahp_priorities(expected).cr)


def test_aip_takes_the_geometric_mean_of_each_judges_weights() -> None:
    # given two judges on four criteria (for three, eigenvector and row geometric mean
    # coincide, and so would AIJ and AIP)
    criteria = [*CRITERIA, "collaboration_behaviour"]
    judges = {
        "张三": pairwise_matrix(
            criteria, [[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 1], [1 / 7, 1 / 5, 1, 1]]
        ),
        "李四": pairwise_matrix(
            criteria, [[1, 1, 2, 9], [1, 1, 1, 3], [1 / 2, 1, 1, 2], [1 / 9, 1 / 3, 1 / 2, 1]]
        ),
    }
    # when the group is aggregated by AIP
    group = group_priorities(judges, Aggregation.AIP)
    # then the group weights are the normalised geometric means of the judges' weights
    individual = np.array([ahp_priorities(matrix).weights for matrix in judges.values()])
    means = np.sqrt(individual[0] * individual[1])
    assert group.group.weights == pytest.approx(tuple(means / means.sum()))
    # and they differ from AIJ's under the eigenvector method
    assert group.group.weights != pytest.approx(group_priorities(judges).group.weights, abs=1e-4)


def test_each_judges_weights_and_cr_are_reported_beside_the_groups() -> None:
    # given two judges
    # when the group is aggregated
    group = group_priorities(JUDGES)
    # then each judge's own result is kept under their name
    assert list(group.judges) == ["张三", "李四"]
    assert group.judges["张三"].cr == pytest.approx(ahp_priorities(JUDGES["张三"]).cr)
    assert group.judges["李四"].weights == pytest.approx(ahp_priorities(JUDGES["李四"]).weights)


def test_unanimous_judges_give_the_individual_result() -> None:
    # given three judges with identical judgements
    judges = {name: judged(2, 4, 2) for name in ("a", "b", "c")}
    # when the group is aggregated either way
    for aggregation in Aggregation:
        group = group_priorities(judges, aggregation)
        # then it equals any one of them
        assert group.group.weights == pytest.approx(ahp_priorities(judges["a"]).weights)


def test_judges_comparing_different_criteria_are_rejected() -> None:
    # given a judge whose criteria differ from the first judge's
    judges = {"张三": judged(3, 5, 3), "王五": judged(3, 5, 3, ["a", "b", "c"])}
    # when the group is aggregated
    with pytest.raises(AhpInputError) as error:
        group_priorities(judges)
    # then the odd judge is named
    assert [problem.path for problem in error.value.problems] == ['judges["王五"]']


def test_a_group_needs_a_judge() -> None:
    # given no judges / when aggregated / then it is refused
    with pytest.raises(AhpInputError, match="at least one judge"):
        group_priorities({})


scale = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 2.5, 3, 5, 7, 9])


@given(judgements=st.lists(st.tuples(scale, scale, scale), min_size=1, max_size=6))
def test_aij_and_aip_agree_under_the_geometric_method(
    judgements: list[tuple[float, float, float]],
) -> None:
    # given any judges on the same three criteria
    judges = {f"judge {index}": judged(*values) for index, values in enumerate(judgements)}
    # when aggregated both ways with geometric-mean priorities
    by_judgements = group_priorities(judges, Aggregation.AIJ, PriorityMethod.GEOMETRIC)
    by_priorities = group_priorities(judges, Aggregation.AIP, PriorityMethod.GEOMETRIC)
    # then the group weights coincide (Barzilai and Golany 1994) and the group matrix is
    # exactly reciprocal
    assert by_judgements.group.weights == pytest.approx(by_priorities.group.weights)
    values = by_judgements.group_matrix.values
    assert values * values.T == pytest.approx(np.ones_like(values))


def test_group_of_full_matrices_uses_same_validation() -> None:
    # given one judge entered as a full matrix with a broken reciprocal
    # when it is validated
    # then the judge's own path names the cell
    with pytest.raises(AhpInputError, match=r'judges\["张三"\]\[1\]\[0\]'):
        pairwise_matrix(CRITERIA[:2], [[1, 3], [3, 1]], path='judges["张三"]')
