"""Golden cases of customer-success attribution: windows, splits, decay and the trail."""

import pytest

from kpilib.engine.definitions import Attributed, Pack
from kpilib.engine.measures import compute_measures, longest_window, metrics_read
from kpilib.engine.periods import parse_period
from kpilib.engine.scorecard import score_plan
from tests.engine.scoring_support import fact, facts_table

WHOLE = parse_period("2025-01-01..2026-12-31")


def credit(employee: str, deal: str, customer: str, closed: str, split: float, role: str):
    return fact(employee, "deal_credit", closed, split, customer, project_id=deal, role=role)


def upsell(order: str, customer: str, on: str, amount: float, owner: str = "R1"):
    return fact(owner, "upsell", on, amount, customer, external_id=order)


ROWS = [
    # deal O-1 of C-1, won 2025-06-30: sales owner, presales 60%, solution architect 40%
    credit("R1", "O-1", "C-1", "2025-06-30", 100, "sales"),
    credit("P1", "O-1", "C-1", "2025-06-30", 60, "presales"),
    credit("S1", "O-1", "C-1", "2025-06-30", 40, "solution_architect"),
    # deal O-2 of C-1, won 2025-12-31, presales P2 alone
    credit("P2", "O-2", "C-1", "2025-12-31", 100, "presales"),
    # deal O-3 of C-3, won 2025-03-31, two presales engineers half each
    credit("P1", "O-3", "C-3", "2025-03-31", 50, "presales"),
    credit("P3", "O-3", "C-3", "2025-03-31", 50, "presales"),
    upsell("U-3", "C-1", "2025-06-30", 70),  # on the close day: not after it
    upsell("U-1", "C-1", "2025-09-30", 100),  # 92 days after O-1 closed
    upsell("U-5", "C-1", "2026-02-01", 50),  # after O-2: the latest deal takes it
    upsell("U-6", "C-3", "2026-03-31", 80),  # the last day of O-3's 12 months
    upsell("U-7", "C-3", "2026-04-01", 90),  # one day too late
    upsell("U-4", "C-2", "2025-10-01", 60),  # a customer with no won deal
]


def measured(**options: object) -> dict[str, float]:
    measure = Attributed.model_validate({"kind": "attributed", "metric": "upsell", **options})
    frame = compute_measures(facts_table(ROWS), {"m": measure}, WHOLE)
    return dict(frame.select("employee_id", "m").iter_rows())


def test_later_orders_are_credited_to_the_presales_members_of_the_deal_by_split() -> None:
    # given won deals with teams and later upsells
    # when credited amounts are summed
    values = measured()
    # then presales and solution members get their split of each order in the window;
    # the sales owner, the close-day order, the late order and the orphan order get nothing
    assert values == {"R1": 0.0, "P1": 100.0, "S1": 40.0, "P2": 50.0, "P3": 40.0}


def test_counting_orders_and_customers_by_split() -> None:
    # given the same history
    # when credited orders and customers are counted
    orders = measured(aggregate="count")
    customers = measured(aggregate="customers")
    # then each counts at the member's share
    assert orders == pytest.approx({"R1": 0.0, "P1": 1.1, "S1": 0.4, "P2": 1.0, "P3": 0.5})
    assert customers == pytest.approx({"R1": 0.0, "P1": 1.1, "S1": 0.4, "P2": 1.0, "P3": 0.5})


def test_linear_decay_fades_credit_over_the_window() -> None:
    # given linear decay over 12 months
    values = measured(decay="linear")
    # then U-1, 92 of 365 days after O-1, keeps 273/365 of its credit; U-5, 32 days
    # after O-2, keeps 333/365; U-6 on the window's last day keeps nothing
    assert values == pytest.approx(
        {
            "R1": 0.0,
            "P1": 100 * 0.6 * 273 / 365,
            "S1": 100 * 0.4 * 273 / 365,
            "P2": 50 * 333 / 365,
            "P3": 0.0,
        }
    )


def test_a_shorter_window_and_other_roles_are_configurable() -> None:
    # given a 6-month window that credits the sales owner
    values = measured(after_months=6, roles=["sales"])
    # then only R1 is credited, for U-1 only (U-5 belongs to O-2, which R1 was not on)
    assert values == {"R1": 100.0, "P1": 0.0, "S1": 0.0, "P2": 0.0, "P3": 0.0}


