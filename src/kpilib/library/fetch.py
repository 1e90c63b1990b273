"""Turning library rows into the engine's pack definitions (the one translation seam).

A handful of set-based queries build a whole `Pack`; the engine then validates, scores,
checks SMART and writes YAML from it.
"""

from collections.abc import Mapping
from typing import Any

from kpilib.engine.definitions import (
    Dimension as DimensionDefinition,
)
from kpilib.engine.definitions import (
    Indicator as IndicatorDefinition,
)
from kpilib.engine.definitions import (
    LocalText,
    Pack,
    PackInfo,
    Plan,
)
from kpilib.engine.definitions import (
    Objective as ObjectiveDefinition,
)
from kpilib.engine.definitions import (
    Theme as ThemeDefinition,
)
from kpilib.library.models import (
    Dimension,
    Indicator,
    IndicatorVersion,
    Objective,
    PackSource,
    PlanTemplate,
    Theme,
)

DEFAULT_PACK_INFO = {
    "code": "library",
    "version": "1",
    "name": {"zh-Hans": "指标库", "en": "Indicator library"},
}


def local_text(zh_hans: str, en: str) -> LocalText | None:
    if not zh_hans and not en:
        return None
    return LocalText(zh_hans=zh_hans or en, en=en or zh_hans)


def theme_definitions() -> list[ThemeDefinition]:
    return [
        ThemeDefinition(
            code=theme.code,
            name=LocalText(zh_hans=theme.name_zh_hans, en=theme.name_en),
            description=local_text(theme.description_zh_hans, theme.description_en),
        )
        for theme in Theme.objects.all()
    ]


def objective_definitions() -> list[ObjectiveDefinition]:
    return [
        ObjectiveDefinition(
            code=objective.code,
            name=LocalText(zh_hans=objective.name_zh_hans, en=objective.name_en),
            theme=objective.theme.code if objective.theme else None,
            description=local_text(objective.description_zh_hans, objective.description_en),
        )
        for objective in Objective.objects.select_related("theme")
    ]


def dimension_definitions() -> list[DimensionDefinition]:
    return [
        DimensionDefinition(
            code=dimension.code,
            name=LocalText(zh_hans=dimension.name_zh_hans, en=dimension.name_en),
            layer=dimension.layer,
            description=local_text(dimension.description_zh_hans, dimension.description_en),
        )
        for dimension in Dimension.objects.all()
    ]


def published_definitions(
    *, include_retired: bool = False, include_drafts: bool = False
) -> dict[str, dict[str, Any]]:
    """The newest published definition of every indicator, by code.

    With `include_drafts`, an indicator's draft stands in for its published version (the
    library as edited, which is what an export holds).
    """
    versions = IndicatorVersion.objects.select_related("indicator").order_by(
        "indicator__order", "indicator__code", "-number"
    )
    if not include_retired:
        versions = versions.exclude(indicator__status=Indicator.Status.RETIRED)
    drafts: dict[str, dict[str, Any]] = {}
    if include_drafts:
        pending = Indicator.objects.filter(draft__isnull=False)
        if not include_retired:
            pending = pending.exclude(status=Indicator.Status.RETIRED)
        drafts = dict(pending.values_list("code", "draft"))
    published: dict[str, dict[str, Any]] = {}
    for version in versions:
        published.setdefault(version.indicator.code, version.definition)
    order = Indicator.objects.filter(code__in=drafts.keys() | published.keys())
    return {
        code: drafts.get(code) or published[code] for code in order.values_list("code", flat=True)
    }


def library_pack(
    *,
    indicators: Mapping[str, dict[str, Any]] | None = None,
    with_plans: bool = True,
    include_drafts: bool = False,
) -> Pack:
    """The library as an engine pack: published indicators (and drafts), or those given."""
    source = PackSource.objects.order_by("-imported_at").first()
    info = PackInfo.model_validate(source.definition if source else DEFAULT_PACK_INFO)
    chosen = (
        published_definitions(include_drafts=include_drafts) if indicators is None else indicators
    )
    plans = (
        [Plan.model_validate(template.definition) for template in PlanTemplate.objects.all()]
        if with_plans
        else []
    )
    return Pack(
        pack=info,
        themes=theme_definitions(),
        objectives=objective_definitions(),
        dimensions=dimension_definitions(),
        indicators=[IndicatorDefinition.model_validate(d) for d in chosen.values()],
        plans=plans,
    )


def strategy_document() -> dict[str, Any]:
    """Pack info, themes, objectives and dimensions as pack YAML data, without indicators."""

    def dumped(definitions: list[Any]) -> list[dict[str, Any]]:
        return [d.model_dump(mode="json", by_alias=True, exclude_none=True) for d in definitions]

    source = PackSource.objects.order_by("-imported_at").first()
    return {
        "pack": source.definition if source else DEFAULT_PACK_INFO,
        "themes": dumped(theme_definitions()),
        "objectives": dumped(objective_definitions()),
        "dimensions": dumped(dimension_definitions()),
    }
