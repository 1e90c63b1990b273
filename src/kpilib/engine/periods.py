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


_PERIOD_MESSAGES: dict[str, tuple[str, str]] = {
    # reason: (zh-Hans, en); {label} is the text as written, {part} the piece at fault
    "outside_calendar": ("“{label}”超出了日历范围", "{label!r} is outside the calendar"),
    "month": ("“{label}”中的月份 {part} 不在 1–12 之间", "month {part} is not 1–12 in {label!r}"),
    "range_reversed": ("区间“{label}”的结束早于开始", "the range {label!r} ends before it starts"),
    "unreadable": (
        "无法识别期间“{label}”：应写作 2026-09、2026-Q3、2026 或 2026-07-01..2026-09-30",
        "cannot read period {label!r}: expected 2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30",
    ),
    "not_a_date": (
        "“{label}”中的“{part}”不是 YYYY-MM-DD 格式的日期",
        "{part!r} in {label!r} is not a date YYYY-MM-DD",
    ),
    "not_a_calendar_date": (
        "“{label}”中的“{part}”不是日历上的日期",
        "{part!r} in {label!r} is not a calendar date",
    ),
}


class PeriodError(EngineError):
    """A period text that cannot be read; the message says what is accepted.

    `str(error)` is English (for the CLI); `in_language("zh-Hans")` gives the same in Chinese.
    """

    def __init__(self, reason: str, label: str, part: object = "") -> None:
        self.reason, self.label, self.part = reason, label, part
        super().__init__(self.in_language("en"))

    def in_language(self, language: str) -> str:
        zh_hans, en = _PERIOD_MESSAGES[self.reason]
        template = zh_hans if language.lower().startswith("zh") else en
        return template.format(label=self.label, part=self.part)


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
        raise PeriodError("outside_calendar", label) from None


def _parsed(label: str) -> Period:
    if match := _QUARTER.fullmatch(label):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Period(start, _month_end(year, 3 * quarter), PeriodKind.QUARTER, label)
    if match := _MONTH.fullmatch(label):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError("month", label, month)
        return Period(date(year, month, 1), _month_end(year, month), PeriodKind.MONTH, label)
    if _YEAR.fullmatch(label):
        year = int(label)
        return Period(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR, label)
    if ".." in label:
        first, _, last = label.partition("..")
        start, end = _day(first, label), _day(last, label)
        if end < start:
            raise PeriodError("range_reversed", label)
        return Period(start, end, PeriodKind.RANGE, label)
    raise PeriodError("unreadable", label)


def _day(text: str, label: str) -> date:
    match = _DAY.fullmatch(text.strip())
    if not match:
        raise PeriodError("not_a_date", label, text.strip())
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise PeriodError("not_a_calendar_date", label, text.strip()) from None


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, kept within the month (2026-01-31 + 1 → 2026-02-28):
    when a certification valid for 24 months expires."""
    import calendar

    index = _month_index(day) + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
