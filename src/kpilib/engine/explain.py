"""One-line explanations of scores in zh-Hans and English, and the display rounding helper.

The engine has no Django i18n, so explanations come from `MESSAGES`, a small table of
templates keyed by message and language. Templates name their parts (`{points}`);
`render` turns one into a vectorised Polars string expression, so a million scorecard
lines are explained without a Python loop.

Numbers are shown rounded to 2 decimals without trailing zeros, negatives with a true
minus sign (`−5`). `display_round` / `display_round_value` are the only rounding in
kpilib: scores stay unrounded everywhere else.
Excludes: the scoring itself (rules.py).
"""

from __future__ import annotations

import math
import re

import polars as pl

from kpilib.engine.attribution import trail_column
from kpilib.engine.definitions import (
    LANGUAGES,
    Attributed,
    Count,
    Derived,
    DistinctCount,
    Latest,
    Maximum,
    Mean,
    Measure,
    Minimum,
    Noun,
    Ratio,
    Sum,
)
from kpilib.engine.errors import EngineError
from kpilib.engine.measures import DENOMINATOR, NUMERATOR, part_column
from kpilib.metrics import metric_name

MINUS = "−"
DISPLAY_DIGITS = 2
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

MESSAGES: dict[str, dict[str, str]] = {
    "tier": {"en": "{value} ({band}) → {points}", "zh-Hans": "{value}（{band}）→ {points} 分"},
    "no_tier": {"en": "{value}: in no tier → 0", "zh-Hans": "{value}：不在任何档位 → 0 分"},
    "no_value": {"en": "{value} → 0", "zh-Hans": "{value} → 0 分"},
    "linear": {
        "en": "{value}: {formula} → {points}",
        "zh-Hans": "{value}：{formula} → {points} 分",
    },
    "linear_end": {
        "en": "{value} {compare} {line} → {points}",
        "zh-Hans": "{value} {compare} {line} → {points} 分",
    },
    "term": {"en": "{value} × {each}", "zh-Hans": "{value} × {each}"},
    "events": {
        "en": "{terms} from {base} → {points}{clamp}",
        "zh-Hans": "{terms}，基础 {base} → {points} 分{clamp}",
    },
    "floor": {"en": " (floor {limit})", "zh-Hans": "（下限 {limit}）"},
    "cap": {"en": " (cap {limit})", "zh-Hans": "（上限 {limit}）"},
    "gate": {
        "en": "{value} {compare} {line} → {points}",
        "zh-Hans": "{value} {compare} {line} → {points} 分",
    },
    "gate_bonus": {
        "en": "{gate}, {terms} → {points}{clamp}",
        "zh-Hans": "{gate}，{terms} → {points} 分{clamp}",
    },
    "target": {
        "en": "{value}: {percent}% of target {target} → {points}",
        "zh-Hans": "{value}：达成目标 {target} 的 {percent}% → {points} 分",
    },
    "rubric": {"en": "{value}: {level} → {points}", "zh-Hans": "{value}：{level} → {points} 分"},
    "no_level": {"en": "{value}: no such level → 0", "zh-Hans": "{value}：无此等级 → 0 分"},
    "composite": {"en": "{parts} → {points}{clamp}", "zh-Hans": "{parts} → {points} 分{clamp}"},
    "composite_min": {
        "en": "{parts} → lowest {points}{clamp}",
        "zh-Hans": "{parts} → 取低 {points} 分{clamp}",
    },
    "composite_max": {
        "en": "{parts} → highest {points}{clamp}",
        "zh-Hans": "{parts} → 取高 {points} 分{clamp}",
    },
    "not_scored": {"en": "{flag}: not scored", "zh-Hans": "{flag}：不计分"},
    "full_marks": {
        "en": "{flag} → {points} (full marks)",
        "zh-Hans": "{flag} → {points} 分（满分）",
    },
    "zero": {"en": "{flag} → 0", "zh-Hans": "{flag} → 0 分"},
    "excluded": {"en": "excluded from this appraisal", "zh-Hans": "本次考核不适用"},
    "no_data": {
        "en": "no facts at all in the period: not scored (no data)",
        "zh-Hans": "本期没有任何数据：不计分（无数据）",
    },
    "weighted": {
        "en": "{explanation}; at weight {weight} of {default}: {points}",
        "zh-Hans": "{explanation}；按权重 {weight}/{default} 折算 → {points} 分",
    },
    "advisory": {
        "en": "{explanation}; advisory (weight 0): not counted in the total",
        "zh-Hans": "{explanation}；参考指标（权重 0）：不计入总分",
    },
    "count": {"en": "{count} {noun}", "zh-Hans": "{count} {noun}"},
    "labelled": {"en": "{label} {value}", "zh-Hans": "{label} {value}"},
    "ratio": {
        "en": "{label} {numerator} of {denominator}",
        "zh-Hans": "{label} {numerator}/{denominator}",
    },
    "capped": {"en": "{text} (capped at {cap})", "zh-Hans": "{text}（封顶 {cap}）"},
    "none": {"en": "{label}: none", "zh-Hans": "{label}：无"},
    "credit": {
        "en": "order {order} ({metric}, customer {customer}, {on}) {amount} ← deal {deal} "
        "won {closed}, split {split}%{decay} → {credited}",
        "zh-Hans": "订单 {order}（{metric}，客户 {customer}，{on}）{amount} ← 商机 {deal}"
        "（{closed} 赢单）拆分 {split}%{decay} → {credited}",
    },
    "decay": {"en": " × decay {decay}", "zh-Hans": " × 衰减 {decay}"},
    "credited": {"en": "{present}: {trail}", "zh-Hans": "{present}：{trail}"},
    "list": {"en": ", ", "zh-Hans": "，"},
    "parts": {"en": "; ", "zh-Hans": "；"},
}

