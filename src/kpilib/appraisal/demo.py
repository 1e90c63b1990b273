"""The demo's appraisal side: the presales pack in the library, published plans for
engineers, architects and managers delegated to a manager, a published cycle of the
engineers' plan for every complete quarter of the demo year (so scorecards have a trend)
and the open quarter collecting, and the architects' and managers' plans scored on the
latest complete quarter (closed)."""

import datetime
from importlib import resources
from typing import Any

from django.db import transaction

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.periods import parse_period
from kpilib.library.errors import LibraryError
from kpilib.library.models import PlanTemplate
from kpilib.library.services import pack_import
from kpilib.notes import system_note
from kpilib.org.models import Employee, Position
from kpilib.plans import services as plan_services
from kpilib.plans.models import Plan

PLANS = (
    ("presales-engineer", "presales-engineer", "售前工程师绩效方案", "Presales engineer plan"),
    (
        "solution-architect",
        "solution-architect",
        "解决方案架构师绩效方案",
        "Solution architect plan",
    ),
    ("presales-manager", "presales-manager", "售前经理绩效方案", "Presales manager plan"),
)


GRADE_TARGETS = {"S": 0.15, "A": 0.35}

PHASE_DAYS_AFTER_PERIOD = {
    Cycle.Phase.DATA_COLLECTION: 5,
    Cycle.Phase.SELF_ASSESSMENT: 10,
    Cycle.Phase.MANAGER_REVIEW: 15,
    Cycle.Phase.CALIBRATION: 20,
    Cycle.Phase.PUBLICATION: 22,
    Cycle.Phase.ACKNOWLEDGEMENT: 30,
}


def phase_deadlines_after(period_end: datetime.date) -> dict[str, str]:
    """A usual timetable: each phase due some days after the period ends."""
    return {
        phase: (period_end + datetime.timedelta(days=days)).isoformat()
        for phase, days in PHASE_DAYS_AFTER_PERIOD.items()
    }


def _month_index(month: str) -> int:
    year, number = (int(part) for part in month.split("-"))
    return year * 12 + number - 1


def demo_quarters(first_month: str, last_month: str) -> tuple[list[str], str | None]:
    """Quarters wholly inside the data (oldest first), and the quarter still open at its end."""
    first, last = _month_index(first_month), _month_index(last_month)
    complete = [
        f"{start // 12}-Q{start % 12 // 3 + 1}"
        for start in range(first, last + 1)
        if start % 3 == 0 and start + 2 <= last
    ]
    open_quarter = None if last % 3 == 2 else f"{last // 12}-Q{last % 12 // 3 + 1}"
    return complete, open_quarter


def demo_library_load() -> None:
    """The presales pack into the library, before any fact exists.

    The pack's SMART check judges an indicator Achievable against the history it finds;
    loaded before the demo's random facts, no verdict computed from generated data can
    keep one of the plans' indicators a draft (and so break the demo on an unlucky day).
    """
    text = (resources.files("kpilib") / "packs" / "presales.yaml").read_text(encoding="utf-8")
    report = pack_import(actor=SYSTEM, origin=Origin.DEMO, text=text, file_name="presales.yaml")
    if report.drafts:
        # The shipped pack must be SMART on an empty library; say which part is not.
        raise LibraryError([report.summary()])


@transaction.atomic
def demo_appraisal_load(
    *, first_month: str, last_month: str, plan_admin: Employee | None, today: datetime.date
) -> None:
    """Plans from the library's templates and the demo year's cycles (the library is loaded)."""
    plans: dict[str, Plan] = {}
    for template_code, position_code, name_zh, name_en in PLANS:
        plan = plan_services.plan_create_from_template(
            actor=SYSTEM,
            origin=Origin.DEMO,
            template=PlanTemplate.objects.get(code=template_code),
            code=template_code,
            name_zh_hans=name_zh,
            name_en=name_en,
            positions=[Position.objects.get(code=position_code)],
        )
        plan_services.revision_publish(
            actor=SYSTEM, origin=Origin.DEMO, revision=plan.revisions.get()
        )
        if plan_admin is not None:
            plan_services.plan_set_administrator(
                actor=SYSTEM, origin=Origin.DEMO, plan=plan, employee=plan_admin, admin=True
            )
        plans[template_code] = plan
    complete, current = demo_quarters(first_month, last_month)
    engineers = plans["presales-engineer"]
    history = system_note("demo_history")
    for quarter in complete:
        # Earlier quarters are closed; the newest stays open for acknowledgement and appeals.
        final = Cycle.Phase.PUBLICATION if quarter == complete[-1] else Cycle.Phase.CLOSED
        _quarter_cycle(
            plan=engineers,
            quarter=quarter,
            final=final,
            today=today,
            early_reason=history,
            grade_targets=GRADE_TARGETS,
        )
    if complete:
        for code in ("solution-architect", "presales-manager"):
            _quarter_cycle(
                plan=plans[code],
                quarter=complete[-1],
                final=Cycle.Phase.CLOSED,
                today=today,
                early_reason=history,
                grade_targets=GRADE_TARGETS,
            )
    if current:
        _quarter_cycle(
            plan=engineers,
            quarter=current,
            final=Cycle.Phase.DATA_COLLECTION,
            today=today,
            early_reason="",
            phase_deadlines=phase_deadlines_after(parse_period(current).end),
        )


def _quarter_cycle(
    *,
    plan: Plan,
    quarter: str,
    final: str,
    today: datetime.date,
    early_reason: str,
    **options: Any,
) -> Cycle:
    """A quarterly cycle of `plan`, advanced phase by phase up to `final` on `today`."""
    cycle = services.cycle_create(
        actor=SYSTEM,
        origin=Origin.DEMO,
        plan=plan,
        name=f"{quarter} 季度考核",
        name_en=f"{quarter} quarterly appraisal",
        kind=Cycle.Kind.QUARTERLY,
        period=quarter,
        **options,
    )
    while cycle.phase != final:
        cycle = services.cycle_advance(
            actor=SYSTEM, origin=Origin.DEMO, cycle=cycle, today=today, early_reason=early_reason
        )
    return cycle
