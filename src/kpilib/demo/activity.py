"""Activity facts of the demo staff: what each engineer did, month by month.

Every engineer has a latent skill; each month adds some form noise. Monthly event counts
are Poisson draws whose rates follow form, seasonal business intensity (Spring Festival
dip, fourth-quarter push) and the share of the month the person was employed; each event
then gets a day: a working day for work done, any calendar day for what customers do
(survey answers, complaints). Daily reports are one Bernoulli draw per working day.
One region has a complaint spike for two months; a few engineer-months have no survey
responses at all. Everything is vectorised over engineers × months, so six million
facts take seconds.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from kpilib.demo.calendar import AVERAGE_WORKING_DAYS, ActivityDays, DemoCalendar
from kpilib.demo.organisation import Workforce

# Metric codes in a fixed order (their index is their random stream, so appending a
# metric never changes the others) and the system each one is exported from.
METRIC_SOURCES: dict[str, str] = {
    "unresolved_customer": "ticket",
    "satisfaction_score": "survey",
    "revisit_due": "pm",
    "revisit_done": "pm",
    "complaint": "ticket",
    "training_exam": "lms",
    "case_shared": "app",
    "daily_report": "app",
    "opportunity_won": "crm",
    "opportunity_lost": "crm",
    "poc_success": "pm",
    "poc_failed": "pm",
    "demo_held": "crm",
    "rfp_answered": "crm",
    "ticket_resolved": "ticket",
    "customer_visit": "crm",
}
METRICS: list[str] = list(METRIC_SOURCES)
SOURCES: list[str] = sorted(set(METRIC_SOURCES.values()))
METRIC_CODE: dict[str, int] = {metric: code for code, metric in enumerate(METRICS)}

FORM_NOISE = 0.35
CUSTOMERS_PER_MEMBER = 10
PORTFOLIO_SIZE = 12
PROJECTS_PER_CUSTOMER = 3
SURVEY_OUTAGE_SHARE = 0.04
COMPLAINT_SPIKE_FACTOR = 5.0
COMPLAINT_SPIKE_MONTHS = 2
HOURS_METRIC = "rfp_answered"


@dataclass(frozen=True)
class ComplaintSpike:
    """The region and months (`YYYY-MM`) whose complaint rate is several times normal."""

    region: str
    months: list[str]


@dataclass(frozen=True)
class FactColumns:
    """A batch of facts as aligned arrays; `value` NaN means empty, ids −1 mean none."""

    person: np.ndarray
    metric: np.ndarray
    day: np.ndarray
    value: np.ndarray
    customer: np.ndarray
    project: np.ndarray


@dataclass(frozen=True)
class Events:
    """Dated events of one kind before they get values: who, in which month, on which day."""

    person: np.ndarray
    month: np.ndarray
    day: np.ndarray


class ActivitySimulator:
    """Draws every metric's facts for one workforce over one calendar window."""

    def __init__(
        self,
        seed: int,
        workforce: Workforce,
        calendar: DemoCalendar,
        regions: list[str],
    ) -> None:
        self.seed = seed
        self.workforce = workforce
        self.calendar = calendar
        shared = self._stream("shared")
        people, months = len(workforce.employee_ids), len(calendar.months)
        self.form = workforce.skill[:, np.newaxis] + shared.normal(0, FORM_NOISE, (people, months))
        self.first_working = calendar.working.first_active(workforce.hire_dates)
        self.first_day = calendar.every_day.first_active(workforce.hire_dates)
        working_days = calendar.working.active_day_counts(workforce.hire_dates)
        self.presence = working_days / AVERAGE_WORKING_DAYS
        self.workload = self.presence * calendar.intensity()[np.newaxis, :]
        self.complaint_spike = self._choose_complaint_spike(shared, regions)
        self.spike_factor = self._spike_factor(regions)
        pool_sizes = CUSTOMERS_PER_MEMBER * workforce.team_sizes
        self.pool_size = pool_sizes[workforce.team_index]
        self.pool_offset = (np.cumsum(pool_sizes) - pool_sizes)[workforce.team_index]
        self.customer_count = int(pool_sizes.sum())

    def all_facts(self) -> FactColumns:
        batches = [
            self.unresolved_customers(),
            self.satisfaction_scores(),
            *self.revisits(),
            self.complaints(),
            self.training_exams(),
            self.cases_shared(),
            self.daily_reports(),
            self.counted(
                "opportunity_won", 1.2 * self.workload * np.exp(0.3 * self.form), self.working
            ),
            self.counted(
                "opportunity_lost", 1.6 * self.workload * np.exp(-0.2 * self.form), self.working
            ),
            *self.proofs_of_concept(),
            self.counted("demo_held", 7.0 * self.workload, self.working, with_project=False),
            self.rfps_answered(),
            self.counted("ticket_resolved", 40.0 * self.workload, self.working),
            self.counted("customer_visit", 12.0 * self.workload, self.working, with_project=False),
        ]
        return FactColumns(
            *(np.concatenate([getattr(batch, field) for batch in batches]) for field in
              ("person", "metric", "day", "value", "customer", "project"))
        )

    @property
    def working(self) -> tuple[ActivityDays, np.ndarray]:
        return self.calendar.working, self.first_working

    @property
    def every_day(self) -> tuple[ActivityDays, np.ndarray]:
        return self.calendar.every_day, self.first_day

    # --- the seed plan's metrics -------------------------------------------------------

    def unresolved_customers(self) -> FactColumns:
        """Customers left with an open technical issue; weaker engineers leave more."""
        rate = 0.2 * self.workload * np.exp(-0.9 * self.form)
        return self.counted("unresolved_customer", rate, self.working)

    def satisfaction_scores(self) -> FactColumns:
        """Survey answers (0–100); some engineers get few, some months none at all."""
        rng = self._stream("satisfaction_score")
        people, months = self.form.shape
        coverage = rng.gamma(4.0, 0.25, people)[:, np.newaxis]
        outage = rng.random((people, months)) < SURVEY_OUTAGE_SHARE
        rate = np.where(outage, 0.0, 9.0 * self.workload * coverage)
        events = self._events(rng, rate, *self.every_day)
        mean = 90.0 + 5.0 * self.form[events.person, events.month]
        scores = np.clip(np.rint(rng.normal(mean, 6.0)), 30, 100)
        return self._columns(rng, "satisfaction_score", events, value=scores)

    def revisits(self) -> tuple[FactColumns, FactColumns]:
        """Follow-up visits falling due, and those done a few days later (if at all)."""
        rng = self._stream("revisit_due")
        due = self.counted("revisit_due", 5.5 * self.workload, self.working, rng=rng)
        month = (due.day.astype("datetime64[M]") - self.calendar.months[0]).astype(np.int64)
        done_chance = _logistic(1.6 + 1.3 * self.form[due.person, month])
        done_day = self.calendar.next_working_day(due.day + rng.integers(0, 12, len(due.day)).astype("timedelta64[D]"))
        done = (rng.random(len(due.day)) < done_chance) & (done_day <= self.calendar.last_day)
        return due, FactColumns(
            person=due.person[done],
            metric=np.full(int(done.sum()), METRIC_CODE["revisit_done"], dtype=np.int8),
            day=done_day[done],
            value=np.full(int(done.sum()), np.nan),
            customer=due.customer[done],
            project=due.project[done],
        )

    def complaints(self) -> FactColumns:
        rate = 0.045 * self.workload * np.exp(-0.8 * self.form) * self.spike_factor
        return self.counted("complaint", rate, self.every_day)

    def training_exams(self) -> FactColumns:
        """About one exam a quarter, scored 0–100 with the engineer's form."""
        rng = self._stream("training_exam")
        rate = 0.3 * np.minimum(self.presence, 1.0)
        taken = rng.random(self.form.shape) < rate
        events = self._events(rng, taken.astype(np.float64), *self.working, exact=True)
        mean = 76.0 + 8.0 * self.form[events.person, events.month]
        scores = np.clip(np.rint(rng.normal(mean, 9.0)), 20, 100)
        return self._columns(rng, "training_exam", events, value=scores, with_customer=False)

    def cases_shared(self) -> FactColumns:
        rate = 0.15 * self.presence * np.exp(0.6 * self.form)
        return self.counted("case_shared", rate, self.working)

    def daily_reports(self) -> FactColumns:
        """One report per working day when submitted: −1 perfunctory, 0 normal, +1 constructive."""
        rng = self._stream("daily_report")
        working = self.calendar.working
        month_of_day = np.repeat(
            np.arange(len(self.calendar.months)), working.month_ends - working.month_starts
        )
        form = self.form[:, month_of_day]
        employed = working.days[np.newaxis, :] >= self.workforce.hire_dates[:, np.newaxis]
        submitted = employed & (rng.random(form.shape) < _logistic(2.6 + 0.8 * form))
        person, day_index = np.nonzero(submitted)
        form = form[person, day_index]
        perfunctory = np.minimum(0.03 * np.exp(-0.6 * form), 0.6)
        constructive = np.minimum(0.03 * np.exp(0.6 * form), 0.6)
        draw = rng.random(len(person))
        value = np.where(draw < perfunctory, -1.0, np.where(draw < perfunctory + constructive, 1.0, 0.0))
        events = Events(person=person, month=month_of_day[day_index], day=working.days[day_index])
        return self._columns(rng, "daily_report", events, value=value, with_customer=False)

    # --- extra metrics for later indicators --------------------------------------------

    def proofs_of_concept(self) -> tuple[FactColumns, FactColumns]:
        rng = self._stream("poc_success")
        events = self._events(rng, 1.0 * self.workload, *self.working)
        success = rng.random(len(events.person)) < _logistic(
            0.6 + 0.8 * self.form[events.person, events.month]
        )
        return (
            self._columns(rng, "poc_success", _subset(events, success)),
            self._columns(rng, "poc_failed", _subset(events, ~success)),
        )

    def rfps_answered(self) -> FactColumns:
        """RFP answers; the value is the response time in hours (better engineers are faster)."""
        rng = self._stream(HOURS_METRIC)
        events = self._events(rng, 2.5 * self.workload, *self.working)
        log_mean = np.log(30.0) - 0.25 * self.form[events.person, events.month]
        hours = np.maximum(np.round(rng.lognormal(log_mean, 0.5), 1), 1.0)
        return self._columns(rng, HOURS_METRIC, events, value=hours)

    # --- building blocks ---------------------------------------------------------------

    def counted(
        self,
        metric: str,
        rate: np.ndarray,
        days: tuple[ActivityDays, np.ndarray],
        *,
        with_project: bool = True,
        rng: np.random.Generator | None = None,
    ) -> FactColumns:
        """Facts of a metric whose value is empty (one event each), at monthly `rate`."""
        rng = rng or self._stream(metric)
        events = self._events(rng, rate, *days)
        return self._columns(rng, metric, events, with_project=with_project)

    def _events(
        self,
        rng: np.random.Generator,
        rate: np.ndarray,
        days: ActivityDays,
        first_active: np.ndarray,
        *,
        exact: bool = False,
    ) -> Events:
        """Poisson counts per engineer-month at `rate` (or exactly `rate` events), dated."""
        # No event can fall in a month (or part of it) before the hire date.
        available = days.month_ends[np.newaxis, :] > first_active
        counts = rate.astype(np.int64) if exact else rng.poisson(np.where(available, rate, 0.0))
        counts = np.where(available, counts, 0)
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        person, month = np.divmod(cell, counts.shape[1])
        return Events(person=person, month=month, day=days.draw(rng, first_active, person, month))

    def _columns(
        self,
        rng: np.random.Generator,
        metric: str,
        events: Events,
        *,
        value: np.ndarray | None = None,
        with_customer: bool = True,
        with_project: bool = True,
    ) -> FactColumns:
        count = len(events.person)
        customer = np.full(count, -1, dtype=np.int32)
        project = np.full(count, -1, dtype=np.int32)
        if with_customer:
            customer = self._customers(rng, events.person).astype(np.int32)
            if with_project:
                project = customer * PROJECTS_PER_CUSTOMER + rng.integers(
                    0, PROJECTS_PER_CUSTOMER, count, dtype=np.int32
                )
        # Compact dtypes: six million facts are held in memory at once.
        return FactColumns(
            person=events.person.astype(np.int32),
            metric=np.full(count, METRIC_CODE[metric], dtype=np.int8),
            day=events.day,
            value=np.full(count, np.nan) if value is None else value.astype(np.float64),
            customer=customer,
            project=project,
        )

    def _customers(self, rng: np.random.Generator, person: np.ndarray) -> np.ndarray:
        """A customer from each engineer's portfolio; key accounts come up more often."""
        # Portfolios are slices of the team's customer pool that overlap their neighbours'.
        slot = (PORTFOLIO_SIZE * rng.random(len(person)) ** 1.5).astype(np.int64)
        start = self.workforce.member_rank[person] * CUSTOMERS_PER_MEMBER
        return self.pool_offset[person] + (start + slot) % self.pool_size[person]

    def _choose_complaint_spike(
        self, rng: np.random.Generator, regions: list[str]
    ) -> ComplaintSpike:
        month_count = len(self.calendar.months)
        first = int(rng.integers(1, month_count - 1)) if month_count >= 3 else 0
        region = regions[int(rng.integers(0, len(regions)))]
        months = self.calendar.months[first : first + COMPLAINT_SPIKE_MONTHS]
        return ComplaintSpike(region=region, months=[str(month) for month in months])

    def _spike_factor(self, regions: list[str]) -> np.ndarray:
        in_region = np.array(regions)[self.workforce.region_index] == self.complaint_spike.region
        in_months = np.isin(self.calendar.months.astype(str), self.complaint_spike.months)
        return np.where(in_region[:, np.newaxis] & in_months[np.newaxis, :], COMPLAINT_SPIKE_FACTOR, 1.0)

    def _stream(self, purpose: str) -> np.random.Generator:
        """An independent random stream per purpose, so metrics do not disturb each other."""
        index = len(METRICS) if purpose == "shared" else METRIC_CODE[purpose]
        return np.random.default_rng([self.seed, 2, index])


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _subset(events: Events, keep: np.ndarray) -> Events:
    return Events(person=events.person[keep], month=events.month[keep], day=events.day[keep])


