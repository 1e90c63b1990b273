"""Features of opportunities: the §9 typing rules, encoding, and building as of a date.

Typing (product.md §9), column by column over the text of its non-empty cells:
excluded when the name ends in `_id`, when every cell is a date, when some cell is free
text longer than 200 characters, or when every cell is empty; else a *number* when every
cell reads as one (`1,200.5` too), a *flag* when every cell is yes/no/true/false/是/否
(any letter case), and a *category* otherwise. Categories keep their `MAX_LEVELS` most
frequent values in the training rows (ties by text); the rest share one level, and a
value never seen in training is unknown (like an empty cell).

Encoding gives one float column per feature: the number, 1/0 for a flag, the level's
index for a category; NaN when empty or unknown.

As of a date (stage snapshots): `features_as_of` takes, for each (opportunity, date),
the latest snapshot recorded strictly *before* that date, so a stage reached on the
prediction day or later is invisible; `look_dates` gives the dates at which a closed
opportunity is looked at for training (every `every_days` days of its open life).
Excludes: the model (winmodel.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from kpilib.engine.forecast.opportunities import CLOSED, CREATED, OPPORTUNITY, parsed_date

MAX_TEXT = 200
MAX_LEVELS = 30
OTHER_LEVEL = "(other)"
TRUE_WORDS = ("yes", "true", "是")
FALSE_WORDS = ("no", "false", "否")
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"

type Matrix = npt.NDArray[np.float64]


class FeatureKind(StrEnum):
    NUMBER = "number"
    FLAG = "flag"
    CATEGORY = "category"


class Exclusion(StrEnum):
    """Why a column is not a feature."""

    IDENTIFIER = "identifier"
    DATES = "dates"
    FREE_TEXT = "free_text"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One feature column: its name, kind and (categories) the levels learned in training."""

    name: str
    kind: FeatureKind
    levels: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class FeatureTyping:
    """The features of a table and the columns left out, with the reason for each."""

    features: tuple[FeatureSpec, ...]
    excluded: dict[str, Exclusion]


def _text(column: str) -> pl.Expr:
    trimmed = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(trimmed != "").then(trimmed)


def number_expr(column: str) -> pl.Expr:
    """A cell read as a number (`1,200.5` included); null when it is not one."""
    text = _text(column)
    plain = (
        pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", "")).otherwise(text)
    )
    number = plain.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


def flag_expr(column: str) -> pl.Expr:
    """A cell read as a flag: 1.0 for yes/true/是, 0.0 for no/false/否, else null."""
    word = _text(column).str.to_lowercase()
    return pl.when(word.is_in(TRUE_WORDS)).then(1.0).when(word.is_in(FALSE_WORDS)).then(0.0)


def type_features(table: pl.DataFrame, columns: Sequence[str]) -> FeatureTyping:
    """Type `columns` of an all-text table by the §9 rules (module docstring)."""
    if not columns:
        return FeatureTyping((), {})
    summary = table.select(
        *(
            pl.struct(
                _text(column).count().alias("cells"),
                number_expr(column).count().alias("numbers"),
                flag_expr(column).count().alias("flags"),
                parsed_date(_text(column)).count().alias("dates"),
                _text(column).str.len_chars().max().fill_null(0).alias("longest"),
            )
            .first()
            .alias(column)
            for column in columns
        )
    ).row(0, named=True)
    features: list[FeatureSpec] = []
    excluded: dict[str, Exclusion] = {}
    for column in columns:
        counts = summary[column]
        cells = counts["cells"]
        if column.lower().endswith("_id"):
            excluded[column] = Exclusion.IDENTIFIER
        elif cells == 0:
            excluded[column] = Exclusion.EMPTY
        elif counts["dates"] == cells:
            excluded[column] = Exclusion.DATES
        elif counts["longest"] > MAX_TEXT:
            excluded[column] = Exclusion.FREE_TEXT
        elif counts["numbers"] == cells:
            features.append(FeatureSpec(column, FeatureKind.NUMBER))
        elif counts["flags"] == cells:
            features.append(FeatureSpec(column, FeatureKind.FLAG))
        else:
            features.append(FeatureSpec(column, FeatureKind.CATEGORY))
    return FeatureTyping(tuple(features), excluded)