_KIND_WORDS: dict[str, dict[str, str]] = {
    "count": {"en": "count of", "zh-Hans": "次数"},
    "distinct_count": {"en": "distinct", "zh-Hans": "去重数"},
    "sum": {"en": "total", "zh-Hans": "合计"},
    "mean": {"en": "mean", "zh-Hans": "平均值"},
    "min": {"en": "lowest", "zh-Hans": "最小值"},
    "max": {"en": "highest", "zh-Hans": "最大值"},
    "latest": {"en": "latest", "zh-Hans": "最新值"},
    "ratio": {"en": "ratio", "zh-Hans": "比率"},
    "formula": {"en": "formula", "zh-Hans": "公式值"},
    "attributed": {"en": "credited", "zh-Hans": "归因"},
}


class LanguageError(EngineError):
    """A language kpilib does not explain in."""


def checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise LanguageError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def message(key: str, language: str) -> str:
    return MESSAGES[key][language]


def render(template: str, **parts: pl.Expr | str) -> pl.Expr:
    """A template with `{name}` parts as one string expression; literals stay literal."""
    pieces: list[pl.Expr] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            pieces.append(pl.lit(template[position : match.start()]))
        part = parts[match[1]]
        pieces.append(pl.lit(part) if isinstance(part, str) else part)
        position = match.end()
    if position < len(template):
        pieces.append(pl.lit(template[position:]))
    return pl.concat_str(pieces) if pieces else pl.lit("")


def joined(pieces: list[pl.Expr], separator: str) -> pl.Expr:
    return pl.concat_str(pieces, separator=separator)


# --- numbers ------------------------------------------------------------------------


def display_round(number: pl.Expr, digits: int = DISPLAY_DIGITS) -> pl.Expr:
    """Round for display and export only (half away from zero), never in between."""
    return number.round(digits, mode="half_away_from_zero")


def display_round_value(number: float | None, digits: int = DISPLAY_DIGITS) -> float | None:
    """`display_round` for one Python number (e.g. in a template)."""
    if number is None or not math.isfinite(number):
        return number
    scale = 10.0**digits
    return math.copysign(math.floor(abs(number) * scale + 0.5), number) / scale


def fixed_value(number: float | None, digits: int = DISPLAY_DIGITS) -> str:
    """`fixed_text` for one Python number (pages, PDFs, messages): `73.00`, `—` when missing.

    The one rounding path for shown points and totals: `display_round_value` (half away
    from zero), never `round()` or `%.2f`, which round half to even on binary floats."""
    rounded = display_round_value(number, digits)
    if rounded is None or not math.isfinite(rounded):
        return "—"
    return f"{rounded + 0.0:.{digits}f}"  # + 0.0: no "-0.00"


def excel_number_format(digits: int) -> str:
    """The Excel number format showing `digits` decimals (`0`, `0.0`, `0.00`, …)."""
    return "0." + "0" * digits if digits else "0"


