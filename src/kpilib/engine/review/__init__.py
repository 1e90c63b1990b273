"""The quarterly indicator review and anomaly alerts (product.md §8).

`review_plan` judges every indicator of a plan over the quarters ending with a review
quarter (core.py) and finds the months whose metric rates their history does not explain
(anomalies.py); `suggest_replacements` proposes library indicators for one that should
go (suggestions.py). Statistics carry their sample sizes (statistics.py); reasons are
message codes rendered in zh-Hans or English (wording.py).
"""

from kpilib.engine.review.anomalies import Anomaly, AnomalySettings, NotChecked, find_anomalies
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
    "find_anomalies",
    "quarters_ending",
    "review_plan",
]
