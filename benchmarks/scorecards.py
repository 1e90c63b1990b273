"""Shared pieces of the scoring benchmark: periods, grades, ranks and output comparison.

The two reference implementations (`scoring_duckdb.py`, `scoring_pandas.py`) compute the
default presales-engineer plan of product.md §4 on their own; they share only what is not
scoring: reading a PERIOD argument, the grade bands, ranking and the JSON layout of
`kpilib score --format json` (product.md §6), so their outputs compare field by field.
"""

import calendar
import json
from datetime import date
from pathlib import Path
from typing import Any

# The six indicators of the default plan with their weights (= maximum points).
PLAN_INDICATORS: dict[str, float] = {
    "tech_resolution": 35.0,
    "customer_satisfaction": 15.0,
    "revisit_completion": 15.0,
    "complaints": 15.0,
    "learning_growth": 10.0,
    "daily_report": 10.0,
}
GRADE_BANDS: tuple[tuple[float, str], ...] = ((90.0, "S"), (80.0, "A"), (70.0, "B"), (60.0, "C"))
LOWEST_GRADE = "D"
RANK_DECIMALS = 9

Scorecard = dict[str, Any]


def parse_period(text: str) -> tuple[date, date]:
    """First and last day of `2026-09`, `2026-Q3`, `2026` or `2026-07-01..2026-09-30`."""
    if ".." in text:
        first, last = text.split("..", 1)
        return date.fromisoformat(first), date.fromisoformat(last)
    if len(text) == 4:
        year = int(text)
        return date(year, 1, 1), date(year, 12, 31)
    year_text, part = text.split("-", 1)
    year = int(year_text)
    if part.upper().startswith("Q"):
        quarter = int(part[1:])
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    else:
        first_month = last_month = int(part)
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


def grade_for(total: float) -> str:
    for lower_bound, grade in GRADE_BANDS:
        if total >= lower_bound:
            return grade
    return LOWEST_GRADE


def assign_ranks(scorecards: list[Scorecard]) -> None:
    """Rank by total, best first; equal totals share a rank (1, 2, 2, 4).

    Totals are compared at 9 decimals: 78.08928571428571 and 78.08928571428572 are the
    same total computed in a different order, and must tie.
    """
    ordered = sorted(scorecards, key=lambda card: -round(card["total"], RANK_DECIMALS))
    previous_total: float | None = None
    previous_rank = 0
    for position, card in enumerate(ordered, start=1):
        total = round(card["total"], RANK_DECIMALS)
        if total != previous_total:
            previous_total, previous_rank = total, position
        card["rank"] = previous_rank


def indicator(
    code: str, value: Any, points: float | None, status: str, explanation: str
) -> dict[str, Any]:
    return {
        "code": code,
        "value": value,
        "points": points,
        "max_points": PLAN_INDICATORS[code],
        "status": status,
        "explanation": explanation,
    }


def write_scorecards(scorecards: list[Scorecard], output: Path | None) -> None:
    text = json.dumps(scorecards, ensure_ascii=False)
    if output is None:
        print(text)
    else:
        output.write_text(text, encoding="utf-8")


def compare_scorecards(
    reference: list[Scorecard],
    candidate: list[Scorecard],
    *,
    tolerance: float = 1e-6,
    compare_ranks: bool = True,
    only_reference_employees: bool = False,
) -> list[str]:
    """Every disagreement between two score outputs, as readable lines (empty: they agree).

    Totals and points must match within `tolerance`; statuses exactly; grades exactly
    unless the total sits within `tolerance` of a grade boundary.
    """
    problems: list[str] = []
    candidate_by_id = {card["employee_id"]: card for card in candidate}
    reference_ids = [card["employee_id"] for card in reference]
    if not only_reference_employees and sorted(candidate_by_id) != sorted(reference_ids):
        missing = sorted(set(reference_ids) - set(candidate_by_id))[:5]
        extra = sorted(set(candidate_by_id) - set(reference_ids))[:5]
        problems.append(f"employee sets differ: missing {missing}, extra {extra}")
    for expected in reference:
        actual = candidate_by_id.get(expected["employee_id"])
        if actual is None:
            continue
        problems += _compare_one(expected, actual, tolerance, compare_ranks)
    return problems


def _compare_one(
    expected: Scorecard, actual: Scorecard, tolerance: float, compare_ranks: bool
) -> list[str]:
    employee = expected["employee_id"]
    problems = []
    if abs(expected["total"] - actual["total"]) > tolerance:
        problems.append(f"{employee}: total {actual['total']} != {expected['total']}")
    near_boundary = any(
        abs(expected["total"] - bound) <= tolerance for bound, _ in GRADE_BANDS
    )
    if expected["grade"] != actual["grade"] and not near_boundary:
        problems.append(f"{employee}: grade {actual['grade']} != {expected['grade']}")
    if compare_ranks and expected["rank"] != actual["rank"]:
        problems.append(f"{employee}: rank {actual['rank']} != {expected['rank']}")
    actual_indicators = {line["code"]: line for line in actual["indicators"]}
    for line in expected["indicators"]:
        other = actual_indicators.get(line["code"])
        if other is None:
            problems.append(f"{employee}: indicator {line['code']} missing")
            continue
        if line["status"] != other["status"]:
            problems.append(
                f"{employee}: {line['code']} status {other['status']} != {line['status']}"
            )
        if not _same_points(line["points"], other["points"], tolerance):
            problems.append(
                f"{employee}: {line['code']} points {other['points']} != {line['points']}"
            )
    return problems


def _same_points(expected: float | None, actual: float | None, tolerance: float) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return abs(expected - actual) <= tolerance
