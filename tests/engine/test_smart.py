"""SMART check of indicators: each check's pass, fail and unknown, in zh-Hans and en."""

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.engine.definitions import Indicator, Pack
from kpilib.engine.smart import (
    Check,
    FullMarksLine,
    Severity,
    SmartReport,
    Verdict,
    check_indicator,
    check_pack,
    full_marks_line,
)
from kpilib.engine.smart.checks import stated_lines_contradicting_the_rule

OBJECTIVES = {"raise_customer_satisfaction", "resolve_customer_issues"}
IN_RANGE_HISTORY = [82.0, 85.0, 88.0, 90.0, 92.0, 94.0, 96.0, 97.0, 98.0, 99.0]


def satisfaction(**changes: Any) -> Indicator:
    """A SMART indicator (the seed's customer satisfaction) with some fields changed."""
    fields: dict[str, Any] = {
        "code": "customer_satisfaction",
        "name": {"zh-Hans": "客户满意度", "en": "Customer satisfaction"},
        "definition": {
            "zh-Hans": "本季度客户满意度调查（0–100 分）的平均分，95 分及以上得满分。",
            "en": "Mean score of this quarter's satisfaction survey (0–100); 95 or more earns"
            " full marks.",
        },
        "dimension": "customer_value",
        "unit": {"zh-Hans": "分", "en": "points"},
        "period": "quarter",
        "direction": "higher_better",
        "data_source": "survey",
        "leading_or_lagging": "lagging",
        "objectives": ["raise_customer_satisfaction"],
        "default_weight": 15,
        "measure": {"kind": "mean", "metric": "satisfaction_score"},
        "rule": {"kind": "linear", "zero_at": 80, "full_at": 95},
    }
    fields.update(changes)
    return Indicator.model_validate(
        {key: value for key, value in fields.items() if value is not None}
    )


def complaints(**changes: Any) -> Indicator:
    """The seed's complaints indicator: 15 points less 5 per complaint (lower is better)."""
    seed: dict[str, Any] = {
        "code": "complaints",
        "name": {"zh-Hans": "客户投诉次数", "en": "Customer complaints"},
        "definition": {
            "zh-Hans": "本季度有效客户投诉次数：基础 15 分，每次扣 5 分。",
            "en": "Valid customer complaints this quarter: 15 points less 5 per complaint.",
        },
        "unit": {"zh-Hans": "次", "en": "complaints"},
        "direction": "lower_better",
        "data_source": "crm",
        "measure": {"kind": "count", "metric": "complaint"},
        "rule": {"kind": "events", "base": 15, "events": [{"input": "value", "points": -5}]},
    }
    return satisfaction(**(seed | changes))


def check(indicator: Indicator, history: Any = None) -> SmartReport:
    return check_indicator(indicator, objectives=OBJECTIVES, history=history)


def texts(report: SmartReport, which: Check, language: str) -> list[str]:
    return [message.in_language(language) for message in report.messages if message.check is which]


# --- the whole report ---------------------------------------------------------------


def test_smart_indicator_passes_every_check_and_says_nothing() -> None:
    # given the seed's satisfaction indicator and history around its full-marks line of 95
    indicator = satisfaction()
    # when it is checked
    report = check(indicator, IN_RANGE_HISTORY)
    # then all five checks pass without a message
    assert report.code == "customer_satisfaction"
    assert report.checks == dict.fromkeys(Check, Verdict.PASS)
    assert report.messages == ()
    assert not report.failed


