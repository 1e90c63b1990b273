"""The result of a SMART check: a verdict per check and bilingual messages saying why.

A `SmartReport` holds, for one indicator, a verdict for each of the five checks
(`pass`, `fail` or `unknown`) and the messages behind them. Every message carries its
text in zh-Hans and en, so each interface (CLI, web, API) shows the user's language
without checking again. Excludes: the checks themselves (checks.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kpilib.engine.definitions import LocalText


class Check(StrEnum):
    """The five SMART checks, in the order people say them."""

    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    ACHIEVABLE = "achievable"
    RELEVANT = "relevant"
    TIME_BOUND = "time_bound"


CHECK_LABELS: dict[Check, LocalText] = {
    Check.SPECIFIC: LocalText(zh_hans="具体", en="Specific"),
    Check.MEASURABLE: LocalText(zh_hans="可衡量", en="Measurable"),
    Check.ACHIEVABLE: LocalText(zh_hans="可达成", en="Achievable"),
    Check.RELEVANT: LocalText(zh_hans="相关", en="Relevant"),
    Check.TIME_BOUND: LocalText(zh_hans="有时限", en="Time-bound"),
}


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # not enough information to decide, e.g. no history


class Severity(StrEnum):
    """`error` explains a failed check; `info` explains why a check could not decide."""

    ERROR = "error"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class SmartMessage:
    """Why a check failed (and how to fix it) or why it could not decide."""

    check: Check
    severity: Severity
    text: LocalText

    def in_language(self, language: str) -> str:
        return self.text.text(language)


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One check's verdict with its messages (none when it passes)."""

    verdict: Verdict
    messages: tuple[SmartMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class SmartReport:
    """The SMART check of one indicator."""

    code: str
    checks: dict[Check, Verdict]
    messages: tuple[SmartMessage, ...]

    @property
    def failed(self) -> bool:
        return Verdict.FAIL in self.checks.values()


PASSED = CheckOutcome(Verdict.PASS)


def failure(check: Check, reasons: list[LocalText]) -> CheckOutcome:
    """A failed check; each reason says what is wrong and how to fix it."""
    messages = tuple(SmartMessage(check, Severity.ERROR, reason) for reason in reasons)
    return CheckOutcome(Verdict.FAIL, messages)


def undecided(check: Check, reason: LocalText) -> CheckOutcome:
    """A check that cannot decide; the reason says what would let it decide."""
    return CheckOutcome(Verdict.UNKNOWN, (SmartMessage(check, Severity.INFO, reason),))
