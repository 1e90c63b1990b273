"""The built-in presales pack: the seed's indicators, three plans, SMART, strategy coverage."""

import math

import pytest

from kpilib.engine.definitions import PLAN_TOTAL, Pack
from kpilib.engine.packs import builtin_pack, dump_pack, parse_pack
from kpilib.engine.smart import Verdict, check_pack

SECTION_4_SIX = [
    "tech_resolution",
    "customer_satisfaction",
    "revisit_completion",
    "complaints",
    "learning_growth",
    "daily_report",
]
SEED_NAMED = [
    "customer_coverage",  # customer coverage rate
    "new_industry_breakthroughs",
    "solution_premium",
    "customer_lifetime_value",
    "project_support_satisfaction",
    "demo_to_opportunity",  # demo-to-opportunity conversion rate
    "new_product_solution_share",
    "solution_validation_pass_rate",  # cross-department solution validation pass rate
    "error_proofing_coverage",  # error-proofing design checkpoint coverage
    "lead_conversion_time",
    "average_deal_size",
    "repurchase_rate",
    "upsell_rate",
    "collaboration_360",  # 360 collaboration score
    "certification_attainment",
]
PRESALES_PRACTICE = [
    "technical_win_rate",
    "poc_success_rate",
    "rfp_response_time",
    "influenced_revenue",
]
PLAN_POSITIONS = {
    "presales-engineer": "presales_engineer",
    "solution-architect": "solution_architect",
    "presales-manager": "presales_manager",
    "delivery-engineer": "delivery_engineer",
    "customer-success": "customer_success_manager",
}
# Tags the AHP strategy presets multiply (engine/ahp/profiles.py), on the indicators they fit.
PRESET_TAGS = {
    "customer_coverage": "customer_coverage",
    "new_customer_wins": "new_customer",
    "new_industry_breakthroughs": "new_industry",
    "solution_premium": "solution_premium",
    "customer_lifetime_value": "customer_lifetime_value",
    "error_proofing_coverage": "quality",
    "complaints": "quality",
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return builtin_pack("presales")


def test_the_pack_holds_at_least_25_indicators_with_every_seed_one(pack: Pack) -> None:
    # given the built-in pack
    # when its indicator codes are listed
    codes = [indicator.code for indicator in pack.indicators]
    # then there are 25 or more, §4's six first, and every indicator the seed names is there
    assert len(codes) >= 25
    assert len(set(codes)) == len(codes)
    assert codes[:6] == SECTION_4_SIX
    missing = [code for code in [*SEED_NAMED, *PRESALES_PRACTICE] if code not in codes]
    assert missing == []


def test_names_definitions_and_units_are_in_both_languages(pack: Pack) -> None:
    # given the built-in pack
    # when each indicator's name and definition are read in zh-Hans and en (units may be "%")
    texts = [
        (indicator.code, text.zh_hans, text.en)
        for indicator in pack.indicators
        for text in (indicator.name, indicator.definition)
    ]
    # then the Chinese texts hold Han characters and the English ones do not
    assert [code for code, zh, _ in texts if not any("\u4e00" <= c <= "\u9fff" for c in zh)] == []
    assert [code for code, _, en in texts if any("\u4e00" <= c <= "\u9fff" for c in en)] == []


def test_each_position_has_a_plan_with_weights_adding_up_to_100(pack: Pack) -> None:
    # given the built-in pack
    # when its plans are read
    positions = {plan.code: plan.position for plan in pack.plans}
    totals = {plan.code: math.fsum(plan.weights.values()) for plan in pack.plans}
    # then engineer, architect, manager, delivery and customer success each have a plan
    # worth exactly 100 points; only leading (advisory) indicators are weighed 0
    assert positions == PLAN_POSITIONS
    assert totals == dict.fromkeys(PLAN_POSITIONS, PLAN_TOTAL)
    zero = {code for plan in pack.plans for code, weight in plan.weights.items() if weight == 0}
    assert zero == {"expected_technical_wins", "pipeline_coverage"}
    assert all(pack.indicator(code).leading_or_lagging == "leading" for code in zero)
    assert all(weight >= 0 for plan in pack.plans for weight in plan.weights.values())


def test_the_presales_engineer_plan_is_section_4s(pack: Pack) -> None:
    # given the built-in pack
    # when the presales-engineer plan is read
    plan = pack.plan("presales-engineer")
    # then it weighs §4's six indicators as §4 does
    assert plan.weights == {
        "tech_resolution": 35,
        "customer_satisfaction": 15,
        "revisit_completion": 15,
        "complaints": 15,
        "learning_growth": 10,
        "daily_report": 10,
    }


def test_every_indicator_passes_the_smart_check(pack: Pack) -> None:
    # given the built-in pack without history
    # when the SMART check runs
    reports = check_pack(pack)
    # then no indicator fails any check (Achievable stays unknown without history)
    failing = {
        report.code: [message.in_language("en") for message in report.messages]
        for report in reports
        if Verdict.FAIL in report.checks.values()
    }
    assert failing == {}
    assert len(reports) == len(pack.indicators)


def test_export_then_import_is_lossless(pack: Pack) -> None:
    # given the built-in pack exported as YAML
    exported = dump_pack(pack)
    # when the export is imported again
    again = parse_pack(exported, name="exported.yaml")
    # then nothing is lost and a second export is the same text
    assert again == pack
    assert dump_pack(again) == exported


def test_every_objective_is_served_and_every_indicator_serves_one(pack: Pack) -> None:
    # given the built-in pack
    objectives = {objective.code for objective in pack.objectives}
    # when indicators' objectives are collected
    served = {code for indicator in pack.indicators for code in indicator.objectives}
    orphans = [indicator.code for indicator in pack.indicators if not indicator.objectives]
    # then each objective is served, each indicator serves one, and none is unknown
    assert objectives - served == set()
    assert served - objectives == set()
    assert orphans == []


def test_every_theme_of_the_seed_has_objectives(pack: Pack) -> None:
    # given the built-in pack
    # when objectives are grouped by theme
    themed = {objective.theme for objective in pack.objectives}
    names = {theme.code: theme.name.zh_hans for theme in pack.themes}
    # then the four strategic themes of the seed are there, and every theme has an objective
    assert {"市场份额扩张", "高价值产品", "新品上市", "质量优先"} <= set(names.values())
    assert set(names) <= themed


def test_strategy_presets_find_the_tags_they_reweight(pack: Pack) -> None:
    # given the tags the AHP expansion, high-value and quality presets multiply
    # when the indicators that fit them are read
    tags = {code: pack.indicator(code).tags for code in PRESET_TAGS}
    # then each carries its tag, so a preset changes real weights
    assert [code for code, tag in PRESET_TAGS.items() if tag not in tags[code]] == []
