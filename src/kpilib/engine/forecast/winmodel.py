"""Win probability: train, validate, calibrate, predict and explain (product.md §9).

Eligibility gate: at least `MIN_CLOSED` (50) closed opportunities with both outcomes,
else `EligibilityError` with the reason; nothing falls back silently.

Validation is time-based: training rows are ordered by `closed_on` (then id) and the
latest-closed `HOLDOUT` (20%) of the opportunities are held out; rows that closed within
`gap_days` (default 30) before the first held-out close are left out of that fit too,
so a deal that closed just before the held-out window cannot teach the model about its
neighbours. Candidates are fitted on the earlier rows and scored on the held-out ones:
a regularised (L2) logistic regression always, and histogram gradient boosting when the
earlier rows number at least `MIN_BOOSTING_ROWS`. The lower held-out Brier score wins
(logistic on a tie); it is then refitted on every training row.

Calibration: sigmoid (Platt) when the fit has fewer than `ISOTONIC_FROM` (1,000) rows,
isotonic otherwise, by `CalibratedClassifierCV` over stratified folds (up to 3; a
minority outcome with a single row leaves the fit uncalibrated, and the card says so).

Per-opportunity factors: the effect of a feature is p(x) − p(x with that feature set to
its training baseline: the median of a number, the most frequent flag or level), in
probability points, signed; the `MAX_FACTORS` strongest are kept. Importance on the
card is the mean absolute effect over (up to `IMPORTANCE_ROWS`) training rows, scaled to
sum 1. Brier of the reps' own stage probabilities on the held-out rows is reported when
the rows carry one (`baseline`). Seeded throughout: the same input gives the same model.
Excludes: reading files and the as-of split (opportunities.py), typing (features.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from kpilib.engine.errors import EngineError
from kpilib.engine.forecast.features import (
    WEIGHT,
    FeatureKind,
    FeatureSpec,
    Matrix,
    encode,
    value_text,
    with_levels,
)
from kpilib.engine.forecast.opportunities import CLOSED, OPPORTUNITY

MIN_CLOSED = 50
HOLDOUT = 0.2
GAP_DAYS = 30
MIN_BOOSTING_ROWS = 500
ISOTONIC_FROM = 1000
MAX_FACTORS = 5
IMPORTANCE_ROWS = 2000
CALIBRATION_BINS = 10
SMALLEST_EFFECT = 0.001
SEED = 0
LABEL = "won"
BASELINE = "baseline"


class EligibilityError(EngineError):
    """The data cannot support a model; the message says why and what is needed."""


class ModelKind(StrEnum):
    LOGISTIC = "logistic_regression"
    BOOSTING = "gradient_boosting"


class Calibration(StrEnum):
    SIGMOID = "sigmoid"
    ISOTONIC = "isotonic"
    NONE = "none"


class _Classifier(Protocol):
    def predict_proba(self, features: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class CalibrationPoint:
    """One bin of the calibration plot: mean predicted vs observed win rate."""

    predicted: float
    observed: float
    n: int


@dataclass(frozen=True, slots=True)
class Score:
    """How well probabilities matched outcomes on held-out rows."""

    n: int
    auc: float | None
    brier: float


@dataclass(frozen=True, slots=True)
class Baseline:
    """The reps' own stage probabilities on the held-out rows that have one."""

    n: int
    brier: float
    model_brier: float


@dataclass(frozen=True, slots=True)
class Importance:
    name: str
    kind: FeatureKind
    importance: float


