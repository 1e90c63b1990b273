"""Forced distribution: grade targets (largest shares) turned into whole people, and the
check of a group's grades against them.

A target t (a share, 0–1) of a group of n people allows a whole number of people, by the
rounding the cycle states:
- floor:        ⌊t·n⌋ (never more than the share; 30% of 3 is 0);
- nearest:      ⌊t·n + ½⌋, halves rounded up (30% of 3 is 1; 10% of 4 is 0);
- at_least_one: max(1, nearest) for any t > 0 (every grade with a target can be given).
A target of 0 allows nobody, and nothing allows more than n (a target above 1 is 1). t·n is taken with a tolerance
of 1e-9, so 0.7 × 10 (7.000000000000001 in floats) is 7 and 0.1 × 30 is 3 under floor.
A grade is over its target when more people hold it than are allowed.
Excludes: people without a grade (no data), who are neither counted in n nor in a grade.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

TOLERANCE = 1e-9


class Rounding(StrEnum):
    """How a target share becomes a whole number of people."""

    FLOOR = "floor"
    NEAREST = "nearest"
    AT_LEAST_ONE = "at_least_one"


DEFAULT_ROUNDING = Rounding.NEAREST


def allowed_people(target: float, people: int, rounding: Rounding = DEFAULT_ROUNDING) -> int:
    """How many of `people` may hold a grade whose target share is `target`."""
    if people < 0:
        raise ValueError("people must be 0 or more")
    if target < 0:
        raise ValueError("a target is a share of 0 or more")
    if target <= 0 or people == 0:
        return 0
    exact = target * people
    match rounding:
        case Rounding.FLOOR:
            allowed = math.floor(exact + TOLERANCE)
        case Rounding.NEAREST:
            allowed = math.floor(exact + 0.5 + TOLERANCE)
        case Rounding.AT_LEAST_ONE:
            allowed = max(1, math.floor(exact + 0.5 + TOLERANCE))
    return min(allowed, people)


@dataclass(frozen=True, slots=True)
class GradeAllowance:
    """One grade of a group: how many hold it, how many its target allows (None: no target)."""

    grade: str
    count: int
    people: int
    target: float | None
    allowed: int | None

    @property
    def share(self) -> float:
        return self.count / self.people if self.people else 0.0

    @property
    def over(self) -> bool:
        return self.allowed is not None and self.count > self.allowed


def allowances(
    counts: Mapping[str, int],
    targets: Mapping[str, float],
    grades: list[str],
    rounding: Rounding = DEFAULT_ROUNDING,
) -> list[GradeAllowance]:
    """Every grade of `grades` with its count, target and allowed people; the group is
    everyone counted (the sum of `counts`)."""
    people = sum(counts.get(grade, 0) for grade in grades)
    return [
        GradeAllowance(
            grade=grade,
            count=counts.get(grade, 0),
            people=people,
            target=targets.get(grade),
            allowed=(
                None
                if targets.get(grade) is None
                else allowed_people(float(targets[grade]), people, rounding)
            ),
        )
        for grade in grades
    ]
