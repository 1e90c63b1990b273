"""A shared indicator is computed once and the same value reaches every role's scorecard."""

import pytest

from kpilib.engine.definitions import Pack
from kpilib.engine.measures import pooled_metrics
from kpilib.engine.periods import parse_period
from kpilib.engine.scorecard import score_plan
from tests.engine.scoring_support import fact, facts_table

Q3 = parse_period("2026-Q3")


def indicator(code: str, shared: dict[str, object] | None) -> dict[str, object]:
    body: dict[str, object] = {
        "code": code,
        "name": {"zh-Hans": "首次价值时间", "en": "Time to first value"},
        "definition": {"zh-Hans": "签约到首次价值的平均天数", "en": "Mean days to first value"},
        "dimension": "value",
        "unit": {"zh-Hans": "天", "en": "days"},
        "direction": "lower_better",
        "data_source": "delivery",
        "leading_or_lagging": "lagging",
        "default_weight": 20,
        "measure": {"kind": "mean", "metric": "first_value_days"},
        "rule": {"kind": "linear", "full_at": 30, "zero_at": 90},
    }
    if shared is not None:
        body["shared"] = shared
    return body


OTHER = {
    "code": "visits",
    "name": {"zh-Hans": "拜访", "en": "Visits"},
    "definition": {"zh-Hans": "拜访次数", "en": "Customer visits"},
    "dimension": "value",
    "unit": {"zh-Hans": "次", "en": "visits"},
    "direction": "higher_better",
    "data_source": "crm",
    "leading_or_lagging": "leading",
    "default_weight": 80,
    "measure": {"kind": "count", "metric": "customer_visit"},
    "rule": {"kind": "target", "target": 2},
}
SHARING = {
    "owner": "presales_engineer",
    "co_owners": ["delivery_engineer"],
    "updater": "customer_success_manager",
}


def pack(shared: bool) -> Pack:
    def plan(code: str, position: str, ttfv: float) -> dict[str, object]:
        return {
            "code": code,
            "name": {"zh-Hans": code, "en": code},
            "position": position,
            "weights": {"time_to_first_value": ttfv, "visits": 100 - ttfv},
        }

    return Pack.model_validate(
        {
            "pack": {"code": "p", "version": "1", "name": {"zh-Hans": "包", "en": "Pack"}},
            "dimensions": [
                {"code": "value", "name": {"zh-Hans": "价值", "en": "Value"}, "layer": "result"}
            ],
            "indicators": [
                indicator("time_to_first_value", SHARING if shared else None),
                OTHER,
            ],
            "plans": [
                plan("presales", "presales_engineer", 20),
                plan("delivery", "delivery_engineer", 40),
                plan("success", "customer_success_manager", 10),
            ],
        }
    )


ROWS = [
    # first value reached on three projects, written by whoever delivered them
    fact("D1", "first_value_days", "2026-07-10", 40, project_id="P-1"),
    fact("D2", "first_value_days", "2026-08-10", 60, project_id="P-2"),
    fact("C1", "first_value_days", "2026-09-10", 50, project_id="P-3"),
    fact("E1", "customer_visit", "2026-07-02"),
    fact("E2", "customer_visit", "2026-07-03"),
]


def test_one_value_reaches_every_role_at_each_plans_weight() -> None:
    # given a shared indicator weighed by presales (20), delivery (40) and CS (10)
    chosen = pack(shared=True)
    facts = facts_table(ROWS)
    groups = {"presales": ["E1", "E2"], "delivery": ["D1", "D2"], "success": ["C1"]}
    # when each role's plan scores its own people
    lines = {}
    for plan_code, people in groups.items():
        scorecards = score_plan(facts, chosen.plan(plan_code), chosen, Q3, employees=people)
        for record in scorecards.records():
            lines[record.employee_id] = record.indicators[0]
    # then everyone's line has the single value, mean(40, 60, 50) = 50 days, and the
    # points of the linear rule (2/3 of the way) at their plan's weight
    assert {employee: line.value for employee, line in lines.items()} == dict.fromkeys(
        ["E1", "E2", "D1", "D2", "C1"], 50.0
    )
    assert lines["E1"].points == pytest.approx(20 * 2 / 3)
    assert lines["D1"].points == pytest.approx(40 * 2 / 3)
    assert lines["C1"].points == pytest.approx(10 * 2 / 3)


def test_without_sharing_each_person_has_their_own_value() -> None:
    # given the same indicator, not shared
    chosen = pack(shared=False)
    scorecards = score_plan(
        facts_table(ROWS), chosen.plan("delivery"), chosen, Q3, employees=["D1", "D2", "E1"]
    )
    # then values are per person (E1 delivered nothing)
    values = {record.employee_id: record.indicators[0].value for record in scorecards.records()}
    assert values == {"D1": 40.0, "D2": 60.0, "E1": None}


def test_stores_read_shared_metrics_for_everyone() -> None:
    chosen = pack(shared=True)
    assert pooled_metrics(chosen.indicators) == {"first_value_days"}
    assert chosen.indicators[0].shared is not None
    assert chosen.indicators[0].shared.positions() == [
        "presales_engineer",
        "delivery_engineer",
        "customer_success_manager",
    ]
