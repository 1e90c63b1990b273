"""Sensitivity of the ranking to each weight, checked by hand and by brute force."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kpilib.engine.ahp import AhpInputError, ranking_sensitivity


def reweighted(weights: np.ndarray, criterion: int, change: float) -> np.ndarray:
    """The weights with one moved by `change` and the others rescaled to keep the sum 1."""
    others = 1 - weights[criterion]
    moved = weights * (others - change) / others
    moved[criterion] = weights[criterion] + change
    return moved


def test_two_specialists_swap_when_the_weights_cross_over() -> None:
    # given 甲 perfect on criterion 0 and 乙 perfect on criterion 1, weighted 0.6 / 0.4
    scores = [[1.0, 0.0], [0.0, 1.0]]
    # when sensitivity is computed
    first, second = ranking_sensitivity(
        scores, [0.6, 0.4], employees=["甲", "乙"], criteria=["customer_value", "capability"]
    )
    # then lowering criterion 0 by 0.1 (to 0.5), or raising criterion 1 by 0.1, lets 乙
    # draw level with 甲; the other directions never change the ranking
    assert first.decrease is not None
    assert second.increase is not None
    assert first.decrease.change == pytest.approx(0.1)
    assert first.decrease.weight_at_swap == pytest.approx(0.5)
    assert (first.decrease.overtaking, first.decrease.overtaken) == ("乙", "甲")
    assert second.increase.change == pytest.approx(0.1)
    assert first.increase is None
    assert second.decrease is None


def test_the_nearest_of_several_swaps_is_reported() -> None:
    # given totals a 0.61, b 0.60, c 0.50 under weights x 0.5, y 0.3, z 0.2
    scores = [[0.9, 0.2, 0.5], [0.6, 0.6, 0.6], [0.3, 0.9, 0.4]]
    # when sensitivity is computed
    result = ranking_sensitivity(
        scores, [0.5, 0.3, 0.2], employees=["a", "b", "c"], criteria=["x", "y", "z"]
    )
    # then for y, by hand: per unit of y's weight a's total moves by 0.2 − 0.55/0.7, b's by
    # 0.6 − 0.42/0.7 = 0 and c's by 0.9 − 0.23/0.7, so b ties a at δ = 0.007/0.41 ≈ 0.017,
    # sooner than c ties a (≈ 0.095) or b (0.175); lowering y only widens every gap
    increase = result[1].increase
    assert increase is not None
    assert increase.change == pytest.approx(0.007 / 0.41)
    assert (increase.overtaking, increase.overtaken) == ("b", "a")
    assert result[1].decrease is None


def test_tied_employees_are_not_a_swap() -> None:
    # given two employees with identical scores
    scores = [[0.5, 0.5], [0.5, 0.5]]
    # when sensitivity is computed
    result = ranking_sensitivity(scores, [0.5, 0.5], employees=["a", "b"], criteria=["x", "y"])
    # then no weight change can swap them
    assert all(item.increase is None and item.decrease is None for item in result)


def test_bad_inputs_are_named() -> None:
    # given weights that do not sum to 1 and a missing score
    scores = [[0.5, float("nan")], [0.2, 0.1]]
    # when sensitivity is computed
    with pytest.raises(AhpInputError) as error:
        ranking_sensitivity(scores, [0.5, 0.6], employees=["a", "b"], criteria=["x", "y"])
    # then both are reported
    assert [str(problem) for problem in error.value.problems] == [
        'scores["a"]["y"]: score must be a finite number',
        "weights: weights sum to 1.1, not 1",
    ]


@st.composite
def cycles(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    employees = draw(st.integers(min_value=2, max_value=8))
    criteria = draw(st.integers(min_value=2, max_value=5))
    # Scores on a 0.05 grid produce ties and near-ties as real score sheets do.
    scores = draw(
        arrays(np.float64, (employees, criteria), elements=st.integers(0, 20).map(lambda x: x / 20))
    )
    raw = draw(arrays(np.float64, criteria, elements=st.integers(1, 20).map(float)))
    return scores, raw / raw.sum()


@given(cycle=cycles())
def test_reported_change_is_the_first_at_which_any_pair_swaps(
    cycle: tuple[np.ndarray, np.ndarray],
) -> None:
    # given any cycle's scores and weights
    scores, weights = cycle
    names = [f"e{index}" for index in range(len(scores))]
    criteria = [f"c{index}" for index in range(len(weights))]
    totals = scores @ weights
    # when sensitivity is computed
    result = ranking_sensitivity(scores, weights, employees=names, criteria=criteria)
    for index, item in enumerate(result):
        for swap, direction, room in (
            (item.increase, 1, 1 - weights[index]),
            (item.decrease, -1, weights[index]),
        ):
            change = swap.change if swap else room
            # then just short of the reported change (or across the whole range when none
            # is reported) every pair that had an order keeps it ...
            before = scores @ reweighted(weights, index, direction * change * (1 - 1e-7))
            ordered = np.abs(totals[:, None] - totals[None, :]) > 1e-9
            kept = np.sign(before[:, None] - before[None, :]) == np.sign(
                totals[:, None] - totals[None, :]
            )
            assert np.all(kept | ~ordered)
            # ... and at the reported change the named pair draws level
            if swap:
                at = scores @ reweighted(weights, index, direction * swap.change)
                assert at[names.index(swap.overtaking)] == pytest.approx(
                    at[names.index(swap.overtaken)], abs=1e-9
                )
                assert swap.weight_at_swap == pytest.approx(
                    weights[index] + direction * swap.change
                )
