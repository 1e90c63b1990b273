"""Importing employees (product.md §6): create or update by employee_id, all or nothing."""

from pathlib import Path

import pytest

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.errors import InputError
from kpilib.importing import ImportReport
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.org.positions import STANDARD_POSITIONS
from kpilib.org.services import employees_import
from tests.factories import make_unit

HEADER = "employee_id,name,email,org_unit,position,manager_id,region,hire_date\n"
GOOD_ROWS = (
    "E1,张伟,zhang.wei@example.com,华东售前一组,售前工程师,M1,华东,2024-03-01\n"
    "E2,李娜,li.na@example.com,华东售前一组,售前工程师,M1,华东,2023/07/15\n"
    "M1,王强,wang.qiang@example.com,华东售前一组,售前经理,,华东,2020-01-01\n"
)


def write(tmp_path: Path, text: str, name: str = "employees.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def import_file(path: Path) -> ImportReport:
    return employees_import(actor=SYSTEM, origin=Origin.WEB, data=path.read_bytes(), file_name=path.name)


@pytest.fixture
def company(db: None) -> OrgUnit:
    return make_unit("云启科技", OrgUnit.Kind.COMPANY)


def test_import_creates_people_units_and_a_manager_named_later_in_the_file(
    company: OrgUnit, tmp_path: Path
) -> None:
    # given a file whose engineers name a manager who appears on a later line
    path = write(tmp_path, HEADER + GOOD_ROWS)
    # when it is imported
    report = import_file(path)
    # then everyone exists, linked to the manager, in a team created under its region
    assert report.summary_line() == "imported 3, updated 0, unchanged 0, quarantined 0"
    engineer = Employee.objects.get(employee_id="E1")
    assert engineer.manager.employee_id == "M1"
    assert engineer.org_unit.parent.name == "华东"
    assert engineer.org_unit.parent.parent == company
    assert str(engineer.hire_date) == "2024-03-01"
    assert str(Employee.objects.get(employee_id="E2").hire_date) == "2023-07-15"
    assert engineer.position.code == "presales-engineer"
    # matched the standard positions, none created
    assert Position.objects.count() == len(STANDARD_POSITIONS)
    assert "created org unit 华东售前一组" in report.notes


def test_a_position_not_yet_known_is_created_and_reported(company: OrgUnit, tmp_path: Path) -> None:
    # given a row with a position HR has not set up
    path = write(tmp_path, HEADER + "E1,张伟,,华东售前一组,售前运营,,华东,\n")
    # when it is imported
    report = import_file(path)
    # then the position exists and the report says so
    assert Position.objects.filter(name_zh_hans="售前运营").exists()
    assert "created position 售前运营" in report.notes


def test_reimporting_the_same_file_changes_nothing(company: OrgUnit, tmp_path: Path) -> None:
    # given a file already imported
    path = write(tmp_path, HEADER + GOOD_ROWS)
    import_file(path)
    events = AuditEvent.objects.count()
    # when it is imported again
    report = import_file(path)
    # then every row is unchanged and no audit event is written
    assert report.summary_line() == "imported 0, updated 0, unchanged 3, quarantined 0"
    assert AuditEvent.objects.count() == events


def test_a_changed_row_is_an_audited_update(company: OrgUnit, tmp_path: Path) -> None:
    # given an imported file
    import_file(write(tmp_path, HEADER + GOOD_ROWS))
    # when E2 moves to another team and reports to nobody
    changed = GOOD_ROWS.replace(
        "E2,李娜,li.na@example.com,华东售前一组,售前工程师,M1",
        "E2,李娜,li.na@example.com,华东售前二组,售前工程师,",
    )
    report = import_file(write(tmp_path, HEADER + changed, "v2.csv"))
    # then one row is updated and the trail shows the move
    assert report.summary_line() == "imported 0, updated 1, unchanged 2, quarantined 0"
    e2 = Employee.objects.get(employee_id="E2")
    assert e2.manager is None
    event = AuditEvent.objects.filter(object_type="org.employee", object_id=str(e2.pk)).first()
    assert event is not None
    assert event.changes["manager"] == {
        "before": Employee.objects.get(employee_id="M1").pk,
        "after": None,
    }


def test_gbk_file_from_chinese_excel_is_read(company: OrgUnit, tmp_path: Path) -> None:
    # given the same rows saved as GBK
    path = write(tmp_path, HEADER + GOOD_ROWS, encoding="gbk")
    # when it is imported
    import_file(path)
    # then the Chinese names arrive intact
    assert Employee.objects.get(employee_id="E1").name == "张伟"


def test_bad_rows_are_all_reported_and_nothing_is_written(company: OrgUnit, tmp_path: Path) -> None:
    # given a file with several kinds of mistake
    text = HEADER + (
        "E1,张伟,not-an-email,华东售前一组,售前工程师,,华东,2024-03-01\n"
        "E2,,li.na@example.com,华东售前一组,售前工程师,,华东,2024-02-30\n"
        "E1,张伟二,z2@example.com,华东售前一组,售前工程师,,华东,\n"
        "E3,赵敏,zhao@example.com,华东售前一组,售前工程师,E3,华东,\n"
    )
    path = write(tmp_path, text)
    # when it is imported
    with pytest.raises(InputError) as caught:
        import_file(path)
    # then each problem names the file, line, column and reason, and nothing was written
    assert [str(problem) for problem in caught.value.problems] == [
        "employees.csv:2: email: not-an-email is not an email address",
        "employees.csv:3: hire_date: 2024-02-30 is not a valid date",
        "employees.csv:3: name: is empty",
        "employees.csv:4: employee_id: E1 appears again (first on line 2)",
        "employees.csv:5: manager_id: an employee cannot manage themselves",
    ]
    assert Employee.objects.count() == 0
    assert OrgUnit.objects.count() == 1


def test_unknown_manager_is_reported(company: OrgUnit, tmp_path: Path) -> None:
    # given a row naming a manager who exists nowhere
    path = write(tmp_path, HEADER + "E1,张伟,,华东售前一组,售前工程师,X9,华东,\n")
    # when it is imported
    with pytest.raises(InputError) as caught:
        import_file(path)
    # then the manager column is blamed
    assert [str(p) for p in caught.value.problems] == [
        "employees.csv:2: manager_id: unknown manager X9"
    ]


def test_missing_required_column_is_reported(company: OrgUnit, tmp_path: Path) -> None:
    # given a file without the position column
    path = write(tmp_path, "employee_id,name,org_unit\nE1,张伟,华东售前一组\n")
    # when it is imported
    with pytest.raises(InputError) as caught:
        import_file(path)
    # then the header line names the missing column
    assert [str(p) for p in caught.value.problems] == [
        "employees.csv:1: position: required column is missing"
    ]


def test_reporting_loop_across_existing_people_is_refused(company: OrgUnit, tmp_path: Path) -> None:
    # given A reports to B
    import_file(write(tmp_path, HEADER + "A,甲,,组一,售前工程师,B,,\nB,乙,,组一,售前经理,,,\n"))
    # when a new file makes B report to A
    with pytest.raises(InputError) as caught:
        import_file(
            write(
                tmp_path,
                HEADER + "A,甲,,组一,售前工程师,B,,\nB,乙,,组一,售前经理,A,,\n",
                "loop.csv",
            )
        )
    # then the loop is reported and B still has no manager
    assert "reporting loop" in str(caught.value.problems[0])
    assert Employee.objects.get(employee_id="B").manager is None
