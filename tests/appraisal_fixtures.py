"""A scored world for plan and cycle tests: the org, the presales pack, a published plan,
and a quarter of facts for the two team-A engineers."""

import datetime
import itertools
from dataclasses import dataclass

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.models import Fact
from kpilib.library.models import PlanTemplate
from kpilib.org.models import Employee, Position
from kpilib.plans import services as plan_services
from kpilib.plans.models import Plan
from tests.conftest import pinned
from tests.factories import Org, make_org
from tests.library.conftest import presales_pack_text

QUARTER = "2026-Q3"
DAY = datetime.date(2026, 8, 10)
# The world's "today": the appraisal of 2026-Q3 under way. Modules whose tests read the
# clock (pages that show a cycle's progress, reminders) pin it with
# `pytestmark = pytest.mark.today(TODAY)`.
TODAY = datetime.date(2026, 10, 8)
_fact_ids = itertools.count(1)


def add_facts(
    employee: Employee, metric: str, count: int, value: float = 1.0, **fields: str
) -> None:
    Fact.objects.bulk_create(
        Fact(
            employee=employee,
            metric=metric,
            occurred_on=DAY,
            value=value,
            source="test",
            external_id=f"test-{next(_fact_ids)}",
            **fields,
        )
        for _ in range(count)
    )


@dataclass
class World:
    org: Org
    plan: Plan


def make_world() -> World:
    from kpilib.library.services import pack_import

    org = make_org()
    with pinned(TODAY):
        pack_import(actor=SYSTEM, origin=Origin.WEB, text=presales_pack_text(), file_name="presales.yaml")
    template = PlanTemplate.objects.get(code="presales-engineer")
    plan = plan_services.plan_create_from_template(
        actor=org.hr, origin=Origin.WEB,
        template=template,
        code="pe-2026",
        name_zh_hans="售前工程师考核 2026",
        name_en="Presales engineers 2026",
        positions=[Position.objects.get(code="presales-engineer")],
    )
    draft = plan.revisions.get()
    plan_services.revision_publish(actor=org.hr, origin=Origin.WEB, revision=draft)
    # 张三: excellent — surveys 96, all revisits done, no complaints, exam 90 + a case, good reports
    engineer = org.engineer
    add_facts(engineer, "satisfaction_score", 2, 96.0)
    add_facts(engineer, "revisit_due", 2)
    add_facts(engineer, "revisit_done", 2)
    add_facts(engineer, "training_exam", 1, 90.0)
    add_facts(engineer, "case_shared", 1)
    add_facts(engineer, "daily_report", 3, 1.0)
    # 李四: struggling — 2 unresolved customers, 2 complaints, survey 86, no exam, a perfunctory report
    peer = org.peer
    add_facts(peer, "unresolved_customer", 1, customer_id="C1")
    add_facts(peer, "unresolved_customer", 1, customer_id="C2")
    add_facts(peer, "complaint", 2)
    add_facts(peer, "satisfaction_score", 1, 86.0)
    add_facts(peer, "daily_report", 1, -1.0)
    return World(org=org, plan=plan)


def make_world_scoring(today: datetime.date, period: str = QUARTER) -> World:
    """The world with a cycle of its plan for `period` moved on to data collection on
    `today`: its draft scorecards follow the facts (what the KPI monitor's meters read)."""
    from kpilib.appraisal import services as cycles
    from kpilib.appraisal.models import Cycle

    world = make_world()
    cycle = cycles.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name=period.replace("-", " "), kind="quarterly",
        period=period,
    )
    while cycle.phase != Cycle.Phase.DATA_COLLECTION:
        cycle = cycles.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=today, early_reason="test")
    return world