@dataclass(frozen=True, slots=True)
class ModelCard:
    """What a person needs to judge the model: data, counts, validation, features."""

    as_of: date
    kind: ModelKind
    calibration: Calibration
    n_train: int
    n_won: int
    n_lost: int
    first_closed: date
    last_closed: date
    gap_days: int
    validation: Score
    calibration_points: tuple[CalibrationPoint, ...]
    candidates: dict[str, Score]
    features: tuple[Importance, ...]
    baseline: Baseline | None = None
    excluded: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The `model` object of the §9 JSON, with the card's further facts."""
        return {
            "kind": self.kind.value,
            "n_train": self.n_train,
            "validation": _score_json(self.validation),
            "features": [
                {"name": item.name, "importance": item.importance} for item in self.features
            ],
            "calibration": self.calibration.value,
            "data_window": {
                "first_closed": self.first_closed.isoformat(),
                "last_closed": self.last_closed.isoformat(),
            },
            "counts": {"won": self.n_won, "lost": self.n_lost},
            "gap_days": self.gap_days,
            "calibration_points": [
                {"predicted": point.predicted, "observed": point.observed, "n": point.n}
                for point in self.calibration_points
            ],
            "candidates": {name: _score_json(score) for name, score in self.candidates.items()},
            "baseline": None
            if self.baseline is None
            else {
                "n": self.baseline.n,
                "brier": self.baseline.brier,
                "model_brier": self.baseline.model_brier,
            },
            "excluded_columns": dict(self.excluded),
        }


def _score_json(score: Score) -> dict[str, Any]:
    return {"n": score.n, "auc": score.auc, "brier": score.brier}


@dataclass(frozen=True, slots=True)
class Factor:
    """One feature's signed contribution to one opportunity's probability."""

    feature: str
    value: str | None
    effect: float


@dataclass(frozen=True, slots=True)
class WinModel:
    """A fitted, calibrated win model with its card."""

    card: ModelCard
    specs: tuple[FeatureSpec, ...]
    classifier: _Classifier
    baselines: npt.NDArray[np.float64]

    def probabilities(self, rows: pl.DataFrame, *, threads: int = 1) -> npt.NDArray[np.float64]:
        """Calibrated win probability of each row."""
        with threadpool_limits(limits=threads):
            return _win_probability(self.classifier, encode(rows, self.specs))

    def predict(
        self, rows: pl.DataFrame, *, max_factors: int = MAX_FACTORS, threads: int = 1
    ) -> tuple[npt.NDArray[np.float64], list[list[Factor]]]:
        """Probabilities and each row's strongest factors (largest |effect| first)."""
        matrix = encode(rows, self.specs)
        with threadpool_limits(limits=threads):
            probability = _win_probability(self.classifier, matrix)
            effects = _effects(self.classifier, matrix, self.baselines, probability)
        factors: list[list[Factor]] = []
        order = np.argsort(-np.abs(effects), axis=1, kind="stable")
        for row in range(matrix.shape[0]):
            chosen = []
            for column in order[row, :max_factors]:
                effect = float(effects[row, column])
                if abs(effect) < SMALLEST_EFFECT:
                    break
                spec = self.specs[column]
                chosen.append(Factor(spec.name, value_text(spec, matrix[row, column]), effect))
            factors.append(chosen)
        return probability, factors


def train_win_model(
    training: pl.DataFrame,
    specs: Sequence[FeatureSpec],
    *,
    as_of: date,
    gap_days: int = GAP_DAYS,
    min_closed: int = MIN_CLOSED,
    excluded: dict[str, str] | None = None,
    threads: int = 1,
) -> WinModel:
    """Fit the win model on `training` (rows closed before `as_of`).

    `training` has opportunity_id, closed_on (Date), won (Boolean), the feature
    columns as text, and optionally `weight` (several looks at one opportunity) and
    `baseline` (the rep's probability, 0–1 or 0–100). Raises `EligibilityError`.
    `threads` caps the native thread pools: OpenMP spinning on a busy machine costs far
    more than it gains, so one thread is the default.
    """
    with threadpool_limits(limits=threads):
        return _trained(training, specs, as_of, gap_days, min_closed, excluded or {})


