"""Sensitivity of a cycle's ranking to each weight: how far it can move before two swap.

Formula: totals t = S·w for normalised scores S (employees × criteria) and weights w
(summing to 1). When criterion c's weight becomes w_c + δ and the other weights are
rescaled by (1 − w_c − δ)/(1 − w_c) so they still sum to 1, each total moves linearly:
t_e(δ) = t_e + δ·g_e with g_e = S_ec − (t_e − S_ec·w_c)/(1 − w_c). Employees a and b tie
at δ = −(t_a − t_b)/(g_a − g_b); the smallest such δ above 0 (up to weight 1) is the
largest safe increase, the smallest below 0 (down to weight 0) the largest safe decrease.
All pairs are computed at once with NumPy: O(m²) memory and time per criterion for m
employees.
Excluded: pairs already tied at the current weights (they have no order to swap) and
pairs whose totals move in parallel (they never swap).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kpilib.engine.ahp.errors import AhpInputError, AhpProblem, quoted
from kpilib.engine.ahp.matrix import FloatArray

WEIGHT_SUM_TOLERANCE = 1e-6
# Totals closer than this are a tie, not an order: scores are normalised, so this is far
# below any difference a person would see, yet above floating-point noise.
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class RankSwap:
    """The weight change at which `overtaking` draws level with `overtaken`, then passes."""

    change: float
    weight_at_swap: float
    overtaking: str
    overtaken: str


@dataclass(frozen=True, slots=True)
class WeightSensitivity:
    """How far one criterion's weight can rise or fall before the ranking changes.

    `increase` or `decrease` is None when no pair swaps anywhere in that direction.
    """

    criterion: str
    weight: float
    increase: RankSwap | None
    decrease: RankSwap | None


def ranking_sensitivity(
    scores: npt.ArrayLike,
    weights: Sequence[float],
    *,
    employees: Sequence[str],
    criteria: Sequence[str],
) -> tuple[WeightSensitivity, ...]:
    """Per criterion, the smallest increase and decrease of its weight that swaps two employees.

    `scores[e][c]` is employee e's normalised score on criterion c.
    """
    score_matrix = np.asarray(scores, dtype=np.float64)
    weight_vector = np.asarray(weights, dtype=np.float64)
    problems = _input_problems(score_matrix, weight_vector, employees, criteria)
    if problems:
        raise AhpInputError(problems)
    totals = score_matrix @ weight_vector
    first, second = np.triu_indices(len(employees), k=1)
    gaps = totals[first] - totals[second]
    return tuple(
        _criterion_sensitivity(
            score_matrix[:, index],
            weight_vector[index],
            totals,
            (first, second),
            gaps,
            employees,
            name,
        )
        for index, name in enumerate(criteria)
    )


def _criterion_sensitivity(
    criterion_scores: FloatArray,
    weight: float,
    totals: FloatArray,
    pairs: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    gaps: FloatArray,
    employees: Sequence[str],
    criterion: str,
) -> WeightSensitivity:
    first, second = pairs
    slopes = criterion_scores - (totals - criterion_scores * weight) / (1 - weight)
    closing = slopes[first] - slopes[second]
    swapping = (np.abs(gaps) > TIE_TOLERANCE) & (closing != 0)
    crossings = np.full(gaps.shape, np.nan)
    crossings[swapping] = -gaps[swapping] / closing[swapping]
    return WeightSensitivity(
        criterion=criterion,
        weight=float(weight),
        increase=_first_swap(crossings, 1 - weight, weight, pairs, gaps, employees),
        decrease=_first_swap(-crossings, weight, weight, pairs, gaps, employees, falling=True),
    )


def _first_swap(
    distances: FloatArray,
    room: float,
    weight: float,
    pairs: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    gaps: FloatArray,
    employees: Sequence[str],
    *,
    falling: bool = False,
) -> RankSwap | None:
    """The nearest crossing at a positive distance within `room` of the current weight."""
    reachable = np.where((distances > 0) & (distances <= room), distances, np.inf)
    nearest = int(np.argmin(reachable))
    if not math.isfinite(reachable[nearest]):
        return None
    first, second = int(pairs[0][nearest]), int(pairs[1][nearest])
    # The employee behind before the swap is the one who overtakes.
    behind, ahead = (first, second) if gaps[nearest] < 0 else (second, first)
    change = float(reachable[nearest])
    return RankSwap(
        change=change,
        weight_at_swap=weight - change if falling else weight + change,
        overtaking=employees[behind],
        overtaken=employees[ahead],
    )


def _input_problems(
    scores: FloatArray,
    weights: FloatArray,
    employees: Sequence[str],
    criteria: Sequence[str],
) -> list[AhpProblem]:
    expected = (len(employees), len(criteria))
    if scores.ndim != 2 or scores.shape != expected or weights.shape != (len(criteria),):
        return [
            AhpProblem(
                "scores",
                f"expected {expected[0]} employees × {expected[1]} criteria and"
                f" {expected[1]} weights, got scores {scores.shape} and {weights.shape[0]} weights",
            )
        ]
    problems = [
        AhpProblem(
            f"scores[{quoted(employees[int(row)])}][{quoted(criteria[int(column)])}]",
            "score must be a finite number",
        )
        for row, column in np.argwhere(~np.isfinite(scores))
    ]
    if len(employees) < 2:
        problems.append(AhpProblem("employees", "a ranking needs at least 2 employees"))
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        problems.append(AhpProblem("weights", "weights must be finite and not negative"))
    elif not math.isclose(float(weights.sum()), 1.0, abs_tol=WEIGHT_SUM_TOLERANCE):
        problems.append(AhpProblem("weights", f"weights sum to {weights.sum():.6g}, not 1"))
    elif np.any(weights >= 1):
        problems.append(
            AhpProblem("weights", "every weight must be below 1 so the others can be rescaled")
        )
    return problems