def test_section_2_vague_indicator_fails_specific_with_the_smart_rewrite() -> None:
    # given product.md §2's vague "提升客户满意度" as name and definition
    vague = satisfaction(
        name={"zh-Hans": "提升客户满意度", "en": "Improve customer satisfaction"},
        definition={
            "zh-Hans": "提升客户满意度，加强客户关系",
            "en": "Improve customer satisfaction",
        },
    )
    # when it is checked
    report = check(vague, IN_RANGE_HISTORY)
    # then Specific fails, the other checks do not, and each message says why and how
    assert report.checks[Check.SPECIFIC] is Verdict.FAIL
    assert report.failed
    assert [verdict for name, verdict in report.checks.items() if name is not Check.SPECIFIC] == [
        Verdict.PASS
    ] * 4
    chinese = texts(report, Check.SPECIFIC, "zh-Hans")
    english = texts(report, Check.SPECIFIC, "en")
    assert chinese[0].startswith("中文名称「提升客户满意度」用了「提升」")
    assert "客户满意度 ≥ 95 分（客户调研）本季度" in chinese[0]
    assert "「项目支持满意度 ≥ 90%（NPS 调研）本季度」" in chinese[0]
    assert "中文定义「提升客户满意度，加强客户关系」用了「提升、加强」" in chinese[1]
    assert english[2].startswith("The English name 'Improve customer satisfaction' uses 'Improve'")
    assert "e.g. 'customer satisfaction ≥ 95 points (customer survey) this quarter'" in english[2]
    assert "project support satisfaction ≥ 90% (NPS survey) this quarter" in english[2]
    assert {message.severity for message in report.messages} == {Severity.ERROR}


def test_the_section_2_rewrite_itself_is_specific() -> None:
    # given the rewrite §2 gives as the SMART form, as name and definition
    rewritten = satisfaction(
        name={"zh-Hans": "项目支持满意度", "en": "Project support satisfaction"},
        definition={
            "zh-Hans": "项目支持满意度 ≥ 90%（NPS 调研）本季度",
            "en": "Project support satisfaction ≥ 90% (NPS survey) this quarter",
        },
    )
    # when it is checked / then Specific passes
    assert check(rewritten).checks[Check.SPECIFIC] is Verdict.PASS


# --- Specific -----------------------------------------------------------------------


def test_vague_verb_with_a_threshold_is_specific() -> None:
    # given aspiration verbs that come with a number to reach, in both languages
    indicator = satisfaction(
        definition={
            "zh-Hans": "提高本季度调查平均分，达到 90 分以上",
            "en": "Increase the mean survey score to 90 or more this quarter",
        }
    )
    # when checked / then the measurable object makes the wording specific
    assert check(indicator).checks[Check.SPECIFIC] is Verdict.PASS


def test_efficiency_is_not_a_measurable_rate() -> None:
    # given "提升工作效率" (improve work efficiency): 效率 ends in 率 but counts nothing
    indicator = satisfaction(
        name={"zh-Hans": "提升工作效率", "en": "Work efficiency"},
    )
    # when checked
    report = check(indicator)
    # then the Chinese name is vague, and the rewrite drops the verb
    assert report.checks[Check.SPECIFIC] is Verdict.FAIL
    [message] = texts(report, Check.SPECIFIC, "en")
    assert message.startswith("The Chinese name '提升工作效率' uses '提升'")
    assert "'工作效率 ≥ 95 分（客户调研）本季度'" in message


def test_english_vague_definition_fails_in_both_message_languages() -> None:
    # given an English definition of intentions only
    indicator = satisfaction(
        definition={
            "zh-Hans": "本季度客户满意度调查（0–100 分）的平均分",
            "en": "Enhance the customer relationship and do well",
        }
    )
    # when checked
    report = check(indicator)
    # then one message names the field and the words, in each language
    assert report.checks[Check.SPECIFIC] is Verdict.FAIL
    [chinese] = texts(report, Check.SPECIFIC, "zh-Hans")
    [english] = texts(report, Check.SPECIFIC, "en")
    assert (
        "英文定义「Enhance the customer relationship and do well」用了「Enhance、do well」"
        in chinese
    )
    assert "没有可衡量的对象" in chinese
    assert (
        "The English definition 'Enhance the customer relationship and do well' uses 'Enhance, do well'"
        in english
    )
    assert "without a measurable object (no number, threshold, unit or counted thing)" in english


def test_definition_that_repeats_the_name_fails() -> None:
    # given an English definition that is the name again (case and punctuation aside)
    indicator = satisfaction(
        definition={
            "zh-Hans": "本季度客户满意度调查（0–100 分）的平均分",
            "en": "customer satisfaction.",
        }
    )
    # when checked
    report = check(indicator)
    # then Specific fails and asks for the calculation
    assert report.checks[Check.SPECIFIC] is Verdict.FAIL
    [english] = texts(report, Check.SPECIFIC, "en")
    [chinese] = texts(report, Check.SPECIFIC, "zh-Hans")
    assert english.startswith("The English definition only repeats the name. Say how it is calculated")
    assert chinese.startswith("英文定义只是重复了名称")


