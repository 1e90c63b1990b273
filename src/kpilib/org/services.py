"""Changing the organisation: org units, positions, employees. Every change is audited."""

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.errors import InputError, Problem
from kpilib.importing import ImportReport
from kpilib.org.employee_import import EmployeeRow, read_employee_rows
from kpilib.org.errors import OrgError
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.org.positions import STANDARD_POSITIONS


def _unit_path(unit: OrgUnit) -> str:
    return f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"


@transaction.atomic
def org_unit_create(
    *,
    actor: Any,
    origin: Origin,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    name_en: str = "",
) -> OrgUnit:
    unit = OrgUnit.objects.create(name=name, name_en=name_en, kind=kind, parent=parent)
    unit.path = _unit_path(unit)
    unit.save(update_fields=["path"])
    audit_record(actor=actor, origin=origin, instance=unit, before=None)
    return unit


@transaction.atomic
def org_unit_update(*, actor: Any, origin: Origin, unit: OrgUnit, **changes: Any) -> OrgUnit:
    """Change a unit; moving it under another parent re-paths its whole subtree."""
    before = audit_snapshot(OrgUnit.objects.get(pk=unit.pk))
    old_path = unit.path
    for name, value in changes.items():
        setattr(unit, name, value)
    if unit.parent is not None and unit.parent.path.startswith(old_path):
        raise OrgError(f"{unit.name}: a unit cannot move under itself or its own sub-unit")
    unit.path = _unit_path(unit)
    unit.save()
    if unit.path != old_path:
        for descendant in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            descendant.path = unit.path + descendant.path[len(old_path) :]
            descendant.save(update_fields=["path"])
    audit_record(actor=actor, origin=origin, instance=unit, before=before)
    return unit


@transaction.atomic
def org_unit_delete(*, actor: Any, origin: Origin, unit: OrgUnit) -> None:
    if unit.children.exists() or unit.employees.exists():
        raise OrgError(f"{unit.name}: move its sub-units and employees elsewhere first")
    audit_record(actor=actor, origin=origin, instance=unit, before=None, deleted=True)
    unit.delete()


def position_code_for(name: str) -> str:
    code = slugify(name)
    if code and not Position.objects.filter(code=code).exists():
        return code
    return f"position-{Position.objects.count() + 1}"


@transaction.atomic
def position_create(
    *, actor: Any, origin: Origin, name_zh_hans: str, name_en: str, code: str = ""
) -> Position:
    position = Position.objects.create(
        code=code or position_code_for(name_en), name_zh_hans=name_zh_hans, name_en=name_en
    )
    audit_record(actor=actor, origin=origin, instance=position, before=None)
    return position


def _check_manager_chain(employee: Employee, manager: Employee | None) -> None:
    seen = {employee.pk}
    while manager is not None:
        if manager.pk in seen:
            raise OrgError(
                gettext("%(manager)s cannot manage %(employee)s: that makes a reporting loop")
                % {"manager": manager, "employee": employee}
            )
        seen.add(manager.pk)
        manager = manager.manager


@transaction.atomic
def employee_create(*, actor: Any, origin: Origin, **fields: Any) -> Employee:
    employee = Employee.objects.create(**fields)
    audit_record(actor=actor, origin=origin, instance=employee, before=None)
    return employee


@transaction.atomic
def employee_update(*, actor: Any, origin: Origin, employee: Employee, **changes: Any) -> Employee:
    """Change an employee; an update that changes nothing writes no audit event."""
    before = audit_snapshot(Employee.objects.get(pk=employee.pk))
    for name, value in changes.items():
        setattr(employee, name, value)
    _check_manager_chain(employee, employee.manager)
    employee.save()
    audit_record(actor=actor, origin=origin, instance=employee, before=before)
    return employee


@transaction.atomic
def employee_delete(*, actor: Any, origin: Origin, employee: Employee) -> None:
    """Delete a record entered by mistake. People who leave are marked `left_on` instead."""
    audit_record(actor=actor, origin=origin, instance=employee, before=None, deleted=True)
    employee.delete()


def _resolve_unit(
    *, actor: Any, origin: Origin, unit_name: str, region: str, units: dict[str, OrgUnit], report: ImportReport
) -> OrgUnit:
    """The named unit; a missing one is created under its region (created too if needed)."""
    if unit_name in units:
        return units[unit_name]
    roots = [unit for unit in units.values() if unit.parent_id is None]
    parent = roots[0] if len(roots) == 1 else None
    if region and region != unit_name:
        if region not in units:
            units[region] = org_unit_create(
                actor=actor, origin=origin, name=region, kind=OrgUnit.Kind.REGION, parent=parent
            )
            report.notes.append(gettext("created org unit %(name)s") % {"name": region})
        parent = units[region]
    units[unit_name] = org_unit_create(
        actor=actor, origin=origin, name=unit_name, kind=OrgUnit.Kind.TEAM, parent=parent
    )
    report.notes.append(gettext("created org unit %(name)s") % {"name": unit_name})
    return units[unit_name]


