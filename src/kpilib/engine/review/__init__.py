"""The quarterly indicator review and anomaly alerts (product.md §8).

`review_plan` judges every indicator of a plan over the quarters ending with a review
quarter (core.py) and finds the months whose metric rates their history does not explain
(anomalies.py); changes.py proposes replacements from the library, rebalances weights
and measures what a change achieved. Statistics carry their sample sizes (statistics.py); reasons are
message codes rendered in zh-Hans or English (wording.py).
"""

from kpilib.engine.review.anomalies import (
    Anomaly,
    AnomalySettings,
    NotChecked,
    find_anomalies,
    month_index,
    month_label,
    monthly_activity,
    monthly_rates,
)
from kpilib.engine.review.changes import (
    Candidate,
    Effect,
    effect_of_change,
    rebalanced_weights,
    replacement_candidates,
)
from kpilib.engine.review.core import (
    IndicatorReview,
    QuarterFigures,
    Recommendation,
    Review,
    ReviewError,
    ReviewSettings,
    counters_of,
    default_outcomes,
    quarters_ending,
    review_plan,
)
from kpilib.engine.review.statistics import Statistic, StatisticStatus
from kpilib.engine.review.wording import Reason

__all__ = [
    "Anomaly",
    "AnomalySettings",
    "Candidate",
    "Effect",
    "IndicatorReview",
    "NotChecked",
    "QuarterFigures",
    "Reason",
    "Recommendation",
    "Review",
    "ReviewError",
    "ReviewSettings",
    "Statistic",
    "StatisticStatus",
    "counters_of",
    "default_outcomes",
    "effect_of_change",
    "find_anomalies",
    "month_index",
    "month_label",
    "monthly_activity",
    "monthly_rates",
    "quarters_ending",
    "rebalanced_weights",
    "replacement_candidates",
    "review_plan",
]
