"""High-value customers: realised value (golden), and the profile's effects and flag."""

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from kpilib.engine.customers import (
    ProfileError,
    customer_values,
    high_value_profile,
    wilson,
)

AS_OF = date(2026, 7, 1)


def opportunities(rows: list[tuple[str, str, str, str | None, str, float, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "opportunity_id": pl.String,
            "created_on": pl.String,
            "closed_on": pl.String,
            "status": pl.String,
            "amount": pl.Float64,
            "kind": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("created_on").str.to_date(), pl.col("closed_on").str.to_date())


def test_realised_value_counts_won_orders_in_the_horizon() -> None:
    # given C-1 with a first deal, a repurchase, an upsell and one order after 24 months;
    # C-2 whose first opportunity was lost; C-3 too recent to judge
    frame = opportunities(
        [
            ("C-1", "O-1", "2024-01-01", "2024-03-01", "won", 100.0, "new"),
            ("C-1", "O-2", "2024-06-01", "2024-09-01", "won", 50.0, "repurchase"),
            ("C-1", "O-3", "2025-01-01", "2025-02-01", "won", 30.0, "upsell"),
            ("C-1", "O-4", "2025-12-01", "2026-02-01", "won", 999.0, "repurchase"),
            ("C-2", "O-5", "2025-01-01", "2025-03-01", "lost", 80.0, "new"),
            ("C-3", "O-6", "2026-03-01", "2026-04-01", "won", 500.0, "new"),
            ("C-1", "O-7", "2026-08-01", None, "open", 10.0, "upsell"),
        ]
    )
    # when valued as of 2026-07-01 over 24 months
    values = customer_values(frame, as_of=AS_OF, horizon_months=24)
    # then C-1 has 180 in 24 observed months (the 2026 order falls after them),
    # repurchased and upsold; C-2 has nothing in 18 months; C-3 is not scored yet
    rows = {row["customer_id"]: row for row in values.iter_rows(named=True)}
    assert rows["C-1"]["revenue"] == 180.0
    assert rows["C-1"]["orders"] == 3
    assert (rows["C-1"]["repurchased"], rows["C-1"]["upsold"]) == (True, True)
    assert rows["C-1"]["value_per_year"] == pytest.approx(180 / (731 / 365.25))
    assert rows["C-2"]["value_per_year"] == 0.0
    assert rows["C-2"]["observed_months"] == pytest.approx(546 / (365.25 / 12))
    assert rows["C-3"]["scored"] is False
    assert rows["C-3"]["high_value"] is None
    # the top quartile of two scored customers: C-1
    assert (rows["C-1"]["high_value"], rows["C-2"]["high_value"]) == (True, False)


def test_the_horizon_is_24_to_36_months() -> None:
    with pytest.raises(ProfileError, match="between 24 and 36 months"):
        customer_values(opportunities([]), as_of=AS_OF, horizon_months=12)


def synthetic_customers(count: int, seed: int = 3) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Customers whose value depends on industry (finance up) and a POC at the first deal."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(["finance", "retail", "energy"], count)
    poc = rng.random(count) < 0.5
    region = rng.choice(["north", "south"], count)
    latent = 1.6 * (industry == "finance") + 1.2 * poc + rng.normal(0, 0.6, count)
    rows = []
    for index in range(count):
        customer = f"C-{index:04d}"
        start = date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 600)))
        orders = 1 + int(max(0.0, latent[index]) * 1.5)
        for order in range(orders):
            created = start + timedelta(days=120 * order)
            rows.append(
                (
                    customer,
                    f"O-{index:04d}-{order}",
                    created.isoformat(),
                    (created + timedelta(days=30)).isoformat(),
                    "won",
                    float(40 + 20 * latent[index]),
                    "new" if order == 0 else "upsell",
                )
            )
    characteristics = pl.DataFrame(
        {
            "customer_id": [f"C-{index:04d}" for index in range(count)],
            "industry": industry,
            "poc": np.where(poc, "yes", "no"),
            "region": region,
        }
    )
    return opportunities(rows), characteristics


def test_the_profile_finds_what_separates_high_value_customers() -> None:
    # given customers where finance and a first-deal POC make value, region does not
    frame, characteristics = synthetic_customers(300)
    values = customer_values(frame, as_of=AS_OF, horizon_months=24)
    # when the profile is learned
    profile = high_value_profile(
        values, characteristics, as_of=AS_OF, columns=["industry", "poc", "region"]
    )
    # then a quarter are high-value, and finance and POC have clear odds ratios above 1
    assert profile.high_value == pytest.approx(profile.customers / 4, abs=3)
    effects = {(effect.feature, effect.level): effect for effect in profile.effects}
    poc = effects[("poc", "yes")]
    assert poc.reference == "no"
    assert poc.clear
    assert poc.odds_ratio > 1
    assert poc.low < poc.odds_ratio < poc.high
    # finance is the most frequent industry here, so the others are compared with it
    retail = effects[("industry", "retail")]
    assert (retail.reference, retail.clear, retail.high < 1) == ("finance", True, True)
    assert not effects[("region", "south")].clear
    rates = {(rate.feature, rate.level): rate for rate in profile.rates}
    assert rates[("industry", "finance")].lift > 1 > rates[("industry", "retail")].lift
    assert rates[("poc", "yes")].low <= rates[("poc", "yes")].rate <= rates[("poc", "yes")].high


def test_new_opportunities_that_look_like_high_value_customers_are_flagged() -> None:
    # given the learned profile
    frame, characteristics = synthetic_customers(300)
    values = customer_values(frame, as_of=AS_OF, horizon_months=24)
    profile = high_value_profile(
        values, characteristics, as_of=AS_OF, columns=["industry", "poc", "region"]
    )
    # when two new opportunities are checked
    new = pl.DataFrame(
        {"industry": ["finance", "retail"], "poc": ["yes", "no"], "region": ["north", "north"]}
    )
    # then the finance deal with a POC looks high-value, the retail one without does not
    assert profile.looks_high_value(new).tolist() == [True, False]


def test_too_few_customers_is_refused() -> None:
    frame, characteristics = synthetic_customers(20)
    values = customer_values(frame, as_of=AS_OF, horizon_months=24)
    with pytest.raises(ProfileError, match="a profile needs at least 30"):
        high_value_profile(values, characteristics, as_of=AS_OF, columns=["industry"])


def test_wilson_interval_matches_the_textbook_value() -> None:
    # 8 of 10: 95% Wilson interval 0.4902–0.9433
    low, high = wilson(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