def test_only_outcomes_in_the_period_count_but_deals_before_it_do() -> None:
    # given the first quarter of 2026
    measure = Attributed.model_validate({"kind": "attributed", "metric": "upsell"})
    frame = compute_measures(facts_table(ROWS), {"m": measure}, parse_period("2026-Q1"))
    # then U-5 (Feb) and U-6 (Mar 31) count, credited to deals won in 2025
    assert dict(frame.select("employee_id", "m").iter_rows()) == {
        "R1": 0.0,
        "P1": 40.0,
        "S1": 0.0,
        "P2": 50.0,
        "P3": 40.0,
    }


def test_a_store_reads_the_team_facts_and_reaches_back_to_the_deals() -> None:
    # given an attributed measure
    measure = Attributed.model_validate({"kind": "attributed", "metric": ["upsell", "repurchase"]})
    # then the store must read outcome and team facts, far enough back
    assert metrics_read({"m": measure}) == {"upsell", "repurchase", "deal_credit"}
    assert longest_window({"m": measure}) == 24


PACK = Pack.model_validate(
    {
        "pack": {"code": "cs", "version": "1", "name": {"zh-Hans": "客户成功", "en": "CS"}},
        "dimensions": [
            {"code": "value", "name": {"zh-Hans": "客户价值", "en": "Value"}, "layer": "result"}
        ],
        "indicators": [
            {
                "code": "upsell_credit",
                "name": {"zh-Hans": "增购归因", "en": "Upsell credit"},
                "definition": {"zh-Hans": "归因增购额", "en": "Credited upsell amount"},
                "dimension": "value",
                "unit": {"zh-Hans": "万元", "en": "CNY 10k"},
                "direction": "higher_better",
                "data_source": "crm",
                "leading_or_lagging": "lagging",
                "default_weight": 100,
                "measure": {
                    "kind": "attributed",
                    "metric": "upsell",
                    "decay": "linear",
                    "label": {"zh-Hans": "归因增购额", "en": "credited upsell"},
                },
                "rule": {"kind": "target", "target": 100},
            }
        ],
        "plans": [
            {
                "code": "cs",
                "name": {"zh-Hans": "方案", "en": "Plan"},
                "position": "presales_engineer",
                "weights": {"upsell_credit": 100},
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "credited upsell 44.88: order U-1 (upsell revenue, customer C-1, 2025-09-30) 100 ← deal O-1 "
            "won 2025-06-30, split 60% × decay 0.75 → 44.88; order U-6 (upsell revenue, customer C-3, "
            "2026-03-31) 80 ← deal O-3 won 2025-03-31, split 50% × decay 0 → 0: 44.88% of "
            "target 100 → 44.88",
        ),
        (
            "zh-Hans",
            "归因增购额 44.88：订单 U-1（增购，客户 C-1，2025-09-30）100 ← 商机 O-1（2025-06-30 "
            "赢单）拆分 60% × 衰减 0.75 → 44.88；订单 U-6（增购，客户 C-3，2026-03-31）80 ← "
            "商机 O-3（2025-03-31 赢单）拆分 50% × 衰减 0 → 0：达成目标 100 的 44.88% → 44.88 分",
        ),
    ],
)
def test_the_scorecard_explanation_traces_every_credit(language: str, expected: str) -> None:
    # given a plan scoring credited upsells with decay
    # when P1 is scored
    scorecards = score_plan(
        facts_table(ROWS), PACK.plan("cs"), PACK, WHOLE, employees=["P1"], language=language
    )
    # then the line names each order, its deal, the split and the decay
    line = scorecards.records()[0].indicators[0]
    assert line.explanation == expected


def test_stores_pool_outcomes_and_team_facts_of_everyone() -> None:
    # given the pack's attributed indicator
    from kpilib.engine.measures import pooled_metrics

    # then outcomes and team facts are read for every employee, not only those scored
    assert pooled_metrics(PACK.indicators) == {"upsell", "deal_credit"}
