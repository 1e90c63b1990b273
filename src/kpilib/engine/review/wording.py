"""Reasons and notes of the quarterly review, in zh-Hans and English.

The engine has no Django i18n, so a review's reasons are kept as a message code and its
parameters (`Reason`), and rendered in the reader's language from `MESSAGES` when shown.
Stored reviews keep the codes and parameters, so a saved review reads in either
language. Numbers are formatted here: rates as whole percentages, correlations with
two decimals, with a true minus sign.
Excludes: deciding which reason applies (indicators.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kpilib.engine.explain import MINUS, checked_language

type Parameter = str | int | float

MESSAGES: dict[str, dict[str, str]] = {
    "retain": {
        "en": "No flags this quarter: keep it.",
        "zh-Hans": "本季度无任何标记：保留。",
    },
    "revise": {
        "en": "Flagged this quarter but not in every quarter reviewed: revise its rule or targets.",
        "zh-Hans": "本季度有标记，但并非每个受审季度都有：修订其评分规则或目标值。",
    },
    "replace": {
        "en": "Flagged in each of the {quarters} quarters reviewed: a lagging indicator, replace it.",
        "zh-Hans": "受审的 {quarters} 个季度每季都有标记：属于滞后指标，建议替换。",
    },
    "not_enough_data": {
        "en": "Only {scored} employees scored (at least {minimum} needed): not enough data to judge.",
        "zh-Hans": "仅 {scored} 人被评分（至少需要 {minimum} 人）：数据不足，暂不下结论。",
    },
    "ceiling": {
        "en": "{rate} of scored employees reach full marks (threshold {threshold}): it no longer tells people apart.",
        "zh-Hans": "{rate} 的受评员工拿到满分（阈值 {threshold}）：已无法区分绩效高低。",
    },
    "floor": {
        "en": "{rate} of scored employees score 0 (threshold {threshold}): the target may be out of reach.",
        "zh-Hans": "{rate} 的受评员工得 0 分（阈值 {threshold}）：目标可能无法达成。",
    },
    "low_spread": {
        "en": "Shares barely differ (standard deviation {sd}, below {threshold}).",
        "zh-Hans": "得分率几乎没有差异（标准差 {sd}，低于 {threshold}）。",
    },
    "missing": {
        "en": "Only {rate} of employees could be scored (below {threshold}): data is missing.",
        "zh-Hans": "仅 {rate} 的员工可被评分（低于 {threshold}）：数据缺失。",
    },
    "redundant": {
        "en": "Its points move with {other} (r = {r}, n = {n}): the two measure the same thing.",
        "zh-Hans": "其得分与 {other} 高度相关（r = {r}，n = {n}）：两者衡量的是同一件事。",
    },
    "no_outcome_link": {
        "en": "No link to outcomes ({outcomes}; every |r| < {threshold}).",
        "zh-Hans": "与业务结果无关联（{outcomes}；|r| 均小于 {threshold}）。",
    },
    "low_discrimination": {
        "en": "Item-rest correlation {r} (n = {n}) is below {threshold}: it does not move with the rest of {scope}.",
        "zh-Hans": "与{scope}其余指标的相关系数为 {r}（n = {n}），低于 {threshold}：区分度低。",
    },
    "high_vif": {
        "en": "VIF {vif} (n = {n}) is at least {threshold}: the other indicators of its dimension largely explain it.",
        "zh-Hans": "方差膨胀因子 VIF 为 {vif}（n = {n}），不低于 {threshold}：基本可由同维度其他指标解释。",
    },
    "collinear": {
        "en": "The other indicators of its dimension explain it exactly (n = {n}).",
        "zh-Hans": "可由同维度其他指标完全解释（n = {n}）。",
    },
    "timing_differs": {
        "en": "Declared {declared}, but its points behave as {found} against {outcome} (best lag {lag} quarter, r = {r}, n = {n}).",
        "zh-Hans": "定义为{declared}指标，但与 {outcome} 的关系表现为{found}（最佳滞后 {lag} 季度，r = {r}，n = {n}）。",
    },
    "predicts": {
        "en": "Its points predict next quarter's {outcome} (r = {r}, n = {n}).",
        "zh-Hans": "其得分可预测下季度的 {outcome}（r = {r}，n = {n}）。",
    },
    "scope_dimension": {"en": "its dimension", "zh-Hans": "同维度"},
    "scope_plan": {"en": "the plan", "zh-Hans": "方案中"},
    "leading": {"en": "leading", "zh-Hans": "先行"},
    "lagging": {"en": "lagging", "zh-Hans": "滞后"},
    "coincident": {"en": "coincident", "zh-Hans": "同步"},
    "unrelated": {"en": "unrelated", "zh-Hans": "无关"},
    "list": {"en": ", ", "zh-Hans": "、"},
}

# Parameters that name another message (rendered in the same language), not a value.
_WORD_PARAMETERS = frozenset({"scope", "declared", "found"})


@dataclass(frozen=True, slots=True)
class Reason:
    """A message code and its parameters; `text` renders it in a language."""

    code: str
    parameters: Mapping[str, Parameter] = field(default_factory=dict)

    def text(self, language: str) -> str:
        checked_language(language)
        values = {
            name: MESSAGES[str(value)][language] if name in _WORD_PARAMETERS else value
            for name, value in self.parameters.items()
        }
        return MESSAGES[self.code][language].format(**values)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "parameters": dict(self.parameters)}


def percent(rate: float) -> str:
    """0.623 → '62%'."""
    return f"{round(rate * 100):d}%"


def decimal(number: float, digits: int = 2) -> str:
    """0.8123 → '0.81', −0.5 → '−0.50' (a true minus sign)."""
    text = f"{number:.{digits}f}"
    return text.replace("-", MINUS) if text.startswith("-") else text


def joined(items: list[str], language: str) -> str:
    return MESSAGES["list"][language].join(items)
