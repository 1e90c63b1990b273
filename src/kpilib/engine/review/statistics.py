"""The statistics of the quarterly review, each with its sample size.

- Pearson r of two columns, per group of rows (`grouped_correlations`): pairs where
  both values are present; n = the number of pairs. r is undefined (null) when n < 2 or
  either column is constant among the pairs (max = min, checked exactly, so a constant
  shifted by any amount stays constant). A `Statistic`'s status is `not_enough_data`
  when n is below the minimum, `undefined` when r is null, else `ok`; only `ok` values
  lead to conclusions.
- Variance inflation factor (`variance_inflation`): VIF_j = 1 / (1 − R²_j), R²_j of the
  least-squares regression of column j on the other columns (with an intercept), over
  rows complete in every column. A constant column has no VIF and is left out of the
  others' regressions; R²_j within 1e-12 of 1 is exact collinearity (VIF infinite,
  reported as null with status `collinear`).
Excludes: thresholds and what they mean (indicators.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl
from numpy.typing import NDArray

COLLINEAR = 1e-12


class StatisticStatus(StrEnum):
    OK = "ok"
    NOT_ENOUGH_DATA = "not_enough_data"
    UNDEFINED = "undefined"
    COLLINEAR = "collinear"


@dataclass(frozen=True, slots=True)
class Statistic:
    """A number the review computed, the sample it came from, and whether it can be used."""

    value: float | None
    n: int
    status: StatisticStatus

    @property
    def usable(self) -> bool:
        return self.status is StatisticStatus.OK and self.value is not None

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "n": self.n, "status": self.status.value}

    @staticmethod
    def of(value: float | None, n: int, minimum: int) -> Statistic:
        if n < minimum:
            return Statistic(None if value is None else value, n, StatisticStatus.NOT_ENOUGH_DATA)
        if value is None:
            return Statistic(None, n, StatisticStatus.UNDEFINED)
        return Statistic(value, n, StatisticStatus.OK)


def correlation(x: pl.Expr, y: pl.Expr) -> pl.Expr:
    """Pearson r of x and y over rows where both are present; null when undefined."""
    both = x.is_not_null() & y.is_not_null()
    xs, ys = x.filter(both), y.filter(both)
    constant = (xs.max() == xs.min()) | (ys.max() == ys.min())
    r = pl.corr(xs, ys, method="pearson")
    return (
        pl.when((both.sum() >= 2) & ~constant & r.is_finite())
        .then(r.clip(-1.0, 1.0))
        .otherwise(None)
        .cast(pl.Float64)
    )


def pair_count(x: pl.Expr, y: pl.Expr) -> pl.Expr:
    return (x.is_not_null() & y.is_not_null()).sum().cast(pl.Int64)


def grouped_correlations(frame: pl.DataFrame, by: Sequence[str], x: str, y: str) -> pl.DataFrame:
    """One row per group: the `by` columns, `r` (null when undefined) and `n`."""
    if frame.is_empty():
        schema = pl.Schema(
            [*((name, frame.schema[name]) for name in by), ("r", pl.Float64), ("n", pl.Int64)]
        )
        return pl.DataFrame(schema=schema)
    return frame.group_by(list(by), maintain_order=True).agg(
        correlation(pl.col(x), pl.col(y)).alias("r"), pair_count(pl.col(x), pl.col(y)).alias("n")
    )


def variance_inflation(matrix: NDArray[np.float64], minimum: int) -> list[Statistic]:
    """VIF of each column of `matrix` (rows: employees; NaN: not scored), see module doc."""
    complete = matrix[~np.isnan(matrix).any(axis=1)] if matrix.size else matrix
    n = int(complete.shape[0])
    columns = int(matrix.shape[1])
    if n < minimum:
        return [Statistic(None, n, StatisticStatus.NOT_ENOUGH_DATA) for _ in range(columns)]
    varying = [j for j in range(columns) if complete[:, j].max() != complete[:, j].min()]
    results: list[Statistic] = []
    for j in range(columns):
        others = [k for k in varying if k != j]
        if j not in varying or not others:
            results.append(Statistic(None, n, StatisticStatus.UNDEFINED))
            continue
        target = complete[:, j]
        design = np.column_stack([np.ones(n), complete[:, others]])
        coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
        residual = target - design @ coefficients
        centred = target - target.mean()
        unexplained = float(residual @ residual) / float(centred @ centred)
        if unexplained < COLLINEAR:
            results.append(Statistic(None, n, StatisticStatus.COLLINEAR))
        else:
            results.append(Statistic(1.0 / unexplained, n, StatisticStatus.OK))
    return results