def _resolve_position(
    *, actor: Any, origin: Origin, name: str, positions: dict[str, Position], report: ImportReport
) -> Position:
    key = name.casefold()
    if key not in positions:
        position = position_create(actor=actor, origin=origin, name_zh_hans=name, name_en=name)
        for alias in (position.code, position.name_zh_hans, position.name_en):
            positions[alias.casefold()] = position
        report.notes.append(gettext("created position %(name)s") % {"name": name})
    return positions[key]


def _check_managers(rows: list[EmployeeRow], file_name: str) -> None:
    in_file = {row.employee_id for row in rows}
    wanted = {row.manager_id for row in rows if row.manager_id} - in_file
    known = set(
        Employee.objects.filter(employee_id__in=wanted).values_list("employee_id", flat=True)
    )
    problems = [
        Problem(
            file_name,
            row.line,
            "manager_id",
            gettext("unknown manager %(id)s") % {"id": row.manager_id},
        )
        for row in rows
        if row.manager_id and row.manager_id not in in_file and row.manager_id not in known
    ]
    if problems:
        raise InputError(problems)


@transaction.atomic
def employees_import(
    *, actor: Any, origin: Origin, data: bytes, file_name: str, encoding: str | None = None
) -> ImportReport:
    """Create or update employees from a file, keyed by `employee_id`; all or nothing.

    Org units and positions named in the file are created when missing (and noted in the
    report); a `manager_id` may refer to a row later in the same file. Raises InputError
    listing every problem, in which case nothing is written.
    """
    rows = read_employee_rows(data, file_name=file_name, encoding=encoding)
    _check_managers(rows, file_name)
    report = ImportReport()
    units = {unit.name: unit for unit in OrgUnit.objects.all()}
    positions: dict[str, Position] = {}
    for position in Position.objects.all():
        for alias in (position.code, position.name_zh_hans, position.name_en):
            positions[alias.casefold()] = position
    existing = Employee.objects.filter(
        employee_id__in=[row.employee_id for row in rows] + [row.manager_id for row in rows]
    ).in_bulk(field_name="employee_id")
    # Pass 1: everyone exists with their own fields; pass 2: managers, who may come later.
    outcome: dict[str, str] = {}
    for row in rows:
        fields = {
            "name": row.name,
            "email": row.email,
            "org_unit": _resolve_unit(
                actor=actor, origin=origin, unit_name=row.org_unit, region=row.region, units=units, report=report
            ),
            "position": _resolve_position(
                actor=actor, origin=origin, name=row.position, positions=positions, report=report
            ),
            "region": row.region,
            "hire_date": row.hire_date,
        }
        employee = existing.get(row.employee_id)
        if employee is None:
            existing[row.employee_id] = employee_create(
                actor=actor, origin=origin, employee_id=row.employee_id, **fields
            )
            outcome[row.employee_id] = "imported"
        elif any(getattr(employee, name) != value for name, value in fields.items()):
            employee_update(actor=actor, origin=origin, employee=employee, **fields)
            outcome[row.employee_id] = "updated"
        else:
            outcome[row.employee_id] = "unchanged"
    for row in rows:
        employee = existing[row.employee_id]
        manager = existing[row.manager_id] if row.manager_id else None
        if employee.manager_id == (manager.pk if manager else None):
            continue
        try:
            employee_update(actor=actor, origin=origin, employee=employee, manager=manager)
        except OrgError as error:
            raise InputError([Problem(file_name, row.line, "manager_id", str(error))]) from None
        if outcome[row.employee_id] == "unchanged":
            outcome[row.employee_id] = "updated"
    report.imported = sum(1 for value in outcome.values() if value == "imported")
    report.updated = sum(1 for value in outcome.values() if value == "updated")
    report.unchanged = sum(1 for value in outcome.values() if value == "unchanged")
    return report


@transaction.atomic
def position_update(*, actor: Any, origin: Origin, position: Position, **changes: Any) -> Position:
    before = audit_snapshot(Position.objects.get(pk=position.pk))
    for name, value in changes.items():
        setattr(position, name, value)
    position.save()
    audit_record(actor=actor, origin=origin, instance=position, before=before)
    return position


@transaction.atomic
def position_delete(*, actor: Any, origin: Origin, position: Position) -> None:
    if position.employees.exists():
        raise OrgError(f"{position}: employees still hold this position")
    audit_record(actor=actor, origin=origin, instance=position, before=None, deleted=True)
    position.delete()


@transaction.atomic
def positions_ensure_standard(*, actor: Any, origin: Origin) -> None:
    """Create any of the standard presales positions that is missing."""
    existing = set(Position.objects.values_list("code", flat=True))
    for code, name_zh_hans, name_en in STANDARD_POSITIONS:
        if code not in existing:
            position_create(
                actor=actor, origin=origin, code=code, name_zh_hans=name_zh_hans, name_en=name_en
            )
