"""The metric catalogue: the display name of every fact metric, in zh-Hans and en.

A fact's `metric` (product.md §5) is a stable code such as `complaint`; people read its
name (客户投诉 / customer complaint). This module is the one place that names metrics:
every page, export and explanation that shows a metric asks `metric_name`.

Adding a metric (a new connector, indicator or app): add one line to `CATALOGUE` below,
in the group it belongs to, with its Chinese and English name. A test
(tests/test_metrics.py) fails when the built-in pack, the demo generator or a connector
uses a metric that has no entry here. Apps may also `register` metrics of their own at
import time (e.g. in their AppConfig.ready), which is the same as a line here.

A metric that is not in the catalogue (a file from a CRM may bring any code) is shown by
its code; pages mark such codes as code, so they are never mistaken for a label.
Framework-free: no Django import, so the engine and the offline CLI may use it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A metric's code and its names; `unit` says what one fact's value is, when it has one."""

    code: str
    zh_hans: str
    en: str
    unit_zh_hans: str = ""
    unit_en: str = ""

    def name(self, language: str) -> str:
        return self.zh_hans if language.lower().startswith("zh") else self.en

    def unit(self, language: str) -> str:
        return self.unit_zh_hans if language.lower().startswith("zh") else self.unit_en


def _m(code: str, zh_hans: str, en: str, unit_zh_hans: str = "", unit_en: str = "") -> Metric:
    return Metric(code, zh_hans, en, unit_zh_hans, unit_en)


CATALOGUE: dict[str, Metric] = {
    metric.code: metric
    for metric in (
        # customer value
        _m("unresolved_customer", "未解决技术问题的客户", "customer with unresolved issue"),
        _m("satisfaction_score", "客户满意度评分", "customer satisfaction score", "分", "points"),
        _m("revisit_due", "应回访项目", "project revisit due"),
        _m("revisit_done", "已完成回访", "project revisit done"),
        _m("complaint", "客户投诉", "customer complaint"),
        _m("ticket_resolved", "已解决工单", "ticket resolved"),
        _m("support_rating", "支持满意度评分", "support rating", "分", "points"),
        _m("repurchase", "客户复购", "customer repurchase", "万元", "CNY 10k"),
        _m("upsell", "增购", "upsell revenue", "万元", "CNY 10k"),
        _m("customer_health", "客户健康分", "customer health score", "分", "points"),
        _m("first_value_days", "首次见效天数", "days to first value", "天", "days"),
        # business results
        _m("deal_credit", "赢单拆分归因", "deal credit (split)", "比例", "share"),
        _m("win_probability", "赢单概率（预测）", "win probability (predicted)", "比例", "share"),
        _m("pipeline_amount", "商机金额", "pipeline amount", "万元", "CNY 10k"),
        _m(
            "expected_pipeline_amount",
            "加权商机金额（预测）",
            "expected pipeline amount (predicted)",
            "万元",
            "CNY 10k",
        ),
        _m("opportunity_won", "赢单", "opportunity won"),
        _m("opportunity_lost", "丢单", "opportunity lost"),
        _m("deal_amount", "成交金额", "deal amount", "万元", "CNY 10k"),
        _m("deal_list_amount", "成交目录价", "deal list price", "万元", "CNY 10k"),
        _m("influenced_revenue", "影响收入", "influenced revenue", "万元", "CNY 10k"),
        _m("lead_converted", "线索转化", "lead converted"),
        _m("new_customer_won", "新客户签约", "new customer won"),
        _m("new_industry_win", "新行业突破", "new industry win"),
        _m("industry_reference_case", "行业标杆案例", "industry reference case"),
        _m("customer_assigned", "负责的客户", "customer assigned"),
        # process efficiency
        _m("poc_requirement", "POC 需求项", "PoC requirement"),
        _m(
            "poc_requirement_carried",
            "带入交付的 POC 需求项",
            "PoC requirement carried into delivery",
        ),
        _m("poc_success", "POC 成功", "PoC succeeded"),
        _m("poc_failed", "POC 失败", "PoC failed"),
        _m("demo_held", "产品演示", "demo held"),
        _m("demo_converted", "演示转化", "demo converted"),
        _m("rfp_answered", "应标响应", "RFP answered", "小时", "hours"),
        _m("customer_visit", "客户拜访", "customer visit"),
        _m("checkpoint_due", "应执行防错检查点", "error-proofing checkpoint due"),
        _m("checkpoint_done", "已执行防错检查点", "error-proofing checkpoint done"),
        _m("solution_validation_passed", "方案验证通过", "solution validation passed"),
        _m("solution_validation_failed", "方案验证未通过", "solution validation failed"),
        _m("solution_validation_days", "方案验证用时", "days to a validation verdict", "工作日", "working days"),
        # capability development
        _m("training_exam", "培训考试", "training exam", "分", "points"),
        _m("certification_earned", "获得认证", "certification earned"),
        _m("case_shared", "分享成功案例", "success case shared"),
        _m("new_product_solution", "新产品方案", "new-product solution"),
        _m("solution_submitted", "提交方案", "solution submitted"),
        _m("solution_review_rating", "方案评审评分", "solution review rating", "分", "points"),
        # collaboration behaviour
        _m("daily_report", "日报", "daily report", "评价", "rating"),
        _m("daily_report_on_time", "日报按时提交", "daily report on time"),
        _m("daily_report_late", "日报迟交", "daily report late"),
        _m("daily_report_missing", "日报缺交", "daily report missing"),
        _m("feedback_360", "360度反馈", "360 feedback", "分", "points"),
        _m("coaching_rating", "辅导评分", "coaching rating", "分", "points"),
    )
}


def register(
    code: str, *, zh_hans: str, en: str, unit_zh_hans: str = "", unit_en: str = ""
) -> Metric:
    """Add a metric to the catalogue (idempotent for the same names; a clash is an error)."""
    metric = Metric(code, zh_hans, en, unit_zh_hans, unit_en)
    existing = CATALOGUE.get(code)
    if existing is not None and existing != metric:
        raise ValueError(f"metric {code!r} is already registered as {existing.en!r}")
    CATALOGUE[code] = metric
    return metric


def codes() -> list[str]:
    """Every catalogued metric code, in catalogue order."""
    return list(CATALOGUE)


def metric_name(code: str, language: str) -> str:
    """The metric's name in `language` (zh-Hans or en); an unknown metric shows its code."""
    metric = CATALOGUE.get(code)
    return metric.name(language) if metric else code


def is_known(code: str) -> bool:
    return code in CATALOGUE