def with_levels(specs: Sequence[FeatureSpec], training: pl.DataFrame) -> tuple[FeatureSpec, ...]:
    """The specs with each category's levels learned from the training rows only."""
    learned = []
    for spec in specs:
        if spec.kind is not FeatureKind.CATEGORY:
            learned.append(spec)
            continue
        counts = (
            training.select(_text(spec.name).alias("level"))
            .drop_nulls()
            .group_by("level")
            .len()
            .sort(["len", "level"], descending=[True, False])
        )
        levels = counts.get_column("level").to_list()
        if len(levels) > MAX_LEVELS:
            levels = [*levels[: MAX_LEVELS - 1], OTHER_LEVEL]
        learned.append(FeatureSpec(spec.name, spec.kind, tuple(levels)))
    return tuple(learned)


def encoded_expr(spec: FeatureSpec) -> pl.Expr:
    """The float column of one feature (module docstring); NaN when empty or unknown."""
    match spec.kind:
        case FeatureKind.NUMBER:
            value = number_expr(spec.name)
        case FeatureKind.FLAG:
            value = flag_expr(spec.name)
        case FeatureKind.CATEGORY:
            known = [level for level in spec.levels if level != OTHER_LEVEL]
            mapping = {level: float(index) for index, level in enumerate(known)}
            text = _text(spec.name)
            value = text.replace_strict(mapping, default=None, return_dtype=pl.Float64)
            if OTHER_LEVEL in spec.levels:
                other = float(len(known))
                value = pl.when(text.is_not_null() & value.is_null()).then(other).otherwise(value)
    return value.cast(pl.Float64).fill_null(float("nan")).alias(spec.name)


def encode(table: pl.DataFrame, specs: Sequence[FeatureSpec]) -> Matrix:
    """One row per table row, one float column per feature, in the specs' order."""
    if not specs:
        return np.zeros((table.height, 0), dtype=np.float64)
    frame = table.select(encoded_expr(spec) for spec in specs)
    return frame.to_numpy().astype(np.float64, copy=False)


def value_text(spec: FeatureSpec, encoded: float) -> str | None:
    """The value an encoded cell stands for, as a person reads it (None when empty)."""
    if np.isnan(encoded):
        return None
    match spec.kind:
        case FeatureKind.CATEGORY:
            return spec.levels[int(encoded)]
        case FeatureKind.FLAG:
            return "yes" if encoded >= 0.5 else "no"
        case FeatureKind.NUMBER:
            return f"{encoded:g}"


# --- as of a date, from stage snapshots ---------------------------------------------

RECORDED = "recorded_on"
LOOK = "look_on"
WEIGHT = "weight"


def look_dates(closed: pl.DataFrame, *, every_days: int = 30, max_looks: int = 12) -> pl.DataFrame:
    """Dates at which closed opportunities are looked at for training.

    For each row of `closed` (opportunity_id, created_on, closed_on): the day after it
    was created and every `every_days` days after that while it was still open (a look
    date d has created_on < d <= closed_on), at most `max_looks` of them (the latest
    ones are dropped). Each look weighs 1/looks, so every opportunity counts once.
    Result: opportunity_id, look_on, weight, plus the other columns of `closed`.
    """
    days = (pl.col(CLOSED) - pl.col(CREATED)).dt.total_days()
    looks = pl.min_horizontal((days - 1) // every_days + 1, pl.lit(max_looks)).clip(lower_bound=1)
    with_offsets = closed.with_columns(
        pl.int_ranges(0, looks).alias("__k__"), looks.alias("__looks__")
    ).explode("__k__")
    return with_offsets.with_columns(
        (pl.col(CREATED) + pl.duration(days=1 + pl.col("__k__") * every_days)).alias(LOOK),
        (1.0 / pl.col("__looks__")).alias(WEIGHT),
    ).drop("__k__", "__looks__")


def features_as_of(snapshots: pl.DataFrame, looks: pl.DataFrame) -> pl.DataFrame:
    """Each look (opportunity_id, look_on, …) with the latest snapshot recorded before it.

    `snapshots` has opportunity_id, recorded_on (Date) and attribute columns. A look
    with no earlier snapshot gets nulls. Two columns of history are added:
    `snapshots_before` (how many snapshots were recorded before the look, i.e. how many
    changes are known) and `days_since_change` (days from the latest of them to the look).
    Nothing recorded on or after `look_on` is read.
    """
    ordered = snapshots.sort(OPPORTUNITY, RECORDED).with_columns(
        (pl.int_range(pl.len()).over(OPPORTUNITY) + 1).alias("snapshots_before")
    )
    joined = looks.sort(OPPORTUNITY, LOOK).join_asof(
        ordered,
        left_on=LOOK,
        right_on=RECORDED,
        by=OPPORTUNITY,
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,
    )
    return joined.with_columns(
        pl.col("snapshots_before").fill_null(0),
        (pl.col(LOOK) - pl.col(RECORDED)).dt.total_days().alias("days_since_change"),
    ).drop(RECORDED)
