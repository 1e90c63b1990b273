"""Role and business-stage adjustment of AHP weights by documented multiplicative factors.

The seed article asks that weights follow the role (innovative roles weigh capability
more) and the business stage (expansion weighs new customers more). A profile holds
factors per dimension code and per indicator tag.

Formula: an indicator's factor is the product of the factors of every rule it matches in
every selected profile (its dimension, each of its tags); adjusted_i = base_i·f_i / Σ_j
base_j·f_j, so the adjusted weights again sum to 1. Indicators matched by no rule keep
factor 1 and lose share only through the renormalisation.
Excluded: additive shifts and factors that are zero or negative (an indicator is removed
from a plan, not weighted to nothing).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from kpilib.engine.ahp.errors import AhpInputError, AhpProblem, quoted


class ProfileKind(StrEnum):
    ROLE = "role"
    STAGE = "stage"


@dataclass(frozen=True, slots=True)
class AdjustmentProfile:
    """A named set of factors: by dimension code and by indicator tag."""

    code: str
    name_zh: str
    name_en: str
    kind: ProfileKind
    rationale: str
    dimension_factors: Mapping[str, float] = field(default_factory=dict)
    tag_factors: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WeightedIndicator:
    """An indicator's base weight (a share of 1) with what profiles match on."""

    code: str
    weight: float
    dimension: str
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AdjustedWeight:
    """Base and adjusted weight side by side, with the factors that made the difference."""

    code: str
    base: float
    factor: float
    adjusted: float
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        if not self.reasons:
            return f"{self.base:.3f} unchanged before renormalising → {self.adjusted:.3f}"
        return (
            f"{self.base:.3f} × {self.factor:.3g} ({'; '.join(self.reasons)}) → {self.adjusted:.3f}"
        )


ADJUSTMENT_PROFILES: Mapping[str, AdjustmentProfile] = MappingProxyType(
    {
        profile.code: profile
        for profile in (
            AdjustmentProfile(
                code="innovative_role",
                name_zh="创新型岗位",
                name_en="Innovative role",
                kind=ProfileKind.ROLE,
                rationale="Roles that build new solutions weigh capability development more.",
                dimension_factors={"capability_development": 1.5},
            ),
            AdjustmentProfile(
                code="expansion_stage",
                name_zh="市场扩张期",
                name_en="Expansion stage",
                kind=ProfileKind.STAGE,
                rationale="Market-share expansion weighs customer coverage and new customers"
                " and industries more.",
                tag_factors={"customer_coverage": 1.5, "new_customer": 1.5, "new_industry": 1.5},
            ),
            AdjustmentProfile(
                code="high_value_stage",
                name_zh="高价值经营期",
                name_en="High-value stage",
                kind=ProfileKind.STAGE,
                rationale="Selling high-value products weighs solution premium and customer"
                " lifetime value more.",
                tag_factors={"solution_premium": 1.5, "customer_lifetime_value": 1.5},
            ),
            AdjustmentProfile(
                code="quality_stage",
                name_zh="质量提升期",
                name_en="Quality stage",
                kind=ProfileKind.STAGE,
                rationale="A quality drive weighs process efficiency and quality indicators"
                " (complaints, error-proofing) more.",
                dimension_factors={"process_efficiency": 1.3},
                tag_factors={"quality": 1.3},
            ),
        )
    }
)


def adjust_weights(
    indicators: Sequence[WeightedIndicator], profiles: Sequence[str | AdjustmentProfile]
) -> tuple[AdjustedWeight, ...]:
    """Indicators' weights after the profiles' factors, renormalised to sum to 1.

    Profiles are given by code (see ADJUSTMENT_PROFILES) or as custom AdjustmentProfile.
    """
    chosen = _resolve_profiles(profiles)
    problems = _indicator_problems(indicators) + _factor_problems(chosen)
    if problems:
        raise AhpInputError(problems)
    factored = [_factor(indicator, chosen) for indicator in indicators]
    total = math.fsum(
        indicator.weight * factor
        for indicator, (factor, _) in zip(indicators, factored, strict=True)
    )
    return tuple(
        AdjustedWeight(
            code=indicator.code,
            base=indicator.weight,
            factor=factor,
            adjusted=indicator.weight * factor / total,
            reasons=reasons,
        )
        for indicator, (factor, reasons) in zip(indicators, factored, strict=True)
    )


def _factor(
    indicator: WeightedIndicator, profiles: Sequence[AdjustmentProfile]
) -> tuple[float, tuple[str, ...]]:
    matched: list[tuple[float, str]] = []
    for profile in profiles:
        if indicator.dimension in profile.dimension_factors:
            matched.append(
                (
                    profile.dimension_factors[indicator.dimension],
                    f"{profile.code}: dimension {indicator.dimension}",
                )
            )
        matched += [
            (factor, f"{profile.code}: tag {tag}")
            for tag, factor in profile.tag_factors.items()
            if tag in indicator.tags
        ]
    reasons = tuple(f"×{factor:g} {reason}" for factor, reason in matched)
    return math.prod(factor for factor, _ in matched), reasons


def _resolve_profiles(profiles: Sequence[str | AdjustmentProfile]) -> list[AdjustmentProfile]:
    unknown = [
        AhpProblem(
            f"profiles[{index}]",
            f"unknown profile {quoted(profile)}; known: {', '.join(ADJUSTMENT_PROFILES)}",
        )
        for index, profile in enumerate(profiles)
        if isinstance(profile, str) and profile not in ADJUSTMENT_PROFILES
    ]
    if unknown:
        raise AhpInputError(unknown)
    return [
        ADJUSTMENT_PROFILES[profile] if isinstance(profile, str) else profile
        for profile in profiles
    ]


def _indicator_problems(indicators: Sequence[WeightedIndicator]) -> list[AhpProblem]:
    problems = [
        AhpProblem(
            f"indicators[{quoted(indicator.code)}]",
            f"weight must be finite and not negative, got {indicator.weight}",
        )
        for indicator in indicators
        if not math.isfinite(indicator.weight) or indicator.weight < 0
    ]
    if not problems and math.fsum(indicator.weight for indicator in indicators) <= 0:
        problems.append(
            AhpProblem("indicators", "at least one indicator must have a positive weight")
        )
    return problems


def _factor_problems(profiles: Sequence[AdjustmentProfile]) -> list[AhpProblem]:
    return [
        AhpProblem(
            f"profiles[{quoted(profile.code)}]",
            f"factor for {quoted(key)} must be positive, got {factor}",
        )
        for profile in profiles
        for key, factor in {**profile.dimension_factors, **profile.tag_factors}.items()
        if not math.isfinite(factor) or factor <= 0
    ]
