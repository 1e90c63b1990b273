"""Reading plans: who a plan covers, and which plans a user may see or administer."""

from typing import Any

from django.db.models import Q, QuerySet

from kpilib.library.fetch import published_definitions
from kpilib.library.models import Indicator, IndicatorVersion
from kpilib.org.models import Employee
from kpilib.plans.fetch import effective_plan
from kpilib.plans.models import Plan, PlanRevision


def plan_members(plan: Plan) -> QuerySet[Employee]:
    """Active employees the plan covers: its positions, regions and org-unit subtrees.

    A regional variant takes its parent's people in its regions; the parent keeps the
    others (the most specific plan wins).
    """
    members = Employee.objects.filter(
        left_on__isnull=True, position__in=plan.positions.all()
    ).select_related("org_unit", "position", "manager")
    if plan.regions:
        members = members.filter(region__in=plan.regions)
    unit_paths = list(plan.org_units.values_list("path", flat=True))
    if unit_paths:
        in_units = Q(pk__in=[])
        for path in unit_paths:
            in_units |= Q(org_unit__path__startswith=path)
        members = members.filter(in_units)
    variant_regions = [
        region
        for regions in plan.variants.filter(is_archived=False).values_list("regions", flat=True)
        for region in regions
    ]
    if variant_regions:
        members = members.exclude(region__in=variant_regions)
    return members.order_by("employee_id")


def latest_versions(codes: list[str]) -> dict[str, int]:
    """The newest published version number of each indicator (retired ones excluded)."""
    numbers: dict[str, int] = {}
    for code, number in (
        IndicatorVersion.objects.filter(indicator__code__in=codes)
        .exclude(indicator__status=Indicator.Status.RETIRED)
        .values_list("indicator__code", "number")
    ):
        numbers[code] = max(number, numbers.get(code, 0))
    return numbers


def available_indicators() -> dict[str, dict[str, Any]]:
    """Indicators a plan may add: newest published definitions, retired ones left out."""
    return published_definitions()


def outdated_pins(revision: PlanRevision) -> dict[str, tuple[int, int]]:
    """Indicators whose pinned version is older than their newest: code → (pinned, newest)."""
    pins = effective_plan(revision).pinned_versions
    newest = latest_versions(list(pins))
    return {
        code: (pinned, newest[code])
        for code, pinned in pins.items()
        if code in newest and newest[code] > pinned
    }
