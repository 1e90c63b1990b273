"""Activity facts of the demo's presales managers, for the presales-manager plan.

A manager closes opportunities of their own, answers RFPs, covers the team's key accounts
(the first customers of the team's pool, assigned to them every quarter) with visits and
demos, now and then wins a first deal in a new industry, and is rated quarterly on
coaching and by 360 feedback. They also sit on every deal their team wins: an overlay
credit (`deal_credit`, role `presales`, split 10%) so later orders of those customers
are credited to them (kpilib.engine.attribution), and influenced revenue for the deals
they worked on themselves. The same building blocks as the staff's (activity.py), drawn
from the managers' own random streams, so adding managers never changed a staff fact.
"""

import dataclasses

import numpy as np

from kpilib.demo.activity import (
    INDUSTRIES,
    LEADER_STREAMS,
    METRIC_CODE,
    METRICS,
    OVERLAY_SPLIT,
    PORTFOLIO_SIZE,
    ROLES,
    ActivitySimulator,
    ComplaintSpike,
    FactColumns,
    concatenated,
)
from kpilib.demo.calendar import DemoCalendar
from kpilib.demo.organisation import Leaders, Workforce

# The stream of the managers' latent skill (after every metric's and the shared one).
SKILL_STREAM = len(METRICS) + 100
INFLUENCE_SHARE = 0.25


def leader_workforce(leaders: Leaders, staff: Workforce, seed: int) -> Workforce:
    """The managers as a workforce: each the first member of their own team, so their
    portfolio is the team's first customers."""
    teams = len(leaders.employee_ids)
    skill = np.random.default_rng([seed, LEADER_STREAMS, SKILL_STREAM]).normal(0.3, 0.8, teams)
    return Workforce(
        employee_ids=leaders.employee_ids,
        region_index=leaders.region_index,
        team_index=np.arange(teams),
        member_rank=np.zeros(teams, dtype=np.int64),
        team_sizes=staff.team_sizes,
        hire_dates=leaders.hire_dates,
        skill=skill,
        is_architect=np.zeros(teams, dtype=bool),
    )


class LeaderSimulator(ActivitySimulator):
    """Draws the managers' facts; person i is the manager of team i."""

    def __init__(
        self,
        seed: int,
        leaders: Workforce,
        calendar: DemoCalendar,
        regions: list[str],
        complaint_spike: ComplaintSpike,
    ) -> None:
        super().__init__(
            seed, leaders, calendar, regions, streams=LEADER_STREAMS, complaint_spike=complaint_spike
        )

    def leader_facts(self, staff_facts: FactColumns, staff_team: np.ndarray) -> FactColumns:
        """Every manager fact; `staff_facts` are the staff's (their deals), `staff_team`
        each staff member's team."""
        return concatenated([
            self.counted(
                "opportunity_won",
                0.8 * self.workload * np.exp(0.3 * self.form),
                self.working,
                at_least_one_a_quarter=True,
            ),
            self.counted(
                "opportunity_lost", 1.0 * self.workload * np.exp(-0.2 * self.form), self.working
            ),
            self.assigned_customers(),
            self.counted("customer_visit", 6.0 * self.workload, self.working, with_project=False),
            self.counted("demo_held", 2.0 * self.workload, self.working, with_project=False),
            self.new_industry_wins(),
            self.counted(
                "industry_reference_case", 0.05 * self.workload, self.working, with_project=False
            ),
            self.complaints(),
            self.rfps_answered(1.2, at_least_one_a_quarter=True),
            self.review_ratings("coaching_rating", np.ones(len(self.form), dtype=bool)),
            self.feedback_360(),
            *self.win_predictions(),
            *self.team_deals(staff_facts, staff_team),
        ])

    def assigned_customers(self) -> FactColumns:
        """One `customer_assigned` a quarter for each of the manager's key accounts."""
        rng = self._stream("customer_assigned")
        accounts = np.minimum(PORTFOLIO_SIZE, self.pool_size)
        counts = self._quarter_ends() * accounts[:, np.newaxis]
        events = self._events(rng, counts.astype(np.float64), *self.working, exact=True)
        cell = events.person * len(self.calendar.months) + events.month
        rank = np.arange(len(cell)) - np.searchsorted(cell, cell, side="left")
        customer = self.pool_offset[events.person] + rank % self.pool_size[events.person]
        assigned = self._columns(rng, "customer_assigned", events, with_customer=False)
        return dataclasses.replace(assigned, customer=customer.astype(np.int32))

    def new_industry_wins(self) -> FactColumns:
        """A first deal in an industry the company never sold to, with its industry."""
        rng = self._stream("new_industry_win")
        wins = self.counted(
            "new_industry_win", 0.15 * self.workload, self.working, with_project=False, rng=rng
        )
        industry = rng.integers(0, len(INDUSTRIES), len(wins.person)).astype(np.int8)
        return dataclasses.replace(wins, industry=industry)

    def team_deals(
        self, staff_facts: FactColumns, staff_team: np.ndarray
    ) -> tuple[FactColumns, FactColumns]:
        """The manager's overlay credit on each deal the team wins, and the revenue of
        those deals they worked on themselves."""
        rng = self._stream("influenced_revenue")
        signed = staff_facts.metric == METRIC_CODE["deal_amount"]
        # One credit per deal (customer, project, day), though two engineers closed it.
        keys = np.stack(
            [staff_team[staff_facts.person], staff_facts.customer, staff_facts.project,
             staff_facts.day.astype(np.int64)]
        )[:, signed]
        _, first = np.unique(keys, axis=1, return_index=True)
        signed[np.flatnonzero(signed)[np.setdiff1d(np.arange(keys.shape[1]), first)]] = False
        manager = staff_team[staff_facts.person[signed]].astype(np.int32)
        amount = staff_facts.value[signed]
        every = np.ones(len(manager), dtype=bool)
        deals = staff_facts.subset(signed, "deal_credit")
        credit = deals.subset(
            every,
            "deal_credit",
            person=manager,
            value=np.full(len(manager), OVERLAY_SPLIT),
            role=np.full(len(manager), ROLES.index("presales"), dtype=np.int8),
        )
        involved = self._in_every_group(rng.random(len(manager)) < INFLUENCE_SHARE, manager)
        influenced = deals.subset(
            involved, "influenced_revenue", person=manager[involved], value=amount[involved]
        )
        return credit, influenced
