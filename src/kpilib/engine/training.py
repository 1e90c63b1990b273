"""Which exam attempt counts (no Django): the rule behind a `training_exam` fact.

An exam says whether the highest, the last, the first or the average of a person's
attempts counts. The counted result carries the day it belongs to: the day of the
attempt that counts, or for an average the day of the last attempt (when the result was
complete).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

COUNTINGS = ("highest", "last", "first", "average")


@dataclass(frozen=True)
class Attempt:
    taken_on: datetime.date
    score: float


@dataclass(frozen=True)
class Counted:
    score: float
    taken_on: datetime.date
    attempts: int


def counted_attempt(attempts: Sequence[Attempt], counting: str) -> Counted | None:
    """The result that counts among `attempts` (any order), or None without attempts.

    Ties on the highest score go to the earliest attempt that reached it."""
    if counting not in COUNTINGS:
        raise ValueError(f"unknown counting {counting!r}: one of {', '.join(COUNTINGS)}")
    if not attempts:
        return None
    ordered = sorted(attempts, key=lambda attempt: attempt.taken_on)
    if counting == "first":
        chosen = ordered[0]
    elif counting == "last":
        chosen = ordered[-1]
    elif counting == "highest":
        best = max(attempt.score for attempt in ordered)
        chosen = next(attempt for attempt in ordered if attempt.score == best)
    else:
        mean = sum(attempt.score for attempt in ordered) / len(ordered)
        return Counted(round(mean, 6), ordered[-1].taken_on, len(ordered))
    return Counted(chosen.score, chosen.taken_on, len(ordered))
