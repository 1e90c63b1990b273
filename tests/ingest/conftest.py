"""Fixtures for the ingestion tests: a small presales team with known numbers and e-mails."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from kpilib.accounts.models import User
from kpilib.org.models import Employee, OrgUnit
from tests.factories import make_position, make_unit, make_user

CONNECTOR_FILES = Path(__file__).resolve().parents[1] / "fixtures" / "connectors"
FACTS_HEADER = "employee_id,metric,occurred_on,value,customer_id,project_id,source,external_id\n"


@dataclass
class Team:
    """华东售前一组: 张伟 (E1001), 李娜 (E1002), 王芳 (E1003), and HR signing in."""

    unit: OrgUnit
    zhang: Employee
    li: Employee
    wang: Employee
    hr: User


def _employee(number: str, name: str, email: str, unit: OrgUnit) -> Employee:
    return Employee.objects.create(
        employee_id=number, name=name, email=email, org_unit=unit, position=make_position()
    )


@pytest.fixture
def team(db: None) -> Team:
    unit = make_unit("华东售前一组")
    return Team(
        unit=unit,
        zhang=_employee("E1001", "张伟", "zhang.wei@example.com", unit),
        li=_employee("E1002", "李娜", "li.na@example.com", unit),
        wang=_employee("E1003", "王芳", "wang.fang@example.com", unit),
        hr=make_user("hr", hr_admin=True),
    )


def connector_file(name: str) -> bytes:
    return (CONNECTOR_FILES / name).read_bytes()
