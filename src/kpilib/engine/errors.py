"""Errors of the engine: `EngineError` and the located problems of a user's input.

Every engine refusal (a bad pack, formula, period, language, AHP matrix, or an unknown
code in a pack) is an `EngineError`, which is a `kpilib.errors.KpilibError`, so the web,
API and CLI answer it like any domain error without the engine importing Django.

`InputError` carries every `Problem` of an input at once (file, line, column, reason):
readers report all they found, not the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpilib.errors import KpilibError


class EngineError(KpilibError, ValueError):
    """The engine cannot do what was asked with these inputs; the message says why.

    Also a `ValueError`, so that pydantic validators of the pack schema report it as a
    validation problem of the field it is about.
    """


class UnknownCode(EngineError, LookupError):
    """A code (indicator, plan, …) that the pack does not define."""

    def __init__(self, kind: str, code: str) -> None:
        super().__init__(f"no {kind} {code!r}")
        self.kind = kind
        self.code = code


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a user's input, located as precisely as we can.

    `str()` gives `file:line: column: reason`; parts that are unknown are left out.
    """

    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return ": ".join(part for part in (place, self.column, self.reason) if part)


class InputError(EngineError):
    """The user's input cannot be used; `problems` says where and why, one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        super().__init__(
            [str(problem) for problem in self.problems],
            field=first.column if first else None,
            line=first.line if first else None,
        )
        self.message = "\n".join(self.messages)
        self.args = (self.message,)

    def lines(self) -> list[str]:
        return list(self.messages)
