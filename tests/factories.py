"""Small factories for database tests: an organisation with HR, a manager, engineers."""

import itertools
from dataclasses import dataclass

from kpilib.accounts.models import User
from kpilib.accounts.services import user_set_hr_admin
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.org.services import org_unit_create

_sequence = itertools.count(1)


def make_unit(name: str, kind: str = OrgUnit.Kind.TEAM, parent: OrgUnit | None = None) -> OrgUnit:
    return org_unit_create(actor=SYSTEM, origin=Origin.TASK, name=name, kind=kind, parent=parent)


def make_position(code: str = "presales-engineer") -> Position:
    names = {
        "presales-engineer": ("售前工程师", "Presales engineer"),
        "presales-manager": ("售前经理", "Presales manager"),
        "solution-architect": ("解决方案架构师", "Solution architect"),
    }
    zh, en = names.get(code, (code, code))
    position, _ = Position.objects.get_or_create(
        code=code, defaults={"name_zh_hans": zh, "name_en": en}
    )
    return position


def make_user(username: str | None = None, *, language: str = "", hr_admin: bool = False) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_sequence)}", password="pw-123456", language=language
    )
    if hr_admin:
        user_set_hr_admin(actor=SYSTEM, origin=Origin.TASK, user=user, hr_admin=True)
    return user


def make_employee(
    name: str,
    unit: OrgUnit,
    *,
    position: str = "presales-engineer",
    manager: Employee | None = None,
    user: User | None = None,
) -> Employee:
    return Employee.objects.create(
        employee_id=f"E{next(_sequence):04d}",
        name=name,
        org_unit=unit,
        position=make_position(position),
        manager=manager,
        user=user,
        region=unit.parent.name if unit.parent else "",
    )


@dataclass
class Org:
    """East (华东) with team A (manager 王经理, engineers 张三, 李四) and North with team B (赵六)."""

    company: OrgUnit
    east: OrgUnit
    team_a: OrgUnit
    team_b: OrgUnit
    hr: User
    manager: Employee
    engineer: Employee
    peer: Employee
    other_team_engineer: Employee
    outsider: User


def make_org() -> Org:
    company = make_unit("云启科技", OrgUnit.Kind.COMPANY)
    east = make_unit("华东", OrgUnit.Kind.REGION, company)
    north = make_unit("华北", OrgUnit.Kind.REGION, company)
    team_a = make_unit("华东售前一组", parent=east)
    team_b = make_unit("华北售前一组", parent=north)
    manager = make_employee(
        "王经理", team_a, position="presales-manager", user=make_user("manager")
    )
    team_a.head = manager
    team_a.save()
    engineer = make_employee("张三", team_a, manager=manager, user=make_user("engineer"))
    peer = make_employee("李四", team_a, manager=manager, user=make_user("peer"))
    other = make_employee("赵六", team_b, user=make_user("north"))
    return Org(
        company=company,
        east=east,
        team_a=team_a,
        team_b=team_b,
        hr=make_user("hr", hr_admin=True),
        manager=manager,
        engineer=engineer,
        peer=peer,
        other_team_engineer=other,
        outsider=make_user("outsider"),
    )
