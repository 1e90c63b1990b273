"""Reading plans: who a plan covers, and which plans a user may see or administer."""

from django.db.models import Q, QuerySet

from kpilib.org.models import Employee
from kpilib.plans.models import Plan


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
