"""Activity facts (product.md §5): checking a table of them and giving it types.

Columns: `employee_id`, `metric`, `occurred_on` (required); `value` (a number, empty
means 1); `customer_id`, `project_id`, `source`, `external_id` and any other column are
kept as text attributes, as written. Dates are `YYYY-MM-DD` or `YYYY/MM/DD`. The cells
of the required columns and `value` are trimmed, and a blank cell is empty (null).
Every row is checked at once (vectorised); a bad row is never dropped: `InputError`
lists every problem by line and column (the first `MAX_PROBLEMS`, then how many more).
Trimming is costly on millions of rows, so it is done only where some cell needs it.
Result columns: employee_id, metric, occurred_on (Date), value (Float64), the other
columns in file order (String), `__line__`.
Excludes: de-duplication by `external_id` (the database import does that).
"""

from __future__ import annotations

import os
from collections.abc import Collection

import polars as pl

from kpilib.engine.errors import InputError, Problem
from kpilib.tabular import LINE, read_table, scan_plain_csv

REQUIRED = ("employee_id", "metric", "occurred_on")
MAX_PROBLEMS = 100
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def read_facts(
    path: str | os.PathLike[str], *, attributes: Collection[str] | None = None
) -> pl.DataFrame:
    """Read and check a facts file (CSV, XLSX or JSON).

    `attributes` limits which columns beyond the required ones and `value` are read
    (None reads them all); reading fewer columns keeps big files fast. A plain CSV is
    first read in one streaming pass that parses as it goes; only when that pass meets
    anything doubtful (a bad or padded cell, a blank line) is the file read again the
    careful way, which reports every problem.
    """
    columns = None if attributes is None else {*REQUIRED, "value", *attributes}
    scan = scan_plain_csv(path, columns=columns)
    if scan is not None and (clean := _clean_in_one_pass(scan)) is not None:
        return clean
    return typed_facts(read_table(path, columns=columns), file=str(path))


def _clean_in_one_pass(scan: pl.LazyFrame) -> pl.DataFrame | None:
    """The typed facts when every row is clean as it stands, else None (also for a file
    with no header at all, which the careful path then reports as empty)."""
    try:
        names = scan.collect_schema().names()
    except pl.exceptions.NoDataError:
        return None
    if not set(REQUIRED) <= set(names):
        return None
    has_value = "value" in names
    date = _date(pl.col("occurred_on"))
    number = _number(pl.col("value")) if has_value else pl.lit(1.0)
    doubtful = pl.any_horizontal(
        pl.col("employee_id").is_null(),
        pl.col("metric").is_null(),
        date.is_null(),
        number.is_null(),
    )
    try:
        typed = scan.with_columns(
            date.alias("occurred_on"), number.alias("value"), doubtful.alias("__doubtful__")
        ).collect(engine="streaming")
    except pl.exceptions.PolarsError:
        return None
    if typed.get_column("__doubtful__").any() or _untidy_keys(typed):
        return None
    return _in_order(typed.drop("__doubtful__"))


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
    untidy = _untidy_keys(table)
    if untidy:
        table = table.with_columns(_blank_is_null(pl.col(untidy).str.strip_chars()))
    checked = _parsed(table, trim=False)
    if _unparsed(checked):
        checked = _parsed(table, trim=True)
    problems = _problems(checked, file, has_value="value" in table.columns)
    if problems:
        raise InputError(problems)
    typed = checked.with_columns(
        pl.col("__date__").alias("occurred_on"), pl.col("__value__").alias("value")
    )
    return _in_order(typed.drop("__date__", "__value__"))


def _in_order(typed: pl.DataFrame) -> pl.DataFrame:
    """employee_id, metric, occurred_on, value, the attributes in file order, __line__."""
    first = [*REQUIRED, "value"]
    attributes = [column for column in typed.columns if column not in (*first, LINE)]
    return typed.select(*first, *attributes, LINE)


def _blank_is_null(text: pl.Expr) -> pl.Expr:
    return pl.when(text != "").then(text)


def _untidy_keys(table: pl.DataFrame) -> list[str]:
    """employee_id and metric if some value has spaces around it or is blank.

    Checked on their few distinct values: trimming millions of cells is costly.
    """
    untidy = []
    for key in ("employee_id", "metric"):
        distinct = table.get_column(key).unique()
        if (distinct.str.strip_chars() != distinct).any() or (distinct == "").any():
            untidy.append(key)
    return untidy


def _parsed(table: pl.DataFrame, *, trim: bool) -> pl.DataFrame:
    """The table with `__date__` and `__value__` parsed from occurred_on and value."""

    def text(column: str) -> pl.Expr:
        return _blank_is_null(pl.col(column).str.strip_chars()) if trim else pl.col(column)

    number = _number(text("value")) if "value" in table.columns else pl.lit(1.0)
    return table.with_columns(
        _date(text("occurred_on")).alias("__date__"), number.alias("__value__")
    )


def _unparsed(checked: pl.DataFrame) -> bool:
    """Whether some date or value did not parse (it may only need trimming)."""
    failed = pl.col("occurred_on").is_not_null() & pl.col("__date__").is_null()
    if "value" in checked.columns:
        failed = failed | pl.col("__value__").is_null()
    return bool(checked.select(failed.any()).item())


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
