"""Demo opportunities: a seeded CRM history whose outcomes follow known effects.

Each opportunity belongs to a customer (industry, size, region) and has what a CRM
export carries at the time it is worked: product, whether a POC ran, how many days the
first technical response took, competitors, amount and the rep's stage probability.
Its outcome is drawn from a logistic model with stated effects (`EFFECTS`), so a model
trained on it has something true to find and a test can check the direction of what it
found, never a lucky margin. Opportunities closing after `exported_on` are open in the
export (status `open`, no close date). Vectorised with NumPy; no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

INDUSTRIES = ("finance", "manufacturing", "government", "retail", "energy", "healthcare")
INDUSTRY_EFFECT = {
    "finance": 0.5,
    "manufacturing": 0.1,
    "government": -0.3,
    "retail": -0.4,
    "energy": 0.2,
    "healthcare": 0.0,
}
REGIONS = ("north", "east", "south", "west")
SIZES = ("small", "medium", "large", "enterprise")
PRODUCTS = ("data-platform", "security", "cloud-migration", "analytics")
EFFECTS = {
    "intercept": -0.6,
    "poc": 1.2,
    "response_days": -0.12,
    "competitors": -0.35,
    "enterprise": 0.4,
}


@dataclass(frozen=True, slots=True)
class OpportunityHistory:
    """A flat opportunity export (one row per opportunity, all text, §9 columns) and
    the true outcome of every row, also those still open at export."""

    export: pl.DataFrame
    truth: pl.DataFrame


def generate_history(
    *,
    count: int,
    start: date,
    days: int,
    exported_on: date,
    seed: int,
    customers: int | None = None,
) -> OpportunityHistory:
    """`count` opportunities created over `days` days from `start`, exported on `exported_on`."""
    rng = np.random.default_rng(seed)
    customer_count = customers or max(10, count // 4)
    customer_industry = rng.integers(0, len(INDUSTRIES), customer_count)
    customer_region = rng.integers(0, len(REGIONS), customer_count)
    customer_size = rng.choice(len(SIZES), customer_count, p=[0.35, 0.35, 0.2, 0.1])
    customer = rng.integers(0, customer_count, count)
    created = rng.integers(0, days, count)
    duration = rng.integers(20, 200, count)
    poc = rng.random(count) < 0.4
    response = rng.gamma(2.0, 2.0, count).round(1)
    competitors = rng.poisson(1.5, count)
    product = rng.integers(0, len(PRODUCTS), count)
    amount = np.round(rng.lognormal(3.5, 0.8, count), 1)
    industry = customer_industry[customer]
    enterprise = customer_size[customer] == SIZES.index("enterprise")
    logit = (
        EFFECTS["intercept"]
        + EFFECTS["poc"] * poc
        + EFFECTS["response_days"] * (response - 4.0)
        + EFFECTS["competitors"] * (competitors - 1.5)
        + EFFECTS["enterprise"] * enterprise
        + np.array([INDUSTRY_EFFECT[name] for name in INDUSTRIES])[industry]
    )
    won = rng.random(count) < 1.0 / (1.0 + np.exp(-logit))
    rep_probability = np.clip(
        np.round(100 / (1 + np.exp(-(logit + rng.normal(0, 1.0, count)))), -1), 10, 90
    )
    ids = [f"O-{number:06d}" for number in range(1, count + 1)]
    base = np.datetime64(start.isoformat(), "D")
    created_on = base + created.astype("timedelta64[D]")
    closed_on = created_on + duration.astype("timedelta64[D]")
    truth = pl.DataFrame(
        {
            "opportunity_id": ids,
            "customer_id": [f"C-{number:05d}" for number in customer + 1],
            "created_on": created_on,
            "closed_on": closed_on,
            "won": won,
        }
    )
    export_day = np.datetime64(exported_on.isoformat(), "D")
    is_open = closed_on >= export_day
    export = pl.DataFrame(
        {
            "opportunity_id": ids,
            "customer_id": truth.get_column("customer_id"),
            "created_on": created_on.astype(str),
            "status": np.where(is_open, "open", np.where(won, "won", "lost")),
            "closed_on": np.where(is_open, "", closed_on.astype(str)),
            "industry": np.array(INDUSTRIES)[industry],
            "region": np.array(REGIONS)[customer_region[customer]],
            "company_size": np.array(SIZES)[customer_size[customer]],
            "product": np.array(PRODUCTS)[product],
            "poc": np.where(poc, "yes", "no"),
            "response_days": response.astype(str),
            "competitors": competitors.astype(str),
            "amount": amount.astype(str),
            "stage_probability": rep_probability.astype(int).astype(str),
        }
    ).with_columns(pl.col("closed_on").replace("", None))
    created_rows = truth.get_column("created_on") < exported_on
    return OpportunityHistory(export.filter(created_rows), truth.filter(created_rows))


def days_before(day: date, count: int) -> date:
    return day - timedelta(days=count)
