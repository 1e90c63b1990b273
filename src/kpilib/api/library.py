"""API for the indicator library: indicators with their newest definition and versions."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kpilib.library.models import Indicator
from kpilib.library.selectors import indicators_search, smart_lines, smart_report
from kpilib.permissions import Action, require

router = Router(tags=["library"])


class IndicatorOut(Schema):
    code: str
    name_zh_hans: str
    name_en: str
    dimension: str
    status: str
    tags: list[str]
    versions: list[int]

    @staticmethod
    def resolve_dimension(indicator: Indicator) -> str:
        return indicator.dimension.code

    @staticmethod
    def resolve_versions(indicator: Indicator) -> list[int]:
        return sorted(v.number for v in indicator.versions.all())


class SmartCheckOut(Schema):
    check: str
    verdict: str
    messages: list[str]


class IndicatorDetailOut(Schema):
    code: str
    name_zh_hans: str
    name_en: str
    dimension: str
    status: str
    tags: list[str]
    versions: list[int]
    definition: dict[str, Any]
    draft: dict[str, Any] | None
    smart: list[SmartCheckOut]


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(
    request: HttpRequest, query: str = "", dimension: str = "", status: str = "", tag: str = ""
) -> Any:
    require(request.user, Action.VIEW_LIBRARY)
    return indicators_search(
        query=query, dimension=dimension, status=status, tag=tag
    ).prefetch_related("versions")


@router.get("/indicators/{code}", response=IndicatorDetailOut)
def get_indicator(request: HttpRequest, code: str) -> dict[str, Any]:
    require(request.user, Action.VIEW_LIBRARY)
    indicator = get_object_or_404(Indicator.objects.select_related("dimension"), code=code)
    latest = indicator.latest_version()
    definition = latest.definition if latest else {}
    checked = indicator.draft or definition
    return {
        "code": indicator.code,
        "name_zh_hans": indicator.name_zh_hans,
        "name_en": indicator.name_en,
        "dimension": indicator.dimension.code,
        "status": indicator.status,
        "tags": indicator.tags,
        "versions": sorted(v.number for v in indicator.versions.all()),
        "definition": definition,
        "draft": indicator.draft,
        "smart": [
            {"check": line.check, "verdict": line.verdict, "messages": line.messages}
            for line in smart_lines(smart_report(checked))
        ]
        if checked
        else [],
    }
