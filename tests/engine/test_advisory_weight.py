"""A leading indicator at weight 0 is advisory: measured and explained, never counted."""

import pytest

from kpilib.engine.definitions import Pack, pack_problems
from kpilib.engine.periods import parse_period
from kpilib.engine.scorecard import score_plan
from tests.engine.scoring_support import fact, facts_table


def pack(timing: str) -> Pack:
    indicator = {
        "dimension": "value",
        "unit": {"zh-Hans": "个", "en": "deals"},
        "direction": "higher_better",
        "data_source": "crm",
        "default_weight": 100,
        "rule": {"kind": "target", "target": 4},
    }
    return Pack.model_validate(
        {
            "pack": {"code": "p", "version": "1", "name": {"zh-Hans": "包", "en": "Pack"}},
            "dimensions": [
                {"code": "value", "name": {"zh-Hans": "价值", "en": "Value"}, "layer": "result"}
            ],
            "indicators": [
                {
                    **indicator,
                    "code": "wins",
                    "name": {"zh-Hans": "赢单", "en": "Wins"},
                    "definition": {"zh-Hans": "赢单数", "en": "Deals won"},
                    "leading_or_lagging": "lagging",
                    "measure": {"kind": "count", "metric": "opportunity_won"},
                },
                {
                    **indicator,
                    "code": "expected_wins",
                    "name": {"zh-Hans": "预期技术赢单", "en": "Expected wins"},
                    "definition": {"zh-Hans": "赢率之和", "en": "Sum of win probabilities"},
                    "leading_or_lagging": timing,
                    "measure": {"kind": "sum", "metric": "win_probability"},
                },
            ],
            "plans": [
                {
                    "code": "plan",
                    "name": {"zh-Hans": "方案", "en": "Plan"},
                    "position": "presales_engineer",
                    "weights": {"wins": 100, "expected_wins": 0},
                }
            ],
        }
    )


def test_an_advisory_line_is_shown_but_never_moves_the_total() -> None:
    # given a plan with a leading indicator at weight 0
    chosen = pack("leading")
    rows = [
        fact("E1", "opportunity_won", "2026-08-01"),
        fact("E1", "opportunity_won", "2026-08-02"),
        fact("E1", "win_probability", "2026-08-03", 0.9),
        fact("E1", "win_probability", "2026-08-03", 0.7),
    ]
    # when scored
    card = score_plan(
        facts_table(rows), chosen.plan("plan"), chosen, parse_period("2026-Q3")
    ).records()[0]
    # then the total is the wins' alone and the advisory line says it is not counted
    assert card.total == pytest.approx(50.0)
    advisory = card.indicators[1]
    assert (advisory.value, advisory.points, advisory.max_points) == (pytest.approx(1.6), 0.0, 0.0)
    assert advisory.explanation.endswith("; advisory (weight 0): not counted in the total")


def test_weight_zero_is_refused_for_a_lagging_indicator() -> None:
    # given a lagging indicator at weight 0
    problems = pack_problems(pack("lagging"))
    # then the pack check says weight 0 is only for leading indicators
    assert problems == [
        (
            ("plans", 0, "weights", "expected_wins"),
            "weight 0 (advisory) is only for leading indicators; give it points or leave it out",
        )
    ]
