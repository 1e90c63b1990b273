"""Display names of the codes that definitions and facts store, in the reader's language.

Stored values stay codes (`quarter`, `higher_better`, `survey`, `complaint`, `quality`);
pages never show them as labels. Templates use the filters in `kpilib_tags`
(`metric_name`, `tag_name`, `vocab`), which call these functions. A value that has no
name (a tag or data source a person typed, a metric a CRM file brought) is shown as
itself, marked as code (`<code translate="no">`), so it reads as data, not as a label.

Metric names live in `kpilib.metrics` (the one metric catalogue); everything else that
a definition stores as a code is named here.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kpilib import metrics

VOCABULARY = {
    "period": {
        "month": _("month"),
        "quarter": _("quarter"),
        "year": _("year"),
    },
    "direction": {
        "higher_better": _("higher is better"),
        "lower_better": _("lower is better"),
    },
    "timing": {
        "leading": _("leading"),
        "lagging": _("lagging"),
    },
    "data_source": {
        "app": pgettext_lazy("data source", "kpilib"),
        "crm": pgettext_lazy("data source", "CRM"),
        "lms": pgettext_lazy("data source", "learning system"),
        "manual": pgettext_lazy("data source", "entered by hand"),
        "project_tool": pgettext_lazy("data source", "project management tool"),
        "survey": pgettext_lazy("data source", "customer survey"),
        "ticket": pgettext_lazy("data source", "ticket system"),
        "pm": pgettext_lazy("data source", "project management tool"),
        "daily-reports": pgettext_lazy("data source", "daily reports"),
    },
    "measure": {
        "count": _("count of facts"),
        "distinct_count": _("count of distinct values"),
        "sum": _("sum of values"),
        "mean": _("mean of values"),
        "min": _("lowest value"),
        "max": _("highest value"),
        "latest": _("latest value"),
        "ratio": _("ratio of two counts"),
        "formula": _("formula"),
    },
    "rule": {
        "tiers": _("tiers"),
        "linear": _("linear band"),
        "events": _("points per event"),
        "gate_bonus": _("pass line and bonus"),
        "target": _("target"),
        "rubric": _("rubric rating"),
        "composite": _("composite"),
    },
}

# The presales pack's tags; a tag HR types is their own word and is shown as it is.
TAGS = {
    "behaviour": _("behaviour"),
    "capability": _("capability"),
    "certification": _("certification"),
    "coaching": _("coaching"),
    "collaboration": _("collaboration"),
    "conversion": _("conversion"),
    "cross_department": _("cross-department"),
    "customer": _("customer"),
    "customer_coverage": _("customer coverage"),
    "customer_lifetime_value": _("customer lifetime value"),
    "customer_success": _("customer success"),
    "deal_size": _("deal size"),
    "demo": pgettext_lazy("tag", "product demo"),
    "error_proofing": _("error-proofing"),
    "follow_up": _("follow-up"),
    "high_value": _("high value"),
    "innovation": _("innovation"),
    "knowledge_sharing": _("knowledge sharing"),
    "learning": _("learning"),
    "market_share": _("market share"),
    "new_customer": _("new customers"),
    "new_industry": _("new industries"),
    "new_product": _("new products"),
    "opportunity": _("opportunities"),
    "pipeline": _("pipeline"),
    "poc": _("PoC"),
    "quality": _("quality"),
    "responsiveness": _("responsiveness"),
    "revenue": _("revenue"),
    "rfp": _("RFP"),
    "satisfaction": _("satisfaction"),
    "solution_design": _("solution design"),
    "solution_premium": _("solution premium"),
    "validation": _("validation"),
    "win_rate": _("win rate"),
}


def as_code(value: object) -> SafeString:
    """A stored value without a name, shown as data."""
    return format_html('<code translate="no">{}</code>', value)


def vocabulary_name(kind: str, value: object) -> str | None:
    name = VOCABULARY.get(kind, {}).get(str(value))
    return str(name) if name is not None else None


def vocab(kind: str, value: object) -> str | SafeString:
    """The name of `value` among the codes of `kind` (period, direction, …), else the code."""
    if value in (None, ""):
        return "—"
    name = vocabulary_name(kind, value)
    return name if name is not None else as_code(value)


def tag_name(tag: str) -> str | SafeString:
    name = TAGS.get(tag)
    if name is not None:
        return str(name)
    return format_html('<span translate="no">{}</span>', tag)


def language() -> str:
    return "zh-Hans" if (get_language() or "").startswith("zh") else "en"


def metric_name(code: str) -> str | SafeString:
    """A metric's name in the reader's language; a metric outside the catalogue as code."""
    if metrics.is_known(code):
        return metrics.metric_name(code, language())
    return as_code(code)


# The role and stage profiles' reasons (kpilib.engine.ahp.profiles states them in English).
PROFILE_RATIONALES = {
    "innovative_role": _("Roles that build new solutions weigh capability development more."),
    "expansion_stage": _(
        "Market-share expansion weighs customer coverage and new customers and industries more."
    ),
    "high_value_stage": _(
        "Selling high-value products weighs solution premium and customer lifetime value more."
    ),
    "quality_stage": _(
        "A quality drive weighs process efficiency and quality indicators (complaints, "
        "error-proofing) more."
    ),
}


def profile_rationale(code: str) -> str:
    from kpilib.engine.ahp.profiles import ADJUSTMENT_PROFILES

    text = PROFILE_RATIONALES.get(code)
    return str(text) if text is not None else ADJUSTMENT_PROFILES[code].rationale


# The columns of the public file contracts (product.md §5 facts, §6 employees).
COLUMNS = {
    "employee_id": _("Employee number"),
    "metric": _("Metric"),
    "occurred_on": _("Date"),
    "value": _("Value"),
    "customer_id": _("Customer"),
    "project_id": _("Project"),
    "source": _("Source"),
    "external_id": _("External id"),
    "name": _("Name"),
    "email": _("Email"),
    "org_unit": _("Org unit"),
    "position": _("Position"),
    "manager_id": _("Manager"),
    "region": _("Region"),
    "hire_date": _("Hire date"),
}


def column_label(column: str) -> str | SafeString:
    """A contract column's name for a table header; any other column as written (code)."""
    name = COLUMNS.get(column)
    return str(name) if name is not None else as_code(column)


def column_list(columns: tuple[str, ...] | list[str]) -> SafeString:
    """`employee_id`, `metric`, … as code, for help texts that tell what a file holds."""
    from django.utils.html import format_html_join

    return format_html_join(", ", '<code translate="no">{}</code>', ((c,) for c in columns))


def fact_value(metric: str, value: float) -> str:
    """A fact's value as the reader should understand it: a daily-report rating by its
    meaning ("constructive (+1)"), any other value as the number it is."""
    from kpilib.dailyreports.models import DailyReport

    if metric == "daily_report" and float(value).is_integer():
        try:
            return str(DailyReport.Rating(int(value)).label)
        except ValueError:
            pass
    return f"{value:g}"
