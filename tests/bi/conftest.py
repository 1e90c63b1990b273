"""A scored world for the BI views: the appraisal world with a 2026-Q3 cycle scored."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from kpilib.appraisal import services as cycles
from kpilib.appraisal.models import Cycle
from kpilib.audit.origin import Origin
from tests.appraisal_fixtures import QUARTER, TODAY, World, make_world


@dataclass
class BiWorld:
    world: World
    cycle: Cycle


def make_bi_world() -> BiWorld:
    world = make_world()
    cycle = cycles.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 第三季度",
        name_en="2026 Q3", kind="quarterly", period=QUARTER,
    )
    cycle = cycles.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY, early_reason="test"
    )
    return BiWorld(world=world, cycle=cycle)


@pytest.fixture
def bi_world(db: None) -> BiWorld:
    return make_bi_world()


def rows(view: str, order: str = "") -> list[dict[str, Any]]:
    """Every row of a view as dicts (by the view's own column names)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {view}" + (f" ORDER BY {order}" if order else ""))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def columns(view: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {view} WHERE 1 = 0")
        return [column[0] for column in cursor.description]