def test_too_short_definitions_fail_in_each_language() -> None:
    # given 6 Han characters in Chinese and 3 words in English
    indicator = satisfaction(
        definition={"zh-Hans": "满意度调查均值", "en": "Mean survey score"},
    )
    # when checked
    report = check(indicator)
    # then both are too short, each counted in its own language's units
    english = texts(report, Check.SPECIFIC, "en")
    chinese = texts(report, Check.SPECIFIC, "zh-Hans")
    assert english[0].startswith("The Chinese definition has 7 characters (at least 8 needed)")
    assert english[1].startswith("The English definition has 3 words (at least 4 needed)")
    assert chinese[1].startswith("英文定义只有 3 个词（至少需要 4）")


# --- Measurable ---------------------------------------------------------------------


def test_manual_value_scored_by_a_formula_is_not_measurable() -> None:
    # given a value typed in by hand and scored on a linear scale
    indicator = satisfaction(data_source="manual")
    # when checked
    report = check(indicator)
    # then Measurable fails and points to a system source or a rubric
    assert report.checks[Check.MEASURABLE] is Verdict.FAIL
    [english] = texts(report, Check.MEASURABLE, "en")
    [chinese] = texts(report, Check.MEASURABLE, "zh-Hans")
    assert "data_source is manual (typed in by hand) but scored by a linear rule" in english
    assert "rubric" in english
    assert chinese.startswith("数据来源为人工录入，却用 linear 规则计分")


def test_manual_rating_scored_by_a_rubric_is_measurable() -> None:
    # given a manager's rating on a rubric whose levels say what each value means
    rubric = {
        "kind": "rubric",
        "levels": [
            {"value": 1, "label": {"zh-Hans": "待改进", "en": "needs work"}, "points": 5},
            {"value": 2, "label": {"zh-Hans": "达标", "en": "meets"}, "points": 15},
        ],
    }
    indicator = satisfaction(data_source="manual", rule=rubric)
    # when checked / then Measurable passes
    assert check(indicator).checks[Check.MEASURABLE] is Verdict.PASS


def test_rule_reading_an_input_the_indicator_lacks_is_not_measurable() -> None:
    # given a rule on an input that is not among the indicator's measures
    indicator = complaints(
        rule={"kind": "events", "base": 15, "events": [{"input": "escalations", "points": -5}]}
    )
    # when checked
    report = check(indicator)
    # then Measurable fails, naming the input and the known ones
    assert report.checks[Check.MEASURABLE] is Verdict.FAIL
    [english] = texts(report, Check.MEASURABLE, "en")
    assert english.startswith("the rule reads input 'escalations', which is not one of the")
    assert "(known: value)" in english
    assert (
        "评分规则读取的输入 escalations 不是本指标的测量"
        in texts(report, Check.MEASURABLE, "zh-Hans")[0]
    )


# --- Achievable ---------------------------------------------------------------------


def test_without_history_achievable_is_unknown_and_says_what_is_needed() -> None:
    # given no history
    # when checked
    report = check(satisfaction())
    # then Achievable is unknown with an informational message in both languages
    assert report.checks[Check.ACHIEVABLE] is Verdict.UNKNOWN
    assert not report.failed
    [message] = [message for message in report.messages if message.check is Check.ACHIEVABLE]
    assert message.severity is Severity.INFO
    assert message.in_language("en").startswith("no past values (at least 5 needed)")
    assert message.in_language("zh-Hans").startswith("没有历史值（至少需要 5 个）")


def test_four_finite_past_values_are_too_few() -> None:
    # given four numbers and some gaps (NaN, infinity) that do not count
    history = [90.0, 91.0, math.nan, 92.0, math.inf, 93.0]
    # when checked
    report = check(satisfaction(), history)
    # then Achievable cannot decide and says how many values there are
    assert report.checks[Check.ACHIEVABLE] is Verdict.UNKNOWN
    assert texts(report, Check.ACHIEVABLE, "en")[0].startswith("4 past values (at least 5 needed)")
    assert texts(report, Check.ACHIEVABLE, "zh-Hans")[0].startswith("历史值只有 4 个")


