"""Priorities (weights) of criteria from a pairwise matrix, and the matrix's consistency.

Formulas (Saaty 1980, *The Analytic Hierarchy Process*, ch. 1-2; Saaty 2008,
Int. J. Services Sciences 1(1)):
- eigenvector method (the default): w is the principal right eigenvector of A, A w = λmax w,
  scaled to sum to 1;
- geometric-mean (row) method: w_i = (Π_j a_ij)^(1/n), scaled to sum to 1 (Crawford and
  Williams 1985);
- λmax is always the principal eigenvalue of A, whatever the method, so the consistency
  of a set of judgements does not depend on how the weights are read from it;
- CI = (λmax − n)/(n − 1); CR = CI/RI(n) with Saaty's random index; consistent when
  CR ≤ 0.10. For n ≤ 2 RI is 0 and CR is defined as 0 (every 2×2 reciprocal matrix is
  consistent).
Excluded: incomplete matrices and interval judgements.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kpilib.engine.ahp.matrix import FloatArray, PairwiseMatrix

# Saaty's random index for n = 1..15 (Saaty 1980, *The Analytic Hierarchy Process*): the
# mean CI of many random reciprocal matrices of that size.
RANDOM_INDEX: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)  # fmt: skip
CONSISTENCY_THRESHOLD = 0.10


class PriorityMethod(StrEnum):
    """How weights are read from a pairwise matrix."""

    EIGENVECTOR = "eigenvector"
    GEOMETRIC = "geometric"


@dataclass(frozen=True, slots=True)
class AhpResult:
    """Weights of the criteria (in their order, summing to 1) and the matrix's consistency."""

    criteria: tuple[str, ...]
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    method: PriorityMethod

    @property
    def consistent(self) -> bool:
        return self.cr <= CONSISTENCY_THRESHOLD

    def weights_by_criterion(self) -> dict[str, float]:
        return dict(zip(self.criteria, self.weights, strict=True))


def ahp_priorities(
    matrix: PairwiseMatrix, method: PriorityMethod = PriorityMethod.EIGENVECTOR
) -> AhpResult:
    """Weights of `matrix`'s criteria by `method`, with λmax, CI, CR of the matrix."""
    eigenvalue, eigenvector = _principal_eigenpair(matrix.values)
    weights = (
        eigenvector if method is PriorityMethod.EIGENVECTOR else _row_geometric_means(matrix.values)
    )
    ci, cr = consistency(eigenvalue, matrix.size)
    return AhpResult(
        criteria=matrix.criteria,
        weights=tuple(float(weight) for weight in weights),
        lambda_max=eigenvalue,
        ci=ci,
        cr=cr,
        method=method,
    )


def consistency_ratio(matrix: PairwiseMatrix) -> float:
    """CR of a matrix alone, e.g. to preview a revised judgement."""
    eigenvalue, _ = _principal_eigenpair(matrix.values)
    return consistency(eigenvalue, matrix.size)[1]


def consistency(lambda_max: float, size: int) -> tuple[float, float]:
    """(CI, CR) for a principal eigenvalue of an n×n reciprocal matrix."""
    # λmax ≥ n holds for every positive reciprocal matrix; a tiny negative CI is rounding.
    ci = max(0.0, (lambda_max - size) / (size - 1))
    random_index = RANDOM_INDEX[size - 1]
    return ci, ci / random_index if random_index else 0.0


def _principal_eigenpair(values: FloatArray) -> tuple[float, FloatArray]:
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    # Perron-Frobenius: for a positive matrix this eigenvector has one sign throughout,
    # so dividing by its sum makes every weight positive.
    vector = eigenvectors[:, principal].real
    return float(eigenvalues[principal].real), vector / vector.sum()


def _row_geometric_means(values: FloatArray) -> FloatArray:
    means: FloatArray = np.exp(np.log(values).mean(axis=1))
    return means / means.sum()
