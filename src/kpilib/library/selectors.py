"""Reading the library: browsing, version comparison, strategy coverage and proposals."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext
from pydantic import ValidationError

from kpilib import clock
from kpilib.engine.ahp.hierarchy import weights_to_points
from kpilib.engine.ahp.profiles import ADJUSTMENT_PROFILES, WeightedIndicator, adjust_weights
from kpilib.engine.definitions import PRIMARY_INPUT, Plan
from kpilib.engine.definitions import Indicator as IndicatorDefinition
from kpilib.engine.measures import compute_measures, longest_window, metrics_read
from kpilib.engine.periods import Period, parse_period
from kpilib.engine.smart import check_indicator
from kpilib.engine.smart.report import CHECK_LABELS, Check, SmartReport
from kpilib.ingest.selectors import facts_frame
from kpilib.library.fetch import published_definitions
from kpilib.library.models import Indicator, Objective, PlanTemplate, Theme

HISTORY_PERIODS = 4


def indicators_search(
    *, query: str = "", dimension: str = "", status: str = "", tag: str = "", layer: str = ""
) -> QuerySet[Indicator]:
    indicators = Indicator.objects.select_related("dimension", "replaced_by")
    if query:
        indicators = indicators.filter(
            Q(code__icontains=query)
            | Q(name_zh_hans__icontains=query)
            | Q(name_en__icontains=query)
        )
    if dimension:
        indicators = indicators.filter(dimension__code=dimension)
    if layer:
        indicators = indicators.filter(dimension__layer=layer)
    if status:
        indicators = indicators.filter(status=status)
    if tag:
        # Tags are a JSON list; matching in Python keeps SQLite and PostgreSQL alike.
        codes = [i.code for i in indicators if tag in (i.tags or [])]
        indicators = indicators.filter(code__in=codes)
    return indicators


def all_tags() -> list[str]:
    return sorted(
        {tag for tags in Indicator.objects.values_list("tags", flat=True) for tag in tags or []}
    )


def flatten(document: Any, prefix: str = "") -> dict[str, Any]:
    """A nested definition as `path: value` pairs (`rule.tiers[1].points: 20`)."""
    if isinstance(document, dict):
        items: dict[str, Any] = {}
        for key, value in document.items():
            items.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return items
    if isinstance(document, list):
        items = {}
        for index, value in enumerate(document):
            items.update(flatten(value, f"{prefix}[{index}]"))
        return items or {prefix: []}
    return {prefix: document}


@dataclass(frozen=True)
class DefinitionChange:
    path: str
    left: Any
    right: Any

    @property
    def kind(self) -> str:
        if self.left is None:
            return "added"
        if self.right is None:
            return "removed"
        return "changed" if self.left != self.right else "same"


def compare_definitions(left: dict[str, Any], right: dict[str, Any]) -> list[DefinitionChange]:
    """Every path of either definition with both values, in the order of the left one."""
    flat_left, flat_right = flatten(left), flatten(right)
    paths = list(flat_left) + [path for path in flat_right if path not in flat_left]
    return [DefinitionChange(path, flat_left.get(path), flat_right.get(path)) for path in paths]


# --- strategy ------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Which objectives no indicator serves, which indicators serve no objective."""

    uncovered_objectives: list[Objective]
    orphan_indicators: list[Indicator]
    served_by: dict[str, list[str]]  # objective code → indicator codes


def strategy_coverage() -> Coverage:
    definitions = published_definitions()
    served_by: dict[str, list[str]] = defaultdict(list)
    for code, definition in definitions.items():
        for objective in definition.get("objectives", []):
            served_by[objective].append(code)
    objectives = list(Objective.objects.select_related("theme"))
    orphans = [code for code, d in definitions.items() if not d.get("objectives")]
    return Coverage(
        uncovered_objectives=[o for o in objectives if o.code not in served_by],
        orphan_indicators=list(
            Indicator.objects.filter(code__in=orphans).select_related("dimension")
        ),
        served_by=dict(served_by),
    )