def test_full_marks_above_the_99th_percentile_are_out_of_reach() -> None:
    # given a full-marks line of 95 that no past mean has reached
    history = [70.0, 72.0, 75.0, 78.0, 80.0, 84.0, 86.0, 88.0, 90.0, 91.0]
    # when checked
    report = check(satisfaction(), history)
    # then Achievable fails with the percentile and a range to move the line into
    assert report.checks[Check.ACHIEVABLE] is Verdict.FAIL
    [english] = texts(report, Check.ACHIEVABLE, "en")
    [chinese] = texts(report, Check.ACHIEVABLE, "zh-Hans")
    assert english == (
        "full marks need ≥ 95, above the 99th percentile (90.91) of 10 past results: almost"
        " nobody has reached it. Set the full-marks line between the median 82 and 90.91."
    )
    assert chinese.startswith("满分线 ≥ 95 高于历史结果的第 99 百分位（90.91，共 10 个历史值）")


def test_full_marks_below_the_median_are_too_easy() -> None:
    # given a full-marks line of 95 below what most past periods achieved
    history = [90.0, 96.0, 97.0, 97.5, 98.0, 99.0, 99.5]
    # when checked
    report = check(satisfaction(), history)
    # then Achievable fails: more than half already earn full marks
    assert report.checks[Check.ACHIEVABLE] is Verdict.FAIL
    [english] = texts(report, Check.ACHIEVABLE, "en")
    assert english.startswith("full marks need ≥ 95, below the median (97.5) of 7 past results")
    assert "过半的结果不费力就能拿满分" in texts(report, Check.ACHIEVABLE, "zh-Hans")[0]


def test_lines_at_the_median_and_at_the_99th_percentile_are_achievable() -> None:
    # given histories whose median, and whose 99th percentile, is exactly 95
    at_median = [90.0, 92.0, 95.0, 97.0, 99.0]
    at_top = [80.0, 85.0, 90.0, 95.0, 95.0]
    # when checked / then "not above" and "not below" include the edges
    assert check(satisfaction(), at_median).checks[Check.ACHIEVABLE] is Verdict.PASS
    assert check(satisfaction(), at_top).checks[Check.ACHIEVABLE] is Verdict.PASS


def test_lower_better_full_marks_are_compared_from_the_other_side() -> None:
    # given complaints (full marks at 0) and periods that always had complaints
    always_complaints = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0]
    mostly_none = [0.0, 0.0, 0.0, 0.0, 1.0, 2.0]
    # when checked
    out_of_reach = check(complaints(), always_complaints)
    usual = check(complaints(), mostly_none)
    # then 0 is below the 1st percentile of the first history, and at the median of the second
    assert out_of_reach.checks[Check.ACHIEVABLE] is Verdict.FAIL
    assert texts(out_of_reach, Check.ACHIEVABLE, "en")[0].startswith(
        "full marks need ≤ 0, below the 1st percentile (1.05) of 6 past results"
    )
    assert "低于历史结果的第 1 百分位（1.05" in texts(out_of_reach, Check.ACHIEVABLE, "zh-Hans")[0]
    assert usual.checks[Check.ACHIEVABLE] is Verdict.PASS


def test_lower_better_line_above_the_median_is_too_easy() -> None:
    # given full marks at up to 3 complaints when most periods have none
    lenient = complaints(
        rule={"kind": "tiers", "tiers": [{"lte": 3, "points": 15}, {"gt": 3, "points": 0}]}
    )
    # when checked against mostly complaint-free periods
    report = check(lenient, [0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 5.0])
    # then the line is more lenient than the median: too easy
    assert report.checks[Check.ACHIEVABLE] is Verdict.FAIL
    assert texts(report, Check.ACHIEVABLE, "en")[0].startswith(
        "full marks need ≤ 3, above the median (1) of 7 past results: more than half already"
        " earn full marks. Set the full-marks line between the median 1 and 0."
    )


def test_history_may_be_a_numpy_array() -> None:
    # given the in-range history as a NumPy array
    history = np.array(IN_RANGE_HISTORY)
    # when checked / then it is read like a list
    assert check(satisfaction(), history).checks[Check.ACHIEVABLE] is Verdict.PASS


