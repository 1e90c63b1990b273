"""The SMART check of indicators (product.md §2.2): five verdicts, each failure with a fix.

- Specific: no name or definition, in either language, uses an aspiration verb without a
  measurable object (wording.py); the definition is not the name again and not too short.
  The fix rewrites the text in the §2 pattern, "提升客户满意度" → "项目支持满意度 ≥ 90%（NPS
  调研）本季度", from the indicator's own name, full-marks line, unit, source and period.
- Measurable: every input the rule reads is one of the indicator's measures, and a value
  typed in by hand (`data_source: manual`) is scored only by a rubric, whose levels say
  what each rating means.
- Achievable: with at least 5 past measured values, the full-marks line (full_marks.py)
  lies between the median and the 99th percentile of history (percentiles by linear
  interpolation, as NumPy's default). Lower-better flips it: between the 1st percentile
  and the median. Non-finite values are left out. Fewer values, or a rule without a
  single line, give `unknown` with the reason.
- Relevant: the indicator serves at least one objective, and each one it names exists.
- Time-bound: the indicator states its period (month, quarter or year). A period left
  to the quarter default is not stated, so it fails with the line to add.
Excludes: plans' rule overrides (the library's indicator is checked, not a plan's version).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Collection, Iterable, Iterator, Mapping

from kpilib.engine.definitions import (
    LANGUAGES,
    Composite,
    Cycle,
    Events,
    GateBonus,
    Indicator,
    LocalText,
    Pack,
    Rubric,
    Rule,
)
from kpilib.engine.explain import constant_text
from kpilib.engine.smart.full_marks import FullMarksLine, full_marks_line
from kpilib.engine.smart.report import (
    PASSED,
    Check,
    CheckOutcome,
    SmartReport,
    failure,
    undecided,
)
from kpilib.engine.smart.wording import (
    content_size,
    is_vague,
    minimum_content,
    same_wording,
    vague_terms,
    without_vague_terms,
)

MIN_HISTORY = 5
MANUAL_SOURCE = "manual"
SECTION_2_EXAMPLE = LocalText(
    zh_hans="（再如：「提升客户满意度」→「项目支持满意度 ≥ 90%（NPS 调研）本季度」）",
    en=" (another example: 'Improve customer satisfaction' → 'project support satisfaction"
    " ≥ 90% (NPS survey) this quarter')",
)
# The texts of an indicator that messages point at, named as people call them.
FIELD_WORDS: dict[str, LocalText] = {
    "name.zh-Hans": LocalText(zh_hans="中文名称", en="The Chinese name"),
    "name.en": LocalText(zh_hans="英文名称", en="The English name"),
    "definition.zh-Hans": LocalText(zh_hans="中文定义", en="The Chinese definition"),
    "definition.en": LocalText(zh_hans="英文定义", en="The English definition"),
}
# Data sources as the rewrite names them; another source is named by its code.
SOURCE_WORDS: dict[str, LocalText] = {
    "survey": LocalText(zh_hans="客户调研", en="customer survey"),
    "crm": LocalText(zh_hans="CRM", en="CRM"),
    "project_tool": LocalText(zh_hans="项目管理工具", en="project management tool"),
    "lms": LocalText(zh_hans="学习系统", en="learning system"),
    "app": LocalText(zh_hans="kpilib", en="kpilib"),
    "manual": LocalText(zh_hans="人工录入", en="entered by hand"),
}


def field_words(field: str, language: str) -> str:
    """`definition.en` → 英文定义 / The English definition."""
    words = FIELD_WORDS.get(field)
    return words.text(language) if words else field


PERIOD_WORDS: dict[Cycle, LocalText] = {
    Cycle.MONTH: LocalText(zh_hans="本月", en="this month"),
    Cycle.QUARTER: LocalText(zh_hans="本季度", en="this quarter"),
    Cycle.YEAR: LocalText(zh_hans="本年度", en="this year"),
}


def check_pack(
    pack: Pack, history: Mapping[str, Iterable[float]] | None = None
) -> list[SmartReport]:
    """The SMART check of every indicator of the pack, in the pack's order.

    `history` maps an indicator code to its past measured values (one per employee and
    period, say); indicators without history get `unknown` for Achievable.
    """
    objectives = {objective.code for objective in pack.objectives}
    past = history or {}
    return [
        check_indicator(indicator, objectives=objectives, history=past.get(indicator.code))
        for indicator in pack.indicators
    ]


def check_indicator(
    indicator: Indicator, *, objectives: Collection[str], history: Iterable[float] | None = None
) -> SmartReport:
    """The SMART check of one indicator against the objectives that exist and its history."""
    outcomes = {
        Check.SPECIFIC: check_specific(indicator),
        Check.MEASURABLE: check_measurable(indicator),
        Check.ACHIEVABLE: check_achievable(indicator, history),
        Check.RELEVANT: check_relevant(indicator, objectives),
        Check.TIME_BOUND: check_time_bound(indicator),
    }
    return SmartReport(
        code=indicator.code,
        checks={check: outcome.verdict for check, outcome in outcomes.items()},
        messages=tuple(message for outcome in outcomes.values() for message in outcome.messages),
    )


# --- Specific ---------------------------------------------------------------------------


def check_specific(indicator: Indicator) -> CheckOutcome:
    reasons: list[LocalText] = []
    for language in LANGUAGES:
        name = indicator.name.text(language)
        definition = indicator.definition.text(language)
        if is_vague(name):
            reasons.append(_vague(indicator, f"name.{language}", name))
        if same_wording(name, definition):
            # Its wording is the name's: saying it is vague again would repeat that message.
            reasons.append(_repeats_name(indicator, language))
            continue
        if is_vague(definition):
            reasons.append(_vague(indicator, f"definition.{language}", definition))
        if content_size(definition, language) < minimum_content(language):
            reasons.append(_too_short(indicator, language))
    return failure(Check.SPECIFIC, reasons) if reasons else PASSED


def _vague(indicator: Indicator, field: str, text: str) -> LocalText:
    terms = vague_terms(text)
    terms_zh, terms_en = "、".join(terms), ", ".join(terms)
    language = field.partition(".")[2]
    rewrite = smart_rewrite(indicator, language)
    return LocalText(
        zh_hans=f"{field_words(field, 'zh-Hans')}「{text}」用了「{terms_zh}」，"
        f"却没有可衡量的对象（数字、阈值、单位或计数对象）。请写明衡量什么、要达到哪条线，例如「{rewrite}」{SECTION_2_EXAMPLE.zh_hans}",
        en=f"{field_words(field, 'en')} '{text}' uses '{terms_en}' without a measurable object (no number,"
        f" threshold, unit or counted thing). Say what is measured and the line to reach,"
        f" e.g. '{rewrite}'{SECTION_2_EXAMPLE.en}.",
    )


def _repeats_name(indicator: Indicator, language: str) -> LocalText:
    rewrite = smart_rewrite(indicator, language)
    return LocalText(
        zh_hans=f"{field_words(f'definition.{language}', 'zh-Hans')}只是重复了名称。请写明计算方法、数据来源和要达到的线，"
        f"例如「{rewrite}」",
        en=f"{field_words(f'definition.{language}', 'en')} only repeats the name. Say how it is calculated, where the"
        f" data comes from and the line to reach, e.g. '{rewrite}'.",
    )


def _too_short(indicator: Indicator, language: str) -> LocalText:
    size = content_size(indicator.definition.text(language), language)
    needed = minimum_content(language)
    unit = ("字", "characters") if language == "zh-Hans" else ("个词", "words")
    rewrite = smart_rewrite(indicator, language)
    return LocalText(
        zh_hans=f"{field_words(f'definition.{language}', 'zh-Hans')}只有 {size} {unit[0]}（至少需要 {needed}），说不清衡量什么。"
        f"请写明计算方法、数据来源和要达到的线，例如「{rewrite}」",
        en=f"{field_words(f'definition.{language}', 'en')} has {size} {unit[1]} (at least {needed} needed), too few to"
        f" say what is measured. Say how it is calculated, where the data comes from and the"
        f" line to reach, e.g. '{rewrite}'.",
    )


def smart_rewrite(indicator: Indicator, language: str) -> str:
    """The indicator said the SMART way (product.md §2): object, line and unit, source, period.

    `客户满意度 ≥ 95 分（客户调研）本季度`; the line is `N` when the rule has no single one.
    """
    name = indicator.name.text(language)
    measured = without_vague_terms(name) or name
    line = full_marks_line(indicator)
    if isinstance(line, FullMarksLine):
        comparator = "≤" if line.lower_better else "≥"
        unit = indicator.unit.text(language)
        spacing = "" if unit in ("%", "％") else " "
        target = f"{comparator} {constant_text(line.value)}{spacing}{unit}"
    else:
        target = "≥ N"
    period = PERIOD_WORDS[indicator.period].text(language)
    words = SOURCE_WORDS.get(indicator.data_source)
    source = words.text(language) if words else indicator.data_source
    if language == "zh-Hans":
        return f"{measured} {target}（{source}）{period}"
    return f"{measured} {target} ({source}) {period}"


# --- Measurable -------------------------------------------------------------------------


def check_measurable(indicator: Indicator) -> CheckOutcome:
    measures = indicator.measures()
    reasons = [
        _unknown_input(name, measures.keys())
        for name in dict.fromkeys(rule_inputs(indicator.rule))
        if name not in measures
    ]
    if indicator.data_source == MANUAL_SOURCE and not isinstance(indicator.rule, Rubric):
        reasons.append(_manual_without_rubric(indicator))
    reasons.extend(stated_lines_contradicting_the_rule(indicator))
    return failure(Check.MEASURABLE, reasons) if reasons else PASSED


# A full-marks line stated in words, the number before "full marks": "≥ 90 满分",
# "95 分及以上得满分", "不低于 90% 得满分", "95 or more earns the full 15 points", "at least 90%
# for full marks", "≤ 2 full marks"; or after it: "满分线 95 分", "满分线为 ≥ 90%", "full marks at
# 90", "full marks from 95 or more", "full marks for at least 90%". "满分 15 分" states the
# points, not the line, so after 满分 only 满分线 / 满分标准 count.
_NUMBER = r"(?P<number>\d+(?:\.\d+)?)\s*(?P<percent>[%％])?"
_ZH_SIGN = r"(?P<sign>≥|>=|≤|<=|＞=|不低于|不少于|达到|不超过|不高于)?"
_ZH_SIDE = r"(?P<side>及以上|以上|及以下|以下|或以上|或以下)?"
_EN_SIGN = r"(?P<sign>≥|>=|≤|<=|at least|at most|no more than|no less than)?"
_EN_SIDE = r"(?P<side>or more|or above|and above|or fewer|or less|and below)?"
_STATED_FULL_MARKS: dict[str, tuple[re.Pattern[str], ...]] = {
    "zh-Hans": (
        re.compile(
            _ZH_SIGN
            + r"\s*"
            + _NUMBER
            + r"\s*(?:分|家|次|个|项|天|小时|万元)?\s*"
            + _ZH_SIDE
            + r"\s*(?:即|则|可)?\s*(?:得|为|记|计)?\s*满分(?!线|标准)"
        ),
        re.compile(
            r"满分(?:线|标准)\s*(?:为|是|定为|设为|：|:)?\s*"
            + _ZH_SIGN
            + r"\s*"
            + _NUMBER
            + r"\s*(?:分|家|次|个|项|天|小时|万元)?\s*"
            + _ZH_SIDE
        ),
    ),
    "en": (
        re.compile(
            _EN_SIGN
            + r"\s*"
            + _NUMBER
            + r"\s*(?:points?)?\s*"
            + _EN_SIDE
            + r"\s*(?:earns?|gets?|gives?|scores?|for|is|=|→|:)?\s*(?:the\s+)?full\s+(?:marks|points|score)",
            re.IGNORECASE,
        ),
        re.compile(
            r"full\s+(?:marks|points|score)\s+(?:at|from|for|when|if|with)\s+(?:a\s+\w+\s+(?:of\s+)?)?"
            + _EN_SIGN
            + r"\s*"
            + _NUMBER
            + r"\s*(?:points?)?\s*"
            + _EN_SIDE,
            re.IGNORECASE,
        ),
    ),
}
_LOWER_WORDS = (
    "≤",
    "<=",
    "不超过",
    "不高于",
    "及以下",
    "以下",
    "或以下",
    "at most",
    "no more than",
    "or fewer",
    "or less",
    "and below",
)


def stated_lines_contradicting_the_rule(indicator: Indicator) -> list[LocalText]:
    """A definition that states a full-marks line the rule does not have.

    "≥ 90 满分" in the definition with `full_at: 95` in the rule misleads everyone who reads
    the definition; so does "≤ 2" when the rule rewards higher values. A percentage is
    compared with a rule on the 0–1 scale as its hundredth.
    """
    line = full_marks_line(indicator)
    if not isinstance(line, FullMarksLine):
        return []
    reasons = []
    for language in LANGUAGES:
        text = indicator.definition.text(language)
        for match in _stated_lines(language, text):
            stated = float(match["number"])
            if match["percent"] and abs(line.value) <= 1.0 < stated:
                stated /= 100
            words = f"{match['sign'] or ''} {match['side'] or ''}".lower()
            stated_lower = any(word in words for word in _LOWER_WORDS)
            if abs(stated - line.value) <= 1e-9 and (
                not words.strip() or stated_lower == line.lower_better
            ):
                continue
            reasons.append(_contradiction(indicator, language, match[0].strip(), line))
            break
    return reasons


def _stated_lines(language: str, text: str) -> list[re.Match[str]]:
    """Every full-marks line the text states, in the order they appear."""
    found = [match for pattern in _STATED_FULL_MARKS[language] for match in pattern.finditer(text)]
    return sorted(found, key=lambda match: match.start())


def _contradiction(
    indicator: Indicator, language: str, stated: str, line: FullMarksLine
) -> LocalText:
    comparator = "≤" if line.lower_better else "≥"
    rule_line = f"{comparator} {constant_text(line.value)}"
    field = f"definition.{language}"
    return LocalText(
        zh_hans=f"{field_words(field, 'zh-Hans')}写的是「{stated}」，但评分规则在 {rule_line} 时"
        f"才给满分。请让定义与规则一致：改定义，或改规则（{indicator.rule.kind}）的满分线",
        en=f"{field_words(field, 'en')} says '{stated}', but the scoring rule gives full marks"
        f" at {rule_line}. Make them agree: change the definition, or the rule's"
        f" ({indicator.rule.kind}) full-marks line.",
    )


def rule_inputs(rule: Rule) -> Iterator[str]:
    """Names of the inputs a rule reads, in the order it reads them."""
    match rule:
        case Events():
            yield from (event.input for event in rule.events)
        case GateBonus():
            yield rule.gate.input
            yield from (event.input for event in rule.bonus)
        case Composite():
            for part in rule.parts:
                yield from rule_inputs(part)
        case _:
            yield rule.input


def _unknown_input(name: str, known: Iterable[str]) -> LocalText:
    listed = ", ".join(known)
    return LocalText(
        zh_hans=f"评分规则读取的输入 {name} 不是本指标的测量（已有：{listed}）。"
        f"请在“其他输入”中定义 {name}，或改用已有的输入",
        en=f"the rule reads input {name!r}, which is not one of the indicator's measures"
        f" (known: {listed}). Define {name} under inputs, or read a known input.",
    )


def _manual_without_rubric(indicator: Indicator) -> LocalText:
    kind = indicator.rule.kind
    return LocalText(
        zh_hans=f"数据来源为人工录入，却用 {kind} 规则计分，数值无从核对。"
        "请绑定系统数据源（如 CRM、客户调研），或改用评分量表写明每一级的含义",
        en=f"data_source is manual (typed in by hand) but scored by a {kind} rule, so the value"
        " cannot be verified. Bind it to a system source (crm, survey, …), or score it with a"
        " rubric whose levels say what each rating means.",
    )


# --- Achievable -------------------------------------------------------------------------


def check_achievable(indicator: Indicator, history: Iterable[float] | None) -> CheckOutcome:
    past = () if history is None else history  # not `or`: a NumPy array has no truth value
    values = [float(value) for value in past if math.isfinite(value)]
    if len(values) < MIN_HISTORY:
        return undecided(Check.ACHIEVABLE, _too_little_history(len(values)))
    line = full_marks_line(indicator)
    if not isinstance(line, FullMarksLine):
        return undecided(
            Check.ACHIEVABLE,
            LocalText(zh_hans=f"无法判断：{line.zh_hans}", en=f"cannot tell: {line.en}."),
        )
    return _against_history(line, values)


def _too_little_history(count: int) -> LocalText:
    given = (
        ("没有历史值", "no past values")
        if count == 0
        else (f"历史值只有 {count} 个", f"{count} past values")
    )
    return LocalText(
        zh_hans=f"{given[0]}（至少需要 {MIN_HISTORY} 个），无法判断满分线是否可达成。"
        "请提供本指标以往各期的测量值",
        en=f"{given[1]} (at least {MIN_HISTORY} needed), so whether full marks are within"
        " reach cannot be told. Give this indicator's past measured values.",
    )


def _against_history(line: FullMarksLine, values: list[float]) -> CheckOutcome:
    # Flipping the sign of lower-better values lets one comparison serve both directions.
    sign = -1.0 if line.lower_better else 1.0
    cuts = statistics.quantiles([sign * value for value in values], n=100, method="inclusive")
    flipped_median, flipped_hardest = cuts[49], cuts[98]
    median, hardest = sign * flipped_median, sign * flipped_hardest
    if sign * line.value > flipped_hardest:
        return failure(Check.ACHIEVABLE, [_too_hard(line, median, hardest, len(values))])
    if sign * line.value < flipped_median:
        return failure(Check.ACHIEVABLE, [_too_easy(line, median, hardest, len(values))])
    return PASSED


def _too_hard(line: FullMarksLine, median: float, hardest: float, count: int) -> LocalText:
    if line.lower_better:
        comparator, percentile, ordinal, side, side_zh = "≤", 1, "1st", "below", "低于"
    else:
        comparator, percentile, ordinal, side, side_zh = "≥", 99, "99th", "above", "高于"
    full, mid, edge = (constant_text(value) for value in (line.value, median, hardest))
    return LocalText(
        zh_hans=f"满分线 {comparator} {full} {side_zh}历史结果的第 {percentile} 百分位（{edge}，"
        f"共 {count} 个历史值），几乎没人达到过。请把满分线设在中位数 {mid} 与 {edge} 之间",
        en=f"full marks need {comparator} {full}, {side} the {ordinal} percentile"
        f" ({edge}) of {count} past results: almost nobody has reached it. Set the full-marks"
        f" line between the median {mid} and {edge}.",
    )


def _too_easy(line: FullMarksLine, median: float, hardest: float, count: int) -> LocalText:
    comparator, side, side_zh = (
        ("≤", "above", "高于") if line.lower_better else ("≥", "below", "低于")
    )
    full, mid, edge = (constant_text(value) for value in (line.value, median, hardest))
    return LocalText(
        zh_hans=f"满分线 {comparator} {full} {side_zh}历史结果的中位数（{mid}，共 {count} 个历史值），"
        f"过半的结果不费力就能拿满分。请把满分线设在中位数 {mid} 与 {edge} 之间",
        en=f"full marks need {comparator} {full}, {side} the median ({mid}) of {count} past"
        f" results: more than half already earn full marks. Set the full-marks line between"
        f" the median {mid} and {edge}.",
    )


# --- Relevant ---------------------------------------------------------------------------


def check_relevant(indicator: Indicator, objectives: Collection[str]) -> CheckOutcome:
    known = ", ".join(sorted(objectives)) or "—"
    if not indicator.objectives:
        return failure(Check.RELEVANT, [_serves_nothing(known)])
    reasons = [
        LocalText(
            zh_hans=f"objectives 中的 {code} 不是本指标库的目标（已有：{known}）。"
            "请改用已有目标的代码，或先在 objectives 部分定义它",
            en=f"objective {code!r} is not in this pack (known: {known}). Use a known"
            " objective's code, or define it in the pack's objectives first.",
        )
        for code in indicator.objectives
        if code not in objectives
    ]
    return failure(Check.RELEVANT, reasons) if reasons else PASSED


def _serves_nothing(known: str) -> LocalText:
    return LocalText(
        zh_hans=f"本指标没有服务任何战略目标。请在 objectives 中列出它支撑的目标（已有：{known}）",
        en=f"the indicator serves no objective. List the objectives it serves under objectives"
        f" (known: {known}).",
    )


# --- Time-bound -------------------------------------------------------------------------


def check_time_bound(indicator: Indicator) -> CheckOutcome:
    # The quarter default keeps scoring working, but an unwritten period is not a stated one.
    if "period" in indicator.model_fields_set:
        return PASSED
    reason = LocalText(
        zh_hans="未写明 period，只是默认按季度考核。请写上 period: quarter（或 month、year），"
        "让考核周期成为定义的一部分",
        en="no period is written; the indicator is appraised per quarter only by default. Write"
        " period: quarter (or month, year) so its time frame is part of the definition.",
    )
    return failure(Check.TIME_BOUND, [reason])
