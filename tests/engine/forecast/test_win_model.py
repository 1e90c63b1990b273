"""The win model: eligibility gate, leakage (as-of), calibration choice, factors, card."""

from datetime import date

import numpy as np
import polars as pl
import pytest

from kpilib.demo.opportunities import generate_history
from kpilib.engine.forecast.features import type_features
from kpilib.engine.forecast.opportunities import REQUIRED, split_as_of, typed_opportunities
from kpilib.engine.forecast.winmodel import (
    MIN_CLOSED,
    Calibration,
    EligibilityError,
    Factor,
    ModelKind,
    WinModel,
    factor_text,
    train_win_model,
)
from kpilib.tabular import LINE

AS_OF = date(2026, 1, 1)


def export(count: int, seed: int = 7) -> pl.DataFrame:
    history = generate_history(
        count=count, start=date(2024, 1, 1), days=760, exported_on=date(2026, 4, 1), seed=seed
    )
    return history.export


def trained(frame: pl.DataFrame, as_of: date = AS_OF) -> tuple[WinModel, pl.DataFrame]:
    typed = typed_opportunities(frame, file="deals.csv")
    columns = [column for column in typed.columns if column not in (*REQUIRED, LINE)]
    split = split_as_of(typed, as_of)
    model = train_win_model(split.training, type_features(typed, columns).features, as_of=as_of)
    return model, split.open


def closed_rows(count: int, *, won_every: int) -> pl.DataFrame:
    """`count` deals closed in 2025, every `won_every`-th won (0: none won)."""
    days = [date(2025, 1, 1) + np.timedelta64(3 * index, "D").item() for index in range(count)]
    return pl.DataFrame(
        {
            "opportunity_id": [f"O-{index:03d}" for index in range(count)],
            "created_on": ["2024-12-01"] * count,
            "status": [
                "won" if won_every and index % won_every == 0 else "lost" for index in range(count)
            ],
            "closed_on": [day.isoformat() for day in days],
            "poc": ["yes" if index % 2 else "no" for index in range(count)],
        }
    )


def test_the_gate_refuses_fewer_than_fifty_closed_opportunities() -> None:
    # given 49 deals closed before the prediction date
    frame = closed_rows(MIN_CLOSED - 1, won_every=3)
    # when a model is asked for
    with pytest.raises(EligibilityError) as raised:
        trained(frame, as_of=date(2026, 6, 1))
    # then it refuses and says how many it has and needs
    assert str(raised.value) == (
        "49 opportunities closed before 2026-06-01; a win model needs at least 50"
    )


def test_the_gate_refuses_a_single_outcome() -> None:
    # given 60 closed deals, all lost
    frame = closed_rows(60, won_every=0)
    # when a model is asked for
    with pytest.raises(EligibilityError) as raised:
        trained(frame, as_of=date(2026, 6, 1))
    # then it refuses rather than predicting "lost" for everything
    assert "were lost; a win model needs both won and lost ones" in str(raised.value)


def test_the_gate_lets_fifty_closed_opportunities_through() -> None:
    # given exactly 50 closed deals with both outcomes
    frame = closed_rows(MIN_CLOSED, won_every=3)
    # when trained
    model, _ = trained(frame, as_of=date(2026, 6, 1))
    # then there is a model, validated on the latest-closed 20%
    assert (model.card.n_train, model.card.validation.n) == (50, 10)


def test_later_outcomes_never_reach_the_model() -> None:
    # given an export, and the same export with every outcome from the prediction date
    # on blanked, and one with those outcomes reversed
    frame = export(400)
    closed_on = pl.col("closed_on").str.to_date()
    later = closed_on.is_not_null() & (closed_on >= AS_OF)
    blanked = frame.with_columns(
        pl.when(later).then(pl.lit("open")).otherwise(pl.col("status")).alias("status"),
        pl.when(later).then(None).otherwise(pl.col("closed_on")).alias("closed_on"),
    )
    flipped = frame.with_columns(
        pl.when(later)
        .then(pl.col("status").replace({"won": "lost", "lost": "won"}))
        .otherwise(pl.col("status"))
        .alias("status")
    )
    assert frame.filter(later).height > 20
    # when each is trained and predicts as of the same date
    results = []
    for version in (frame, blanked, flipped):
        model, open_rows = trained(version)
        probability, factors = model.predict(open_rows)
        results.append(
            (open_rows.get_column("opportunity_id").to_list(), probability, factors, model.card)
        )
    # then the predictions, factors and cards are identical
    reference = results[0]
    for other in results[1:]:
        assert other[0] == reference[0]
        np.testing.assert_array_equal(other[1], reference[1])
        assert other[2] == reference[2]
        assert other[3] == reference[3]


