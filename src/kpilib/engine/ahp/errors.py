"""Input problems of the AHP engine, each naming where in the input it is and why.

The engine collects every problem it can find before raising, so a person fixing a
judgement file sees all of them at once; interfaces print one line per problem.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from kpilib.engine.errors import EngineError


@dataclass(frozen=True, slots=True)
class AhpProblem:
    """One thing wrong with AHP input: `path` locates it (e.g. `matrix[1][2]`)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class AhpInputError(EngineError):
    """Raised when AHP input cannot be used; carries every problem that was found."""

    def __init__(self, problems: Iterable[AhpProblem]) -> None:
        self.problems: tuple[AhpProblem, ...] = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


def quoted(name: str) -> str:
    """A name quoted for a problem path or message, Chinese kept readable: `"客户价值"`."""
    return json.dumps(name, ensure_ascii=False)
