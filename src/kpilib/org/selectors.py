"""Reading the organisation: counts, the unit tree, people lists."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kpilib.org.models import Employee, OrgUnit, Position


@dataclass(frozen=True)
class OrgCounts:
    active_employees: int
    leavers: int
    org_units: int
    positions: int


def org_counts() -> OrgCounts:
    people = Employee.objects.aggregate(
        active=Count("pk", filter=Q(left_on__isnull=True)),
        left=Count("pk", filter=Q(left_on__isnull=False)),
    )
    return OrgCounts(
        active_employees=people["active"],
        leavers=people["left"],
        org_units=OrgUnit.objects.count(),
        positions=Position.objects.count(),
    )


@dataclass(frozen=True)
class OrgTreeNode:
    unit: OrgUnit
    depth: int
    headcount: int


def org_tree() -> list[OrgTreeNode]:
    """Every unit in depth-first order with its own active headcount."""
    units = (
        OrgUnit.objects.select_related("head")
        .annotate(headcount=Count("employees", filter=Q(employees__left_on__isnull=True)))
        .order_by("path")
    )
    # Paths hold ids, so ordering by path alone is depth-first but not by name among
    # siblings; sort by the chain of names instead.
    by_id = {unit.pk: unit for unit in units}

    def name_chain(unit: OrgUnit) -> list[str]:
        return [by_id[int(part)].name for part in unit.path.strip("/").split("/") if part]

    ordered = sorted(by_id.values(), key=name_chain)
    return [OrgTreeNode(unit=u, depth=u.depth, headcount=u.headcount) for u in ordered]


def employees_search(
    employees: QuerySet[Employee], *, query: str = "", include_leavers: bool = False
) -> QuerySet[Employee]:
    if query:
        employees = employees.filter(
            Q(name__icontains=query) | Q(employee_id__icontains=query) | Q(email__icontains=query)
        )
    if not include_leavers:
        employees = employees.filter(left_on__isnull=True)
    return employees.select_related("org_unit", "position", "manager")


def org_regions() -> list[OrgUnit | str]:
    """The organisation's regions: its region units (by name), then any region employees are
    recorded in that has no unit of its own (kept as text). Plans and variants choose from these."""
    units = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION).order_by("name"))
    named = {unit.name for unit in units}
    loose = (
        Employee.objects.filter(left_on__isnull=True)
        .exclude(region="")
        .exclude(region__in=named)
        .values_list("region", flat=True)
        .distinct()
        .order_by("region")
    )
    return [*units, *loose]


def org_region_names() -> list[str]:
    """The stored names of the organisation's regions (what `Employee.region` holds)."""
    return [r.name if isinstance(r, OrgUnit) else r for r in org_regions()]


def company_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The company an org unit belongs to (the nearest ancestor of kind company)."""
    if unit is None:
        return None
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    companies = {
        company.pk: company
        for company in OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.COMPANY)
    }
    return next((companies[pk] for pk in reversed(ids) if pk in companies), None)
