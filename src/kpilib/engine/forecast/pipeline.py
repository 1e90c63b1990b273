"""Predictions as facts: what the model says about the open pipeline, per team member.

For every open opportunity o with win probability p(o), amount a(o), and every team
member m whose role is in `roles` with split s(m) percent, three facts dated `as_of`:
- `win_probability` = p(o) (summed per engineer: `expected_technical_wins`, the
  expected number of technical wins in the open pipeline);
- `pipeline_amount` = a(o) × s(m) / 100 (the engineer's share of the open pipeline);
- `expected_pipeline_amount` = p(o) × a(o) × s(m) / 100.
Each fact's `external_id` is `win:<opportunity>:<member>:<metric>`, so a later run
updates the same fact instead of adding one, and `model_version` says which model made
it. An opportunity without an amount gets no amount facts. Excludes: training.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

PREDICTION_METRICS = ("win_probability", "pipeline_amount", "expected_pipeline_amount")
SOURCE = "win_model"


def pipeline_facts(
    open_deals: pl.DataFrame,
    probability: npt.NDArray[np.float64],
    team: pl.DataFrame,
    *,
    as_of: date,
    model_version: str,
    roles: Sequence[str] = ("presales", "solution_architect"),
) -> pl.DataFrame:
    """Facts (employee_id, metric, occurred_on, value, customer_id, project_id, source,
    external_id, model_version) for `open_deals` (opportunity_id, customer_id, amount)
    predicted `probability`, through `team` (opportunity_id, employee_id, role, split)."""
    deals = open_deals.select(
        "opportunity_id",
        pl.col("customer_id").cast(pl.String),
        pl.col("amount").cast(pl.Float64, strict=False),
    ).with_columns(pl.Series("probability", probability, dtype=pl.Float64))
    members = team.filter(pl.col("role").is_in(list(roles))).select(
        "opportunity_id", "employee_id", pl.col("split").cast(pl.Float64)
    )
    joined = members.join(deals, on="opportunity_id", how="inner")
    share = pl.col("amount") * pl.col("split") / 100.0
    values = {
        "win_probability": pl.col("probability"),
        "pipeline_amount": share,
        "expected_pipeline_amount": pl.col("probability") * share,
    }
    frames = [
        joined.select(
            pl.col("employee_id"),
            pl.lit(metric).alias("metric"),
            pl.lit(as_of).alias("occurred_on"),
            value.alias("value"),
            pl.col("customer_id"),
            pl.col("opportunity_id").alias("project_id"),
            pl.lit(SOURCE).alias("source"),
            pl.format("win:{}:{}:{}", "opportunity_id", "employee_id", pl.lit(metric)).alias(
                "external_id"
            ),
            pl.lit(model_version).alias("model_version"),
        ).filter(pl.col("value").is_not_null())
        for metric, value in values.items()
    ]
    return pl.concat(frames).sort("employee_id", "project_id", "metric")
