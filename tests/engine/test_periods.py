"""Appraisal periods as written on the command line, and trailing windows."""

from datetime import date

import pytest

from kpilib.engine.periods import PeriodError, PeriodKind, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026-09", date(2026, 9, 1), date(2026, 9, 30), PeriodKind.MONTH),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), PeriodKind.MONTH),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), PeriodKind.QUARTER),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31), PeriodKind.QUARTER),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), PeriodKind.YEAR),
        ("2026-07-15..2026-08-14", date(2026, 7, 15), date(2026, 8, 14), PeriodKind.RANGE),
        (" 2026-Q1 ", date(2026, 1, 1), date(2026, 3, 31), PeriodKind.QUARTER),
    ],
)
def test_each_written_form_is_a_closed_date_range(
    text: str, start: date, end: date, kind: PeriodKind
) -> None:
    # given a period as written
    # when it is read
    period = parse_period(text)
    # then its first and last days and its kind
    assert (period.start, period.end, period.kind) == (start, end, kind)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "month 13 is not 1–12 in '2026-13'"),
        (
            "2026-Q5",
            "cannot read period '2026-Q5': expected 2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30",
        ),
        ("2026-09-30..2026-07-01", "the range '2026-09-30..2026-07-01' ends before it starts"),
        (
            "2026-02-30..2026-03-01",
            "'2026-02-30' in '2026-02-30..2026-03-01' is not a calendar date",
        ),
        ("2026-07..2026-09", "'2026-07' in '2026-07..2026-09' is not a date YYYY-MM-DD"),
        ("0000", "'0000' is outside the calendar"),
        ("", "cannot read period '': expected 2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30"),
    ],
)
def test_unreadable_periods_say_what_is_accepted(text: str, message: str) -> None:
    # given a period that is not one
    # when it is read
    with pytest.raises(PeriodError) as refused:
        parse_period(text)
    # then the reason is given
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("text", "months", "start"),
    [
        ("2026-09", 3, date(2026, 7, 1)),
        ("2026-Q3", 12, date(2025, 10, 1)),
        ("2026-02", 2, date(2026, 1, 1)),
        ("2026-01-10..2026-03-05", 1, date(2026, 3, 1)),
    ],
)
def test_trailing_months_end_with_the_period(text: str, months: int, start: date) -> None:
    # given a period
    period = parse_period(text)
    # when a trailing window of whole months is taken
    window = period.trailing_months(months)
    # then it starts on the first of a month and ends with the period
    assert window == (start, period.end)
