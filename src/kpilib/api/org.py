"""API for the organisation: employees (scoped to what the caller may see) and org units."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from kpilib.org.models import Employee, OrgUnit
from kpilib.org.selectors import employees_search
from kpilib.permissions import Action, employee_for, require, visible_employees

router = Router(tags=["organisation"])

MAX_PAGE = 1000
MAX_OFFSET = 2**31 - 1


class EmployeeOut(Schema):
    id: int
    employee_id: str
    name: str
    email: str
    org_unit: str
    position: str
    manager_id: str | None
    region: str
    hire_date: datetime.date | None
    left_on: datetime.date | None

    @staticmethod
    def resolve_org_unit(employee: Employee) -> str:
        return employee.org_unit.name

    @staticmethod
    def resolve_position(employee: Employee) -> str:
        return employee.position.code

    @staticmethod
    def resolve_manager_id(employee: Employee) -> str | None:
        return employee.manager.employee_id if employee.manager else None


class OrgUnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    head_id: int | None


class BoundedLimitOffset(LimitOffsetPagination):
    """Limit/offset with bounds the databases accept: an offset past 2^63 made SQLite
    fail with "datatype mismatch" (HTTP 500; found by tests/fuzz)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/employees", response=list[EmployeeOut])
@paginate(BoundedLimitOffset, max_limit=MAX_PAGE)
def list_employees(request: HttpRequest, q: str = "", include_leavers: bool = False):
    require(request.user, Action.VIEW_PEOPLE)
    return employees_search(
        visible_employees(request.user), query=q, include_leavers=include_leavers
    )


@router.get("/employees/{pk}", response=EmployeeOut)
def get_employee(request: HttpRequest, pk: int) -> Employee:
    return employee_for(request.user, pk)


@router.get("/org-units", response=list[OrgUnitOut])
def list_org_units(request: HttpRequest) -> list[OrgUnit]:
    require(request.user, Action.VIEW_ORG_TREE)
    return list(OrgUnit.objects.order_by("path"))
