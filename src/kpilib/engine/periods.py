"""Appraisal periods: a month, a quarter, a year or a custom date range, and trailing windows.

A period is a closed date range [start, end]: a fact belongs to it when
start ≤ occurred_on ≤ end. A trailing window of N months ends where the period ends and
starts on the first day of the month N − 1 months before the period's last month, so
"last 3 months" of 2026-Q3 is 2026-07-01..2026-09-30 and of 2026-09 is the same.
Excludes: weeks and fiscal years that do not start in January (not needed yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kpilib.engine.errors import EngineError


class PeriodKind(StrEnum):
    """How a period was written; also the natural cycle of an indicator."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


class PeriodError(EngineError):
    """A period text that cannot be read; the message says what is accepted."""


@dataclass(frozen=True, slots=True)
class Period:
    """The closed date range [start, end] an appraisal covers, with the text that named it."""

    start: date
    end: date
    kind: PeriodKind
    label: str

    def trailing_months(self, months: int) -> tuple[date, date]:
        """The window of `months` whole months that ends with this period's last month."""
        first_month = _month_index(self.end) - (months - 1)
        return date(first_month // 12, first_month % 12 + 1, 1), self.end


ACCEPTED = "expected 2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30"
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_period(text: str) -> Period:
    """Read `2026-09`, `2026-Q3`, `2026` or `2026-07-01..2026-09-30`; raise PeriodError."""
    label = text.strip()
    try:
        return _parsed(label)
    except PeriodError:
        raise
    except ValueError:  # date() refuses years before 1
        raise PeriodError(f"{label!r} is outside the calendar") from None


def _parsed(label: str) -> Period:
    if match := _QUARTER.fullmatch(label):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Period(start, _month_end(year, 3 * quarter), PeriodKind.QUARTER, label)
    if match := _MONTH.fullmatch(label):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"month {month} is not 1–12 in {label!r}")
        return Period(date(year, month, 1), _month_end(year, month), PeriodKind.MONTH, label)
    if _YEAR.fullmatch(label):
        year = int(label)
        return Period(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR, label)
    if ".." in label:
        first, _, last = label.partition("..")
        start, end = _day(first, label), _day(last, label)
        if end < start:
            raise PeriodError(f"the range {label!r} ends before it starts")
        return Period(start, end, PeriodKind.RANGE, label)
    raise PeriodError(f"cannot read period {label!r}: {ACCEPTED}")


def _day(text: str, label: str) -> date:
    match = _DAY.fullmatch(text.strip())
    if not match:
        raise PeriodError(f"{text.strip()!r} in {label!r} is not a date YYYY-MM-DD")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise PeriodError(f"{text.strip()!r} in {label!r} is not a calendar date") from None


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)
