"""Group judgement: several judges compare the same criteria; one set of group weights.

Formulas (Aczél and Saaty 1983; Forman and Peniwati 1998):
- AIJ, aggregation of individual judgements (the default): the group matrix is the
  element-wise geometric mean of the judges' matrices, ā_ij = (Π_k a_ij^(k))^(1/K), the
  only mean that keeps the matrix reciprocal; group weights are its priorities.
- AIP, aggregation of individual priorities: each judge's weights first, then the
  normalised geometric mean of each criterion's weights across judges.
The group's λmax, CI and CR are always those of the AIJ matrix, the group's combined
judgement: AIP has no matrix of its own. A geometric mean of consistent matrices is
consistent, so group inconsistency always traces back to some judge's matrix.
Excluded: judges of unequal importance.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kpilib.engine.ahp.errors import AhpInputError, AhpProblem, quoted
from kpilib.engine.ahp.matrix import PairwiseMatrix
from kpilib.engine.ahp.priorities import AhpResult, PriorityMethod, ahp_priorities


class Aggregation(StrEnum):
    """How several judges' comparisons are combined."""

    AIJ = "aij"
    AIP = "aip"


@dataclass(frozen=True, slots=True)
class GroupAhpResult:
    """The group's weights and consistency next to each judge's own."""

    group: AhpResult
    judges: Mapping[str, AhpResult]
    aggregation: Aggregation
    group_matrix: PairwiseMatrix


def group_priorities(
    judges: Mapping[str, PairwiseMatrix],
    aggregation: Aggregation = Aggregation.AIJ,
    method: PriorityMethod = PriorityMethod.EIGENVECTOR,
) -> GroupAhpResult:
    """Each judge's result and the group's, aggregated by `aggregation`.

    Every judge must compare the same criteria in the same order.
    """
    _check_same_criteria(judges)
    individual = {name: ahp_priorities(matrix, method) for name, matrix in judges.items()}
    group_matrix = aggregate_judgements(list(judges.values()))
    group = ahp_priorities(group_matrix, method)
    if aggregation is Aggregation.AIP:
        group = AhpResult(
            criteria=group.criteria,
            weights=_geometric_mean_of_priorities(list(individual.values())),
            lambda_max=group.lambda_max,
            ci=group.ci,
            cr=group.cr,
            method=method,
        )
    return GroupAhpResult(group, individual, aggregation, group_matrix)


def aggregate_judgements(matrices: list[PairwiseMatrix]) -> PairwiseMatrix:
    """The element-wise geometric mean of judges' matrices (AIJ)."""
    logs = np.stack([np.log(matrix.values) for matrix in matrices])
    return PairwiseMatrix(matrices[0].criteria, np.exp(logs.mean(axis=0)))


def _geometric_mean_of_priorities(results: list[AhpResult]) -> tuple[float, ...]:
    means = np.exp(np.log(np.array([result.weights for result in results])).mean(axis=0))
    return tuple(float(weight) for weight in means / means.sum())


def _check_same_criteria(judges: Mapping[str, PairwiseMatrix]) -> None:
    if not judges:
        raise AhpInputError([AhpProblem("judges", "at least one judge is needed")])
    first_name, first = next(iter(judges.items()))
    problems = [
        AhpProblem(
            f"judges[{quoted(name)}]",
            f"compares {_listed(matrix.criteria)}, but judge {quoted(first_name)} compares"
            f" {_listed(first.criteria)}",
        )
        for name, matrix in judges.items()
        if matrix.criteria != first.criteria
    ]
    if problems:
        raise AhpInputError(problems)


def _listed(criteria: tuple[str, ...]) -> str:
    return ", ".join(quoted(name) for name in criteria)
