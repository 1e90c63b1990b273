"""Turning a plan revision into the engine's `Plan` and `Pack` (the translation seam).

A regional variant's revision inherits every field it leaves empty from its parent's
revision (the one recorded at publication; the live one for a draft), and its weights and rule overrides are merged indicator by indicator (a
weight of 0 removes the indicator; a weight of null keeps an indicator that was added but
not weighted yet: it is listed as `pending`, never scored, and blocks publication). Indicators come from the versions the revision pins.
"""

from dataclasses import dataclass, field
from typing import Any

from kpilib.engine.definitions import Indicator as IndicatorDefinition
from kpilib.engine.definitions import Pack, Plan
from kpilib.library.fetch import strategy_document
from kpilib.library.models import Indicator, IndicatorVersion
from kpilib.plans.errors import UnpinnedIndicators
from kpilib.plans.models import Plan as PlanModel
from kpilib.plans.models import PlanRevision

DEFAULT_GRADE_BANDS = [
    {"grade": "S", "gte": 90},
    {"grade": "A", "gte": 80},
    {"grade": "B", "gte": 70},
    {"grade": "C", "gte": 60},
    {"grade": "D"},
]
SCALAR_FIELDS = ("grade_bands", "precision", "personal_mode", "personal_share")
MERGED_FIELDS = ("weights", "pinned_versions", "rule_overrides", "missing_policies")


@dataclass
class EffectivePlan:
    """A revision with everything it inherits filled in; `inherited` names what came from above."""

    revision: PlanRevision
    weights: dict[str, float]
    pinned_versions: dict[str, int]
    rule_overrides: dict[str, Any]
    missing_policies: dict[str, str]
    grade_bands: list[dict[str, Any]]
    precision: int
    personal_mode: str
    personal_share: float
    inherited: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, int | None] = field(default_factory=dict)
    """Indicators added to the plan without a weight yet: code → pinned version."""

    @property
    def kpi_share(self) -> float:
        """Points of 100 that the indicators carry (the rest is personal goals)."""
        return 100.0 - (self.personal_share if self.personal_mode != "none" else 0.0)


def in_library_order(weights: dict[str, float]) -> dict[str, float]:
    """Weights in the library's order of indicators. PostgreSQL's jsonb keeps no key
    order, so the order a plan shows and scores in comes from the library, not storage."""
    order = dict(Indicator.objects.filter(code__in=list(weights)).values_list("code", "order"))
    return dict(sorted(weights.items(), key=lambda item: (order.get(item[0], 10**9), item[0])))


def live_revision(plan: PlanModel) -> PlanRevision | None:
    """The newest published revision: the one cycles and scorecards use."""
    return plan.revisions.filter(status=PlanRevision.Status.PUBLISHED).order_by("-number").first()


def inherited_revision(revision: PlanRevision) -> PlanRevision | None:
    """What a variant's revision inherits from: the parent revision recorded when it was
    published, or (for a draft) the parent's live revision."""
    if revision.plan.parent is None:
        return None
    return revision.parent_revision or live_revision(revision.plan.parent)


def effective_plan(revision: PlanRevision) -> EffectivePlan:
    parent_revision = inherited_revision(revision)
    base = effective_plan(parent_revision) if parent_revision else None
    inherited: dict[str, Any] = {}
    merged: dict[str, dict[str, Any]] = {}
    for name in MERGED_FIELDS:
        own = dict(getattr(revision, name) or {})
        above = dict(getattr(base, name)) if base else {}
        inherited[name] = {key: value for key, value in above.items() if key not in own}
        merged[name] = {**above, **own}
    pending = list(in_library_order({c: 0.0 for c, w in merged["weights"].items() if w is None}))
    merged["weights"] = in_library_order({code: w for code, w in merged["weights"].items() if w})
    scalars: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        own_value = getattr(revision, name)
        if own_value is None and base is not None:
            inherited[name] = getattr(base, name)
            scalars[name] = getattr(base, name)
        else:
            scalars[name] = own_value
    return EffectivePlan(
        revision=revision,
        weights=merged["weights"],
        pinned_versions={
            code: v for code, v in merged["pinned_versions"].items() if code in merged["weights"]
        },
        rule_overrides={
            c: r for c, r in merged["rule_overrides"].items() if c in merged["weights"]
        },
        missing_policies=merged["missing_policies"],
        grade_bands=scalars["grade_bands"] or DEFAULT_GRADE_BANDS,
        precision=2 if scalars["precision"] is None else scalars["precision"],
        personal_mode=scalars["personal_mode"] or PlanModel.PersonalMode.NONE,
        personal_share=scalars["personal_share"] or 0.0,
        inherited=inherited,
        pending={code: merged["pinned_versions"].get(code) for code in pending},
    )


def pinned_definitions(pins: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The definitions of the pinned indicator versions, by code (one query)."""
    versions = IndicatorVersion.objects.select_related("indicator").filter(
        indicator__code__in=list(pins)
    )
    return {
        v.indicator.code: v.definition for v in versions if pins.get(v.indicator.code) == v.number
    }


def engine_plan_and_pack(effective: EffectivePlan) -> tuple[Plan, Pack]:
    """The engine's view of a plan revision, ready for `score_plan`.

    Raises pydantic's ValidationError (or `UnpinnedIndicators`) when the
    revision cannot be scored; `services.revision_problems` turns these into messages.
    """
    plan_model = effective.revision.plan
    definitions = pinned_definitions(effective.pinned_versions)
    missing = [code for code in effective.weights if code not in definitions]
    if missing:
        raise UnpinnedIndicators(missing)
    indicators = []
    for code in effective.weights:
        definition = IndicatorDefinition.model_validate(definitions[code])
        policy = effective.missing_policies.get(code)
        if policy:
            definition = definition.model_copy(
                update={"missing": definition.missing.model_copy(update={"policy": policy})}
            )
        indicators.append(definition)
    position = plan_model.positions.order_by("code").values_list("code", flat=True).first()
    plan = Plan.model_validate(
        {
            "code": plan_model.code,
            "name": {"zh-Hans": plan_model.name_zh_hans, "en": plan_model.name_en},
            "position": (position or "any").replace("-", "_"),
            "weights": effective.weights,
            "grade_bands": effective.grade_bands,
            "precision": effective.precision,
            "rule_overrides": effective.rule_overrides,
        }
    )
    strategy = strategy_document()
    pack = Pack.model_validate(
        {
            **strategy,
            "indicators": [
                i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in indicators
            ],
            "plans": [],
        }
    )
    return plan, pack
