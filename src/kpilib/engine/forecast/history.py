"""Training and prediction rows as of a date, from opportunities and their stage snapshots.

The app keeps each opportunity's stage history as snapshots (stage, amount, the rep's
probability, … each recorded on a day). As of a date A:
- training rows: every opportunity won or lost before A (opportunities.split_as_of),
  looked at every `every_days` days of its open life (features.look_dates), each look
  with the latest snapshot recorded before it (features.features_as_of) and weight
  1/looks; label = its outcome;
- open rows: every opportunity open at A, looked at on A itself.
Features: the opportunity's own columns (industry, region, … as known when it was
created), the snapshot's columns except `probability`, plus `age_days` (look − created),
`snapshots_before` and `days_since_change`. The snapshot's `probability` becomes
`baseline`, the reps' forecast the model card compares with. A snapshot recorded on or
after a look date, and any outcome on or after A, are never read.
Excludes: fitting (winmodel.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from kpilib.engine.forecast.features import (
    LOOK,
    RECORDED,
    WEIGHT,
    features_as_of,
    look_dates,
)
from kpilib.engine.forecast.opportunities import CLOSED, CREATED, OPPORTUNITY, STATUS, split_as_of
from kpilib.engine.forecast.winmodel import BASELINE

REP_PROBABILITY = "probability"
HISTORY_FEATURES = ("age_days", "snapshots_before", "days_since_change")


@dataclass(frozen=True, slots=True)
class HistoryRows:
    """Rows for the model as of `as_of` and the names of their feature columns."""

    as_of: date
    training: pl.DataFrame
    open: pl.DataFrame
    feature_columns: tuple[str, ...]


def rows_as_of(
    opportunities: pl.DataFrame,
    snapshots: pl.DataFrame,
    *,
    as_of: date,
    every_days: int = 30,
    static_columns: tuple[str, ...] = (),
) -> HistoryRows:
    """`opportunities`: opportunity_id, created_on, status, closed_on (typed as
    opportunities.typed_opportunities gives them) and `static_columns`; `snapshots`:
    opportunity_id, recorded_on (Date) and text columns."""
    split = split_as_of(opportunities, as_of)
    snapshot_columns = [
        column for column in snapshots.columns if column not in (OPPORTUNITY, RECORDED)
    ]
    kept = [OPPORTUNITY, CREATED, *static_columns]
    closed = split.training.select(*kept, CLOSED, "won")
    training_looks = look_dates(closed, every_days=every_days)
    open_looks = split.open.select(*kept).with_columns(
        pl.lit(as_of).alias(LOOK), pl.lit(1.0).alias(WEIGHT)
    )
    known = snapshots.filter(pl.col(RECORDED) < as_of)
    training = _with_history(features_as_of(known, training_looks))
    still_open = _with_history(features_as_of(known, open_looks)).sort(OPPORTUNITY)
    features = [
        *static_columns,
        *(column for column in snapshot_columns if column != REP_PROBABILITY),
        *HISTORY_FEATURES,
    ]
    return HistoryRows(as_of, training.sort(CLOSED, OPPORTUNITY, LOOK), still_open, tuple(features))


def _with_history(looked: pl.DataFrame) -> pl.DataFrame:
    looked = looked.with_columns(
        (pl.col(LOOK) - pl.col(CREATED)).dt.total_days().alias("age_days"),
    )
    if REP_PROBABILITY in looked.columns:
        looked = looked.with_columns(pl.col(REP_PROBABILITY).alias(BASELINE))
    return looked.drop(STATUS, strict=False)
