"""Generate the demo data set: organisation, employees and activity facts, as CSV files.

`generate_demo` builds everything in memory from (engineers, months, seed, start month);
the same arguments always give byte-identical files. `write_demo` writes:

- `org_units.csv` — `name, parent, kind` (kind: company, region, team), parents first;
- `employees.csv` — the columns of `kpilib import employees` (product.md §6);
- `facts.csv` — the activity facts of product.md §5, ordered by date, then two attribute
  columns: `role` (on `deal_credit`) and `industry` (on `new_industry_win`).

Framework-free: NumPy and Polars only, vectorised so that 5,000 engineers × 12 months
(about six million facts) take seconds.
"""

import dataclasses
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from kpilib.demo.activity import (
    ATTRIBUTE_COLUMNS,
    ActivitySimulator,
    ComplaintSpike,
    concatenated,
    facts_frame,
)
from kpilib.demo.calendar import DemoCalendar
from kpilib.demo.leaders import LeaderSimulator, leader_workforce
from kpilib.demo.organisation import Employee, OrgUnit, build_organisation

ORGANISATION_STREAM = 1

ORG_UNIT_COLUMNS = ["name", "parent", "kind"]
EMPLOYEE_COLUMNS = [
    "employee_id", "name", "email", "org_unit", "position", "manager_id", "region", "hire_date",
]
FACT_COLUMNS = [
    "employee_id", "metric", "occurred_on", "value",
    "customer_id", "project_id", "source", "external_id", *ATTRIBUTE_COLUMNS,
]


@dataclass(frozen=True)
class DemoDataset:
    """A generated organisation and its facts, ready to write or to inspect in tests."""

    first_month: str
    last_month: str
    org_units: pl.DataFrame
    employees: pl.DataFrame
    facts: pl.LazyFrame
    fact_count: int
    complaint_spike: ComplaintSpike


def default_start_month(months: int, today: date) -> str:
    """The first month (`YYYY-MM`) of `months` months ending with the month before `today`."""
    last_month = np.datetime64(today, "M") - np.timedelta64(1, "M")
    return str(last_month - np.timedelta64(months - 1, "M"))


def parse_month(text: str) -> np.datetime64:
    """`YYYY-MM` as a month; a ValueError names the expected form."""
    try:
        if len(text) != 7:
            raise ValueError(text)
        return np.datetime64(text, "M")
    except ValueError as error:
        raise ValueError(f"month must look like 2025-12, not {text!r}") from error


def generate_demo(*, engineers: int, months: int, seed: int, start: str) -> DemoDataset:
    """Build the organisation and `months` months of facts from `start` (`YYYY-MM`).

    `engineers` counts presales engineers and solution architects; the director and one
    manager per team come on top (the managers have facts of their own, the director
    none). `seed` must be a non-negative integer.
    """
    if months < 1:
        raise ValueError("the demo needs at least one month")
    if seed < 0:
        raise ValueError("the seed must be zero or positive")
    calendar = DemoCalendar.for_window(parse_month(start), months)
    organisation = build_organisation(
        np.random.default_rng([seed, ORGANISATION_STREAM]),
        engineers,
        window_start=calendar.every_day.days[0],
        window_end=calendar.last_day,
    )
    staff = organisation.workforce
    simulator = ActivitySimulator(seed, staff, calendar, organisation.regions)
    staff_facts = simulator.all_facts()
    leaders = LeaderSimulator(
        seed,
        leader_workforce(organisation.leaders, staff, seed),
        calendar,
        organisation.regions,
        simulator.complaint_spike,
    )
    leader_facts = leaders.leader_facts(staff_facts, staff.team_index)
    # The managers come after the staff in the people index of the facts.
    fact_columns = concatenated([
        staff_facts,
        dataclasses.replace(leader_facts, person=leader_facts.person + len(staff.employee_ids)),
    ])
    facts = facts_frame(
        fact_columns,
        staff.employee_ids + organisation.leaders.employee_ids,
        simulator.customer_count,
    )
    return DemoDataset(
        first_month=str(calendar.months[0]),
        last_month=str(calendar.months[-1]),
        org_units=_frame(organisation.org_units, ORG_UNIT_COLUMNS),
        employees=_frame(organisation.employees, EMPLOYEE_COLUMNS),
        facts=facts,
        fact_count=len(fact_columns.person),
        complaint_spike=simulator.complaint_spike,
    )


def write_demo(dataset: DemoDataset, output_dir: Path) -> dict[str, Path]:
    """Write the three CSV files (UTF-8, no BOM) into `output_dir`; return them by name."""
    output_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "org_units": output_dir / "org_units.csv",
        "employees": output_dir / "employees.csv",
        "facts": output_dir / "facts.csv",
    }
    dataset.org_units.write_csv(files["org_units"])
    dataset.employees.write_csv(files["employees"])
    dataset.facts.sink_csv(files["facts"])
    return files


def _frame(rows: list[OrgUnit] | list[Employee], columns: list[str]) -> pl.DataFrame:
    """Rows as a string frame; empty fields become nulls so the CSV cell is empty, not `""`."""
    records = [{key: text or None for key, text in asdict(row).items()} for row in rows]
    return pl.DataFrame(records, schema=dict.fromkeys(columns, pl.String))
