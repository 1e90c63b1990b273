"""Activity facts of the demo staff: what each engineer did, month by month.

Every engineer has a latent skill; each month adds some form noise. Monthly event counts
are Poisson draws whose rates follow form, seasonal business intensity (Spring Festival
dip, fourth-quarter push) and the share of the month the person was employed; each event
then gets a day: a working day for work done, any calendar day for what customers do
(survey answers, complaints). Daily reports are one Bernoulli draw per working day.
One region has a complaint spike for two months; a few engineer-months have no survey
responses at all. Everything is vectorised over engineers × months, so six million
facts take seconds.

Every metric the demo's plans read has facts for the people those plans score
(tests/demo/test_plan_coverage.py). Whether a plan's line can be scored never rests on a
random draw: a measure that is not scored without some fact (closed opportunities, POCs,
survey answers, reviews, RFPs, ...) draws at least one such fact per person and quarter,
and quarterly inputs (360 feedback, review board ratings, win predictions) come exactly
once a quarter. Only the survey outage is left to chance, on purpose: it shows the
"no survey responses" flag.
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
    # the solution-architect and presales-manager plans (issue 10)
    "deal_amount": "crm",
    "deal_list_amount": "crm",
    "deal_credit": "crm",
    "repurchase": "crm",
    "upsell": "crm",
    "demo_converted": "crm",
    "support_rating": "survey",
    "feedback_360": "app",
    "checkpoint_due": "pm",
    "checkpoint_done": "pm",
    "solution_validation_passed": "pm",
    "solution_validation_failed": "pm",
    "solution_review_rating": "app",
    "certification_earned": "lms",
    "solution_submitted": "crm",
    "new_product_solution": "crm",
    "poc_requirement": "delivery",
    "poc_requirement_carried": "delivery",
    "win_probability": "win_model",
    "pipeline_amount": "win_model",
    "customer_assigned": "crm",
    "new_industry_win": "crm",
    "industry_reference_case": "crm",
    "influenced_revenue": "crm",
    "coaching_rating": "app",
}
METRICS: list[str] = list(METRIC_SOURCES)
SOURCES: list[str] = sorted(set(METRIC_SOURCES.values()))
METRIC_CODE: dict[str, int] = {metric: code for code, metric in enumerate(METRICS)}
# Values written with decimals (amounts in 万元, hours, probabilities); the rest are whole.
DECIMALS: dict[str, int] = {
    "rfp_answered": 1,
    "deal_amount": 1,
    "deal_list_amount": 1,
    "repurchase": 1,
    "upsell": 1,
    "influenced_revenue": 1,
    "pipeline_amount": 1,
    "win_probability": 2,
}
# Attribute columns after the contract's (product.md §5 keeps extra columns): the role of
# a deal-team member on `deal_credit` (kpilib.engine.attribution), and the customer's
# industry on `new_industry_win`. Codes index these lists; −1 leaves the cell empty.
ROLES: list[str] = ["presales", "solution_architect"]
INDUSTRIES: list[str] = ["金融", "制造", "医疗", "能源", "教育", "零售", "交通", "政务"]
ATTRIBUTE_COLUMNS = ["role", "industry"]
# Random streams: staff and managers draw from separate families, so adding managers'
# facts never changes the staff's.
STAFF_STREAMS = 2
LEADER_STREAMS = 3

FORM_NOISE = 0.35
CUSTOMERS_PER_MEMBER = 10
PORTFOLIO_SIZE = 12
PROJECTS_PER_CUSTOMER = 3
SURVEY_OUTAGE_SHARE = 0.04
COMPLAINT_SPIKE_FACTOR = 5.0
COMPLAINT_SPIKE_MONTHS = 2
HOURS_METRIC = "rfp_answered"
WIN_CHANCE_AFTER = {"repurchase": 0.35, "upsell": 0.25}
OVERLAY_SPLIT = 10.0
# The shared stream's index: the one after the first sixteen metrics, kept when more came.
SHARED_STREAM = 16


@dataclass(frozen=True)
class ComplaintSpike:
    """The region and months (`YYYY-MM`) whose complaint rate is several times normal."""

    region: str
    months: list[str]


@dataclass(frozen=True)
class FactColumns:
    """A batch of facts as aligned arrays; `value` NaN means empty, ids and codes −1 none."""

    person: np.ndarray
    metric: np.ndarray
    day: np.ndarray
    value: np.ndarray
    customer: np.ndarray
    project: np.ndarray
    role: np.ndarray | None = None
    industry: np.ndarray | None = None

    def attribute(self, name: str) -> np.ndarray:
        codes = getattr(self, name)
        return np.full(len(self.person), -1, dtype=np.int8) if codes is None else codes

    def subset(self, keep: np.ndarray, metric: str, **changes: np.ndarray) -> "FactColumns":
        """The facts where `keep`, as another metric, with some columns replaced."""
        columns = {
            "person": self.person[keep],
            "day": self.day[keep],
            "value": np.full(int(np.count_nonzero(keep)), np.nan),
            "customer": self.customer[keep],
            "project": self.project[keep],
        }
        columns.update(changes)
        return FactColumns(
            metric=np.full(len(columns["person"]), METRIC_CODE[metric], dtype=np.int8), **columns
        )


def concatenated(batches: list[FactColumns]) -> FactColumns:
    """One batch of all the given facts, in the order given."""
    fields = ("person", "metric", "day", "value", "customer", "project")
    return FactColumns(
        *(np.concatenate([getattr(batch, field) for batch in batches]) for field in fields),
        **{
            name: np.concatenate([batch.attribute(name) for batch in batches])
            for name in ATTRIBUTE_COLUMNS
        },
    )


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
        *,
        streams: int = STAFF_STREAMS,
        complaint_spike: ComplaintSpike | None = None,
    ) -> None:
        self.seed = seed
        self.streams = streams
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
        self.complaint_spike = complaint_spike or self._choose_complaint_spike(shared, regions)
        # Months of the window by calendar quarter (months since 1970-01 // 3).
        self.quarter_of_month = self.calendar.months.astype(np.int64) // 3
        # The populations the plans score apart: engineers and architects (managers alone).
        self.groups = [~workforce.is_architect, workforce.is_architect]
        self.spike_factor = self._spike_factor(regions)
        pool_sizes = CUSTOMERS_PER_MEMBER * workforce.team_sizes
        self.pool_size = pool_sizes[workforce.team_index]
        self.pool_offset = (np.cumsum(pool_sizes) - pool_sizes)[workforce.team_index]
        self.customer_count = int(pool_sizes.sum())

    def all_facts(self) -> FactColumns:
        won = self.opportunities_won()
        demos = self.counted("demo_held", 7.0 * self.workload, self.working, with_project=False)
        batches = [
            self.unresolved_customers(),
            self.satisfaction_scores(),
            *self.revisits(),
            self.complaints(),
            self.training_exams(),
            self.cases_shared(),
            self.daily_reports(),
            won,
            self.counted(
                "opportunity_lost", 1.6 * self.workload * np.exp(-0.2 * self.form), self.working
            ),
            *self.proofs_of_concept(),
            demos,
            self.rfps_answered(),
            self.counted("ticket_resolved", 40.0 * self.workload, self.working),
            self.counted("customer_visit", 12.0 * self.workload, self.working, with_project=False),
            # the solution-architect plan's metrics
            *self.deals(won),
            self.demos_converted(demos),
            self.support_ratings(),
            self.feedback_360(),
            *self.checkpoints(),
            *self.solution_validations(),
            self.review_ratings("solution_review_rating", self.workforce.is_architect),
            self.certifications(),
            *self.solutions_submitted(),
            *self.poc_requirements(),
            *self.win_predictions(),
        ]
        return concatenated(batches)

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
        done_chance = _logistic(1.6 + 1.3 * self.form[due.person, self._month_of(due.day)])
        done_day = self.calendar.next_working_day(due.day + rng.integers(0, 12, len(due.day)).astype("timedelta64[D]"))
        done = self._in_every_group(
            rng.random(len(due.day)) < done_chance, due.person, eligible=done_day <= self.calendar.last_day
        )
        return due, due.subset(done, "revisit_done", day=done_day[done])

    def complaints(self) -> FactColumns:
        rate = 0.045 * self.workload * np.exp(-0.8 * self.form) * self.spike_factor
        return self.counted("complaint", rate, self.every_day)

    def training_exams(self) -> FactColumns:
        """About one exam a quarter, scored 0–100 with the engineer's form."""
        rng = self._stream("training_exam")
        rate = 0.3 * np.minimum(self.presence, 1.0)
        taken = rng.random(self.form.shape) < rate
        events = self._events(
            rng, taken.astype(np.float64), *self.working, exact=True, group_minimum=1
        )
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

    def opportunities_won(self) -> FactColumns:
        """Won opportunities; everyone closes at least one a quarter (the win rate is scored)."""
        rate = 1.2 * self.workload * np.exp(0.3 * self.form)
        return self.counted("opportunity_won", rate, self.working, at_least_one_a_quarter=True)

    # --- extra metrics for later indicators --------------------------------------------

    def proofs_of_concept(self) -> tuple[FactColumns, FactColumns]:
        return self._passed_or_failed(("poc_success", "poc_failed"), 1.0, 0.6)

    def _passed_or_failed(
        self, metrics: tuple[str, str], rate: float, base: float
    ) -> tuple[FactColumns, FactColumns]:
        """Events at monthly `rate` (at least one a quarter), each passed (first metric)
        with a chance rising with form from logistic(`base`), else failed (second)."""
        rng = self._stream(metrics[0])
        events = self._events(
            rng, rate * self.workload, *self.working, at_least_one_a_quarter=True, group_minimum=2
        )
        form = self.form[events.person, events.month]
        passed = self._in_every_group(
            rng.random(len(events.person)) < _logistic(base + 0.8 * form), events.person, both=True
        )
        return (
            self._columns(rng, metrics[0], _subset(events, passed)),
            self._columns(rng, metrics[1], _subset(events, ~passed)),
        )

    def rfps_answered(self, rate: float = 2.5, *, at_least_one_a_quarter: bool = False) -> FactColumns:
        """RFP answers; the value is the response time in hours (better engineers are faster)."""
        rng = self._stream(HOURS_METRIC)
        events = self._events(
            rng, rate * self.workload, *self.working, at_least_one_a_quarter=at_least_one_a_quarter
        )
        log_mean = np.log(30.0) - 0.25 * self.form[events.person, events.month]
        hours = np.maximum(np.round(rng.lognormal(log_mean, 0.5), 1), 1.0)
        return self._columns(rng, HOURS_METRIC, events, value=hours)

    # --- the solution-architect and presales-manager plans -----------------------------

    def deals(self, won: FactColumns) -> list[FactColumns]:
        """Each won opportunity's contract: signed and guide-price amounts (万元), the
        engineer's credit on the deal team, and the customer's later repurchase or upsell."""
        rng = self._stream("deal_amount")
        form = self.form[won.person, self._month_of(won.day)]
        amount = np.maximum(np.round(rng.lognormal(np.log(45.0) + 0.15 * form, 0.6), 1), 5.0)
        premium = rng.normal(0.04 + 0.04 * form, 0.05)
        every = np.ones(len(won.person), dtype=bool)
        role = np.where(
            self.workforce.is_architect[won.person], ROLES.index("solution_architect"), 0
        ).astype(np.int8)
        return [
            won.subset(every, "deal_amount", value=amount),
            won.subset(every, "deal_list_amount", value=np.round(amount / (1.0 + premium), 1)),
            won.subset(every, "deal_credit", value=np.full(len(amount), 100.0), role=role),
            *(self._later_orders(metric, won, amount) for metric in WIN_CHANCE_AFTER),
        ]

    def _later_orders(self, metric: str, won: FactColumns, amount: np.ndarray) -> FactColumns:
        """Some won customers buy again (or more) within a year; booked to the same person."""
        rng = self._stream(metric)
        count = len(won.person)
        day = won.day + rng.integers(20, 330, count).astype("timedelta64[D]")
        share = rng.uniform(0.1, 0.6, count)
        last_day = self.calendar.last_day
        keep = self._in_every_group(
            rng.random(count) < WIN_CHANCE_AFTER[metric], won.person, eligible=day <= last_day
        )
        early = np.flatnonzero(won.day < last_day)
        if not keep.any() and len(early):
            # A window too short for a later order still shows one, on its last day.
            keep[early[0]], day[early[0]] = True, last_day
        return won.subset(keep, metric, day=day[keep], value=np.round(amount * share, 1)[keep])

    def demos_converted(self, demos: FactColumns) -> FactColumns:
        """Demos that became an opportunity within 30 days (dated when they did)."""
        rng = self._stream("demo_converted")
        form = self.form[demos.person, self._month_of(demos.day)]
        day = self.calendar.next_working_day(
            demos.day + rng.integers(3, 30, len(demos.day)).astype("timedelta64[D]")
        )
        keep = self._in_every_group(
            rng.random(len(day)) < _logistic(-1.4 + 0.4 * form),
            demos.person,
            eligible=day <= self.calendar.last_day,
        )
        return demos.subset(keep, "demo_converted", day=day[keep])

    def support_ratings(self) -> FactColumns:
        """Project follow-up survey answers on presales support, 1–5."""
        rng = self._stream("support_rating")
        events = self._events(
            rng, 1.5 * self.workload, *self.every_day, at_least_one_a_quarter=True
        )
        mean = 4.1 + 0.5 * self.form[events.person, events.month]
        ratings = np.clip(np.rint(rng.normal(mean, 0.8)), 1, 5)
        return self._columns(rng, "support_rating", events, value=ratings)

    def feedback_360(self) -> FactColumns:
        """A quarterly 360 round: four colleagues rate collaboration, 1–5."""
        rng = self._stream("feedback_360")
        events = self._events(rng, 4.0 * self._quarter_ends(), *self.working, exact=True)
        mean = 3.9 + 0.4 * self.form[events.person, events.month]
        scores = np.clip(np.rint(rng.normal(mean, 0.7)), 1, 5)
        return self._columns(rng, "feedback_360", events, value=scores, with_customer=False)

    def review_ratings(self, metric: str, rated: np.ndarray) -> FactColumns:
        """One rubric rating (1–4) a quarter for each of the `rated` people."""
        rng = self._stream(metric)
        counts = self._quarter_ends() * rated[:, np.newaxis]
        events = self._events(rng, counts.astype(np.float64), *self.working, exact=True)
        mean = 2.9 + 0.7 * self.form[events.person, events.month]
        levels = np.clip(np.rint(rng.normal(mean, 0.7)), 1, 4)
        return self._columns(rng, metric, events, value=levels, with_customer=False)

    def checkpoints(self) -> tuple[FactColumns, FactColumns]:
        """Error-proofing checkpoints due in solution designs, and those done."""
        rng = self._stream("checkpoint_due")
        due = self.counted("checkpoint_due", 2.0 * self.workload, self.working, rng=rng)
        form = self.form[due.person, self._month_of(due.day)]
        done = self._in_every_group(rng.random(len(due.day)) < _logistic(2.0 + 1.0 * form), due.person)
        return due, due.subset(done, "checkpoint_done")

    def solution_validations(self) -> tuple[FactColumns, FactColumns]:
        """Joint reviews of a solution by delivery and R&D, passed or failed."""
        metrics = ("solution_validation_passed", "solution_validation_failed")
        return self._passed_or_failed(metrics, 1.0, 1.4)

    def certifications(self) -> FactColumns:
        rng = self._stream("certification_earned")
        rate = 0.15 * np.minimum(self.presence, 1.0) * np.exp(0.3 * self.form)
        events = self._events(rng, rate, *self.working)
        return self._columns(rng, "certification_earned", events, with_customer=False)

    def solutions_submitted(self) -> tuple[FactColumns, FactColumns]:
        """Solutions sent to customers, and those including a product under a year old."""
        rng = self._stream("solution_submitted")
        events = self._events(rng, 1.5 * self.workload, *self.working, at_least_one_a_quarter=True)
        submitted = self._columns(rng, "solution_submitted", events)
        form = self.form[events.person, events.month]
        with_new = self._in_every_group(
            rng.random(len(events.person)) < _logistic(-1.0 + 0.5 * form), events.person
        )
        return submitted, submitted.subset(with_new, "new_product_solution")

    def poc_requirements(self) -> tuple[FactColumns, FactColumns]:
        """Requirements confirmed in POCs of projects starting delivery, and those carried."""
        rng = self._stream("poc_requirement")
        events = self._events(rng, 1.5 * self.workload, *self.working, at_least_one_a_quarter=True)
        requirements = self._columns(rng, "poc_requirement", events)
        form = self.form[events.person, events.month]
        carried = self._in_every_group(
            rng.random(len(events.person)) < _logistic(1.8 + 0.9 * form), events.person
        )
        return requirements, requirements.subset(carried, "poc_requirement_carried")

    def win_predictions(self) -> tuple[FactColumns, FactColumns]:
        """The win model's quarterly snapshot: each open opportunity's win probability and
        amount (万元), at least one opportunity each."""
        rng = self._stream("win_probability")
        open_count = self._quarter_ends() * (1 + rng.poisson(1.5, self.form.shape))
        events = self._events(rng, open_count.astype(np.float64), *self.working, exact=True)
        form = self.form[events.person, events.month]
        chance = np.round(_logistic(rng.normal(-0.4 + 0.5 * form, 1.0)), 2)
        chance = np.clip(chance, 0.01, 0.99)
        probabilities = self._columns(rng, "win_probability", events, value=chance)
        amount = np.maximum(np.round(rng.lognormal(np.log(50.0), 0.6, len(chance)), 1), 5.0)
        every = np.ones(len(chance), dtype=bool)
        return probabilities, probabilities.subset(every, "pipeline_amount", value=amount)

    # --- building blocks ---------------------------------------------------------------

    def _month_of(self, days: np.ndarray) -> np.ndarray:
        return (days.astype("datetime64[M]") - self.calendar.months[0]).astype(np.int64)

    def _quarter_ends(self) -> np.ndarray:
        """1 in each person's last month of each quarter of the window, else 0."""
        last_of_quarter = np.append(self.quarter_of_month[1:] != self.quarter_of_month[:-1], True)
        return np.broadcast_to(last_of_quarter.astype(np.int64), self.form.shape)

    def _at_least_in_every_group(
        self, minimum: int, counts: np.ndarray, available: np.ndarray
    ) -> np.ndarray:
        """`counts` with events added where a whole group (engineers, architects, managers)
        drew fewer than `minimum` in the window: every metric reaches every plan's people,
        however small the demo."""
        counts = counts.copy()
        for group in self.groups:
            members = np.flatnonzero(group)
            short = minimum - int(counts[members].sum())
            if short > 0 and available[members].any():
                person, month = np.argwhere(available[members])[0]
                counts[members[person], month] += short
        return counts

    def _in_every_group(
        self,
        keep: np.ndarray,
        person: np.ndarray,
        *,
        eligible: np.ndarray | None = None,
        both: bool = False,
    ) -> np.ndarray:
        """`keep` (a random choice among events of `person`) limited to `eligible` events,
        changed where a group's eligible events were all left out (then its first is
        kept) or, with `both`, all kept (then its last is left out)."""
        eligible = np.ones(len(keep), dtype=bool) if eligible is None else eligible
        keep = keep & eligible
        for group in self.groups:
            candidates = np.flatnonzero(group[person] & eligible)
            if len(candidates) and not keep[candidates].any():
                keep[candidates[0]] = True
            if both and len(candidates) >= 2 and keep[candidates].all():
                keep[candidates[-1]] = False
        return keep

    def _at_least_one_a_quarter(self, counts: np.ndarray, available: np.ndarray) -> np.ndarray:
        """`counts` with one event added to the first available month of every person-quarter
        that has none (a person who is there at all in a quarter has at least one)."""
        counts = counts.copy()
        for quarter in np.unique(self.quarter_of_month):
            months = np.flatnonzero(self.quarter_of_month == quarter)
            here = available[:, months]
            empty = (counts[:, months].sum(axis=1) == 0) & here.any(axis=1)
            first = months[np.argmax(here, axis=1)]
            counts[np.flatnonzero(empty), first[empty]] = 1
        return counts


    def counted(
        self,
        metric: str,
        rate: np.ndarray,
        days: tuple[ActivityDays, np.ndarray],
        *,
        with_project: bool = True,
        rng: np.random.Generator | None = None,
        at_least_one_a_quarter: bool = False,
    ) -> FactColumns:
        """Facts of a metric whose value is empty (one event each), at monthly `rate`."""
        rng = rng or self._stream(metric)
        events = self._events(rng, rate, *days, at_least_one_a_quarter=at_least_one_a_quarter)
        return self._columns(rng, metric, events, with_project=with_project)

    def _events(
        self,
        rng: np.random.Generator,
        rate: np.ndarray,
        days: ActivityDays,
        first_active: np.ndarray,
        *,
        exact: bool = False,
        at_least_one_a_quarter: bool = False,
        group_minimum: int | None = None,
    ) -> Events:
        """Poisson counts per engineer-month at `rate` (or exactly `rate` events), dated;
        with `at_least_one_a_quarter`, nobody present in a quarter goes without one, and
        each group (engineers, architects; managers) has `group_minimum` events at least
        (default 1 for Poisson counts, 0 for exact ones)."""
        # No event can fall in a month (or part of it) before the hire date.
        available = days.month_ends[np.newaxis, :] > first_active
        counts = rate.astype(np.int64) if exact else rng.poisson(np.where(available, rate, 0.0))
        counts = np.where(available, counts, 0)
        if at_least_one_a_quarter:
            counts = self._at_least_one_a_quarter(counts, available)
        if group_minimum is None:
            group_minimum = 0 if exact else 1
        counts = self._at_least_in_every_group(group_minimum, counts, available)
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
        if purpose == "shared":
            index = SHARED_STREAM
        else:
            code = METRIC_CODE[purpose]
            index = code if code < SHARED_STREAM else code + 1
        return np.random.default_rng([self.seed, self.streams, index])


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _subset(events: Events, keep: np.ndarray) -> Events:
    return Events(person=events.person[keep], month=events.month[keep], day=events.day[keep])