def _trained(
    training: pl.DataFrame,
    specs: Sequence[FeatureSpec],
    as_of: date,
    gap_days: int,
    min_closed: int,
    excluded: dict[str, str],
) -> WinModel:
    opportunities = training.get_column(OPPORTUNITY).n_unique()
    _check_eligible(training, opportunities, min_closed, as_of)
    if not specs:
        raise EligibilityError(
            "no feature columns: every other column is an id, a date or free text"
        )
    ordered = training.sort(CLOSED, OPPORTUNITY)
    fit_rows, held_out = _time_split(ordered, gap_days)
    fit_labels = fit_rows.get_column(LABEL)
    if fit_labels.n_unique() < 2 or held_out.is_empty():
        raise EligibilityError(
            f"the opportunities closed more than {gap_days} days before the latest "
            f"{HOLDOUT:.0%} have only one outcome; more history is needed to validate a model"
        )
    fit_specs = with_levels(specs, fit_rows)
    fit_x, fit_y, fit_w = _arrays(fit_rows, fit_specs)
    held_x, held_y, _ = _arrays(held_out, fit_specs)
    candidates: dict[str, Score] = {}
    held_probability: dict[ModelKind, npt.NDArray[np.float64]] = {}
    kinds = [ModelKind.LOGISTIC]
    if fit_rows.height >= MIN_BOOSTING_ROWS:
        kinds.append(ModelKind.BOOSTING)
    for kind in kinds:
        classifier, _ = _fit(kind, fit_specs, fit_x, fit_y, fit_w)
        probability = _win_probability(classifier, held_x)
        held_probability[kind] = probability
        candidates[kind.value] = _scored(held_y, probability)
    chosen = min(
        kinds, key=lambda kind: (round(candidates[kind.value].brier, 12), kinds.index(kind))
    )
    final_specs = with_levels(specs, ordered)
    all_x, all_y, all_w = _arrays(ordered, final_specs)
    classifier, calibration = _fit(chosen, final_specs, all_x, all_y, all_w)
    baselines = _baselines(all_x, final_specs)
    card = ModelCard(
        as_of=as_of,
        kind=chosen,
        calibration=calibration,
        n_train=opportunities,
        n_won=int(ordered.filter(pl.col(LABEL)).get_column(OPPORTUNITY).n_unique()),
        n_lost=int(ordered.filter(~pl.col(LABEL)).get_column(OPPORTUNITY).n_unique()),
        first_closed=ordered.get_column(CLOSED).min(),  # type: ignore[arg-type]
        last_closed=ordered.get_column(CLOSED).max(),  # type: ignore[arg-type]
        gap_days=gap_days,
        validation=candidates[chosen.value],
        calibration_points=_calibration_points(held_y, held_probability[chosen]),
        candidates=candidates,
        features=_importances(classifier, all_x, baselines, final_specs),
        baseline=_baseline(held_out, held_y, held_probability[chosen]),
        excluded=dict(excluded),
    )
    return WinModel(card, final_specs, classifier, baselines)


def _check_eligible(training: pl.DataFrame, opportunities: int, minimum: int, as_of: date) -> None:
    if opportunities < minimum:
        raise EligibilityError(
            f"{opportunities} opportunities closed before {as_of.isoformat()}; "
            f"a win model needs at least {minimum}"
        )
    outcomes = training.get_column(LABEL).unique().to_list()
    if len(outcomes) < 2:
        outcome = "won" if outcomes == [True] else "lost"
        raise EligibilityError(
            f"all {opportunities} opportunities closed before {as_of.isoformat()} were "
            f"{outcome}; a win model needs both won and lost ones"
        )


