"""Customer-success attribution: later orders of a customer credited to the team of the
won deal before them, by split, within a window, optionally decaying.

Inputs are facts, like every measure's. A won opportunity's team is written as one
*credit fact* per member (metric `deal_credit` by default): `employee_id` the member,
`occurred_on` the close date, `customer_id`, `project_id` the opportunity id, `value`
the member's split in percent (revenue splits of a deal add up to 100, overlay splits
need not) and the attribute `role` (`presales`, `solution_architect`, `sales`,
`delivery`, …). Outcome facts (an `upsell`, a `repurchase`, a `deal_amount`) carry the
customer, their date and amount, and their own order id (`external_id`, else
`project_id`), whoever their own `employee_id` is.

Rule, for an outcome fact of customer C on day t with amount v:
- its deal is the latest won opportunity of C closed strictly before t, provided
  t ≤ close + `after_months` months (default 12); an outcome with no such deal is
  credited to no one, and no deal is credited twice for one outcome;
- each member m of that deal whose role is in `roles` gets share(m) = split(m) / 100;
- decay d = 1 (none), or linear: 1 − (t − close) / (window end − close), from 1 on the
  day after close down towards 0 at the end of the window;
- credited amount = v × share × d (`sum`), share × d per order (`count`), and for
  `customers` each credited customer counts once per member, at the largest share × d
  among its orders.
Every credit keeps its trail: the order, its customer, date and amount, the deal, its
close date, the split and the decay. Vectorised: joins and one group-by, no loop.
Excludes: which outcomes fall in the appraisal period (the measure's date range).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

EMPLOYEE = "employee_id"
CUSTOMER = "customer_id"
DEAL = "project_id"
ORDER = "external_id"
ROLE = "role"
TRAIL_FIELDS = (
    "order",
    "metric",
    "customer",
    "on",
    "amount",
    "deal",
    "closed",
    "split",
    "decay",
    "credited",
)


def credits(
    facts: pl.LazyFrame,
    *,
    outcome_metrics: Sequence[str],
    credit_metric: str,
    roles: Sequence[str],
    after_months: int,
    linear_decay: bool,
    start: date,
    end: date,
    outcome_filter: pl.Expr | None = None,
) -> pl.LazyFrame:
    """One row per (outcome fact, credited member) for outcomes dated start..end.

    Columns: employee_id, order, metric, customer, on, amount, deal, closed, split
    (percent), share, decay, credited_value (amount × share × decay), credited
    (share × decay).
    """
    columns = facts.collect_schema().names()
    if CUSTOMER not in columns or DEAL not in columns:
        return _empty()
    order_id = (
        pl.coalesce(pl.col(ORDER), pl.col(DEAL)) if ORDER in columns else pl.col(DEAL)
    ).cast(pl.String)
    outcomes = facts.filter(
        pl.col("metric").is_in(list(outcome_metrics)),
        pl.col("occurred_on").is_between(start, end),
        pl.col(CUSTOMER).is_not_null(),
        *([] if outcome_filter is None else [outcome_filter]),
    ).select(
        pl.col(CUSTOMER).alias("customer"),
        pl.col("occurred_on").alias("on"),
        pl.col("metric"),
        pl.col("value").alias("amount"),
        order_id.fill_null(pl.format("{}:{}", pl.col(EMPLOYEE), pl.col("occurred_on"))).alias(
            "order"
        ),
    )
    members = facts.filter(
        pl.col("metric") == credit_metric,
        pl.col(CUSTOMER).is_not_null(),
        pl.col(DEAL).is_not_null(),
        pl.col("occurred_on") <= end,
    )
    deals = (
        members.group_by(pl.col(CUSTOMER).alias("customer"), pl.col(DEAL).alias("deal"))
        .agg(pl.col("occurred_on").max().alias("closed"))
        .sort("customer", "closed", "deal")
    )
    matched = (
        outcomes.sort("customer", "on")
        .join_asof(
            deals,
            left_on="on",
            right_on="closed",
            by="customer",
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .filter(pl.col("deal").is_not_null())
        .with_columns(pl.col("closed").dt.offset_by(f"{after_months}mo").alias("window_end"))
        .filter(pl.col("on") <= pl.col("window_end"))
    )
    if linear_decay:
        decay = (
            1.0
            - (pl.col("on") - pl.col("closed")).dt.total_days()
            / (pl.col("window_end") - pl.col("closed")).dt.total_days()
        )
    else:
        decay = pl.lit(1.0)
    role = pl.col(ROLE) if ROLE in columns else pl.lit(None, dtype=pl.String)
    team = members.filter(role.is_in(list(roles))).select(
        pl.col(EMPLOYEE),
        pl.col(DEAL).alias("deal"),
        pl.col("value").alias("split"),
    )
    credited = matched.join(team, on="deal", how="inner").with_columns(
        (pl.col("split") / 100.0).alias("share"), decay.cast(pl.Float64).alias("decay")
    )
    return credited.with_columns(
        (pl.col("amount") * pl.col("share") * pl.col("decay")).alias("credited_value"),
        (pl.col("share") * pl.col("decay")).alias("credited"),
    ).select(
        EMPLOYEE,
        "order",
        "metric",
        "customer",
        "on",
        "amount",
        "deal",
        "closed",
        "split",
        "share",
        "decay",
        "credited_value",
        "credited",
    )


def _empty() -> pl.LazyFrame:
    return pl.LazyFrame(
        schema={
            EMPLOYEE: pl.String,
            "order": pl.String,
            "metric": pl.String,
            "customer": pl.String,
            "on": pl.Date,
            "amount": pl.Float64,
            "deal": pl.String,
            "closed": pl.Date,
            "split": pl.Float64,
            "share": pl.Float64,
            "decay": pl.Float64,
            "credited_value": pl.Float64,
            "credited": pl.Float64,
        }
    )


def aggregated(credited: pl.LazyFrame, aggregate: str, column: str) -> pl.LazyFrame:
    """Per employee: the measure (`column`) and its trail (`column/trail`, a list of
    structs with TRAIL_FIELDS, in date then order order)."""
    if aggregate == "customers":
        per_customer = credited.group_by(EMPLOYEE, "customer").agg(
            pl.col("credited").max().alias("best")
        )
        amount = per_customer.group_by(EMPLOYEE).agg(pl.col("best").sum().alias(column))
    else:
        source = "credited_value" if aggregate == "sum" else "credited"
        amount = credited.group_by(EMPLOYEE).agg(pl.col(source).sum().alias(column))
    trail_value = pl.col("credited_value") if aggregate == "sum" else pl.col("credited")
    trails = (
        credited.sort(EMPLOYEE, "on", "order")
        .group_by(EMPLOYEE, maintain_order=True)
        .agg(
            pl.struct(
                pl.col("order"),
                pl.col("metric"),
                pl.col("customer"),
                pl.col("on"),
                pl.col("amount"),
                pl.col("deal"),
                pl.col("closed"),
                pl.col("split"),
                pl.col("decay"),
                trail_value.alias("credited"),
            ).alias(trail_column(column))
        )
    )
    return amount.join(trails, on=EMPLOYEE, how="left")


def trail_column(name: str) -> str:
    """Column holding the credit trail of attributed measure `name`."""
    return f"{name}/trail"