def test_validation_holds_out_the_latest_closed_fifth_and_small_data_is_platt_scaled() -> None:
    # given a few hundred closed deals
    model, _ = trained(export(400))
    card = model.card
    # then 20% are held out, sigmoid calibration is used under 1,000 rows, only the
    # logistic model is tried under 500, and the calibration plot covers the held-out rows
    assert card.validation.n == round(card.n_train * 0.2)
    assert card.calibration is Calibration.SIGMOID
    assert card.kind is ModelKind.LOGISTIC
    assert list(card.candidates) == ["logistic_regression"]
    assert sum(point.n for point in card.calibration_points) == card.validation.n
    assert card.n_won + card.n_lost == card.n_train
    assert card.last_closed < AS_OF


def test_with_enough_data_boosting_competes_and_isotonic_calibration_is_used() -> None:
    # given more than a thousand closed deals
    model, open_rows = trained(export(1700, seed=11))
    card = model.card
    # then both candidates were validated, the better Brier was chosen, isotonic applied
    assert set(card.candidates) == {"logistic_regression", "gradient_boosting"}
    best = min(card.candidates.values(), key=lambda score: score.brier)
    assert card.validation == best
    assert card.calibration is Calibration.ISOTONIC
    assert open_rows.height > 0


def test_the_model_finds_the_true_effects_and_explains_each_prediction() -> None:
    # given deals where a POC raises and competitors lower the chance (demo.EFFECTS)
    model, open_rows = trained(export(600))
    # when the open deals are predicted
    probability, factors = model.predict(open_rows)
    # then probabilities are probabilities, factors are at most 5, strongest first
    assert ((probability > 0) & (probability < 1)).all()
    assert all(len(row) <= 5 for row in factors)
    for row in factors:
        strengths = [abs(factor.effect) for factor in row]
        assert strengths == sorted(strengths, reverse=True)
    poc = [(f.value, f.effect) for row in factors for f in row if f.feature == "poc"]
    assert poc
    assert all((effect > 0) == (value == "yes") for value, effect in poc)
    importance = {item.name: item.importance for item in model.card.features}
    assert importance["poc"] > importance["region"]
    assert abs(sum(importance.values()) - 1) < 1e-9


def test_the_same_data_gives_the_same_model() -> None:
    # given one export trained twice
    frame = export(300)
    first, open_rows = trained(frame)
    second, _ = trained(frame)
    # then cards and predictions are identical (seeded)
    assert first.card == second.card
    np.testing.assert_array_equal(first.probabilities(open_rows), second.probabilities(open_rows))


def test_reps_own_probabilities_are_compared_on_the_held_out_rows() -> None:
    # given an export carrying the reps' stage probability as the baseline
    typed = typed_opportunities(export(300), file="deals.csv")
    split = split_as_of(typed, AS_OF)
    training = split.training.with_columns(pl.col("stage_probability").alias("baseline"))
    columns = [column for column in typed.columns if column not in (*REQUIRED, LINE)]
    # when trained
    model = train_win_model(training, type_features(typed, columns).features, as_of=AS_OF)
    # then the card has both Brier scores on the same held-out rows
    baseline = model.card.baseline
    assert baseline is not None
    assert baseline.n == model.card.validation.n
    assert baseline.model_brier == pytest.approx(model.card.validation.brier)
    assert 0 < baseline.brier < 1


def test_factors_read_as_plain_sentences_in_both_languages() -> None:
    # given a factor
    factor = Factor("poc", "yes", 0.183)
    # then it reads in English and Chinese
    assert factor_text(factor, "en", "POC") == "POC yes: raises the win probability by 18.3 points"
    assert factor_text(factor, "zh-Hans", "POC") == "POC为是：赢率提高 18.3 个百分点"
    assert factor_text(Factor("response_days", None, -0.05), "en") == (
        "response_days unknown: lowers the win probability by 5 points"
    )
