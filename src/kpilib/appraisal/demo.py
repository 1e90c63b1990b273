"""The demo's appraisal side: the presales pack in the library, published plans for
engineers and architects delegated to a manager, the last full quarter's cycle published
and the current quarter's cycle collecting data."""

from importlib import resources

from django.db import transaction

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle
from kpilib.library.models import PlanTemplate
from kpilib.library.services import pack_import
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
)


def quarters_to_show(last_month: str) -> tuple[str, str | None]:
    """The last complete quarter up to `last_month` (YYYY-MM), and the open one after it."""
    year, month = (int(part) for part in last_month.split("-"))
    quarter = (month - 1) // 3 + 1
    if month % 3 == 0:
        return f"{year}-Q{quarter}", None
    done_year, done_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return f"{done_year}-Q{done_quarter}", f"{year}-Q{quarter}"


@transaction.atomic
def demo_appraisal_load(*, last_month: str, plan_admin: Employee | None) -> None:
    text = (resources.files("kpilib") / "packs" / "presales.yaml").read_text(encoding="utf-8")
    pack_import(actor=None, text=text, file_name="presales.yaml")
    plans: dict[str, Plan] = {}
    for template_code, position_code, name_zh, name_en in PLANS:
        plan = plan_services.plan_create_from_template(
            actor=None,
            template=PlanTemplate.objects.get(code=template_code),
            code=template_code,
            name_zh_hans=name_zh,
            name_en=name_en,
            positions=[Position.objects.get(code=position_code)],
        )
        plan_services.revision_publish(actor=None, revision=plan.revisions.get())
        if plan_admin is not None:
            plan_services.plan_set_administrator(
                actor=None, plan=plan, employee=plan_admin, admin=True
            )
        plans[template_code] = plan
    done, current = quarters_to_show(last_month)
    engineers = plans["presales-engineer"]
    cycle = services.cycle_create(
        actor=None,
        plan=engineers,
        name=f"{done} 季度考核",
        kind=Cycle.Kind.QUARTERLY,
        period=done,
        grade_targets={"S": 0.15, "A": 0.35},
    )
    while cycle.phase != Cycle.Phase.PUBLICATION:
        cycle = services.cycle_advance(actor=None, cycle=cycle)
    if current:
        open_cycle = services.cycle_create(
            actor=None,
            plan=engineers,
            name=f"{current} 季度考核",
            kind=Cycle.Kind.QUARTERLY,
            period=current,
        )
        services.cycle_advance(actor=None, cycle=open_cycle)
