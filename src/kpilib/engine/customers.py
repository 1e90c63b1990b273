"""High-value customers: realised value, and what set them apart at their first opportunity.

Realised value, per customer, over the `horizon_months` (24–36, default 24) from the
day its first opportunity was created, cut at `as_of`:
revenue = Σ amount of its won opportunities closed in that window; orders = how many;
repurchased = a second won order in the window; upsold = a won order of kind `upsell`;
value per year = revenue ÷ observed years (observed = window ∩ before `as_of`).
Customers observed fewer than `min_observed_months` (default 12) are not scored yet.
A customer is *high-value* when its value per year is in the top quartile of the scored
customers (at or above the 75th percentile, linear interpolation).

Profile: the characteristics of each customer's first opportunity (typed by the §9 rules:
numbers, flags, categories) against being high-value.
- per level: customers, high-value rate with its 95% Wilson interval, and lift (rate ÷
  overall rate);
- adjusted effects: an L2-regularised logistic regression of high-value on every
  characteristic together (a category against its most frequent level, a number per
  standard deviation, a flag yes against no), reported as odds ratios with 95% intervals
  from `BOOTSTRAP` seeded bootstrap refits (percentile method); an effect is clear when its
  interval excludes 1.
The flag on a new opportunity: the model's probability is at or above the 75th percentile
of the scored customers' fitted probabilities (so it flags about as many as are
high-value). Needs `MIN_CUSTOMERS` scored customers with `MIN_PER_CLASS` of each kind.
Excludes: attribution to employees (attribution.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from kpilib.engine.errors import EngineError
from kpilib.engine.forecast.features import (
    FeatureKind,
    FeatureSpec,
    encode,
    type_features,
    with_levels,
)

CUSTOMER = "customer_id"
HIGH_VALUE_QUANTILE = 0.75
BOOTSTRAP = 200
MIN_CUSTOMERS = 30
MIN_PER_CLASS = 5
Z95 = 1.959963984540054
SEED = 0


class ProfileError(EngineError):
    """Too few customers, or of one kind only, to learn a profile."""


def customer_values(
    opportunities: pl.DataFrame,
    *,
    as_of: date,
    horizon_months: int = 24,
    min_observed_months: int = 12,
) -> pl.DataFrame:
    """Realised value per customer (module docstring).

    `opportunities`: customer_id, opportunity_id, created_on, closed_on (Date), status
    (won/lost/open), amount (Float64), and optionally kind (new/repurchase/upsell).
    Result, one row per customer seen before `as_of`: customer_id, first_opportunity_id,
    first_on, observed_months, revenue, orders, repurchased, upsold, value_per_year,
    scored, high_value (null when not scored).
    """
    if not 24 <= horizon_months <= 36:
        raise ProfileError("the value horizon must be between 24 and 36 months")
    seen = opportunities.filter(pl.col("created_on") < as_of)
    firsts = (
        seen.sort("created_on", "opportunity_id")
        .group_by(CUSTOMER, maintain_order=True)
        .agg(
            pl.col("opportunity_id").first().alias("first_opportunity_id"),
            pl.col("created_on").first().alias("first_on"),
        )
        .with_columns(pl.col("first_on").dt.offset_by(f"{horizon_months}mo").alias("horizon_end"))
    )
    has_kind = "kind" in seen.columns
    won = seen.filter(pl.col("status") == "won", pl.col("closed_on") < as_of).join(
        firsts.select(CUSTOMER, "first_on", "horizon_end"), on=CUSTOMER
    )
    in_window = won.filter(pl.col("closed_on") < pl.col("horizon_end"))
    upsold = (pl.col("kind") == "upsell").any() if has_kind else pl.lit(False)
    totals = in_window.group_by(CUSTOMER).agg(
        pl.col("amount").sum().alias("revenue"),
        pl.len().alias("orders"),
        upsold.alias("upsold"),
    )
    observed_end = pl.min_horizontal(pl.col("horizon_end"), pl.lit(as_of))
    observed_days = (observed_end - pl.col("first_on")).dt.total_days()
    values = firsts.join(totals, on=CUSTOMER, how="left").with_columns(
        pl.col("revenue").fill_null(0.0),
        pl.col("orders").fill_null(0).cast(pl.Int64),
        pl.col("upsold").fill_null(False),
        (observed_days / (365.25 / 12)).alias("observed_months"),
    )
    values = values.with_columns(
        (pl.col("orders") >= 2).alias("repurchased"),
        (pl.col("revenue") / (pl.col("observed_months") / 12)).alias("value_per_year"),
        (pl.col("observed_months") >= min_observed_months).alias("scored"),
    )
    scored_values = values.filter(pl.col("scored")).get_column("value_per_year")
    cutoff = (
        scored_values.quantile(HIGH_VALUE_QUANTILE, interpolation="linear")
        if scored_values.len()
        else None
    )
    high = (
        pl.when(pl.col("scored")).then(pl.col("value_per_year") >= cutoff)
        if cutoff is not None
        else pl.lit(None, dtype=pl.Boolean)
    )
    return values.with_columns(high.alias("high_value")).select(
        CUSTOMER,
        "first_opportunity_id",
        "first_on",
        "observed_months",
        "revenue",
        "orders",
        "repurchased",
        "upsold",
        "value_per_year",
        "scored",
        "high_value",
    )


@dataclass(frozen=True, slots=True)
class LevelRate:
    """How often customers with this characteristic became high-value."""

    feature: str
    level: str
    customers: int
    high_value: int
    rate: float
    low: float
    high: float
    lift: float


@dataclass(frozen=True, slots=True)
class Effect:
    """An adjusted effect as an odds ratio with its 95% bootstrap interval."""

    feature: str
    level: str
    reference: str
    odds_ratio: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        return self.low > 1.0 or self.high < 1.0


@dataclass(frozen=True, slots=True)
class Profile:
    """What separates high-value customers, and the model that flags look-alikes."""

    as_of: date
    customers: int
    high_value: int
    base_rate: float
    cutoff_value_per_year: float
    repurchase_rate: float
    upsell_rate: float
    rates: tuple[LevelRate, ...]
    effects: tuple[Effect, ...]
    specs: tuple[FeatureSpec, ...]
    threshold: float
    coefficients: tuple[float, ...]
    intercept: float
    centres: tuple[float, ...]
    scales: tuple[float, ...]
    references: tuple[float, ...]

    def probabilities(self, rows: pl.DataFrame) -> npt.NDArray[np.float64]:
        """Probability that a customer whose first opportunity looks like `rows` becomes
        high-value."""
        design = _design(encode(rows, self.specs), self.specs, self)
        score = design @ np.array(self.coefficients) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-score)), dtype=np.float64)

    def looks_high_value(self, rows: pl.DataFrame) -> npt.NDArray[np.bool_]:
        return np.asarray(self.probabilities(rows) >= self.threshold)


def high_value_profile(
    values: pl.DataFrame,
    characteristics: pl.DataFrame,
    *,
    as_of: date,
    columns: Sequence[str],
) -> Profile:
    """Learn the profile from `customer_values` and each customer's first-opportunity
    characteristics (`characteristics`: customer_id plus `columns` as text)."""
    scored = values.filter(pl.col("scored")).join(characteristics, on=CUSTOMER, how="inner")
    labels = scored.get_column("high_value").cast(pl.Int64).to_numpy()
    high_count = int(labels.sum())
    if scored.height < MIN_CUSTOMERS or min(high_count, scored.height - high_count) < MIN_PER_CLASS:
        raise ProfileError(
            f"{scored.height} customers observed long enough, {high_count} of them high-value; "
            f"a profile needs at least {MIN_CUSTOMERS}, with {MIN_PER_CLASS} of each kind"
        )
    typing = type_features(scored, list(columns))
    specs = with_levels(typing.features, scored)
    if not specs:
        raise ProfileError("no characteristics to compare: every column is an id, a date or text")
    matrix = encode(scored, specs)
    base_rate = high_count / scored.height
    rates = _level_rates(matrix, labels, specs, base_rate)
    centres, scales, references = _standardisation(matrix, specs)
    shape = _Shape(tuple(centres), tuple(scales), tuple(references))
    design = _design(matrix, specs, shape)
    with threadpool_limits(limits=1):
        model = LogisticRegression(C=1.0, max_iter=2000).fit(design, labels)
        effects = _effects(design, labels, specs, model, shape)
    fitted = model.predict_proba(design)[:, 1]
    cutoff = float(
        values.filter(pl.col("scored") & pl.col("high_value")).get_column("value_per_year").min()  # type: ignore[arg-type]
    )
    return Profile(
        as_of=as_of,
        customers=scored.height,
        high_value=high_count,
        base_rate=base_rate,
        cutoff_value_per_year=cutoff,
        repurchase_rate=float(scored.get_column("repurchased").mean()),  # type: ignore[arg-type]
        upsell_rate=float(scored.get_column("upsold").mean()),  # type: ignore[arg-type]
        rates=tuple(rates),
        effects=tuple(effects),
        specs=specs,
        threshold=float(np.quantile(fitted, HIGH_VALUE_QUANTILE)),
        coefficients=tuple(float(value) for value in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        centres=tuple(centres),
        scales=tuple(scales),
        references=tuple(references),
    )


@dataclass(frozen=True, slots=True)
class _Shape:
    centres: tuple[float, ...]
    scales: tuple[float, ...]
    references: tuple[float, ...]


def _standardisation(
    matrix: npt.NDArray[np.float64], specs: Sequence[FeatureSpec]
) -> tuple[list[float], list[float], list[float]]:
    """Per feature: centre and scale of a number; the reference (most frequent) level."""
    centres, scales, references = [], [], []
    for index, spec in enumerate(specs):
        column = matrix[:, index]
        present = column[~np.isnan(column)]
        if spec.kind is FeatureKind.NUMBER:
            centres.append(float(np.mean(present)) if present.size else 0.0)
            spread = float(np.std(present)) if present.size else 0.0
            scales.append(spread if spread > 0 else 1.0)
            references.append(math.nan)
        else:
            centres.append(0.0)
            scales.append(1.0)
            if spec.kind is FeatureKind.FLAG:
                references.append(0.0)
            else:
                levels, counts = np.unique(present, return_counts=True)
                references.append(float(levels[np.argmax(counts)]) if present.size else 0.0)
    return centres, scales, references


def _columns_of(spec: FeatureSpec, reference: float) -> list[tuple[str, float | None]]:
    """(level name, encoded level) of each design column of a feature (None: a number)."""
    match spec.kind:
        case FeatureKind.NUMBER:
            return [("per SD", None)]
        case FeatureKind.FLAG:
            return [("yes", 1.0)]
        case FeatureKind.CATEGORY:
            return [
                (level, float(index))
                for index, level in enumerate(spec.levels)
                if float(index) != reference
            ]


def _design(
    matrix: npt.NDArray[np.float64], specs: Sequence[FeatureSpec], shape: _Shape | Profile
) -> npt.NDArray[np.float64]:
    """Standardised numbers (missing at the mean), flag and level indicators."""
    columns: list[npt.NDArray[np.float64]] = []
    for index, spec in enumerate(specs):
        column = matrix[:, index]
        for _, level in _columns_of(spec, shape.references[index]):
            if level is None:
                filled = np.where(np.isnan(column), shape.centres[index], column)
                columns.append((filled - shape.centres[index]) / shape.scales[index])
            else:
                columns.append((column == level).astype(np.float64))
    return np.column_stack(columns) if columns else np.zeros((matrix.shape[0], 0))


def _effects(
    design: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    specs: Sequence[FeatureSpec],
    model: LogisticRegression,
    shape: _Shape,
) -> list[Effect]:
    rng = np.random.default_rng(SEED)
    rows = design.shape[0]
    draws = []
    for _ in range(BOOTSTRAP):
        sample = rng.integers(0, rows, rows)
        if len(np.unique(labels[sample])) < 2:
            continue
        refit = LogisticRegression(C=1.0, max_iter=2000).fit(design[sample], labels[sample])
        draws.append(refit.coef_[0])
    bootstrap = np.array(draws)
    effects: list[Effect] = []
    position = 0
    for index, spec in enumerate(specs):
        reference = _reference_name(spec, shape.references[index])
        for level_name, _ in _columns_of(spec, shape.references[index]):
            low, high = np.percentile(bootstrap[:, position], [2.5, 97.5])
            effects.append(
                Effect(
                    spec.name,
                    level_name,
                    reference,
                    float(np.exp(model.coef_[0][position])),
                    float(np.exp(low)),
                    float(np.exp(high)),
                )
            )
            position += 1
    return effects


def _reference_name(spec: FeatureSpec, reference: float) -> str:
    match spec.kind:
        case FeatureKind.NUMBER:
            return "mean"
        case FeatureKind.FLAG:
            return "no"
        case FeatureKind.CATEGORY:
            return spec.levels[int(reference)]


def _level_rates(
    matrix: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    specs: Sequence[FeatureSpec],
    base_rate: float,
) -> list[LevelRate]:
    rates = []
    for index, spec in enumerate(specs):
        if spec.kind is FeatureKind.NUMBER:
            continue
        column = matrix[:, index]
        levels = spec.levels if spec.kind is FeatureKind.CATEGORY else ("no", "yes")
        for code, level in enumerate(levels):
            members = column == float(code)
            count = int(members.sum())
            if count == 0:
                continue
            hits = int(labels[members].sum())
            low, high = wilson(hits, count)
            rate = hits / count
            rates.append(
                LevelRate(spec.name, level, count, hits, rate, low, high, rate / base_rate)
            )
    return rates


def wilson(hits: int, count: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion hits/count."""
    if count == 0:
        return 0.0, 1.0
    share = hits / count
    denominator = 1 + Z95**2 / count
    centre = (share + Z95**2 / (2 * count)) / denominator
    half = Z95 * math.sqrt(share * (1 - share) / count + Z95**2 / (4 * count**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
