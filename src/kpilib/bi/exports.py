"""Facts and scorecard lines as Polars frames for files (`kpilib export`): one query on
the kpilib_bi_* view, so a file has exactly the view's columns and rows."""

import datetime
from typing import Any

import polars as pl
from django.db import connection

from kpilib.bi import views

_TYPES: dict[str, Any] = {
    "fact_id": pl.Int64,
    "org_unit_id": pl.Int64,
    "import_batch_id": pl.Int64,
    "occurred_on": pl.Date,
    "value": pl.Float64,
    "cycle_id": pl.Int64,
    "plan_revision": pl.Int64,
    "scorecard_id": pl.Int64,
    "revision": pl.Int64,
    "total": pl.Float64,
    "rank": pl.Int64,
    "published": pl.Boolean,
    "published_at": pl.Datetime("us", "UTC"),
    "line_no": pl.Int64,
    "indicator_version": pl.Int64,
    "points": pl.Float64,
    "max_points": pl.Float64,
}

ORDER = {
    views.FACTS: "occurred_on, fact_id",
    views.SCORECARD_LINES: "cycle_id, employee_id, line_no",
}


def _column(name: str, values: list[Any]) -> pl.Series:
    kind = _TYPES.get(name, pl.String)
    if kind == pl.Date:
        values = [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
        return pl.Series(name, values, dtype=pl.String).str.to_date("%Y-%m-%d")
    if isinstance(kind, pl.Datetime):
        # PostgreSQL answers aware datetimes, SQLite naive ones in UTC: both become UTC.
        utc = [
            (v.astimezone(datetime.UTC).replace(tzinfo=None) if v.tzinfo else v)
            if isinstance(v, datetime.datetime)
            else (datetime.datetime.fromisoformat(v).replace(tzinfo=None) if v else None)
            for v in values
        ]
        return pl.Series(name, utc, dtype=pl.Datetime("us")).dt.replace_time_zone("UTC")
    if kind == pl.Boolean:
        return pl.Series(name, [None if v is None else bool(v) for v in values], dtype=kind)
    return pl.Series(name, values, dtype=kind, strict=False)


def view_frame(view: str, where: str = "", params: list[Any] | None = None) -> pl.DataFrame:
    """Every row of `view` (in its columns' order) matching `where`, typed: one query."""
    columns = views.COLUMNS[view]
    sql = f"SELECT {', '.join(columns)} FROM {view}"
    if where:
        sql += f" WHERE {where}"
    if view in ORDER:
        sql += f" ORDER BY {ORDER[view]}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        rows = cursor.fetchall()
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pl.DataFrame(
        [_column(name, list(values)) for name, values in zip(columns, by_column, strict=True)]
    )


def facts_frame(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> pl.DataFrame:
    """The facts from `start` to `end` (inclusive; either may be open)."""
    clauses, params = [], []
    if start is not None:
        clauses.append("occurred_on >= %s")
        params.append(start)
    if end is not None:
        clauses.append("occurred_on <= %s")
        params.append(end)
    return view_frame(views.FACTS, " AND ".join(clauses), params)


def scorecards_frame(*, period: str | None = None, cycle_id: int | None = None) -> pl.DataFrame:
    """The latest revision's lines, one row per person × line, of the cycles of `period`
    (a cycle's period label, e.g. `2026-Q3`) or of one cycle."""
    clauses: list[str] = []
    params: list[Any] = []
    if period is not None:
        clauses.append("period = %s")
        params.append(period)
    if cycle_id is not None:
        clauses.append("cycle_id = %s")
        params.append(cycle_id)
    return view_frame(views.SCORECARD_LINES, " AND ".join(clauses), params)