def _time_split(ordered: pl.DataFrame, gap_days: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows to fit, held-out rows): the latest-closed 20% of opportunities held out."""
    last_close = ordered.group_by(OPPORTUNITY).agg(pl.col(CLOSED).max()).sort(CLOSED, OPPORTUNITY)
    held_count = max(1, round(HOLDOUT * last_close.height))
    held_ids = last_close.tail(held_count).get_column(OPPORTUNITY)
    held = ordered.filter(pl.col(OPPORTUNITY).is_in(held_ids.implode()))
    first_held = held.get_column(CLOSED).min()
    assert isinstance(first_held, date)
    cut = first_held - _days(gap_days)
    earlier = ordered.filter(
        ~pl.col(OPPORTUNITY).is_in(held_ids.implode()) & (pl.col(CLOSED) < cut)
    )
    return earlier, held


def _days(count: int) -> timedelta:
    return timedelta(days=count)


def _arrays(
    rows: pl.DataFrame, specs: Sequence[FeatureSpec]
) -> tuple[Matrix, npt.NDArray[np.int64], npt.NDArray[np.float64] | None]:
    matrix = encode(rows, specs)
    labels = rows.get_column(LABEL).cast(pl.Int64).to_numpy()
    weights = (
        rows.get_column(WEIGHT).cast(pl.Float64).to_numpy() if WEIGHT in rows.columns else None
    )
    return matrix, labels, weights


def _fit(
    kind: ModelKind,
    specs: Sequence[FeatureSpec],
    matrix: Matrix,
    labels: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64] | None,
) -> tuple[_Classifier, Calibration]:
    """One candidate fitted and calibrated on these rows."""
    estimator = _estimator(kind, specs)
    minority = int(min(np.sum(labels == 1), np.sum(labels == 0)))
    folds = min(3, minority)
    if folds < 2:
        estimator.fit(matrix, labels, **_weight_parameter(kind, weights))
        return estimator, Calibration.NONE
    method = Calibration.SIGMOID if labels.shape[0] < ISOTONIC_FROM else Calibration.ISOTONIC
    calibrated = CalibratedClassifierCV(
        estimator, method=method.value, cv=StratifiedKFold(n_splits=folds)
    )
    calibrated.fit(matrix, labels, sample_weight=weights)
    return calibrated, method


def _weight_parameter(kind: ModelKind, weights: npt.NDArray[np.float64] | None) -> dict[str, Any]:
    return {} if weights is None else {"sample_weight": weights}


class _Logistic(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """L2-regularised logistic regression over imputed, scaled numbers and one-hot levels.

    One estimator (not a pipeline) so calibration passes sample weights to it.
    """

    def __init__(self, numbers: tuple[int, ...] = (), categories: tuple[int, ...] = ()) -> None:
        self.numbers = numbers
        self.categories = categories

    def fit(self, features: Matrix, labels: Any, sample_weight: Any = None) -> _Logistic:
        parts: list[tuple[str, Any, list[int]]] = []
        if self.numbers:
            parts.append(
                (
                    "numbers",
                    make_pipeline(
                        SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                    ),
                    list(self.numbers),
                )
            )
        if self.categories:
            parts.append(
                (
                    "categories",
                    make_pipeline(
                        SimpleImputer(strategy="constant", fill_value=-1.0),
                        OneHotEncoder(handle_unknown="ignore"),
                    ),
                    list(self.categories),
                )
            )
        self.columns_ = ColumnTransformer(parts, remainder="drop")
        self.model_ = LogisticRegression(C=1.0, max_iter=2000)
        self.model_.fit(self.columns_.fit_transform(features), labels, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, features: Matrix) -> Any:
        return self.model_.predict_proba(self.columns_.transform(features))

    def predict(self, features: Matrix) -> Any:
        return self.model_.predict(self.columns_.transform(features))


def _estimator(kind: ModelKind, specs: Sequence[FeatureSpec]) -> Any:
    """The unfitted candidate, seeded."""
    is_category = [spec.kind is FeatureKind.CATEGORY for spec in specs]
    if kind is ModelKind.BOOSTING:
        mask = np.array(is_category, dtype=bool)
        return HistGradientBoostingClassifier(
            learning_rate=0.06,
            max_iter=150,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            categorical_features=mask if mask.any() else None,
            early_stopping=False,
            random_state=SEED,
        )
    return _Logistic(
        numbers=tuple(index for index, flag in enumerate(is_category) if not flag),
        categories=tuple(index for index, flag in enumerate(is_category) if flag),
    )


def _win_probability(classifier: _Classifier, matrix: Matrix) -> npt.NDArray[np.float64]:
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    probability = np.asarray(classifier.predict_proba(matrix), dtype=np.float64)
    return probability[:, 1]


def _scored(labels: npt.NDArray[np.int64], probability: npt.NDArray[np.float64]) -> Score:
    auc = float(roc_auc_score(labels, probability)) if len(np.unique(labels)) == 2 else None
    return Score(int(labels.shape[0]), auc, float(brier_score_loss(labels, probability)))


def _calibration_points(
    labels: npt.NDArray[np.int64], probability: npt.NDArray[np.float64]
) -> tuple[CalibrationPoint, ...]:
    """Up to 10 bins of equal count by predicted probability."""
    if probability.shape[0] == 0:
        return ()
    order = np.argsort(probability, kind="stable")
    bins = np.array_split(order, min(CALIBRATION_BINS, probability.shape[0]))
    return tuple(
        CalibrationPoint(
            float(np.mean(probability[members])), float(np.mean(labels[members])), int(members.size)
        )
        for members in bins
        if members.size
    )


def _baselines(matrix: Matrix, specs: Sequence[FeatureSpec]) -> npt.NDArray[np.float64]:
    """Each feature's reference value: a number's median, a flag's or level's mode."""
    values = np.full(len(specs), np.nan)
    for index, spec in enumerate(specs):
        column = matrix[:, index]
        present = column[~np.isnan(column)]
        if present.size == 0:
            continue
        if spec.kind is FeatureKind.NUMBER:
            values[index] = float(np.median(present))
        else:
            levels, counts = np.unique(present, return_counts=True)
            values[index] = float(levels[np.argmax(counts)])
    return values


def _effects(
    classifier: _Classifier,
    matrix: Matrix,
    baselines: npt.NDArray[np.float64],
    probability: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """p(x) − p(x with feature j at its baseline), for every row and feature."""
    effects = np.zeros(matrix.shape, dtype=np.float64)
    for column in range(matrix.shape[1]):
        at_baseline = np.isclose(matrix[:, column], baselines[column]) | (
            np.isnan(matrix[:, column]) & np.isnan(baselines[column])
        )
        changed = ~at_baseline
        if not changed.any():
            continue
        moved = matrix[changed].copy()
        moved[:, column] = baselines[column]
        effects[changed, column] = probability[changed] - _win_probability(classifier, moved)
    return effects


def _importances(
    classifier: _Classifier,
    matrix: Matrix,
    baselines: npt.NDArray[np.float64],
    specs: Sequence[FeatureSpec],
) -> tuple[Importance, ...]:
    sample = matrix[-IMPORTANCE_ROWS:]
    effects = _effects(classifier, sample, baselines, _win_probability(classifier, sample))
    strength = np.mean(np.abs(effects), axis=0)
    total = float(np.sum(strength))
    shares = strength / total if total > 0 else strength
    ranked = sorted(
        (
            Importance(spec.name, spec.kind, float(share))
            for spec, share in zip(specs, shares, strict=True)
        ),
        key=lambda item: (-item.importance, item.name),
    )
    return tuple(ranked)


def _baseline(
    held_out: pl.DataFrame, labels: npt.NDArray[np.int64], probability: npt.NDArray[np.float64]
) -> Baseline | None:
    if BASELINE not in held_out.columns:
        return None
    rep = held_out.get_column(BASELINE).cast(pl.Float64, strict=False).to_numpy()
    present = ~np.isnan(rep)
    if not present.any():
        return None
    rep_share = rep / 100.0 if np.nanmax(rep) > 1.0 else rep
    return Baseline(
        int(present.sum()),
        float(brier_score_loss(labels[present], np.clip(rep_share[present], 0.0, 1.0))),
        float(brier_score_loss(labels[present], probability[present])),
    )


_FACTOR_WORDS = {
    "en": {
        "up": "{feature} {value}: raises the win probability by {points} points",
        "down": "{feature} {value}: lowers the win probability by {points} points",
        "unknown": "unknown",
        "yes": "yes",
        "no": "no",
    },
    "zh-Hans": {
        "up": "{feature}为{value}：赢率提高 {points} 个百分点",
        "down": "{feature}为{value}：赢率降低 {points} 个百分点",
        "unknown": "未知",
        "yes": "是",
        "no": "否",
    },
}


def factor_text(factor: Factor, language: str, label: str | None = None) -> str:
    """A factor in plain words: `poc yes: raises the win probability by 18 points`.

    `label` names the feature for people (the column name when None).
    """
    words = _FACTOR_WORDS["zh-Hans" if language == "zh-Hans" else "en"]
    value = factor.value if factor.value is not None else words["unknown"]
    value = words.get(value, value) if value in ("yes", "no") else value
    points = round(abs(factor.effect) * 100, 1)
    shown = f"{points:g}"
    template = words["up"] if factor.effect > 0 else words["down"]
    return template.format(feature=label or factor.feature, value=value, points=shown)
