"""Scoring from the store credits an upsell booked by someone outside the scored group."""

import datetime

import pytest

from kpilib.appraisal.fetch import group_facts
from kpilib.engine.packs import builtin_pack
from kpilib.engine.periods import parse_period
from kpilib.engine.scorecard import score_plan
from kpilib.ingest.models import Fact
from tests.factories import make_org


def stored(employee, metric: str, day: str, value: float, external_id: str, **fields) -> Fact:
    return Fact(
        employee=employee,
        metric=metric,
        occurred_on=datetime.date.fromisoformat(day),
        value=value,
        source="crm",
        external_id=external_id,
        **fields,
    )


@pytest.mark.django_db
def test_an_upsell_booked_by_sales_is_credited_to_the_presales_engineer_of_the_deal() -> None:
    # given a deal won in 2026-Q1 with the manager as presales (60%) and a peer as sales
    # owner, and an upsell of that customer booked by the peer in Q3
    org = make_org()
    manager, sales = org.manager, org.peer
    Fact.objects.bulk_create(
        [
            stored(
                manager,
                "deal_credit",
                "2026-02-10",
                60,
                "c-1",
                customer_id="C-9",
                project_id="O-1",
                attributes={"role": "presales"},
            ),
            stored(
                sales,
                "deal_credit",
                "2026-02-10",
                100,
                "c-2",
                customer_id="C-9",
                project_id="O-1",
                attributes={"role": "sales"},
            ),
            stored(sales, "upsell", "2026-08-01", 50, "U-1", customer_id="C-9", project_id="O-7"),
        ]
    )
    pack = builtin_pack("presales")
    period = parse_period("2026-Q3")
    # when the manager alone is scored on the manager plan from the store
    facts = group_facts([pack], [manager.employee_id], period)
    card = score_plan(
        facts, pack.plan("presales-manager"), pack, period, employees=[manager.employee_id]
    ).records()[0]
    # then the peer's upsell reaches the manager's repurchase-and-upsell lines, with the trail
    lines = {line.code: line for line in card.indicators}
    clv = lines["customer_lifetime_value"]
    assert clv.value == pytest.approx(50 * 0.6 / 0.6)
    assert (
        "order U-1 (upsell revenue, customer C-9, 2026-08-01) 50 ← deal O-1 won 2026-02-10, split 60%"
        in (clv.explanation)
    )
