"""Inconsistency help: which judgements to revise, one at a time, to bring CR down.

Method (Saaty 2003, "Decision-making with the AHP: Why is the principal eigenvector
necessary", EJOR 145(1); compare Harker 1987, "Derivatives of the Perron root of a positive
reciprocal matrix", Mathematical Modelling 9): with weights w, judgement a_ij agrees with
them when ε_ij = a_ij·w_j/w_i = 1. The judgement with the largest |ln ε_ij| contributes most
to the inconsistency; the value consistent with the weights is w_i/w_j. Each suggestion
also gives the nearest value on Saaty's scale (1/9..9) and the CR the matrix would have
if only that one judgement were changed to it.
Excluded: judgements whose nearest scale value is the current judgement (no step on the
scale brings them closer); consistent matrices (CR ≤ 0.10) get no suggestions.
"""

import math
from dataclasses import dataclass

import numpy as np

from kpilib.engine.ahp.errors import quoted
from kpilib.engine.ahp.matrix import SAATY_SCALE, FloatArray, PairwiseMatrix, format_judgement
from kpilib.engine.ahp.priorities import AhpResult, consistency_ratio

DEFAULT_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class JudgementRevision:
    """A suggested change to the judgement of `row` over `column`."""

    row: str
    column: str
    current: float
    consistent_value: float
    suggested: float
    cr_after: float

    @property
    def explanation(self) -> str:
        return (
            f"{quoted(self.row)} over {quoted(self.column)} is judged "
            f"{format_judgement(self.current)}; the weights imply {self.consistent_value:.2f}; "
            f"changing it to {format_judgement(self.suggested)} gives CR {self.cr_after:.3f}"
        )


def revision_suggestions(
    matrix: PairwiseMatrix, result: AhpResult, limit: int = DEFAULT_SUGGESTIONS
) -> tuple[JudgementRevision, ...]:
    """Up to `limit` judgements that contribute most to an inconsistent matrix, worst first."""
    if result.consistent:
        return ()
    weights = np.array(result.weights)
    deviation = np.abs(np.log(matrix.values * weights[np.newaxis, :] / weights[:, np.newaxis]))
    rows, columns = np.triu_indices(matrix.size, k=1)
    worst_first = np.argsort(-deviation[rows, columns], kind="stable")
    suggestions: list[JudgementRevision] = []
    for pair in worst_first:
        row, column = int(rows[pair]), int(columns[pair])
        suggestion = _revision(matrix, weights, row, column)
        if suggestion is not None:
            suggestions.append(suggestion)
        if len(suggestions) == limit:
            break
    return tuple(suggestions)


def nearest_scale_value(value: float) -> float:
    """The value on Saaty's scale 1/9, 1/8, ..., 1, 2, ..., 9 nearest to `value` in ratio."""
    return min(SAATY_SCALE, key=lambda step: abs(math.log(value / step)))


def _revision(
    matrix: PairwiseMatrix, weights: FloatArray, row: int, column: int
) -> JudgementRevision | None:
    current = float(matrix.values[row, column])
    consistent_value = float(weights[row] / weights[column])
    suggested = nearest_scale_value(consistent_value)
    if math.isclose(suggested, current, rel_tol=1e-9):
        return None
    return JudgementRevision(
        row=matrix.criteria[row],
        column=matrix.criteria[column],
        current=current,
        consistent_value=consistent_value,
        suggested=suggested,
        cr_after=consistency_ratio(matrix.with_judgement(row, column, suggested)),
    )
