"""China's working days and daily report deadlines (framework-free).

A day is a working day when the company's own exception says so (`exceptions`: day →
True for an extra working day, False for a day off), else as `chinese_calendar` says
(public holidays and the adjusted weekend workdays 调休), else — for a year the calendar
has no data for yet — Monday to Friday. The deadline of a report for `day` is
`deadline_time` on the `workdays_after`-th working day after it (1: "by 10:00 the next
working day"; 0: the same day, or the next working day when the day itself is off).
`workdays_between(start, end)` counts the working days after `start` up to and including
`end` (a verdict the same day is 0 working days; Friday to Monday is 1).

Excluded: the time zone's daylight saving (China has none) and half-day holidays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo

import chinese_calendar

Exceptions = Mapping[date, bool]


def is_workday(day: date, exceptions: Exceptions | None = None) -> bool:
    """Whether `day` is a working day (company exceptions first, then China's calendar)."""
    if exceptions and day in exceptions:
        return exceptions[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the calendar package has no data for yet
        return day.weekday() < 5


def next_workday(day: date, exceptions: Exceptions | None = None) -> date:
    """The first working day after `day`."""
    following = day + timedelta(days=1)
    while not is_workday(following, exceptions):
        following += timedelta(days=1)
    return following


def report_deadline(
    day: date,
    *,
    deadline_time: time,
    workdays_after: int,
    zone: tzinfo,
    exceptions: Exceptions | None = None,
) -> datetime:
    """When the report for `day` is due (aware, in `zone`)."""
    if workdays_after < 0:
        raise ValueError("workdays_after must not be negative")
    due = day
    if workdays_after == 0 and not is_workday(day, exceptions):
        due = next_workday(day, exceptions)
    for _ in range(workdays_after):
        due = next_workday(due, exceptions)
    return datetime.combine(due, deadline_time, tzinfo=zone)


def workdays_between(start: date, end: date, exceptions: Exceptions | None = None) -> int:
    """The working days in (start, end]: 0 when `end` is not after `start`."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_workday(day, exceptions)
        day += timedelta(days=1)
    return count
