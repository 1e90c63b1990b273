"""Reading an indicator's wording for the S of SMART: vague verbs and measurable objects.

Approach (explainable, no model): a text is vague when it uses an aspiration verb
(提升, 加强, improve, enhance, …) and names no measurable object. A measurable object is
any of: a number (Arabic or full-width digits), a comparator (≥ ≤ > < =, at least, at most,
不低于, 不超过, …), a percent sign, a counted unit right after a number (3 次, 2 天,
48 小时, 5 days), or a measured noun (率, 次数, 占比, 平均, 得分, rate, count, share of,
mean, score, …), or a named survey instrument (NPS, CSAT). 效率 ("efficiency") is not a rate:
"提升工作效率" is the textbook vague phrase. Both word lists apply to every text, since
Chinese definitions often quote English terms (NPS) and the reverse.

Size: a definition says too little when it has fewer than 8 units of content in zh-Hans
(one per Han character, Latin word or number) or fewer than 4 words in English. Texts
are compared with case, spaces and punctuation ignored. Excludes: deciding the verdict
and the wording of messages (checks.py).
"""

from __future__ import annotations

import re
import unicodedata

ZH_MINIMUM_CONTENT = 8
EN_MINIMUM_WORDS = 4

VAGUE_ZH = ("提升", "提高", "加强", "改善", "优化", "增强", "促进", "做好", "努力", "尽量", "积极")


def _english(words: str) -> str:
    """Whole English words; plain \\b would not separate them from adjacent Han characters."""
    return rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])"


VAGUE_EN = re.compile(
    _english(
        r"improv[a-z]*|enhanc[a-z]*|strengthen[a-z]*|boost[a-z]*|increas[a-z]*|better"
        r"|optimi[sz][a-z]*|promot[a-z]*|do(?:ing)? well|as much as possible"
    ),
    re.IGNORECASE,
)

# 一 is left out: 一个 is as often "a" as "one".
_NUMBER = r"(?:\d|[二两三四五六七八九十百千万])"
MEASURABLE = re.compile(
    "|".join(
        (
            r"\d",
            r"[≥≤<>=＞＜＝%％‰]",
            r"不低于|不少于|不高于|不超过|至少|至多",
            rf"{_NUMBER}\s*(?:次|个|天|日|小时|分钟|分|人|项|件|份|家|元|周|月|季度|年)",
            r"(?<!效)率|次数|天数|人数|个数|件数|数量|总数|计数|比例|占比|比重|平均|均值|得分|分数|金额|时长",
            _english(
                r"at least|at most|no more than|no fewer than|no less than|or more|or fewer"
                r"|rates?|ratios?|percent(?:age)?s?|share of|proportion|counts?|number of|mean"
                r"|averages?|medians?|scores?|totals?|sum of|amounts?|days?|hours?|minutes?"
                r"|NPS|CSAT"
            ),
        )
    ),
    re.IGNORECASE,
)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD_OR_NUMBER = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?")
_WORD = re.compile(r"\w+")


def vague_terms(text: str) -> list[str]:
    """The aspiration verbs in `text`, in order of appearance, each once."""
    found = [(text.index(verb), verb) for verb in VAGUE_ZH if verb in text]
    found += [(match.start(), match.group(0)) for match in VAGUE_EN.finditer(text)]
    terms: list[str] = []
    for _, term in sorted(found):
        if term not in terms:
            terms.append(term)
    return terms


def has_measurable_object(text: str) -> bool:
    return MEASURABLE.search(text) is not None


def is_vague(text: str) -> bool:
    """An aspiration verb with nothing measurable to aim it at."""
    return bool(vague_terms(text)) and not has_measurable_object(text)


def content_size(text: str, language: str) -> int:
    """Han characters plus Latin words and numbers (zh-Hans), or words (en)."""
    if language == "zh-Hans":
        return len(_HAN.findall(text)) + len(_LATIN_WORD_OR_NUMBER.findall(text))
    return len(_WORD.findall(text))


def minimum_content(language: str) -> int:
    return ZH_MINIMUM_CONTENT if language == "zh-Hans" else EN_MINIMUM_WORDS


def same_wording(first: str, second: str) -> bool:
    """Equal once case, spaces and punctuation are ignored."""
    return _bare(first) == _bare(second)


def without_vague_terms(text: str) -> str:
    """The text with its aspiration verbs taken out, for a suggested rewrite."""
    stripped = VAGUE_EN.sub("", text)
    for verb in VAGUE_ZH:
        stripped = stripped.replace(verb, "")
    return " ".join(stripped.split())


def _bare(text: str) -> str:
    return "".join(
        character
        for character in unicodedata.normalize("NFKC", text).casefold()
        if not unicodedata.category(character).startswith(("P", "Z", "S", "C"))
    )
