"""Replacement suggestions, rebalanced weights and the effect of a change."""

from datetime import date

import pytest

from kpilib.engine.packs import builtin_pack
from kpilib.engine.review import (
    effect_of_change,
    month_index,
    monthly_activity,
    monthly_rates,
    rebalanced_weights,
    replacement_candidates,
)
from tests.engine.review_support import monthly_facts


def test_replacements_share_objectives_and_tags() -> None:
    # given the presales-engineer plan, complaints leaving it
    pack = builtin_pack("presales")
    plan = list(pack.plan("presales-engineer").weights)
    candidates = replacement_candidates(pack, plan, "complaints")
    # then project support satisfaction comes first: it serves raise_customer_satisfaction
    # (2) and shares the customer tag (1); error-proofing shares quality (1) and the
    # process_efficiency dimension (1)
    assert [(c.code, c.affinity) for c in candidates][:1] == [("project_support_satisfaction", 3)]
    assert candidates[0].shared_objectives == ("raise_customer_satisfaction",)
    assert all(c.code not in plan for c in candidates)
    codes = [c.code for c in replacement_candidates(pack, plan, "complaints", limit=10)]
    assert "error_proofing_coverage" in codes


def test_a_replacement_takes_the_weight_of_the_one_it_replaces() -> None:
    weights = {"a": 35, "b": 15, "c": 50}
    assert rebalanced_weights(weights, replace={"b": "d"}) == {"a": 35, "d": 15, "c": 50}


def test_an_addition_gets_its_default_weight_and_the_rest_shrink() -> None:
    # given 35/15/50 and a new indicator worth 10: 110 in all, scaled to 100
    result = rebalanced_weights({"a": 35, "b": 15, "c": 50}, add={"d": 10}, precision=2)
    # then 35/1.1 = 31.818…, 15/1.1 = 13.636…, 50/1.1 = 45.4545…, 10/1.1 = 9.0909…
    assert result == {"a": 31.82, "b": 13.64, "c": 45.45, "d": 9.09}
    assert sum(result.values()) == pytest.approx(100)


def test_a_removal_spreads_its_weight_over_the_rest() -> None:
    result = rebalanced_weights({"a": 40, "b": 20, "c": 40}, remove=["b"], precision=0)
    assert result == {"a": 50, "c": 50}


def test_effect_before_and_after_a_change() -> None:
    # given 10 engineers: complaints 1 a month, then 8, 9, 10 (the spike), then the indicator
    # is added in July and complaints are 4, 3, 2
    series = [1, 1, 1, 8, 9, 10, 4, 3, 2]
    facts = monthly_facts(10, {"complaint": series}, date(2026, 1, 1))
    last = month_index(date(2026, 9, 1))
    rates = monthly_rates(monthly_activity(facts, last_month=last), last)
    effect = effect_of_change(rates, "complaint", month_index(date(2026, 7, 1)))
    # then 0.9 per engineer a month in April–June, 0.3 in July–September: −67 %
    assert (effect.before, effect.after) == (pytest.approx(0.9), pytest.approx(0.3))
    assert (effect.months_before, effect.months_after) == (3, 3)
    assert effect.change == pytest.approx(-2 / 3)
    assert effect.change_month == "2026-07"


def test_effect_counts_only_the_months_lived() -> None:
    facts = monthly_facts(10, {"complaint": [1, 1, 1, 8, 9, 10, 4]}, date(2026, 1, 1))
    last = month_index(date(2026, 7, 1))
    rates = monthly_rates(monthly_activity(facts, last_month=last), last)
    effect = effect_of_change(rates, "complaint", month_index(date(2026, 7, 1)))
    assert (effect.months_after, effect.after) == (1, pytest.approx(0.4))
