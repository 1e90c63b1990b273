"""Pairwise comparison matrices: validation of people's judgements into a reciprocal matrix.

A judgement a_ij says how many times more important criterion i is than criterion j on
Saaty's 1-9 scale; a_ji = 1/a_ij and a_ii = 1. Accepted: positive numbers from 1/9 to 9,
intermediate values such as 2.5 included, each within a relative tolerance of 5% so that
judgements typed with two decimals (0.33, 0.14, 0.11) pass. Excluded: n < 2 (nothing to
compare) and n > 15 (Saaty's random index, hence the consistency ratio, is tabulated only
up to 15).

Formula: a full matrix entered by a person is made exactly reciprocal by
a'_ij = sqrt(a_ij / a_ji), the reciprocal matrix nearest to it in log space; an exactly
reciprocal matrix is left unchanged.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt

from kpilib.engine.ahp.errors import AhpInputError, AhpProblem, quoted

type FloatArray = npt.NDArray[np.float64]

MIN_CRITERIA = 2
MAX_CRITERIA = 15
MIN_JUDGEMENT = 1 / 9
MAX_JUDGEMENT = 9.0
JUDGEMENT_TOLERANCE = 0.05
SAATY_SCALE: tuple[float, ...] = tuple(
    [1 / step for step in range(9, 1, -1)] + [float(step) for step in range(1, 10)]
)


@dataclass(frozen=True, slots=True, eq=False)
class PairwiseMatrix:
    """A validated, exactly reciprocal comparison matrix; row i, column j is a_ij.

    Build one with `pairwise_matrix` or `pairwise_matrix_from_judgements`, which validate;
    the constructor itself trusts its input.
    """

    criteria: tuple[str, ...]
    values: FloatArray

    def __post_init__(self) -> None:
        self.values.flags.writeable = False

    @property
    def size(self) -> int:
        return len(self.criteria)

    def judgement(self, row: str, column: str) -> float:
        """How many times more important `row` is judged than `column`."""
        return float(self.values[self.criteria.index(row), self.criteria.index(column)])

    def with_judgement(self, row: int, column: int, value: float) -> Self:
        """A copy with a_row,column set to `value` and its mirror cell to 1/value."""
        revised = self.values.copy()
        revised[row, column] = value
        revised[column, row] = 1 / value
        return type(self)(self.criteria, revised)


def pairwise_matrix(
    criteria: Sequence[str], rows: Sequence[Sequence[float]], *, path: str = "matrix"
) -> PairwiseMatrix:
    """Validate a full matrix (one row per criterion, in the order of `criteria`).

    Raises AhpInputError listing every problem, each located as `path[i][j]`.
    """
    problems = criteria_problems(criteria)
    problems += _shape_problems(len(criteria), rows, path)
    if problems:
        raise AhpInputError(problems)
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            problems += _cell_problems(criteria, rows, row_index, column_index, value, path)
    if problems:
        raise AhpInputError(problems)
    judged = np.array(rows, dtype=np.float64)
    return PairwiseMatrix(tuple(criteria), np.sqrt(judged / judged.T))


def pairwise_matrix_from_judgements(
    criteria: Sequence[str],
    judgements: Mapping[tuple[str, str], float],
    *,
    path: str = "judgements",
) -> PairwiseMatrix:
    """Validate one judgement per pair of criteria, `(A, B): 3` meaning A is 3 times B.

    Either order of a pair may be given, but not both. Raises AhpInputError naming every
    missing, repeated or unknown pair and every judgement off the scale.
    """
    problems = criteria_problems(criteria)
    if problems:
        raise AhpInputError(problems)
    position = {name: index for index, name in enumerate(criteria)}
    values = np.ones((len(criteria), len(criteria)), dtype=np.float64)
    judged: set[frozenset[str]] = set()
    for (row, column), value in judgements.items():
        cell_path = f"{path}[{quoted(f'{row},{column}')}]"
        pair_problems = _pair_problems(row, column, position, judged, cell_path)
        pair_problems += _scale_problems(value, f"{row} over {column}", cell_path)
        problems += pair_problems
        judged.add(frozenset((row, column)))
        if not pair_problems:
            values[position[row], position[column]] = value
            values[position[column], position[row]] = 1 / value
    problems += [
        AhpProblem(path, f"missing pair {quoted(f'{row},{column}')}")
        for row_index, row in enumerate(criteria)
        for column in criteria[row_index + 1 :]
        if frozenset((row, column)) not in judged
    ]
    if problems:
        raise AhpInputError(problems)
    return PairwiseMatrix(tuple(criteria), values)


def criteria_problems(criteria: Sequence[str], path: str = "criteria") -> list[AhpProblem]:
    """Problems with a list of criterion names: too few, too many, blank or repeated."""
    problems: list[AhpProblem] = []
    if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
        problems.append(
            AhpProblem(
                path,
                f"{len(criteria)} criteria given; AHP needs {MIN_CRITERIA} to {MAX_CRITERIA}"
                f" (Saaty's random index is tabulated up to {MAX_CRITERIA})",
            )
        )
    seen: set[str] = set()
    for index, name in enumerate(criteria):
        if not name.strip():
            problems.append(AhpProblem(f"{path}[{index}]", "criterion name is blank"))
        elif name in seen:
            problems.append(AhpProblem(f"{path}[{index}]", f"duplicate criterion {quoted(name)}"))
        seen.add(name)
    return problems


def format_judgement(value: float) -> str:
    """A judgement as people write it: `3`, `1/3`, `2.5`."""
    if value < 1 and math.isclose(1 / value, round(1 / value), rel_tol=1e-3):
        return f"1/{round(1 / value)}"
    return f"{value:.4g}"


def _shape_problems(size: int, rows: Sequence[Sequence[float]], path: str) -> list[AhpProblem]:
    if len(rows) != size:
        return [AhpProblem(path, f"expected {size} rows, one per criterion, got {len(rows)}")]
    return [
        AhpProblem(f"{path}[{index}]", f"expected {size} values, one per criterion, got {len(row)}")
        for index, row in enumerate(rows)
        if len(row) != size
    ]


def _cell_problems(
    criteria: Sequence[str],
    rows: Sequence[Sequence[float]],
    row: int,
    column: int,
    value: float,
    path: str,
) -> list[AhpProblem]:
    cell_path = f"{path}[{row}][{column}]"
    scale_problems = _scale_problems(value, f"{criteria[row]} over {criteria[column]}", cell_path)
    if scale_problems:
        return scale_problems
    if row == column and not math.isclose(value, 1.0, rel_tol=JUDGEMENT_TOLERANCE):
        return [AhpProblem(cell_path, f"a criterion compared with itself must be 1, got {value:g}")]
    mirror = rows[column][row]
    # Only the lower triangle is checked against the upper one, so each pair is named once;
    # a mirror cell with its own scale problem is reported at that cell instead.
    reciprocal = math.isclose(value * mirror, 1.0, rel_tol=JUDGEMENT_TOLERANCE)
    if row > column and _scale_reason(mirror) is None and not reciprocal:
        return [
            AhpProblem(
                cell_path,
                f"{format_judgement(value)} is not the reciprocal of "
                f"{path}[{column}][{row}] = {format_judgement(mirror)}"
                f" (expected {format_judgement(1 / mirror)})",
            )
        ]
    return []


def _scale_problems(value: float, comparison: str, path: str) -> list[AhpProblem]:
    reason = _scale_reason(value)
    return [AhpProblem(path, f"judgement of {comparison} {reason}")] if reason else []


def _scale_reason(value: float) -> str | None:
    if not math.isfinite(value):
        return f"must be a finite number, got {value}"
    if value <= 0:
        return f"must be positive, got {value:g}"
    lowest = MIN_JUDGEMENT * (1 - JUDGEMENT_TOLERANCE)
    highest = MAX_JUDGEMENT * (1 + JUDGEMENT_TOLERANCE)
    if not lowest <= value <= highest:
        return f"is {format_judgement(value)}, outside Saaty's scale 1/9 to 9"
    return None


def _pair_problems(
    row: str,
    column: str,
    position: Mapping[str, int],
    judged: set[frozenset[str]],
    path: str,
) -> list[AhpProblem]:
    unknown = [name for name in (row, column) if name not in position]
    if unknown:
        return [AhpProblem(path, f"unknown criterion {quoted(name)}") for name in unknown]
    if row == column:
        return [AhpProblem(path, "a criterion cannot be compared with itself")]
    if frozenset((row, column)) in judged:
        return [AhpProblem(path, "this pair is judged twice (once in each order)")]
    return []