def facts_frame(
    facts: FactColumns, workforce: Workforce, customer_count: int
) -> pl.LazyFrame:
    """The facts in the columns of product.md §5, ordered by date, employee and metric.

    `external_id` numbers each source's facts in file order (`crm-0000001`, ...), the way
    each system exports its own ids. The result is lazy: the text columns are only built
    while streaming to a file, so they never all sit in memory together.
    """
    order = _chronological_order(facts)
    metric_code = facts.metric[order]
    source_code = np.array([SOURCES.index(METRIC_SOURCES[m]) for m in METRICS])[metric_code]
    employee = pl.Series(workforce.employee_ids, dtype=pl.Enum(workforce.employee_ids))
    frame = pl.DataFrame(
        {
            "employee_id": employee.gather(facts.person[order]),
            "metric": pl.Series(METRICS, dtype=pl.Enum(METRICS)).gather(metric_code),
            "occurred_on": facts.day[order],
            "value": facts.value[order],
            "customer": facts.customer[order],
            "project": facts.project[order],
            "source": pl.Series(SOURCES, dtype=pl.Enum(SOURCES)).gather(source_code),
            "sequence": _sequence_within(source_code, len(SOURCES)),
        }
    )
    id_width = max(5, len(str(customer_count * PROJECTS_PER_CUSTOMER)))
    sequence_width = max(7, len(str(frame.height)))
    value = pl.col("value")
    return frame.lazy().select(
        "employee_id",
        "metric",
        "occurred_on",
        value=pl.when(value.is_nan())
        .then(None)
        .when(pl.col("metric") == HOURS_METRIC)
        .then(value.round(1).cast(pl.String))
        .otherwise(value.cast(pl.Int64).cast(pl.String)),
        customer_id=_prefixed_id("C", pl.col("customer"), id_width),
        project_id=_prefixed_id("P", pl.col("project"), id_width),
        source="source",
        external_id=pl.format(
            "{}-{}", pl.col("source"), pl.col("sequence").cast(pl.String).str.zfill(sequence_width)
        ),
    )


def _chronological_order(facts: FactColumns) -> np.ndarray:
    """Row order by day, then employee, then metric; ties keep generation order."""
    day = (facts.day - facts.day.min()).astype(np.int64)
    people = int(facts.person.max()) + 1
    key = (day * people + facts.person) * len(METRICS) + facts.metric
    return np.argsort(key, kind="stable")


def _sequence_within(group: np.ndarray, group_count: int) -> np.ndarray:
    """1, 2, 3, ... within each group, in row order."""
    sequence = np.empty(len(group), dtype=np.int32)
    for code in range(group_count):
        rows = np.flatnonzero(group == code)
        sequence[rows] = np.arange(1, len(rows) + 1, dtype=np.int32)
    return sequence


def _prefixed_id(prefix: str, number: pl.Expr, width: int) -> pl.Expr:
    return (
        pl.when(number >= 0)
        .then(pl.format(prefix + "{}", (number + 1).cast(pl.String).str.zfill(width)))
        .otherwise(None)
    )
