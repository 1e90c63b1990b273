"""Daily report quality hints (product.md §10): what the manager sees beside a report.

Hints advise; they never score. The manager's rating (−1 / 0 / +1) is what scores (§4).

For each report (author, date, text) the hints are, each with its reason in words:
- `too_short`: fewer than `MIN_CHARACTERS` effective characters (whitespace and Chinese
  and ASCII punctuation stripped; a Chinese character or a Latin letter or digit is one);
- `repeats_previous`: at least `REPEAT_SIMILARITY` % identical (rapidfuzz `ratio` on the
  normalised text) to one of the same author's `REPEAT_LOOKBACK` previous reports, naming
  the most similar one ("87% identical to 2026-09-11");
- `generic`: mentions no customer, project, product, number or finding;
- `specific`: mentions at least two of customer, project, product and number;
- `has_finding`: names a problem, risk or finding; `has_suggestion`: proposes something;
- `activity_mismatch`: the day's activity facts show customer work (visits, calls) but
  the report mentions no customer ("mentions 0 customers; the facts show 2 visits").

Quality: `perfunctory` (敷衍) when too short, a near copy or generic; `constructive`
(建设性) when specific with a finding and a suggestion; `normal` otherwise.

Mentions are found by vocabulary (`VOCABULARY`, Chinese and English) plus, when given,
the names of the customers, projects and products kpilib knows (`Known`). Excluded: any
judgement of whether the content is true; only the activity facts are compared.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz
from zhon import hanzi

MIN_CHARACTERS = 30
REPEAT_SIMILARITY = 85.0
REPEAT_LOOKBACK = 10
PERFUNCTORY, NORMAL, CONSTRUCTIVE = "perfunctory", "normal", "constructive"
QUALITIES = (PERFUNCTORY, NORMAL, CONSTRUCTIVE)

_PUNCTUATION = set(hanzi.punctuation) | set(string.punctuation) | {"　"}
_NUMBER = re.compile(
    # digits, or a Chinese count of two or more ("三家", "十二个"; a lone 一 is "a", not a number)
    r"\d|(?:[二两三四五六七八九十百千万]|一[十百千万])[一二两三四五六七八九十百千万]*"
    r"\s*(?:个|家|次|项|台|套|份|条|人|天|小时|周|万|%|％)"
)
VOCABULARY: dict[str, tuple[str, ...]] = {
    "customer": (
        "客户", "甲方", "用户方", "银行", "医院", "集团", "政府", "学校", "运营商",
        "customer", "client", "account",
    ),
    "project": (
        "项目", "POC", "PoC", "poc", "投标", "招标", "标书", "试点", "上线", "交付", "验收",
        "project", "tender", "bid", "pilot", "rollout",
    ),
    "product": (
        "产品", "版本", "平台", "系统", "模块", "接口", "API", "数据库", "服务器", "集群", "存储",
        "网关", "防火墙", "中间件", "license", "product", "version", "platform", "module",
        "database", "server", "cluster",
    ),
    "finding": (
        "问题", "发现", "风险", "故障", "报错", "异常", "瓶颈", "不足", "缺陷", "隐患", "投诉",
        "延迟", "卡顿", "bug", "issue", "problem", "risk", "error", "failure", "found",
        "bottleneck", "complain",
    ),
    "suggestion": (
        "建议", "提议", "改进", "优化", "应当", "应该", "可以考虑", "不妨", "计划推动", "方案是",
        "解决办法", "对策", "suggest", "propose", "recommend", "should", "improve", "fix by",
    ),
}
CUSTOMER_METRICS = ("customer_visit", "visit", "customer_call", "revisit_done", "demo_given")


@dataclass(frozen=True)
class Known:
    """Names kpilib knows (customers, projects, products), matched as mentions too."""

    customers: frozenset[str] = frozenset()
    projects: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Report:
    """One daily report to check; `activity` counts that day's activity facts by metric."""

    employee_id: str
    report_date: date
    content: str
    activity: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Hint:
    """A hint code, its parameters, and its reason in words (`reason(language)`)."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def reason(self, language: str = "en") -> str:
        table = MESSAGES["zh-hans" if language.lower().startswith("zh") else "en"]
        return table[self.code].format(**self.params)


@dataclass(frozen=True)
class Verdict:
    employee_id: str
    report_date: date
    quality: str
    hints: tuple[Hint, ...]

    @property
    def codes(self) -> list[str]:
        return [hint.code for hint in self.hints]

    def as_dict(self, language: str = "en") -> dict[str, object]:
        """The §10 JSON object, plus each hint's reason in words (`reasons`)."""
        return {
            "employee_id": self.employee_id,
            "report_date": self.report_date.isoformat(),
            "quality": self.quality,
            "hints": self.codes,
            "reasons": [hint.reason(language) for hint in self.hints],
        }


