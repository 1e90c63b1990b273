"""Reading and checking an employee file (product.md §6) before anything is written.

Columns: employee_id, name, email, org_unit, position, manager_id, region, hire_date.
Every problem is collected with its line and column; the caller writes nothing if any.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from kpilib.engine.errors import InputError, Problem
from kpilib.tabular import LINE, read_table_bytes

REQUIRED_COLUMNS = ("employee_id", "name", "org_unit", "position")
OPTIONAL_COLUMNS = ("email", "manager_id", "region", "hire_date")
DATE_PATTERN = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


@dataclass(frozen=True)
class EmployeeRow:
    """One checked line of the file."""

    line: int
    employee_id: str
    name: str
    email: str
    org_unit: str
    position: str
    manager_id: str
    region: str
    hire_date: datetime.date | None


def parse_date(text: str) -> datetime.date:
    """`YYYY-MM-DD` or `YYYY/MM/DD`; raises ValueError with the reason."""
    match = DATE_PATTERN.match(text)
    if not match:
        raise ValueError(
            gettext("%(text)s is not a date (expected YYYY-MM-DD or YYYY/MM/DD)") % {"text": text}
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(gettext("%(text)s is not a valid date") % {"text": text}) from None


def read_employee_rows(
    data: bytes, *, file_name: str, encoding: str | None = None
) -> list[EmployeeRow]:
    """All rows of the file, checked; raises InputError listing every problem found.

    `encoding` is the person's choice for a file whose encoding is not certain."""
    table = read_table_bytes(data, name=file_name, encoding=encoding)
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise InputError(
            [
                Problem(file_name, 1, column, gettext("required column is missing"))
                for column in missing
            ]
        )
    problems: list[Problem] = []
    rows: list[EmployeeRow] = []
    first_line: dict[str, int] = {}
    for record in table.iter_rows(named=True):
        employee_id, line = str(record["employee_id"] or "").strip(), int(record[LINE] or 0)
        if employee_id in first_line:
            reason = gettext("%(id)s appears again (first on line %(line)d)") % {
                "id": employee_id,
                "line": first_line[employee_id],
            }
            problems.append(Problem(file_name, line, "employee_id", reason))
            continue
        if employee_id:
            first_line[employee_id] = line
        row = _check_record(file_name, record, problems)
        if row is not None:
            rows.append(row)
    for row in rows:
        if row.manager_id and row.manager_id == row.employee_id:
            problems.append(
                Problem(
                    file_name,
                    row.line,
                    "manager_id",
                    gettext("an employee cannot manage themselves"),
                )
            )
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))
    return rows


def _check_record(
    file_name: str, record: dict[str, str | int | None], problems: list[Problem]
) -> EmployeeRow | None:
    line = int(record[LINE] or 0)

    def text(column: str) -> str:
        return str(record.get(column) or "").strip()

    found = len(problems)
    for column in REQUIRED_COLUMNS:
        if not text(column):
            problems.append(Problem(file_name, line, column, gettext("is empty")))
    email = text("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reason = gettext("%(text)s is not an email address") % {"text": email}
            problems.append(Problem(file_name, line, "email", reason))
    hire_date = None
    if text("hire_date"):
        try:
            hire_date = parse_date(text("hire_date"))
        except ValueError as error:
            problems.append(Problem(file_name, line, "hire_date", str(error)))
    if len(problems) > found:
        return None
    return EmployeeRow(
        line=line,
        employee_id=text("employee_id"),
        name=text("name"),
        email=email,
        org_unit=text("org_unit"),
        position=text("position"),
        manager_id=text("manager_id"),
        region=text("region"),
        hire_date=hire_date,
    )