def theme_weight_shares() -> dict[str, dict[str, float]]:
    """Each plan template's points per strategic theme (plan code → theme code → points).

    An indicator serving objectives of several themes splits its weight equally among
    them; weight serving no theme is reported under "" (no theme). Drafts count as the
    library is edited, like the export.
    """
    definitions = published_definitions(include_drafts=True)
    theme_of_objective = {
        code: theme or "" for code, theme in Objective.objects.values_list("code", "theme__code")
    }
    themes_of = {
        code: sorted({theme_of_objective.get(o, "") for o in d.get("objectives", [])}) or [""]
        for code, d in definitions.items()
    }
    shares: dict[str, dict[str, float]] = {}
    for template in PlanTemplate.objects.all():
        per_theme: dict[str, float] = defaultdict(float)
        for code, weight in template.definition["weights"].items():
            served = themes_of.get(code, [""])
            for theme in served:
                per_theme[theme] += weight / len(served)
        shares[template.code] = dict(per_theme)
    return shares


@dataclass(frozen=True)
class WeightProposal:
    """A plan's weights before and after a strategy preset, with the reason per line."""

    plan: PlanTemplate
    lines: list[tuple[str, float, Decimal, str]]  # code, current, proposed, explanation

    def proposed_weights(self) -> dict[str, float]:
        return {code: float(proposed) for code, _current, proposed, _why in self.lines}

    @property
    def changes(self) -> bool:
        return any(Decimal(str(current)) != proposed for _c, current, proposed, _w in self.lines)


def strategy_proposal(theme: Theme) -> list[WeightProposal]:
    """Re-weighting of every plan template that the theme's preset profile proposes."""
    if theme.adjustment_profile not in ADJUSTMENT_PROFILES:
        return []
    by_code = published_definitions(include_drafts=True)
    proposals = []
    for template in PlanTemplate.objects.all():
        plan = Plan.model_validate(template.definition)
        indicators = [
            WeightedIndicator(
                code=code,
                weight=weight / 100,
                dimension=by_code.get(code, {}).get("dimension", ""),
                tags=frozenset(by_code.get(code, {}).get("tags", ())),
            )
            for code, weight in plan.weights.items()
        ]
        adjusted = adjust_weights(indicators, [theme.adjustment_profile])
        points = weights_to_points(
            {line.code: line.adjusted for line in adjusted}, total=100, decimals=plan.precision
        )
        proposals.append(
            WeightProposal(
                plan=template,
                lines=[
                    (line.code, plan.weights[line.code], points[line.code], line.explanation)
                    for line in adjusted
                ],
            )
        )
    return proposals


# --- SMART check, display helpers ------------------------------------------------------


def engine_language() -> str:
    """The engine's name for the active UI language (`zh-Hans` or `en`)."""
    return "zh-Hans" if (translation.get_language() or "").startswith("zh") else "en"


def past_periods(cycle: str, count: int, today: datetime.date) -> list[Period]:
    """The last `count` complete months, quarters or years before `today`, oldest first."""
    labels: list[str] = []
    month = today.year * 12 + today.month - 1
    if cycle == "month":
        labels = [f"{m // 12}-{m % 12 + 1:02d}" for m in range(month - count, month)]
    elif cycle == "quarter":
        quarter = month // 3
        labels = [f"{q // 4}-Q{q % 4 + 1}" for q in range(quarter - count, quarter)]
    else:
        labels = [str(year) for year in range(today.year - count, today.year)]
    return [parse_period(label) for label in labels]


def indicator_history(
    document: dict[str, Any], *, today: datetime.date, periods: int = HISTORY_PERIODS
) -> list[float]:
    """Everyone's measured values of the indicator in its last complete periods, from the
    stored facts: the history the SMART check's Achievable test compares the rule with."""
    definition = IndicatorDefinition.model_validate(document)
    measures = {PRIMARY_INPUT: definition.measure}
    windows = past_periods(definition.period.value, periods, today)
    longest = longest_window(measures)
    start = windows[0].trailing_months(longest)[0] if longest else windows[0].start
    facts = facts_frame(
        employee_ids=None, start=start, end=windows[-1].end, metrics=metrics_read(measures)
    )
    if facts.is_empty():
        return []
    values: list[float] = []
    for period in windows:
        measured = compute_measures(facts, measures, period)
        values.extend(measured.get_column(PRIMARY_INPUT).drop_nulls().to_list())
    return values


def smart_report(document: dict[str, Any], *, today: datetime.date | None = None) -> SmartReport:
    """The SMART check of a definition against the library's objectives and, for the
    Achievable test, everyone's results in its last complete periods before `today`
    (by default the project's today, `kpilib.clock.today()`)."""
    definition = IndicatorDefinition.model_validate(document)
    objectives = set(Objective.objects.values_list("code", flat=True))
    return check_indicator(
        definition, objectives=objectives, history=indicator_history(document, today=today or clock.today()) or None
    )


