"""Helpers for the review tests: small packs whose points are plain counts, and facts."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl

from kpilib.engine.definitions import Pack
from kpilib.engine.periods import parse_period
from kpilib.engine.review import Review, ReviewSettings, review_plan
from tests.engine.scoring_support import facts_table, indicator, pack_document, text

QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
MIDDLE_OF = {
    "2026-Q1": "2026-02-10",
    "2026-Q2": "2026-05-10",
    "2026-Q3": "2026-08-10",
    "2026-Q4": "2026-11-10",
    "2025-Q4": "2025-11-10",
}


def counting(code: str, weight: float, dimension: str = "results", **extra: Any) -> dict[str, Any]:
    """An indicator whose points are the count of its metric (named like it), at most weight."""
    measure = extra.pop("measure", {"kind": "count", "metric": code})
    return indicator(
        code,
        measure,
        {"kind": "events", "base": 0, "events": [{"input": "value", "points": 1}], "cap": weight},
        default_weight=weight,
        dimension=dimension,
        **extra,
    )


def counting_pack(
    weights: Mapping[str, float],
    dimensions: Mapping[str, str] | None = None,
    **extra: Mapping[str, Any],
) -> Pack:
    """A pack of counting indicators (code → weight), optionally in several dimensions."""
    placed = dimensions or {}
    indicators = [
        counting(code, weight, placed.get(code, "results"), **extra.get(code, {}))
        for code, weight in weights.items()
    ]
    document = pack_document(indicators, weights)
    names = sorted({*placed.values(), "results"})
    document["dimensions"] = [
        {"code": name, "name": text(name, name), "layer": "result"} for name in names
    ]
    return Pack.model_validate(document)


def counts(quarter: str, per_employee: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    """Fact rows: employee → metric → how many facts, all on one day of the quarter.

    Every employee also gets an `active` fact, so a count of 0 still counts them in.
    """
    day = MIDDLE_OF[quarter]
    rows: list[dict[str, Any]] = []
    for employee, metrics in per_employee.items():
        rows.append({"employee_id": employee, "metric": "active", "occurred_on": day})
        for metric, count in metrics.items():
            rows.extend(
                {"employee_id": employee, "metric": metric, "occurred_on": day}
                for _ in range(count)
            )
    return rows


def valued(quarter: str, metric: str, values: Mapping[str, float]) -> list[dict[str, Any]]:
    """One fact of `metric` per employee with the given value."""
    return [
        {"employee_id": e, "metric": metric, "occurred_on": MIDDLE_OF[quarter], "value": str(v)}
        for e, v in values.items()
    ]


def facts(rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    return facts_table([dict(row.items()) for row in rows])


def review(
    pack: Pack,
    rows: Sequence[Mapping[str, Any]],
    quarter: str = "2026-Q4",
    *,
    outcomes: Sequence[str] | None = (),
    **settings: Any,
) -> Review:
    # Four employees, and no low_spread unless a test asks: small counts on big weights
    # would otherwise all be low_spread.
    chosen = ReviewSettings(**{"min_employees": 2, "quarters": 1, "low_spread": 0.0, **settings})
    return review_plan(
        facts(rows),
        pack.plan("test-plan"),
        pack,
        parse_period(quarter),
        outcomes=outcomes,
        settings=chosen,
    )


def monthly_facts(
    employees: int, monthly: Mapping[str, Sequence[int]], start: date, day: int = 15
) -> pl.DataFrame:
    """`employees` employees active every month (one `active` fact each) and, per metric,
    the given number of facts in each month from `start` on."""
    rows: list[dict[str, Any]] = []
    months = max(len(series) for series in monthly.values())
    for offset in range(months):
        index = start.year * 12 + start.month - 1 + offset
        on = f"{index // 12:04d}-{index % 12 + 1:02d}-{day:02d}"
        rows.extend(
            {"employee_id": f"E{person:02d}", "metric": "active", "occurred_on": on}
            for person in range(employees)
        )
        for metric, series in monthly.items():
            if offset < len(series):
                rows.extend(
                    {"employee_id": f"E{n % employees:02d}", "metric": metric, "occurred_on": on}
                    for n in range(series[offset])
                )
    return facts(rows)
