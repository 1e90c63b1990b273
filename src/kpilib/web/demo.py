"""Loading the demo organisation into the database, and the demo logins (one per role)."""

from pathlib import Path

from django.db import transaction

from kpilib.accounts.models import User
from kpilib.accounts.services import user_create, user_set_hr_admin
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.demo.organisation import english_unit_name
from kpilib.importing import ImportReport
from kpilib.org.models import Employee, OrgUnit
from kpilib.org.services import (
    employee_update,
    employees_import,
    org_unit_create,
    org_unit_update,
    positions_ensure_standard,
)

DEMO_PASSWORD = "kpilib-demo"
MANAGER_POSITION = "售前经理"
DIRECTOR_POSITION = "售前总监"
ENGINEER_POSITION = "售前工程师"


def demo_logins() -> list[tuple[str, str]]:
    return [
        ("hr", "HR admin · HR管理员"),
        ("director", "Presales director (sees everyone) · 售前总监"),
        ("manager", "Presales manager · 售前经理"),
        ("engineer", "Presales engineer · 售前工程师"),
        ("engineer_en", "Presales engineer, English UI"),
        ("reviewer", "Delivery reviewer of solutions · 交付评审人"),
    ]


def demo_is_loaded() -> bool:
    return User.objects.filter(username="hr").exists()


@transaction.atomic
def demo_load(*, folder: Path, engineers: int, months: int, seed: int) -> ImportReport:
    """Generate the demo files, import them as HR would, and create one login per role."""
    from kpilib import clock
    from kpilib.appraisal.demo import demo_appraisal_load, demo_library_load
    from kpilib.demo.generator import default_start_month, generate_demo, write_demo
    from kpilib.ingest.demo import demo_facts_load

    dataset = generate_demo(
        engineers=engineers,
        months=months,
        seed=seed,
        start=default_start_month(months, clock.today()),
    )
    # Exams and certifications are kpilib's own records: their events leave the facts
    # file and become attempts and certifications (training.demo), which make the facts.
    from dataclasses import replace

    import polars as pl

    from kpilib.cases.demo import OWN_METRICS as CASE_METRICS
    from kpilib.cases.demo import demo_cases_load
    from kpilib.dailyreports.demo import OWN_METRICS as REPORT_METRICS
    from kpilib.dailyreports.demo import demo_reports_load
    from kpilib.feedback.demo import OWN_METRICS as FEEDBACK_METRICS
    from kpilib.feedback.demo import demo_feedback_load
    from kpilib.training.demo import OWN_METRICS, demo_training_load
    from kpilib.validation.demo import OWN_METRICS as VALIDATION_METRICS
    from kpilib.validation.demo import REVIEWER_LOGIN, demo_validation_load

    own = (*OWN_METRICS, *CASE_METRICS, *REPORT_METRICS, *VALIDATION_METRICS, *FEEDBACK_METRICS)
    training_events = dataset.facts.filter(pl.col("metric").is_in(own)).collect()
    dataset = replace(dataset, facts=dataset.facts.filter(~pl.col("metric").is_in(own)))
    files = write_demo(dataset, folder)
    positions_ensure_standard(actor=SYSTEM, origin=Origin.DEMO)
    _create_units(dataset.org_units.iter_rows(named=True))
    report = employees_import(
        actor=SYSTEM, origin=Origin.DEMO, data=files["employees"].read_bytes(), file_name=files["employees"].name
    )
    _appoint_heads()
    _create_logins()
    demo_library_load()
    demo_facts_load(folder=folder, facts=files["facts"], last_month=dataset.last_month, seed=seed)
    demo_training_load(folder=folder, events=training_events, today=clock.today(), seed=seed)
    demo_cases_load(events=training_events, today=clock.today(), seed=seed)
    demo_reports_load(events=training_events, today=clock.today(), seed=seed)
    demo_validation_load(events=training_events, today=clock.today(), seed=seed)
    _login(REVIEWER_LOGIN, Employee.objects.filter(employee_id="D001").first())
    demo_feedback_load(events=training_events, today=clock.today(), seed=seed)
    manager = Employee.objects.filter(user__username="manager").first()
    demo_appraisal_load(
        first_month=dataset.first_month,
        last_month=dataset.last_month,
        plan_admin=manager,
        today=clock.today(),
    )
    return report


def _create_units(rows: object) -> None:
    units: dict[str, OrgUnit] = {unit.name: unit for unit in OrgUnit.objects.all()}
    for row in rows:  # parents come first in the generator's file
        if row["name"] not in units:
            units[row["name"]] = org_unit_create(
                actor=SYSTEM,
                origin=Origin.DEMO,
                name=row["name"],
                name_en=english_unit_name(row["name"]),
                kind=row["kind"],
                parent=units.get(row["parent"]),
            )


def _appoint_heads() -> None:
    """Each manager heads their own team; the director heads the company."""
    for leader in Employee.objects.filter(
        position__name_zh_hans__in=[MANAGER_POSITION, DIRECTOR_POSITION]
    ).select_related("org_unit"):
        org_unit_update(actor=SYSTEM, origin=Origin.DEMO, unit=leader.org_unit, head=leader)


def _login(username: str, employee: Employee | None, *, language: str = "") -> User:
    user = user_create(
        actor=SYSTEM, origin=Origin.DEMO, username=username, password=DEMO_PASSWORD, language=language
    )
    if employee is not None:
        employee_update(actor=SYSTEM, origin=Origin.DEMO, employee=employee, user=user)
    return user


def _create_logins() -> None:
    hr = _login("hr", None)
    hr.first_name = "HR"
    hr.save(update_fields=["first_name"])
    user_set_hr_admin(actor=SYSTEM, origin=Origin.DEMO, user=hr, hr_admin=True)
    director = Employee.objects.filter(position__name_zh_hans=DIRECTOR_POSITION).first()
    _login("director", director)
    manager = (
        Employee.objects.filter(position__name_zh_hans=MANAGER_POSITION)
        .order_by("employee_id")
        .first()
    )
    _login("manager", manager)
    engineers = Employee.objects.filter(
        position__name_zh_hans=ENGINEER_POSITION, manager=manager, left_on__isnull=True
    ).order_by("employee_id")
    _login("engineer", engineers.first(), language="zh-hans")
    _login("engineer_en", engineers[1] if engineers.count() > 1 else None, language="en")