# What each SMART check reads, by top-level field of the definition: a check is judged
# while editing only once everything it reads is filled in (and valid).
CHECK_NEEDS: dict[Check, tuple[str, ...]] = {
    Check.SPECIFIC: ("name", "definition"),
    Check.MEASURABLE: ("measure", "rule", "data_source"),
    Check.ACHIEVABLE: ("measure", "rule"),
    Check.RELEVANT: ("objectives",),
    Check.TIME_BOUND: ("period",),
}
# Stand-ins for what is not filled in yet; no check that reads one of them is shown.
_STAND_INS: dict[str, Any] = {
    "code": "draft",
    "name": {"zh-Hans": "草稿", "en": "draft"},
    "definition": {"zh-Hans": "草稿", "en": "draft"},
    "dimension": "draft",
    "unit": {"zh-Hans": "分", "en": "points"},
    "direction": "higher_better",
    "data_source": "crm",
    "leading_or_lagging": "lagging",
    "default_weight": 10,
    "measure": {"kind": "count", "metric": "draft"},
    "rule": {"kind": "rubric", "levels": [{"value": 1, "label": {"zh-Hans": "一", "en": "one"}, "points": 1}]},
}


def smart_report_so_far(
    document: dict[str, Any], *, today: datetime.date | None = None
) -> SmartReport | None:
    """The SMART checks of a definition still being written, on what is filled in so far.

    A check is judged when every field it reads (`CHECK_NEEDS`) is present and valid;
    the others are left out of the report (None when no check can be judged yet), so an
    empty form shows no failures before it is first saved.
    """
    filled = {key for key, value in document.items() if value not in (None, "", [], {})}
    trial = {**_STAND_INS, **{key: document[key] for key in filled}}
    for _attempt in range(len(filled) + 1):
        try:
            definition = IndicatorDefinition.model_validate(trial)
            break
        except ValidationError as error:
            wrong = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
            wrong &= filled
            if not wrong:
                return None
            filled -= wrong
            for key in wrong:
                trial.pop(key, None)
                if key in _STAND_INS:
                    trial[key] = _STAND_INS[key]
    else:  # pragma: no cover - each attempt removes a field
        return None
    judged = [check for check, needs in CHECK_NEEDS.items() if set(needs) <= filled]
    if not judged:
        return None
    history: list[float] | None = None
    if Check.ACHIEVABLE in judged:
        history = indicator_history(trial, today=today or clock.today()) or None
    objectives = set(Objective.objects.values_list("code", flat=True))
    report = check_indicator(definition, objectives=objectives, history=history)
    return SmartReport(
        code=report.code,
        checks={check: report.checks[check] for check in judged},
        messages=tuple(message for message in report.messages if message.check in judged),
    )


@dataclass(frozen=True)
class SmartLine:
    """One SMART check as the UI shows it: its label, verdict and messages."""

    check: str
    label: str
    verdict: str
    messages: list[str]


def smart_lines(report: SmartReport) -> list[SmartLine]:
    language = engine_language()
    return [
        SmartLine(
            check=check.value,
            label=CHECK_LABELS[check].text(language),
            verdict=verdict.value,
            messages=[m.in_language(language) for m in report.messages if m.check == check],
        )
        for check, verdict in report.checks.items()
    ]


def local_text_of(text: dict[str, str] | None) -> str:
    """A {zh-Hans, en} text from a definition in the active language."""
    return (text or {}).get(engine_language(), "")


def objectives_by_code(codes: list[str]) -> list[Objective]:
    found = {o.code: o for o in Objective.objects.filter(code__in=codes).select_related("theme")}
    return [found[code] for code in codes if code in found]


def yaml_block(value: Any) -> str:
    if value in (None, {}, []):
        return ""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=80)


def theme_weight_shares_chart() -> dict[str, Any]:
    """Theme shares per plan template, shaped for an ECharts stacked bar."""
    shares = theme_weight_shares()
    names = {theme.code: theme.name for theme in Theme.objects.all()}
    plans = {t.code: t.name for t in PlanTemplate.objects.filter(code__in=shares)}
    themes = sorted({theme for per_plan in shares.values() for theme in per_plan})
    return {
        "plans": [plans.get(code, code) for code in shares],
        "series": [
            {
                "name": names.get(theme, gettext("no theme")),
                "type": "bar",
                "stack": "total",
                "data": [round(per_plan.get(theme, 0.0), 2) for per_plan in shares.values()],
            }
            for theme in themes
        ],
    }
