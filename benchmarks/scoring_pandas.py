"""Naive reference scorer: the default presales-engineer plan, one employee at a time in pandas.

This is how a spreadsheet-minded script would do it and the slow end of the comparison:
load every fact, then for each employee select that employee's rows from the whole frame
and compute each indicator of product.md §4 in Python, missing-data rules and
renormalisation included. On millions of facts the loop is slow, so `limit` scores only
the first employees (by id) and the caller extrapolates the loop time. Scored: every
employee with a fact in the file, whatever its date.
"""

import time
from datetime import date
from pathlib import Path
from typing import Any

from scorecards import PLAN_INDICATORS, Scorecard, assign_ranks, grade_for, indicator


def score_with_pandas(
    facts_path: Path, first_day: date, last_day: date, limit: int | None
) -> tuple[list[Scorecard], dict[str, Any]]:
    """Scorecards of the first `limit` employees (all when None) and the loop's timing."""
    import pandas as pd

    facts = pd.read_csv(facts_path, dtype={"employee_id": str, "customer_id": str})
    facts["occurred_on"] = pd.to_datetime(facts["occurred_on"]).dt.date
    # The file is the roster: an employee with facts outside the period is still scored.
    employees = sorted(facts["employee_id"].unique())
    facts = facts[(facts["occurred_on"] >= first_day) & (facts["occurred_on"] <= last_day)]
    facts["value"] = facts["value"].fillna(1.0)
    chosen = employees if limit is None else employees[:limit]

    loop_started = time.perf_counter()
    scorecards = []
    for employee_id in chosen:
        mine = facts[facts["employee_id"] == employee_id]
        scorecards.append(_scorecard(employee_id, mine))
    loop_seconds = time.perf_counter() - loop_started

    assign_ranks(scorecards)
    timing = {
        "employees_total": len(employees),
        "employees_scored": len(chosen),
        "loop_seconds": loop_seconds,
    }
    return scorecards, timing


def _scorecard(employee_id: str, mine: Any) -> Scorecard:
    indicators = [
        _tech_resolution(mine),
        _customer_satisfaction(mine),
        _revisit_completion(mine),
        _complaints(mine),
        _learning_growth(mine),
        _daily_report(mine),
    ]
    scored = [line for line in indicators if line["status"] == "scored"]
    total = 100.0 * sum(line["points"] for line in scored) / sum(
        PLAN_INDICATORS[line["code"]] for line in scored
    )
    return {
        "employee_id": employee_id,
        "total": total,
        "grade": grade_for(total),
        "rank": 0,
        "indicators": indicators,
    }


def _of_metric(mine: Any, metric: str) -> Any:
    return mine[mine["metric"] == metric]


def _tech_resolution(mine: Any) -> dict[str, Any]:
    customers = _of_metric(mine, "unresolved_customer")["customer_id"].dropna().nunique()
    if customers == 0:
        points = 35.0
    elif customers <= 3:
        points = 30.0
    elif customers <= 10:
        points = 20.0
    else:
        points = 10.0
    return indicator(
        "tech_resolution", customers, points, "scored",
        f"{customers} customers with unresolved technical issues",
    )


def _customer_satisfaction(mine: Any) -> dict[str, Any]:
    scores = _of_metric(mine, "satisfaction_score")["value"]
    if len(scores) == 0:
        return indicator("customer_satisfaction", None, None, "missing", "no survey responses")
    mean = float(scores.mean())
    if mean >= 95:
        points = 15.0
    elif mean < 80:
        points = 0.0
    else:
        points = 15.0 * (mean - 80.0) / 15.0
    return indicator(
        "customer_satisfaction", mean, points, "scored", f"mean of {len(scores)} responses"
    )


def _revisit_completion(mine: Any) -> dict[str, Any]:
    due = len(_of_metric(mine, "revisit_due"))
    done = len(_of_metric(mine, "revisit_done"))
    if due == 0:
        return indicator("revisit_completion", None, 15.0, "scored", "no revisits due")
    rate = min(done / due, 1.0)
    return indicator(
        "revisit_completion", done / due, 15.0 * rate, "scored", f"{done} done of {due} due"
    )


def _complaints(mine: Any) -> dict[str, Any]:
    count = len(_of_metric(mine, "complaint"))
    return indicator(
        "complaints", count, max(15.0 - 5.0 * count, 0.0), "scored", f"{count} complaints"
    )


def _learning_growth(mine: Any) -> dict[str, Any]:
    exams = _of_metric(mine, "training_exam")["value"]
    cases = len(_of_metric(mine, "case_shared"))
    best = float(exams.max()) if len(exams) else None
    base = 6.0 if best is not None and best >= 80 else 0.0
    explanation = f"best exam {best}, {cases} cases shared" if best is not None else "no exam taken"
    return indicator(
        "learning_growth", best, min(base + 2.0 * cases, 10.0), "scored", explanation
    )


def _daily_report(mine: Any) -> dict[str, Any]:
    reports = _of_metric(mine, "daily_report")["value"]
    if len(reports) == 0:
        return indicator("daily_report", 0, 0.0, "scored", "no daily reports")
    perfunctory = int((reports < 0).sum())
    constructive = int((reports > 0).sum())
    points = min(max(8.0 - perfunctory + constructive, 0.0), 10.0)
    return indicator(
        "daily_report", len(reports), points, "scored",
        f"{perfunctory} perfunctory, {constructive} constructive",
    )
