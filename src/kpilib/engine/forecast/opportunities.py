"""An opportunity table (product.md §9): checking it, and splitting it as of a date.

Required columns: `opportunity_id` (unique, non-empty), `created_on` (a date),
`status` (`won`, `lost` or `open`, any letter case) and `closed_on` (a date, required
for won and lost, not before `created_on`). Dates are `YYYY-MM-DD` or `YYYY/MM/DD`.
Every other column is kept as text for `features.feature_specs` to type.

As of a date A (the leakage rule): the *training* rows are the opportunities won or
lost with `closed_on < A`; the *open* rows are those created before A that are still
open or closed on or after A. An outcome on or after A is treated as unknown: the
status and close date of such a row are blanked before anything else reads them, so
nothing that happened from A on can reach the model. Rows created on or after A are
in neither set. Excludes: feature typing (features.py), training (winmodel.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from kpilib.engine.errors import InputError, Problem
from kpilib.tabular import LINE

OPPORTUNITY = "opportunity_id"
CREATED = "created_on"
STATUS = "status"
CLOSED = "closed_on"
REQUIRED = (OPPORTUNITY, CREATED, STATUS, CLOSED)
WON, LOST, OPEN = "won", "lost", "open"
STATUSES = (WON, LOST, OPEN)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
MAX_PROBLEMS = 100


def parsed_date(text: pl.Expr) -> pl.Expr:
    """A `YYYY-MM-DD` or `YYYY/MM/DD` text as a Date (null when it is neither)."""
    trimmed = text.str.strip_chars()
    return pl.coalesce(trimmed.str.to_date(form, strict=False) for form in DATE_FORMATS)


def typed_opportunities(table: pl.DataFrame, *, file: str) -> pl.DataFrame:
    """Check an all-text opportunity table (from `tabular.read_table`) and type it.

    Result: opportunity_id (String), created_on (Date), status (won/lost/open),
    closed_on (Date, null when open), the other columns as text in file order, and
    `__line__` when the table had it. Raises `InputError` listing every problem.
    """
    absent = [column for column in REQUIRED if column not in table.columns]
    if absent:
        raise InputError(
            [Problem(file, 1, column, "required column is missing") for column in absent]
        )
    if LINE not in table.columns:
        table = table.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    identifier = pl.col(OPPORTUNITY).str.strip_chars()
    status = pl.col(STATUS).str.strip_chars().str.to_lowercase()
    checked = table.with_columns(
        pl.when(identifier != "").then(identifier).alias("__id__"),
        parsed_date(pl.col(CREATED)).alias("__created__"),
        status.alias("__status__"),
        parsed_date(pl.col(CLOSED)).alias("__closed__"),
    )
    problems = _problems(checked, file)
    if problems:
        raise InputError(problems)
    closed = pl.when(pl.col("__status__") != OPEN).then(pl.col("__closed__"))
    features = [column for column in table.columns if column not in (*REQUIRED, LINE)]
    return checked.select(
        pl.col("__id__").alias(OPPORTUNITY),
        pl.col("__created__").alias(CREATED),
        pl.col("__status__").alias(STATUS),
        closed.alias(CLOSED),
        *features,
        LINE,
    )


def _problems(checked: pl.DataFrame, file: str) -> list[Problem]:
    blank_id = pl.col("__id__").is_null()
    duplicate = ~blank_id & pl.col("__id__").is_duplicated()
    closed_status = pl.col("__status__").is_in([WON, LOST])
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (blank_id, OPPORTUNITY, pl.lit("required value is empty")),
        (
            duplicate,
            OPPORTUNITY,
            pl.format("'{}' appears on more than one row", pl.col("__id__")),
        ),
        (pl.col(CREATED).is_null(), CREATED, pl.lit("required value is empty")),
        (
            pl.col(CREATED).is_not_null() & pl.col("__created__").is_null(),
            CREATED,
            pl.format("not a date YYYY-MM-DD or YYYY/MM/DD: '{}'", pl.col(CREATED)),
        ),
        (
            ~pl.col("__status__").is_in(list(STATUSES)).fill_null(False),
            STATUS,
            pl.format("must be won, lost or open, not '{}'", pl.col(STATUS).fill_null("")),
        ),
        (
            closed_status & pl.col(CLOSED).is_null(),
            CLOSED,
            pl.lit("required for a won or lost opportunity"),
        ),
        (
            pl.col(CLOSED).is_not_null() & pl.col("__closed__").is_null(),
            CLOSED,
            pl.format("not a date YYYY-MM-DD or YYYY/MM/DD: '{}'", pl.col(CLOSED)),
        ),
        (
            closed_status & (pl.col("__closed__") < pl.col("__created__")).fill_null(False),
            CLOSED,
            pl.lit("is before created_on"),
        ),
    ]
    any_bad = pl.any_horizontal(condition.fill_null(False) for condition, _, _ in checks)
    bad = checked.filter(any_bad)
    if bad.is_empty():
        return []
    found = pl.concat(
        bad.filter(condition.fill_null(False)).select(
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


@dataclass(frozen=True, slots=True)
class AsOfSplit:
    """The opportunities as they stood on `as_of`: what the model may learn from, and
    what it predicts. `training` has a Boolean column `won`; `open` has no outcome."""

    as_of: date
    training: pl.DataFrame
    open: pl.DataFrame


def split_as_of(opportunities: pl.DataFrame, as_of: date) -> AsOfSplit:
    """Training and open rows as of `as_of` (rules in the module docstring)."""
    known = (pl.col(CLOSED) < as_of).fill_null(False) & pl.col(STATUS).is_in([WON, LOST])
    # Blank every outcome from `as_of` on first, so no later read can see it.
    seen = opportunities.filter(pl.col(CREATED) < as_of).with_columns(
        pl.when(known).then(pl.col(STATUS)).otherwise(pl.lit(OPEN)).alias(STATUS),
        pl.when(known).then(pl.col(CLOSED)).alias(CLOSED),
    )
    training = seen.filter(pl.col(STATUS) != OPEN).with_columns(
        (pl.col(STATUS) == WON).alias("won")
    )
    still_open = seen.filter(pl.col(STATUS) == OPEN)
    return AsOfSplit(
        as_of,
        training.sort(CLOSED, OPPORTUNITY),
        still_open.sort(OPPORTUNITY),
    )
