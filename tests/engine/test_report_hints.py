"""Daily report quality hints (product.md §10), golden cases and each rule on its own."""

import datetime
import json
from pathlib import Path

from kpilib.engine.reports import (
    Known,
    Report,
    check_report,
    check_reports,
    effective_characters,
)

GOLDEN = Path(__file__).parents[1] / "fixtures" / "reports"
DAY = datetime.date(2026, 9, 10)


def test_golden_reports_get_the_expected_quality_hints_and_reasons() -> None:
    # given the golden file read by the CLI's reader
    from kpilib.cli.reports import read_reports

    reports = read_reports(GOLDEN / "reports.csv")
    # when they are checked
    verdicts = [verdict.as_dict("en") for verdict in check_reports(reports)]
    zh = [verdict.as_dict("zh-Hans")["reasons"] for verdict in check_reports(reports, language="zh-Hans")]
    # then the output is the golden one, in both languages
    expected = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
    assert verdicts == expected["en"]
    assert zh == expected["zh-Hans"]


def test_effective_characters_ignore_punctuation_and_spaces() -> None:
    assert effective_characters("开会。 ！！ ...  ok") == 4


def test_a_copy_of_the_previous_report_names_the_day_and_how_identical() -> None:
    text = "今日完成：拜访客户华东银行，演示平台 3.2 版本，讨论了容灾方案与切换时间要求。"
    verdict = check_report(
        Report("E1", DAY, text + "补充"), [(datetime.date(2026, 9, 9), text)]
    )
    (hint,) = [hint for hint in verdict.hints if hint.code == "repeats_previous"]
    assert hint.reason("en") == "97% identical to 2026-09-09"
    assert verdict.quality == "perfunctory"


def test_specifics_are_checked_against_the_days_activity_facts() -> None:
    text = "整理了数据库平台的部署手册，更新了 3 个版本的安装脚本，下一步继续完善文档与测试。"
    verdict = check_report(Report("E1", DAY, text, activity={"customer_visit": 2}))
    (hint,) = [hint for hint in verdict.hints if hint.code == "activity_mismatch"]
    assert hint.reason("en") == "mentions 0 customers; the facts show 2 customer activities"
    assert hint.reason("zh-Hans") == "未提到任何客户；事实记录显示 2 次客户活动"


def test_known_names_count_as_mentions() -> None:
    text = "今天和远航物流的同事一起把报价单过了一遍，对方基本认可，下周再约一次详细沟通。"
    plain = check_report(Report("E1", DAY, text))
    named = check_report(Report("E1", DAY, text), known=Known(customers=frozenset({"远航物流"})))
    assert "generic" in plain.codes
    assert plain.quality == "perfunctory"
    assert "generic" not in named.codes


def test_hints_never_score_a_problem_without_specifics_is_only_normal() -> None:
    text = "今天发现部门内部流程存在一些问题，建议以后多沟通多协调，大家一起努力改进工作方法。"
    verdict = check_report(Report("E1", DAY, text))
    assert verdict.codes == ["has_finding", "has_suggestion"]
    assert verdict.quality == "normal"
