"""Role and business-stage profiles: multiplicative factors, then renormalised."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.ahp import (
    ADJUSTMENT_PROFILES,
    AdjustmentProfile,
    AhpInputError,
    ProfileKind,
    WeightedIndicator,
    adjust_weights,
)

INDICATORS = [
    WeightedIndicator("tech_resolution", 0.35, "customer_value"),
    WeightedIndicator(
        "customer_coverage", 0.15, "customer_value", frozenset({"customer_coverage"})
    ),
    WeightedIndicator("revisit_completion", 0.15, "process_efficiency"),
    WeightedIndicator("complaints", 0.10, "customer_value", frozenset({"quality"})),
    WeightedIndicator("learning_growth", 0.15, "capability_development"),
    WeightedIndicator("daily_report", 0.10, "collaboration_behaviour"),
]


def adjusted_by_code(profiles: list[str]) -> dict[str, float]:
    return {item.code: item.adjusted for item in adjust_weights(INDICATORS, profiles)}


def test_innovative_role_raises_capability_development() -> None:
    # given the innovative role, which multiplies capability development by 1.5
    # when the presales weights are adjusted
    adjusted = adjust_weights(INDICATORS, ["innovative_role"])
    # then learning growth goes from 0.15 to 0.225 / 1.075 and everything else shrinks in
    # proportion
    by_code = {item.code: item for item in adjusted}
    assert by_code["learning_growth"].adjusted == pytest.approx(0.225 / 1.075)
    assert by_code["tech_resolution"].adjusted == pytest.approx(0.35 / 1.075)
    assert by_code["learning_growth"].base == 0.15
    assert by_code["learning_growth"].factor == 1.5
    assert math.fsum(item.adjusted for item in adjusted) == pytest.approx(1)


def test_expansion_stage_raises_indicators_tagged_customer_coverage() -> None:
    # given the expansion stage, which multiplies customer-coverage indicators by 1.5
    # when adjusted
    adjusted = adjusted_by_code(["expansion_stage"])
    # then only the tagged indicator gains share
    assert adjusted["customer_coverage"] == pytest.approx(0.225 / 1.075)
    assert adjusted["tech_resolution"] == pytest.approx(0.35 / 1.075)


def test_role_and_stage_factors_multiply() -> None:
    # given an innovative role in an expansion stage
    # when adjusted
    adjusted = adjust_weights(INDICATORS, ["innovative_role", "expansion_stage"])
    # then each factor applies, renormalised over 1 + 0.075 + 0.075
    by_code = {item.code: item for item in adjusted}
    assert by_code["learning_growth"].adjusted == pytest.approx(0.225 / 1.15)
    assert by_code["customer_coverage"].adjusted == pytest.approx(0.225 / 1.15)
    assert by_code["customer_coverage"].reasons == ("×1.5 expansion_stage: tag customer_coverage",)


def test_unmatched_indicator_explains_it_only_renormalised() -> None:
    # given a profile that does not touch daily reports
    # when adjusted
    daily = next(
        item
        for item in adjust_weights(INDICATORS, ["innovative_role"])
        if item.code == "daily_report"
    )
    # then its explanation says so
    assert daily.factor == 1
    assert daily.explanation == "0.100 unchanged before renormalising → 0.093"


def test_custom_profile_can_be_passed_by_value() -> None:
    # given a plan-specific profile halving collaboration behaviour
    custom = AdjustmentProfile(
        code="remote_team",
        name_zh="远程团队",
        name_en="Remote team",
        kind=ProfileKind.ROLE,
        rationale="test",
        dimension_factors={"collaboration_behaviour": 0.5},
    )
    # when adjusted
    adjusted = {item.code: item.adjusted for item in adjust_weights(INDICATORS, [custom])}
    # then its factor is used like a built-in one
    assert adjusted["daily_report"] == pytest.approx(0.05 / 0.95)


def test_unknown_profile_is_named_with_the_known_ones() -> None:
    # given a misspelt profile
    # when adjusted
    with pytest.raises(AhpInputError) as error:
        adjust_weights(INDICATORS, ["innovation_role"])
    # then the reason lists the profiles that exist
    assert str(error.value.problems[0]) == (
        'profiles[0]: unknown profile "innovation_role"; known: ' + ", ".join(ADJUSTMENT_PROFILES)
    )


def test_every_built_in_profile_is_documented_and_positive() -> None:
    # given the shipped profiles / when inspected / then each has names, a rationale and
    # factors above zero on the presales dimension codes or on tags
    dimensions = {
        "customer_value",
        "process_efficiency",
        "capability_development",
        "collaboration_behaviour",
    }
    for code, profile in ADJUSTMENT_PROFILES.items():
        assert code == profile.code
        assert profile.name_zh
        assert profile.name_en
        assert profile.rationale
        assert set(profile.dimension_factors) <= dimensions
        assert all(
            factor > 0
            for factor in [*profile.dimension_factors.values(), *profile.tag_factors.values()]
        )


@given(profiles=st.lists(st.sampled_from(sorted(ADJUSTMENT_PROFILES)), max_size=3))
def test_adjusted_weights_sum_to_one_and_keep_untouched_ratios(profiles: list[str]) -> None:
    # given any combination of built-in profiles
    # when adjusted
    adjusted = adjust_weights(INDICATORS, profiles)
    # then the weights sum to 1 and two indicators with the same factor keep their ratio
    assert math.fsum(item.adjusted for item in adjusted) == pytest.approx(1)
    for first in adjusted:
        for second in adjusted:
            if first.factor == second.factor:
                assert first.adjusted / second.adjusted == pytest.approx(first.base / second.base)