def test_rubric_has_no_full_marks_line_to_compare() -> None:
    # given a rubric-rated indicator with plenty of history
    rubric = {
        "kind": "rubric",
        "levels": [{"value": 3, "label": {"zh-Hans": "优秀", "en": "excellent"}, "points": 15}],
    }
    # when checked
    report = check(satisfaction(rule=rubric), IN_RANGE_HISTORY)
    # then Achievable is unknown and says why
    assert report.checks[Check.ACHIEVABLE] is Verdict.UNKNOWN
    assert texts(report, Check.ACHIEVABLE, "en") == [
        "cannot tell: a rubric is a manager's rating, not a measured result, so it has no"
        " full-marks line to compare with history."
    ]
    assert texts(report, Check.ACHIEVABLE, "zh-Hans")[0].startswith(
        "无法判断：评分量表是主管的评级"
    )


# --- the full-marks line per rule kind ----------------------------------------------


def test_full_marks_line_of_each_rule_kind() -> None:
    # given one rule of each kind with a single line
    tiers_higher = satisfaction(
        rule={
            "kind": "tiers",
            "tiers": [
                {"gte": 90, "points": 15},
                {"gte": 85, "lt": 90, "points": 15},
                {"lt": 85, "points": 5},
            ],
        }
    )
    tiers_lower = complaints(
        rule={
            "kind": "tiers",
            "tiers": [{"gte": 0, "lte": 0, "points": 15}, {"gt": 0, "points": 5}],
        }
    )
    target = satisfaction(rule={"kind": "target", "target": 92})
    gate = satisfaction(
        rule={"kind": "gate_bonus", "gate": {"input": "value", "gt": 88, "points": 15}}
    )
    bonus = satisfaction(
        rule={"kind": "events", "base": 5, "events": [{"input": "value", "points": 2}]}
    )
    # when the lines are read
    lines = [
        full_marks_line(indicator) for indicator in (tiers_higher, tiers_lower, target, gate, bonus)
    ]
    # then each is the value where the most points start
    assert lines == [
        FullMarksLine(85, lower_better=False),  # the more lenient of two top tiers
        FullMarksLine(0, lower_better=True),
        FullMarksLine(92, lower_better=False),
        FullMarksLine(88, lower_better=False),
        FullMarksLine(5, lower_better=False),  # (15 − 5) / 2 events
    ]
    assert full_marks_line(complaints()) == FullMarksLine(0, lower_better=True)


def test_rules_without_a_single_line_say_why() -> None:
    # given a gate with bonuses, a composite and a top tier open on the worse side
    gate_bonus = satisfaction(
        inputs={"cases": {"kind": "count", "metric": "case_shared"}},
        rule={
            "kind": "gate_bonus",
            "gate": {"input": "value", "gte": 80, "points": 6},
            "bonus": [{"input": "cases", "points": 2}],
        },
    )
    composite = satisfaction(
        rule={"kind": "composite", "parts": [{"kind": "target", "target": 90}]}
    )
    open_tier = satisfaction(rule={"kind": "tiers", "tiers": [{"lt": 50, "points": 15}]})
    # when the lines are read
    reasons = [full_marks_line(indicator) for indicator in (gate_bonus, composite, open_tier)]
    # then each is a reason in both languages rather than a number
    assert [getattr(reason, "en", None) for reason in reasons] == [
        "a gate with bonuses reaches full marks through several inputs at once, so it has no"
        " single full-marks line",
        "a composite rule reaches full marks through several parts at once, so it has no"
        " single full-marks line",
        "the best-paying tier has no lower bound, which runs against the indicator's direction",
    ]
    assert getattr(reasons[2], "zh_hans", None) == "得分最高的档位没有下限，与指标方向相反"


# --- Relevant -----------------------------------------------------------------------


def test_indicator_serving_no_objective_is_not_relevant() -> None:
    # given no objectives listed
    report = check(satisfaction(objectives=[]))
    # then Relevant fails and lists the objectives to choose from
    assert report.checks[Check.RELEVANT] is Verdict.FAIL
    assert texts(report, Check.RELEVANT, "en") == [
        "the indicator serves no objective. List the objectives it serves under objectives"
        " (known: raise_customer_satisfaction, resolve_customer_issues)."
    ]
    assert texts(report, Check.RELEVANT, "zh-Hans")[0].startswith("本指标没有服务任何战略目标")


