"""As-of feature building from stage snapshots: nothing from the prediction date on is read."""

from datetime import date, timedelta

import numpy as np
import polars as pl

from kpilib.demo.opportunities import generate_history
from kpilib.engine.forecast.features import type_features
from kpilib.engine.forecast.history import rows_as_of
from kpilib.engine.forecast.opportunities import typed_opportunities
from kpilib.engine.forecast.winmodel import train_win_model

AS_OF = date(2026, 1, 1)
STAGES = ("qualify", "proposal", "negotiate")


def history() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Deals with a stage snapshot at creation, a third and two thirds of their life;
    won deals reach `negotiate` more often."""
    generated = generate_history(
        count=500, start=date(2024, 1, 1), days=760, exported_on=date(2026, 6, 1), seed=9
    )
    opportunities = typed_opportunities(
        generated.export.drop("stage_probability"), file="deals.csv"
    )
    rng = np.random.default_rng(4)
    truth = generated.truth
    rows = []
    for deal, created, closed, won in truth.select(
        "opportunity_id", "created_on", "closed_on", "won"
    ).iter_rows():
        length = (closed - created).days
        reach = 2 if won and rng.random() < 0.7 else int(rng.integers(0, 3))
        for step in range(reach + 1):
            recorded = created + timedelta(days=length * step // 3)
            probability = (10, 30, 60)[step]
            rows.append((deal, recorded, STAGES[step], str(probability)))
    snapshots = pl.DataFrame(
        rows,
        schema={
            "opportunity_id": pl.String,
            "recorded_on": pl.Date,
            "stage": pl.String,
            "probability": pl.String,
        },
        orient="row",
    )
    return opportunities, snapshots


def predictions(opportunities: pl.DataFrame, snapshots: pl.DataFrame):
    rows = rows_as_of(
        opportunities, snapshots, as_of=AS_OF, static_columns=("industry", "poc", "competitors")
    )
    specs = type_features(rows.training, rows.feature_columns).features
    model = train_win_model(rows.training, specs, as_of=AS_OF)
    probability, factors = model.predict(rows.open)
    return rows.open.get_column("opportunity_id").to_list(), probability, factors, model.card


def test_blanking_later_outcomes_and_snapshots_gives_identical_predictions() -> None:
    # given the full history, and the same history with every outcome and snapshot from
    # the prediction date on blanked (as it stood that morning), and one with them altered
    opportunities, snapshots = history()
    closed = pl.col("closed_on")
    later = closed.is_not_null() & (closed >= AS_OF)
    blanked_deals = opportunities.with_columns(
        pl.when(later).then(pl.lit("open")).otherwise(pl.col("status")).alias("status"),
        pl.when(later).then(None).otherwise(closed).alias("closed_on"),
    )
    earlier_snapshots = snapshots.filter(pl.col("recorded_on") < AS_OF)
    altered_snapshots = snapshots.with_columns(
        pl.when(pl.col("recorded_on") >= AS_OF)
        .then(pl.lit("closed-won"))
        .otherwise(pl.col("stage"))
        .alias("stage")
    )
    assert snapshots.height > earlier_snapshots.height
    # when each predicts as of the same date
    full = predictions(opportunities, snapshots)
    blanked = predictions(blanked_deals, earlier_snapshots)
    altered = predictions(opportunities, altered_snapshots)
    # then ids, probabilities, factors and model cards are identical
    for other in (blanked, altered):
        assert other[0] == full[0]
        np.testing.assert_array_equal(other[1], full[1])
        assert other[2] == full[2]
        assert other[3] == full[3]


def test_training_looks_at_deals_while_open_and_open_deals_on_the_date() -> None:
    # given the history
    opportunities, snapshots = history()
    # when rows are built as of the date
    rows = rows_as_of(opportunities, snapshots, as_of=AS_OF, static_columns=("industry",))
    # then every training look lies within its deal's open life, weights sum to one per
    # deal, open deals are looked at on the date, and the rep's probability is a baseline
    training = rows.training
    assert training.filter(
        (pl.col("look_on") <= pl.col("created_on")) | (pl.col("look_on") > pl.col("closed_on"))
    ).is_empty()
    per_deal = training.group_by("opportunity_id").agg(pl.col("weight").sum())
    assert (per_deal.get_column("weight") - 1).abs().max() < 1e-9
    assert set(rows.open.get_column("look_on")) == {AS_OF}
    assert "probability" not in rows.feature_columns
    assert "baseline" in training.columns
    assert rows.feature_columns == (
        "industry",
        "stage",
        "age_days",
        "snapshots_before",
        "days_since_change",
    )