def fixed_text(number: pl.Expr, digits: int = DISPLAY_DIGITS) -> pl.Expr:
    """A number with exactly `digits` decimals for tables (`73.00`), `—` when null."""
    scale = 10**digits
    hundredths = (display_round(number.cast(pl.Float64), digits) * scale).round(0).cast(pl.Int64)
    sign = pl.when(hundredths < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = (hundredths.abs() // scale).cast(pl.String)
    if digits == 0:
        return pl.concat_str(sign, whole).fill_null("—")
    fraction = (hundredths.abs() % scale).cast(pl.String).str.zfill(digits)
    return pl.concat_str(sign, whole, pl.lit("."), fraction).fill_null("—")


def number_text(number: pl.Expr) -> pl.Expr:
    """A number as shown in explanations: `12`, `8.5`, `83.33`, `−5`."""
    rounded = display_round(number.cast(pl.Float64))
    whole = (rounded == rounded.floor()) & (rounded.abs() < 1e15)
    text = (
        pl.when(whole)
        .then(rounded.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(rounded.cast(pl.String))
    )
    return text.str.replace(r"^-", MINUS)


def constant_text(number: float) -> str:
    """A rule's constant as shown in explanations, formatted like `number_text`."""
    rounded = display_round_value(number)
    assert rounded is not None
    text = str(int(rounded)) if rounded.is_integer() and abs(rounded) < 1e15 else repr(rounded)
    return text.replace("-", MINUS, 1) if text.startswith("-") else text


def signed_text(number: float) -> str:
    """A per-event amount with its sign: `+2`, `−5`."""
    return constant_text(number) if number < 0 else f"+{constant_text(number)}"


# --- what a measure shows -----------------------------------------------------------


def measure_label(measure: Measure, language: str) -> str:
    """The words for a measure: its label, else its kind and metric."""
    if measure.label is not None:
        return measure.label.text(language)
    kind_word = _KIND_WORDS[measure.kind][language]
    if isinstance(measure, Ratio | Derived):
        return kind_word
    metric = "/".join(measure.metric)
    return f"{kind_word} {metric}" if language == "en" else f"{metric}{kind_word}"


def noun_expr(noun: Noun | None, count: pl.Expr, fallback: str, language: str) -> pl.Expr:
    """A counted noun, singular in English when the count is 1 and a singular is given."""
    if noun is None:
        return pl.lit(fallback)
    if language == "en" and noun.en_one is not None:
        return pl.when(count == 1).then(pl.lit(noun.en_one)).otherwise(pl.lit(noun.en))
    return pl.lit(noun.text(language))


def _trail(measure: Attributed, column: str, language: str) -> pl.Expr:
    """The credits of an attributed measure, one after another (null when none):
    `order U-1 (upsell, customer C-1, 2026-05-02) 40 ← deal O-1 won 2025-11-10, split
    60% → 24; …`."""
    field = pl.element().struct.field
    decay = (
        render(message("decay", language), decay=number_text(field("decay")))
        if measure.decay == "linear"
        else ""
    )
    entry = render(
        message("credit", language),
        order=field("order"),
        # The order's metric by its name in the reader's language, never its code.
        metric=field("metric").replace(
            {code: metric_name(code, language) for code in measure.metric}
        ),
        customer=field("customer"),
        on=field("on").cast(pl.String),
        amount=number_text(field("amount")),
        deal=field("deal"),
        closed=field("closed").cast(pl.String),
        split=number_text(field("split")),
        decay=decay,
        credited=number_text(field("credited")),
    )
    trail = pl.col(trail_column(column))
    joined_entries = trail.list.eval(entry).list.join(message("parts", language))
    return pl.when(trail.list.len() > 0).then(joined_entries)


def _with_trails(present: pl.Expr, parts: list[tuple[Measure, str]], language: str) -> pl.Expr:
    """`present`, followed by the trail of every attributed measure among `parts`."""
    for part, column in parts:
        if isinstance(part, Attributed):
            trail = _trail(part, column, language)
            with_trail = render(message("credited", language), present=present, trail=trail)
            present = pl.when(trail.is_not_null()).then(with_trail).otherwise(present)
    return present


def describe_measure(
    measure: Measure,
    column: str,
    language: str,
    *,
    missing_text: str | None = None,
    noun: Noun | None = None,
) -> pl.Expr:
    """What the measured value says in words: `3 complaints`, `mean satisfaction 88.5`.

    A missing value reads as `missing_text` (the indicator's flag) when given.
    """
    value = pl.col(column)
    label = measure_label(measure, language)
    match measure:
        case Count() | DistinctCount():
            fallback = "/".join(measure.metric)
            counted = noun_expr(noun or measure.label, value, fallback, language)
            present = render(message("count", language), count=number_text(value), noun=counted)
        case Ratio():
            numerator = pl.col(part_column(column, NUMERATOR))
            denominator = pl.col(part_column(column, DENOMINATOR))
            present = render(
                message("ratio", language),
                label=label,
                numerator=number_text(numerator),
                denominator=number_text(denominator),
            )
            if measure.cap is not None:
                capped = render(
                    message("capped", language), text=present, cap=constant_text(measure.cap)
                )
                present = (
                    pl.when(numerator / denominator > measure.cap).then(capped).otherwise(present)
                )
            present = _with_trails(
                present,
                [
                    (measure.numerator, part_column(column, NUMERATOR)),
                    (measure.denominator, part_column(column, DENOMINATOR)),
                ],
                language,
            )
        case Derived():
            present = render(message("labelled", language), label=label, value=number_text(value))
            present = _with_trails(
                present,
                [(part, part_column(column, name)) for name, part in measure.inputs.items()],
                language,
            )
        case Sum() | Mean() | Minimum() | Maximum() | Latest():
            present = render(message("labelled", language), label=label, value=number_text(value))
        case Attributed():
            present = render(message("labelled", language), label=label, value=number_text(value))
            present = _with_trails(present, [(measure, column)], language)
    absent = (
        missing_text if missing_text is not None else render(message("none", language), label=label)
    )
    return (
        pl.when(value.is_null())
        .then(pl.lit(absent) if isinstance(absent, str) else absent)
        .otherwise(present)
    )