def facts_frame(
    facts: FactColumns, employee_ids: list[str], customer_count: int
) -> pl.LazyFrame:
    """The facts in the columns of product.md §5 (then the attribute columns), ordered by
    date, employee and metric; `facts.person` indexes `employee_ids`.

    `external_id` numbers each source's facts in file order (`crm-0000001`, ...), the way
    each system exports its own ids. The result is lazy: the text columns are only built
    while streaming to a file, so they never all sit in memory together.
    """
    order = _chronological_order(facts)
    metric_code = facts.metric[order]
    source_code = np.array([SOURCES.index(METRIC_SOURCES[m]) for m in METRICS])[metric_code]
    employee = pl.Series(employee_ids, dtype=pl.Enum(employee_ids))
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
            "role": facts.attribute("role")[order],
            "industry": facts.attribute("industry")[order],
        }
    )
    id_width = max(5, len(str(customer_count * PROJECTS_PER_CUSTOMER)))
    sequence_width = max(7, len(str(frame.height)))
    value = pl.col("value")
    metric = pl.col("metric")
    written = pl.when(value.is_nan()).then(None)
    for places in sorted(set(DECIMALS.values())):
        with_places = [code for code, count in DECIMALS.items() if count == places]
        written = written.when(metric.is_in(with_places)).then(value.round(places).cast(pl.String))
    return frame.lazy().select(
        "employee_id",
        "metric",
        "occurred_on",
        value=written.otherwise(value.cast(pl.Int64).cast(pl.String)),
        customer_id=_prefixed_id("C", pl.col("customer"), id_width),
        project_id=_prefixed_id("P", pl.col("project"), id_width),
        source="source",
        external_id=pl.format(
            "{}-{}", pl.col("source"), pl.col("sequence").cast(pl.String).str.zfill(sequence_width)
        ),
        role=_coded("role", ROLES),
        industry=_coded("industry", INDUSTRIES),
    )


def _coded(column: str, values: list[str]) -> pl.Expr:
    """An attribute's codes as its text; −1 is an empty cell."""
    return pl.col(column).replace_strict(
        dict(enumerate(values)), default=None, return_dtype=pl.String
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