def test_unknown_objective_is_named() -> None:
    # given one known and one misspelt objective
    indicator = satisfaction(objectives=["raise_customer_satisfaction", "raise_csat"])
    # when checked
    report = check(indicator)
    # then Relevant fails naming the unknown code only
    assert report.checks[Check.RELEVANT] is Verdict.FAIL
    [english] = texts(report, Check.RELEVANT, "en")
    assert english.startswith("objective 'raise_csat' is not in this pack (known: ")
    assert texts(report, Check.RELEVANT, "zh-Hans")[0].startswith("objectives 中的 raise_csat 不是")


# --- Time-bound ---------------------------------------------------------------------


def test_period_left_to_the_default_is_not_stated() -> None:
    # given an indicator without a period (scored per quarter by default)
    indicator = satisfaction(period=None)
    # when checked
    report = check(indicator)
    # then Time-bound fails with the line to write
    assert indicator.period == "quarter"
    assert report.checks[Check.TIME_BOUND] is Verdict.FAIL
    assert "Write period: quarter (or month, year)" in texts(report, Check.TIME_BOUND, "en")[0]
    assert "请写上 period: quarter" in texts(report, Check.TIME_BOUND, "zh-Hans")[0]


def test_monthly_period_is_time_bound_and_shapes_the_rewrite() -> None:
    # given a vague indicator appraised monthly
    indicator = satisfaction(
        period="month", name={"zh-Hans": "提升客户满意度", "en": "Satisfaction"}
    )
    # when checked
    report = check(indicator)
    # then Time-bound passes and the suggested rewrite says "本月"
    assert report.checks[Check.TIME_BOUND] is Verdict.PASS
    assert "「客户满意度 ≥ 95 分（客户调研）本月」" in texts(report, Check.SPECIFIC, "zh-Hans")[0]


# --- a whole pack -------------------------------------------------------------------


def test_pack_is_checked_in_order_with_its_own_objectives_and_history() -> None:
    # given a pack of two indicators, the second serving an objective the pack lacks
    pack = Pack.model_validate(
        {
            "pack": {"code": "mini", "version": "1", "name": {"zh-Hans": "小库", "en": "Mini"}},
            "objectives": [
                {
                    "code": "raise_customer_satisfaction",
                    "name": {"zh-Hans": "满意", "en": "Satisfied"},
                }
            ],
            "dimensions": [
                {
                    "code": "customer_value",
                    "name": {"zh-Hans": "客户价值", "en": "Customer value"},
                    "layer": "result",
                }
            ],
            "indicators": [
                satisfaction().model_dump(by_alias=True, exclude_unset=True),
                complaints(objectives=["resolve_customer_issues"]).model_dump(
                    by_alias=True, exclude_unset=True
                ),
            ],
        }
    )
    # when the pack is checked with history for the first indicator only
    reports = check_pack(pack, history={"customer_satisfaction": IN_RANGE_HISTORY})
    # then reports follow the pack's order and use its objectives and that history
    assert [report.code for report in reports] == ["customer_satisfaction", "complaints"]
    assert reports[0].checks[Check.ACHIEVABLE] is Verdict.PASS
    assert reports[1].checks[Check.ACHIEVABLE] is Verdict.UNKNOWN
    assert reports[1].checks[Check.RELEVANT] is Verdict.FAIL


# --- robustness ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    names=st.tuples(st.text(min_size=1), st.text(min_size=1)),
    definitions=st.tuples(st.text(min_size=1), st.text(min_size=1)),
    history=st.none() | st.lists(st.floats(allow_nan=True, allow_infinity=True)),
)
def test_check_never_raises_on_any_wording_or_history(
    names: tuple[str, str], definitions: tuple[str, str], history: list[float] | None
) -> None:
    # given arbitrary names and definitions in both languages, and arbitrary history
    indicator = satisfaction(
        name={"zh-Hans": names[0], "en": names[1]},
        definition={"zh-Hans": definitions[0], "en": definitions[1]},
    )
    # when checked
    report = check(indicator, history)
    # then every check has a verdict and every message has both languages
    assert set(report.checks) == set(Check)
    assert all(message.text.zh_hans and message.text.en for message in report.messages)
    assert (report.checks[Check.SPECIFIC] is Verdict.FAIL) == any(
        message.check is Check.SPECIFIC for message in report.messages
    )