MESSAGES = {
    "en": {
        "too_short": "too short: {characters} characters that say something (at least {minimum})",
        "repeats_previous": "{similarity}% identical to {date}",
        "generic": "generic: no customer, project, product, number or finding",
        "specific": "specific: mentions {what}",
        "has_finding": "names a problem or finding",
        "has_suggestion": "proposes something",
        "activity_mismatch": "mentions 0 customers; the facts show {count} customer activities",
    },
    "zh-hans": {
        "too_short": "太短：有效字数 {characters}（至少 {minimum}）",
        "repeats_previous": "与 {date} 的日报 {similarity}% 相同",
        "generic": "空泛：没有客户、项目、产品、数字或发现",
        "specific": "具体：提到{what}",
        "has_finding": "指出了问题或发现",
        "has_suggestion": "提出了建议",
        "activity_mismatch": "未提到任何客户；事实记录显示 {count} 次客户活动",
    },
}
_WHAT = {
    "en": {"customer": "a customer", "project": "a project", "product": "a product", "number": "numbers"},
    "zh-hans": {"customer": "客户", "project": "项目", "product": "产品", "number": "数字"},
}


#: Whitespace and punctuation: what does not count as a character that says something.
_NOISE = re.compile("[\\s" + "".join(re.escape(char) for char in sorted(_PUNCTUATION)) + "]+")


def effective_characters(text: str) -> int:
    """Characters that say something: no whitespace, no Chinese or ASCII punctuation."""
    return len(_NOISE.sub("", text))


@functools.lru_cache(maxsize=4096)
def normalised(text: str) -> str:
    """The text as compared for near copies: lower case, without whitespace or punctuation
    (cached: each report is compared with its author's next ten as well)."""
    return "".join(map(str.lower, _NOISE.sub("", text)))  # char by char: no final-sigma rule


def mentions(text: str, known: Known = Known()) -> set[str]:
    """Which of customer, project, product, number, finding, suggestion the text mentions."""
    lowered = text.lower()
    found = {
        kind
        for kind, words in VOCABULARY.items()
        if any(word.lower() in lowered for word in words)
    }
    for kind, names in (
        ("customer", known.customers), ("project", known.projects), ("product", known.products)
    ):
        if any(name and name.lower() in lowered for name in names):
            found.add(kind)
    if _NUMBER.search(text):
        found.add("number")
    return found


def _most_similar(text: str, previous: Sequence[tuple[date, str]]) -> tuple[float, date] | None:
    best: tuple[float, date] | None = None
    target = normalised(text)
    if not target:
        return None
    for day, other in previous:
        similarity = fuzz.ratio(target, normalised(other))
        if best is None or similarity > best[0]:
            best = (similarity, day)
    return best


def check_report(
    report: Report,
    previous: Sequence[tuple[date, str]] = (),
    *,
    known: Known = Known(),
    language: str = "en",
) -> Verdict:
    """Hints and quality of one report; `previous` are the author's earlier (date, text)."""
    hints: list[Hint] = []
    characters = effective_characters(report.content)
    if characters < MIN_CHARACTERS:
        hints.append(Hint("too_short", {"characters": characters, "minimum": MIN_CHARACTERS}))
    similar = _most_similar(report.content, previous[-REPEAT_LOOKBACK:])
    if similar is not None and similar[0] >= REPEAT_SIMILARITY:
        hints.append(
            Hint(
                "repeats_previous",
                {"similarity": int(similar[0]), "date": similar[1].isoformat()},
            )
        )
    found = mentions(report.content, known)
    concrete = found & {"customer", "project", "product", "number"}
    if not concrete and "finding" not in found:
        hints.append(Hint("generic"))
    if len(concrete) >= 2:
        what = _WHAT["zh-hans" if language.lower().startswith("zh") else "en"]
        joiner = "、" if language.lower().startswith("zh") else ", "
        order = ("customer", "project", "product", "number")
        hints.append(
            Hint("specific", {"what": joiner.join(what[kind] for kind in order if kind in concrete)})
        )
    if "finding" in found:
        hints.append(Hint("has_finding"))
    if "suggestion" in found:
        hints.append(Hint("has_suggestion"))
    customer_work = sum(report.activity.get(metric, 0) for metric in CUSTOMER_METRICS)
    if customer_work and "customer" not in found:
        hints.append(Hint("activity_mismatch", {"count": customer_work}))
    codes = {hint.code for hint in hints}
    if codes & {"too_short", "repeats_previous", "generic"}:
        quality = PERFUNCTORY
    elif "specific" in codes and {"has_finding", "has_suggestion"} <= codes:
        quality = CONSTRUCTIVE
    else:
        quality = NORMAL
    return Verdict(report.employee_id, report.report_date, quality, tuple(hints))


def check_reports(
    reports: Iterable[Report], *, known: Known = Known(), language: str = "en"
) -> list[Verdict]:
    """Every report's verdict, sorted by employee and date; each author's earlier reports
    (in this input) are the history a near copy is looked for in."""
    ordered = sorted(reports, key=lambda report: (report.employee_id, report.report_date))
    verdicts: list[Verdict] = []
    history: dict[str, list[tuple[date, str]]] = {}
    for report in ordered:
        earlier = history.setdefault(report.employee_id, [])
        verdicts.append(check_report(report, earlier, known=known, language=language))
        earlier.append((report.report_date, report.content))
    return verdicts
