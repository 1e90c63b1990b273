"""Weights by the Analytic Hierarchy Process (层次分析法), framework-free.

Formula and exclusions are stated in each module; the decisions behind them are in
docs/adr/0004-ahp-method.md. In short: priorities by the principal right eigenvector
(default) or the row geometric mean; CR = CI/RI with Saaty's random index, consistent when
CR ≤ 0.10; groups by the geometric mean of judgements (AIJ, default) or of priorities
(AIP); global weights as products down the hierarchy; plan points summing exactly to the
total by largest remainder; role and stage profiles as multiplicative factors; ranking
sensitivity per weight. Nothing here reads files or knows about plans in the database.

Typical use:
    matrix = pairwise_matrix_from_judgements(["A", "B", "C"], {("A", "B"): 3, ...})
    result = ahp_priorities(matrix)            # result.weights, result.cr, result.consistent
    revisions = revision_suggestions(matrix, result)
"""

from kpilib.engine.ahp.document import (
    AhpReport,
    AhpRequest,
    ahp_report,
    ahp_request_from_document,
    report_document,
)
from kpilib.engine.ahp.errors import AhpInputError, AhpProblem
from kpilib.engine.ahp.group import (
    Aggregation,
    GroupAhpResult,
    aggregate_judgements,
    group_priorities,
)
from kpilib.engine.ahp.hierarchy import GlobalWeight, PathShare, global_weights, weights_to_points
from kpilib.engine.ahp.matrix import (
    MAX_CRITERIA,
    SAATY_SCALE,
    PairwiseMatrix,
    format_judgement,
    pairwise_matrix,
    pairwise_matrix_from_judgements,
)
from kpilib.engine.ahp.priorities import (
    CONSISTENCY_THRESHOLD,
    RANDOM_INDEX,
    AhpResult,
    PriorityMethod,
    ahp_priorities,
    consistency_ratio,
)
from kpilib.engine.ahp.profiles import (
    ADJUSTMENT_PROFILES,
    AdjustedWeight,
    AdjustmentProfile,
    ProfileKind,
    WeightedIndicator,
    adjust_weights,
)
from kpilib.engine.ahp.revision import JudgementRevision, nearest_scale_value, revision_suggestions
from kpilib.engine.ahp.sensitivity import RankSwap, WeightSensitivity, ranking_sensitivity

__all__ = [
    "ADJUSTMENT_PROFILES",
    "CONSISTENCY_THRESHOLD",
    "MAX_CRITERIA",
    "RANDOM_INDEX",
    "SAATY_SCALE",
    "AdjustedWeight",
    "AdjustmentProfile",
    "Aggregation",
    "AhpInputError",
    "AhpProblem",
    "AhpReport",
    "AhpRequest",
    "AhpResult",
    "GlobalWeight",
    "GroupAhpResult",
    "JudgementRevision",
    "PairwiseMatrix",
    "PathShare",
    "PriorityMethod",
    "ProfileKind",
    "RankSwap",
    "WeightSensitivity",
    "WeightedIndicator",
    "adjust_weights",
    "aggregate_judgements",
    "ahp_priorities",
    "ahp_report",
    "ahp_request_from_document",
    "consistency_ratio",
    "format_judgement",
    "global_weights",
    "group_priorities",
    "nearest_scale_value",
    "pairwise_matrix",
    "pairwise_matrix_from_judgements",
    "ranking_sensitivity",
    "report_document",
    "revision_suggestions",
    "weights_to_points",
]
