"""Working days and seasonality of a Chinese presales year, for dating demo activity.

Working days are Monday to Friday minus the main public holidays: New Year's Day,
the Spring Festival week (eve to the sixth day), Labour Day (1–5 May) and National Day
(1–7 October). Left out on purpose: Qingming, Dragon Boat and Mid-Autumn (one day each)
and the make-up working weekends; they would not change any demo distribution.
"""

from dataclasses import dataclass

import numpy as np

# Lunar New Year's Day (正月初一) by Gregorian year.
SPRING_FESTIVAL: dict[int, str] = {
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
    2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
    2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03", 2031: "2031-01-23",
    2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19", 2035: "2035-02-08",
}

# Business intensity by calendar month: budgets freeze around the Spring Festival and
# everyone pushes to close deals in the fourth quarter.
MONTHLY_INTENSITY: dict[int, float] = {
    1: 0.90, 2: 0.75, 3: 1.00, 4: 1.00, 5: 0.95, 6: 1.05,
    7: 0.95, 8: 0.95, 9: 1.05, 10: 0.90, 11: 1.10, 12: 1.25,
}

# Average number of working days in a month, the unit for monthly activity rates.
AVERAGE_WORKING_DAYS = 21.0


def _days(offsets: np.ndarray) -> np.ndarray:
    return offsets.astype("timedelta64[D]")


def public_holidays(first_year: int, last_year: int) -> np.ndarray:
    """Public holidays from `first_year` to `last_year` as a datetime64[D] array."""
    holidays: list[np.ndarray] = []
    for year in range(first_year, last_year + 1):
        holidays.append(np.array([f"{year}-01-01"], dtype="datetime64[D]"))
        holidays.append(np.datetime64(f"{year}-05-01") + _days(np.arange(5)))
        holidays.append(np.datetime64(f"{year}-10-01") + _days(np.arange(7)))
        if year in SPRING_FESTIVAL:
            holidays.append(np.datetime64(SPRING_FESTIVAL[year]) + _days(np.arange(-1, 6)))
    return np.unique(np.concatenate(holidays))


@dataclass(frozen=True)
class ActivityDays:
    """The days on which one kind of activity can happen, laid out month by month.

    `days` holds every eligible day of the window in order; month m owns the slice
    `days[month_starts[m]:month_ends[m]]`.
    """

    days: np.ndarray
    month_starts: np.ndarray
    month_ends: np.ndarray

    @classmethod
    def build(cls, months: np.ndarray, eligible: np.ndarray) -> "ActivityDays":
        """Lay out the `eligible` days (sorted datetime64[D]) over `months` (datetime64[M])."""
        month_of_day = eligible.astype("datetime64[M]")
        return cls(
            days=eligible,
            month_starts=np.searchsorted(month_of_day, months, side="left"),
            month_ends=np.searchsorted(month_of_day, months, side="right"),
        )

    def first_active(self, hire_dates: np.ndarray) -> np.ndarray:
        """Index of each person's first eligible day in each month (people × months)."""
        first_after_hire = np.searchsorted(self.days, hire_dates, side="left")
        return np.maximum(self.month_starts[np.newaxis, :], first_after_hire[:, np.newaxis])

    def active_day_counts(self, hire_dates: np.ndarray) -> np.ndarray:
        """Eligible days on or after each person's hire date, per month (people × months)."""
        return np.maximum(self.month_ends[np.newaxis, :] - self.first_active(hire_dates), 0)

    def draw(
        self,
        rng: np.random.Generator,
        first_active: np.ndarray,
        person: np.ndarray,
        month: np.ndarray,
    ) -> np.ndarray:
        """One uniformly drawn eligible day per event, on or after the person's hire date."""
        start = first_active[person, month]
        span = self.month_ends[month] - start
        return self.days[start + (rng.random(len(person)) * span).astype(np.int64)]


@dataclass(frozen=True)
class DemoCalendar:
    """Working days and calendar days of the demo window, with holidays for rolling dates."""

    months: np.ndarray
    working: ActivityDays
    every_day: ActivityDays
    business_calendar: np.busdaycalendar

    @classmethod
    def for_window(cls, first_month: np.datetime64, month_count: int) -> "DemoCalendar":
        months = first_month + np.arange(month_count).astype("timedelta64[M]")
        first_day = months[0].astype("datetime64[D]")
        end_day = (months[-1] + np.timedelta64(1, "M")).astype("datetime64[D]")
        all_days = np.arange(first_day, end_day, dtype="datetime64[D]")
        years = months.astype("datetime64[Y]").astype(int) + 1970
        business_calendar = np.busdaycalendar(
            weekmask="1111100", holidays=public_holidays(int(years[0]), int(years[-1]) + 1)
        )
        working_days = all_days[np.is_busday(all_days, busdaycal=business_calendar)]
        return cls(
            months=months,
            working=ActivityDays.build(months, working_days),
            every_day=ActivityDays.build(months, all_days),
            business_calendar=business_calendar,
        )

    @property
    def last_day(self) -> np.datetime64:
        return self.every_day.days[-1]

    def intensity(self) -> np.ndarray:
        """Seasonal business intensity of each month of the window."""
        month_numbers = self.months.astype(int) % 12 + 1
        return np.array([MONTHLY_INTENSITY[number] for number in month_numbers])

    def next_working_day(self, days: np.ndarray) -> np.ndarray:
        """Each day itself when it is a working day, else the next working day."""
        return np.busday_offset(days, 0, roll="forward", busdaycal=self.business_calendar)