# --- a definition that states another full-marks line than its rule ----------------------


def test_definition_saying_90_gives_full_marks_against_a_rule_at_95_is_flagged() -> None:
    # given a definition promising full marks at 90 in both languages, and full_at 95
    indicator = satisfaction(
        definition={
            "zh-Hans": "本季度客户满意度调查（0–100 分）的平均分：≥ 90 满分，低于 80 分得 0 分。",
            "en": "Mean score of this quarter's satisfaction survey (0–100): 90 or more earns"
            " full marks, below 80 earns 0.",
        }
    )
    # when it is checked
    report = check(indicator, IN_RANGE_HISTORY)
    # then Measurable fails, saying in each language what the text and the rule say
    assert report.checks[Check.MEASURABLE] is Verdict.FAIL
    chinese = texts(report, Check.MEASURABLE, "zh-Hans")
    english = texts(report, Check.MEASURABLE, "en")
    assert chinese[0].startswith("中文定义写的是「≥ 90 满分」，但评分规则在 ≥ 95 时才给满分")
    assert english[1].startswith(
        "The English definition says '90 or more earns full marks', but the scoring rule"
        " gives full marks at ≥ 95"
    )


def test_definition_that_agrees_with_its_rule_passes() -> None:
    # given the seed's wording (95 分及以上得满分 / 95 or more earns full marks) and full_at 95
    report = check(satisfaction(), IN_RANGE_HISTORY)
    # then nothing is said about it
    assert report.checks[Check.MEASURABLE] is Verdict.PASS


def test_a_percentage_is_read_against_a_rule_on_the_0_to_1_scale() -> None:
    # given a revisit rate whose rule gives full marks at 1.0, and texts saying 100% and 90%
    agreeing = satisfaction(
        definition={"zh-Hans": "回访完成率 100% 得满分。", "en": "A 100% revisit rate earns full marks."},
        rule={"kind": "linear", "zero_at": 0, "full_at": 1.0},
    )
    contradicting = satisfaction(
        definition={"zh-Hans": "回访完成率不低于 90% 得满分。", "en": "At least 90% earns full marks."},
        rule={"kind": "linear", "zero_at": 0, "full_at": 1.0},
    )
    # then the first agrees and the second is flagged in both languages
    assert not texts(check(agreeing), Check.MEASURABLE, "en")
    assert len(texts(check(contradicting), Check.MEASURABLE, "en")) == 2


def test_saying_at_most_for_a_rule_that_rewards_more_is_flagged() -> None:
    # given "≤ 95 满分" for a rule where higher is better
    indicator = satisfaction(
        definition={"zh-Hans": "满意度平均分 ≤ 95 分得满分。", "en": "95 or more earns full marks."}
    )
    # then the Chinese text is flagged, the English one is not
    messages = texts(check(indicator), Check.MEASURABLE, "en")
    assert len(messages) == 1
    assert messages[0].startswith("The Chinese definition says '≤ 95 分得满分'")


STATED_LINES = yaml.safe_load(
    (Path(__file__).parent.parent / "fixtures" / "smart" / "stated_lines.yaml").read_text(
        encoding="utf-8"
    )
)
NEUTRAL_TEXT = {"zh-Hans": "本季度客户满意度调查（0–100 分）的平均分。", "en": "Mean score of the survey this quarter."}


@pytest.mark.parametrize("case", STATED_LINES, ids=lambda case: f"{case['language']}: {case['text']}")
def test_stated_full_marks_line_golden_cases(case: dict[str, Any]) -> None:
    # given a definition stating a full-marks line in one language, beside a rule
    definition = {**NEUTRAL_TEXT, case["language"]: case["text"]}
    indicator = satisfaction(
        definition=definition, rule=case["rule"], direction=case.get("direction", "higher_better")
    )
    # when the stated lines are compared with the rule
    reasons = stated_lines_contradicting_the_rule(indicator)
    # then only a contradicting text is flagged, quoting what it says, in zh-Hans and en
    if case["flagged"] is None:
        assert reasons == []
    else:
        assert len(reasons) == 1
        assert f"「{case['flagged']}」" in reasons[0].zh_hans
        assert f"'{case['flagged']}'" in reasons[0].en
