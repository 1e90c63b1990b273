"""Activity facts (product.md §5): checking a table of them and giving it types.

Columns: `employee_id`, `metric`, `occurred_on` (required); `value` (a number, empty
means 1); `customer_id`, `project_id`, `source`, `external_id` and any other column are
kept as text attributes. Dates are `YYYY-MM-DD` or `YYYY/MM/DD`. Cells are trimmed and
an empty cell is null. Every row is checked at once (vectorised); a bad row is never
dropped: `InputError` lists every problem by line and column (the first
`MAX_PROBLEMS`, then how many more).
Excludes: de-duplication by `external_id` (the database import does that).
"""

from __future__ import annotations

import os
from collections.abc import Collection

import polars as pl

from kpilib.tabular import LINE, InputError, Problem, read_table

REQUIRED = ("employee_id", "metric", "occurred_on")
OPTIONAL = ("value", "customer_id", "project_id", "source", "external_id")
MAX_PROBLEMS = 100
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def read_facts(
    path: str | os.PathLike[str], *, attributes: Collection[str] | None = None
) -> pl.DataFrame:
    """Read and check a facts file (CSV, XLSX or JSON).

    `attributes` limits which columns beyond the required ones and `value` are read
    (None reads them all); reading fewer columns keeps big files fast.
    """
    columns = None if attributes is None else {*REQUIRED, "value", *attributes}
    return typed_facts(read_table(path, columns=columns), file=str(path))


def typed_facts(table: pl.DataFrame, *, file: str) -> pl.DataFrame:
    """Check an all-text fact table from `read_table` and return it typed.

    Result: employee_id, metric (String), occurred_on (Date), value (Float64), the other
    columns as String, and `__line__`. Raises InputError listing every problem.
    """
    absent = [column for column in REQUIRED if column not in table.columns]
    if absent:
        raise InputError(
            [Problem(file, 1, column, "required column is missing") for column in absent]
        )
    text_columns = [column for column in table.columns if column != LINE]
    trimmed = pl.col(text_columns).str.strip_chars()
    checked = (
        table.lazy()
        .with_columns(pl.when(trimmed != "").then(trimmed).name.keep())
        .with_columns(
            _date(pl.col("occurred_on")).alias("__date__"),
            _number(pl.col("value")).alias("__value__")
            if "value" in table.columns
            else pl.lit(1.0).alias("__value__"),
        )
        .collect()
    )
    problems = _problems(checked, file, has_value="value" in table.columns)
    if problems:
        raise InputError(problems)
    return checked.with_columns(
        pl.col("__date__").alias("occurred_on"), pl.col("__value__").alias("value")
    ).drop("__date__", "__value__")


def _date(text: pl.Expr) -> pl.Expr:
    return pl.coalesce(text.str.to_date(date_format, strict=False) for date_format in DATE_FORMATS)


def _number(text: pl.Expr) -> pl.Expr:
    number = text.cast(pl.Float64, strict=False)
    return pl.when(text.is_null()).then(1.0).when(number.is_finite()).then(number)


def _problems(checked: pl.DataFrame, file: str, *, has_value: bool) -> list[Problem]:
    """Every bad cell as (line, column, reason), in file order; empty when all is well."""
    checks = [
        (pl.col("employee_id").is_null(), "employee_id", pl.lit("required value is empty")),
        (pl.col("metric").is_null(), "metric", pl.lit("required value is empty")),
        (pl.col("occurred_on").is_null(), "occurred_on", pl.lit("required value is empty")),
        (
            pl.col("occurred_on").is_not_null() & pl.col("__date__").is_null(),
            "occurred_on",
            pl.format("not a date YYYY-MM-DD or YYYY/MM/DD: '{}'", pl.col("occurred_on")),
        ),
    ]
    if has_value:
        checks.append(
            (
                pl.col("__value__").is_null(),
                "value",
                pl.format("not a number: '{}'", pl.col("value")),
            )
        )
    any_bad = pl.any_horizontal(condition for condition, _, _ in checks)
    if not checked.select(any_bad.any()).item():
        return []
    bad_rows = checked.filter(any_bad)
    found = pl.concat(
        bad_rows.filter(condition).select(
            pl.col(LINE),
            pl.lit(order).alias("order"),
            pl.lit(column).alias("column"),
            reason.alias("reason"),
        )
        for order, (condition, column, reason) in enumerate(checks)
    ).sort(LINE, "order")
    problems = [
        Problem(file, line, column, reason)
        for line, column, reason in found.head(MAX_PROBLEMS)
        .select(LINE, "column", "reason")
        .iter_rows()
    ]
    if found.height > MAX_PROBLEMS:
        problems.append(
            Problem(file, None, None, f"… and {found.height - MAX_PROBLEMS} more problems")
        )
    return problems
