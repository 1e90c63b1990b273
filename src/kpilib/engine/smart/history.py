"""Reading past measured values for the Achievable check from a table (CSV, XLSX or JSON).

Columns `indicator` (an indicator code of the pack) and `value` (a number: one past
measured value, e.g. one employee's value in one past period); other columns are ignored.
Every row is checked; a bad row is never skipped: `InputError` lists each problem with
its line and column. Encodings and formats are those of `kpilib.tabular.read_table`.
Excludes: judging the values (checks.py).
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection

from kpilib.engine.errors import InputError, Problem
from kpilib.tabular import LINE, read_table

COLUMNS = ("indicator", "value")


def read_history(
    path: str | os.PathLike[str], *, indicators: Collection[str]
) -> dict[str, list[float]]:
    """Past values by indicator code, in file order; `indicators` are the codes that exist."""
    name = str(path)
    table = read_table(path, columns=COLUMNS)
    absent = [column for column in COLUMNS if column not in table.columns]
    if absent:
        raise InputError(
            [Problem(name, 1, column, "required column is missing") for column in absent]
        )
    history: dict[str, list[float]] = {}
    problems: list[Problem] = []
    for row in table.iter_rows(named=True):
        code = (row["indicator"] or "").strip()
        value = _number(row["value"])
        if code in indicators and value is not None:
            history.setdefault(code, []).append(value)
            continue
        line = row[LINE]
        if code not in indicators:
            reason = "required" if not code else f"no indicator {code!r} in the pack"
            problems.append(Problem(name, line, "indicator", reason))
        if value is None:
            problems.append(Problem(name, line, "value", f"not a number: {row['value'] or ''!r}"))
    if problems:
        raise InputError(problems)
    return history


def _number(text: str | None) -> float | None:
    try:
        number = float((text or "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None
