"""360-degree feedback (360度反馈) summary (product.md §11) and its fairness aids (issue 14).

Input: one row per answer, columns `subject_id`, `rater_id`, `relationship` (one of
`RELATIONSHIPS`), `question`, `score` (1–5; null or empty = not able to rate) and an
optional `comment` (and, for `self_other_gaps`, an optional `competency`). Rows may be a
Polars frame (all text, as `kpilib.tabular.read_table` gives it, or typed) or a list of
dicts; `validate_responses` checks and types them, reporting every bad row as a located
`Problem` (line = the frame's `__line__` when present, else the row's 1-based position).

The summary (`summarize`, one `SubjectSummary` per subject, sorted by `subject_id`):
- a rater's score = the mean of the questions they rated; a rater who rated nothing has
  no score and counts nowhere (their comments follow their group);
- `self` = the mean of the subject's self raters' scores, shown apart, never in `overall`;
- `manager` is shown with any number of raters (it is not anonymous);
- any other relationship with fewer than `min_group` distinct scoring raters is pooled as
  `other` with the raters who are `other` already; the pool is shown when it has at least
  `min_group` raters, otherwise withheld (its raters counted in `withheld_raters`);
- `overall` = Σ scores of the raters of shown non-self groups / their number (the
  rater-weighted mean of the shown groups' means), null when no non-self group is shown;
  `gap` = `self` − `overall` (null when either is);
- `questions[]`: per question the rater-weighted mean of the shown groups' answers, and
  the self answer;
- `comments[]`: only from shown groups and self, labelled with the shown group
  (`other` for a pooled one) and question, sorted by group, question and text — never by
  rater — and never with a rater's id. `split_comments=True` cuts each comment into
  sentences and orders each group's sentences by a seeded hash of their text, so neither
  order nor a whole comment's style points to its writer.

So no figure depends on a withheld rater's scores or comments: the hypothesis properties
in `tests/engine/test_feedback_properties.py` change them and compare every figure.

Fairness aids, pure functions shown beside the raw figures and never replacing them,
computed from the answers that count in shown groups only (so they leak nothing either):
- `rater_severity`: each rater's mean against the campaign's mean (lenient / severe /
  typical at ±`threshold`), the mean given only when the rater rated at least
  `min_subjects` subjects (one subject's mean would be that subject's answer);
- `corrected_overall`: per subject, the overall after within-rater standardisation
  (each answer → campaign mean + campaign sd × (answer − rater mean) / rater sd);
- `self_other_gaps`: per subject and competency (or question), self − others classified
  as over-estimator / under-estimator / in agreement at ±`threshold` (default 0.5).
Each says what it did in words (`explanation(language)`, en and zh-Hans).

Computed with Polars expressions over the whole campaign (group-bys and joins, no loop
per subject); only the final conversion to dataclasses walks the result rows. Excluded:
weighting of questions or competencies, response rates (the app's), trends.

`score_distribution` counts the answers 1..5 per subject and competency from the same
answers as the aids (shown non-self groups only).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from kpilib.engine.errors import EngineError, InputError, Problem

SELF, MANAGER, OTHER = "self", "manager", "other"
RELATIONSHIPS = (
    SELF, MANAGER, "peer", "direct_report", "sales", "delivery", "product",
    "customer_success", "customer", OTHER,
)  # fmt: skip
REQUIRED = ("subject_id", "rater_id", "relationship", "question", "score")
MIN_SCORE, MAX_SCORE = 1.0, 5.0
DEFAULT_MIN_GROUP = 3
DEFAULT_THRESHOLD = 0.5
LINE = "__line__"
# A sentence ends at Chinese or Latin end punctuation (kept with it), or at a line break.
_SENTENCE = r"[^。！？!?；;.\n]+[。！？!?；;.]*"
_ORDER = {relationship: position for position, relationship in enumerate(RELATIONSHIPS)}


def _zh(language: str) -> bool:
    return language.lower().startswith("zh")


# --- the summary's results -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A shown rater group: how many raters have a score in it, and their mean score."""

    relationship: str
    raters: int
    mean: float


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    question: str
    overall: float | None
    self: float | None


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment (or, split, one sentence of one), under its shown group; no rater id."""

    relationship: str
    question: str
    text: str


@dataclass(frozen=True, slots=True)
class SubjectSummary:
    """One subject's §11 summary; `as_dict()` is the §11 JSON object."""

    subject_id: str
    overall: float | None
    self: float | None
    gap: float | None
    groups: tuple[GroupSummary, ...]
    withheld_raters: int
    questions: tuple[QuestionSummary, ...]
    comments: tuple[Comment, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject_id": self.subject_id,
            "overall": self.overall,
            "self": self.self,
            "gap": self.gap,
            "groups": [
                {"relationship": g.relationship, "raters": g.raters, "mean": g.mean}
                for g in self.groups
            ],
            "withheld_raters": self.withheld_raters,
            "questions": [
                {"question": q.question, "overall": q.overall, "self": q.self}
                for q in self.questions
            ],
            "comments": [
                {"relationship": c.relationship, "question": c.question, "text": c.text}
                for c in self.comments
            ],
        }


def to_json(summaries: Iterable[SubjectSummary], *, indent: int | None = 2) -> str:
    """The §11 JSON list (UTF-8 text, Chinese as is)."""
    return json.dumps([s.as_dict() for s in summaries], ensure_ascii=False, indent=indent)


# --- input ------------------------------------------------------------------------------


def _frame(responses: pl.DataFrame | Sequence[Mapping[str, object]]) -> pl.DataFrame:
    if isinstance(responses, pl.DataFrame):
        return responses
    rows = [dict(row) for row in responses]
    if not rows:
        return pl.DataFrame(
            {column: [] for column in REQUIRED}, schema=dict.fromkeys(REQUIRED, pl.String)
        )
    return pl.DataFrame(rows, infer_schema_length=None)


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.strip_chars()


def validate_responses(
    responses: pl.DataFrame | Sequence[Mapping[str, object]], *, name: str = "responses"
) -> pl.DataFrame:
    """The answers checked and typed: `__line__`, the four text columns, `score` (Float64,
    null = not able to rate), `comment` (String, null when empty) and `competency` when given.

    Raises `InputError` with every problem: a missing column, an empty required cell, an
    unknown relationship, a score that is not a number from 1 to 5, a rater's second answer
    to the same question, or a rater with two relationships to the same subject.
    """
    frame = _frame(responses)
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise InputError(
            [Problem(name, 1, column, "required column is missing") for column in missing]
        )
    if LINE not in frame.columns:
        frame = frame.with_row_index(LINE, offset=1)
    score = pl.col("score")
    if frame.schema["score"] == pl.String:
        raw = score.str.strip_chars()
        raw = pl.when(raw == "").then(None).otherwise(raw)
        parsed = raw.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    elif frame.schema["score"] == pl.Null:
        raw = score.cast(pl.String)
        parsed = score.cast(pl.Float64)
    else:
        raw = score.cast(pl.String)
        parsed = score.cast(pl.Float64)
        parsed = pl.when(parsed.is_nan()).then(None).otherwise(parsed)
    extra = [column for column in ("comment", "competency") if column in frame.columns]
    typed = frame.select(
        pl.col(LINE).cast(pl.Int64),
        *(_text(column).alias(column) for column in REQUIRED[:2]),
        pl.col("relationship")
        .cast(pl.String)
        .str.strip_chars()
        .str.to_lowercase()
        .alias("relationship"),
        _text("question").alias("question"),
        raw.alias("_raw_score"),
        parsed.alias("score"),
        *(
            pl.when(_text(column) == "").then(None).otherwise(_text(column)).alias(column)
            for column in extra
        ),
    )
    checks: list[tuple[str, pl.Expr, pl.Expr]] = [
        (column, pl.col(column).is_null() | (pl.col(column) == ""), pl.lit("required"))
        for column in ("subject_id", "rater_id", "relationship", "question")
    ]
    known = ", ".join(RELATIONSHIPS)
    checks.append(
        (
            "relationship",
            pl.col("relationship").is_not_null()
            & (pl.col("relationship") != "")
            & ~pl.col("relationship").is_in(RELATIONSHIPS),
            pl.format(
                "unknown relationship '{}' (one of {})", pl.col("relationship"), pl.lit(known)
            ),
        )
    )
    checks.append(
        (
            "score",
            pl.col("_raw_score").is_not_null()
            & (pl.col("score").is_null() | pl.col("score").is_nan()),
            pl.format("not a number: '{}'", pl.col("_raw_score")),
        )
    )
    checks.append(
        (
            "score",
            ~pl.col("score").is_nan()
            & ((pl.col("score") < MIN_SCORE) | (pl.col("score") > MAX_SCORE)),
            pl.format("{} is outside 1–5 (empty = not able to rate)", pl.col("_raw_score")),
        )
    )
    # A second answer to one question, a rater in two relationships to one subject: found
    # per rater first (few or none), so the common case costs one group-by, not a window
    # over every answer.
    per_rater = (
        typed.group_by("subject_id", "rater_id")
        .agg(
            (pl.col("relationship").n_unique() > 1).alias("_mixed"),
            (pl.len() > pl.col("question").n_unique()).alias("_repeated"),
        )
        .filter(pl.col("_mixed") | pl.col("_repeated"))
    )
    rater_key = pl.struct("subject_id", "rater_id")

    def among(flag: str, bad: pl.Expr | None = None) -> pl.Expr:
        chosen = per_rater.filter(pl.col(flag)).select(rater_key.alias("_key"))["_key"]
        if not chosen.len():
            return pl.lit(False)
        inside = rater_key.is_in(chosen.implode())
        return inside if bad is None else inside & bad

    second = ~pl.struct("subject_id", "rater_id", "question").is_first_distinct()
    checks.append(
        (
            "question",
            among("_repeated", second),
            pl.format("a second answer of rater {} to this question", pl.col("rater_id")),
        )
    )
    checks.append(
        (
            "relationship",
            among("_mixed"),
            pl.format(
                "rater {} has more than one relationship to subject {}",
                pl.col("rater_id"),
                pl.col("subject_id"),
            ),
        )
    )
    # Masks first; the reasons are formatted for the bad rows only (usually none).
    masks = typed.with_columns(
        *(bad.fill_null(False).alias(f"_bad{i}") for i, (_, bad, _) in enumerate(checks))
    )
    bad_rows = masks.filter(pl.any_horizontal(f"_bad{i}" for i in range(len(checks))))
    problems: list[Problem] = []
    if bad_rows.height:
        found = bad_rows.select(
            pl.col(LINE),
            *(
                pl.when(pl.col(f"_bad{i}"))
                .then(pl.concat_str(pl.lit(column + "\x1f"), reason))
                .alias(f"_p{i}")
                for i, (column, _, reason) in enumerate(checks)
            ),
        )
        flagged = found.unpivot(index=LINE).drop_nulls("value").sort(LINE, maintain_order=True)
        for line, value in flagged.select(LINE, "value").iter_rows():
            column, reason = str(value).split("\x1f", 1)
            problems.append(Problem(name, int(line), column, reason))
    if problems:
        raise InputError(problems)
    if "comment" not in typed.columns:
        typed = typed.with_columns(pl.lit(None, dtype=pl.String).alias("comment"))
    return typed.drop("_raw_score")


# --- who is shown -----------------------------------------------------------------------


def _check_min_group(min_group: int) -> None:
    if isinstance(min_group, bool) or not isinstance(min_group, int) or min_group < 1:
        raise EngineError(f"min_group must be a whole number of at least 1, not {min_group!r}")


def _raters(answers: pl.DataFrame, min_group: int) -> pl.DataFrame:
    """One row per (subject, rater): relationship, `score` (mean of rated questions, null
    when none), `group` (the group they count in: own, or `other` when pooled) and `shown`."""
    # Sorted, so that every mean over raters adds them in one order: the same input gives
    # bit-for-bit the same figures (Polars' parallel group-by has no order of its own).
    raters = (
        answers.group_by("subject_id", "rater_id")
        .agg(pl.col("relationship").first(), pl.col("score").mean())
        .sort("subject_id", "rater_id")
    )
    scoring = pl.col("score").is_not_null()
    size = scoring.sum().over("subject_id", "relationship")
    own_group = pl.col("relationship").is_in([SELF, MANAGER]) | (
        (pl.col("relationship") != OTHER) & (size >= min_group)
    )
    raters = raters.with_columns(
        pl.when(own_group).then(pl.col("relationship")).otherwise(pl.lit(OTHER)).alias("group")
    )
    pool = scoring.sum().over("subject_id", "group")
    return raters.with_columns(
        (pl.col("group").is_in([SELF, MANAGER]) | (pool >= min_group)).alias("shown")
    )


def _shown_answers(answers: pl.DataFrame, min_group: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    raters = _raters(answers, min_group)
    placed = answers.join(
        raters.select("subject_id", "rater_id", "group", "shown"),
        on=["subject_id", "rater_id"],
        maintain_order="left",
    )
    return raters, placed


# --- the summary ------------------------------------------------------------------------


def summarize_frame(
    responses: pl.DataFrame | Sequence[Mapping[str, object]],
    *,
    min_group: int = DEFAULT_MIN_GROUP,
    split_comments: bool = False,
    seed: int = 0,
    name: str = "responses",
    validated: bool = False,
) -> pl.DataFrame:
    """The §11 summary as a frame, one row per subject sorted by `subject_id`, with the
    columns of `SubjectSummary` (`groups`, `questions`, `comments`: lists of structs).

    `validated=True` skips `validate_responses` for a frame it has returned already.
    """
    _check_min_group(min_group)
    answers = (
        _frame(responses)
        if validated and isinstance(responses, pl.DataFrame)
        else validate_responses(responses, name=name)
    )
    raters, placed = _shown_answers(answers, min_group)
    subjects = answers.select(pl.col("subject_id").unique())
    counted = raters.filter(pl.col("score").is_not_null() & (pl.col("relationship") != SELF))
    shown = counted.filter("shown")

    overall = shown.group_by("subject_id").agg(pl.col("score").mean().alias("overall"))
    self_score = (
        raters.filter(pl.col("relationship") == SELF)
        .group_by("subject_id")
        .agg(pl.col("score").mean().alias("self"))
    )
    withheld = (
        counted.filter(~pl.col("shown"))
        .group_by("subject_id")
        .agg(pl.len().cast(pl.Int64).alias("withheld_raters"))
    )
    groups = (
        shown.group_by("subject_id", "group")
        .agg(pl.len().cast(pl.Int64).alias("raters"), pl.col("score").mean().alias("mean"))
        .with_columns(pl.col("group").replace_strict(_ORDER, return_dtype=pl.Int64).alias("_order"))
        .sort("subject_id", "_order")
        .group_by("subject_id", maintain_order=True)
        .agg(pl.struct(pl.col("group").alias("relationship"), "raters", "mean").alias("groups"))
    )
    questions = (
        placed.group_by("subject_id", "question")
        .agg(
            pl.col("score")
            .filter(pl.col("shown") & (pl.col("relationship") != SELF))
            .mean()
            .alias("overall"),
            pl.col("score").filter(pl.col("relationship") == SELF).mean().alias("self"),
        )
        .sort("subject_id", "question")
        .group_by("subject_id", maintain_order=True)
        .agg(pl.struct("question", "overall", "self").alias("questions"))
    )
    comments = _comments(placed, split=split_comments, seed=seed)
    summary = (
        subjects.join(overall, on="subject_id", how="left")
        .join(self_score, on="subject_id", how="left")
        .with_columns((pl.col("self") - pl.col("overall")).alias("gap"))
        .join(groups, on="subject_id", how="left")
        .join(withheld, on="subject_id", how="left")
        .join(questions, on="subject_id", how="left")
        .join(comments, on="subject_id", how="left")
        .with_columns(pl.col("withheld_raters").fill_null(0))
        .sort("subject_id")
    )
    return summary.select(
        "subject_id", "overall", "self", "gap", "groups", "withheld_raters", "questions", "comments"
    )


def _comments(placed: pl.DataFrame, *, split: bool, seed: int) -> pl.DataFrame:
    said = placed.filter(pl.col("shown") & pl.col("comment").is_not_null()).select(
        "subject_id",
        pl.col("group").alias("relationship"),
        "question",
        pl.col("comment").alias("text"),
    )
    if split:
        said = (
            said.with_columns(pl.col("text").str.extract_all(_SENTENCE))
            .explode("text")
            .with_columns(pl.col("text").str.strip_chars())
            .filter(pl.col("text").is_not_null() & (pl.col("text") != ""))
            .with_columns(pl.col("text").hash(seed=seed).alias("_key"))
        )
        order = ["subject_id", "_order", "_key", "text", "question"]
    else:
        order = ["subject_id", "_order", "question", "text"]
    return (
        said.with_columns(
            pl.col("relationship").replace_strict(_ORDER, return_dtype=pl.Int64).alias("_order")
        )
        .sort(order)
        .group_by("subject_id", maintain_order=True)
        .agg(pl.struct("relationship", "question", "text").alias("comments"))
    )


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def summarize(
    responses: pl.DataFrame | Sequence[Mapping[str, object]],
    *,
    min_group: int = DEFAULT_MIN_GROUP,
    split_comments: bool = False,
    seed: int = 0,
    name: str = "responses",
) -> list[SubjectSummary]:
    """The §11 summary of every subject, sorted by `subject_id` (see the module docstring).

    Raises `InputError` (every bad row, located) or `EngineError` (a `min_group` below 1).
    """
    frame = summarize_frame(
        responses, min_group=min_group, split_comments=split_comments, seed=seed, name=name
    )
    return [
        SubjectSummary(
            subject_id=row["subject_id"],
            overall=_number(row["overall"]),
            self=_number(row["self"]),
            gap=_number(row["gap"]),
            groups=tuple(
                GroupSummary(g["relationship"], int(g["raters"]), float(g["mean"]))
                for g in row["groups"] or ()
            ),
            withheld_raters=int(row["withheld_raters"]),
            questions=tuple(
                QuestionSummary(q["question"], _number(q["overall"]), _number(q["self"]))
                for q in row["questions"] or ()
            ),
            comments=tuple(
                Comment(c["relationship"], c["question"], c["text"]) for c in row["comments"] or ()
            ),
        )
        for row in frame.iter_rows(named=True)
    ]


# --- fairness aids ----------------------------------------------------------------------


def _counted_answers(
    responses: pl.DataFrame | Sequence[Mapping[str, object]], min_group: int
) -> pl.DataFrame:
    """The rated answers that count in a shown non-self group (what the aids may use)."""
    _check_min_group(min_group)
    answers = validate_responses(responses)
    _, placed = _shown_answers(answers, min_group)
    return placed.filter(
        pl.col("shown") & (pl.col("relationship") != SELF) & pl.col("score").is_not_null()
    )


@dataclass(frozen=True, slots=True)
class ScoreDistribution:
    """How many answers on one competency (or question) gave 1, 2, 3, 4 and 5, counting the
    answers of shown non-self groups only (a score between two whole numbers is rounded to
    the nearer, half up)."""

    subject_id: str
    competency: str
    counts: tuple[int, int, int, int, int]

    @property
    def answers(self) -> int:
        return sum(self.counts)


def score_distribution(
    responses: pl.DataFrame | Sequence[Mapping[str, object]], *, min_group: int = DEFAULT_MIN_GROUP
) -> list[ScoreDistribution]:
    """Per subject and competency (the `competency` column; the question when absent or
    empty), the counts of answers 1..5 from the raters of shown non-self groups, sorted by
    subject and competency. Withheld raters' answers and self are never counted, so the
    counts add nothing to what the shown groups' figures tell."""
    counted = _counted_answers(responses, min_group)
    if counted.is_empty():
        return []
    key = pl.col("question")
    if "competency" in counted.columns:
        key = pl.coalesce(pl.col("competency"), pl.col("question"))
    point = (pl.col("score") + 0.5).floor().clip(MIN_SCORE, MAX_SCORE).cast(pl.Int64)
    table = (
        counted.select("subject_id", key.alias("_competency"), point.alias("_point"))
        .group_by("subject_id", "_competency", "_point")
        .agg(pl.len().alias("_n"))
        .sort("subject_id", "_competency", "_point")
    )
    found: dict[tuple[str, str], list[int]] = {}
    for subject, competency, value, count in table.iter_rows():
        found.setdefault((subject, competency), [0] * 5)[int(value) - 1] = int(count)
    return [
        ScoreDistribution(subject, competency, (c[0], c[1], c[2], c[3], c[4]))
        for (subject, competency), c in found.items()
    ]


LENIENT, SEVERE, TYPICAL = "lenient", "severe", "typical"
SEVERITY_WORDS = {
    "en": {
        LENIENT: "lenient: rates {difference:+.2f} above the campaign mean ({mean:.2f} against {campaign:.2f})",
        SEVERE: "severe: rates {difference:+.2f} below the campaign mean ({mean:.2f} against {campaign:.2f})",
        TYPICAL: "typical: within ±{threshold:.2f} of the campaign mean ({mean:.2f} against {campaign:.2f})",
        "hidden": "rated {subjects} subject(s) in shown groups: at least {minimum} are needed before a mean is shown",
    },
    "zh-hans": {
        LENIENT: "偏宽松：平均分比全体平均高 {difference:+.2f}（{mean:.2f}，全体 {campaign:.2f}）",
        SEVERE: "偏严格：平均分比全体平均低 {difference:+.2f}（{mean:.2f}，全体 {campaign:.2f}）",
        TYPICAL: "适中：与全体平均相差在 ±{threshold:.2f} 以内（{mean:.2f}，全体 {campaign:.2f}）",
        "hidden": "在可显示的组中只评价了 {subjects} 人：至少评价 {minimum} 人才显示平均分",
    },
}


@dataclass(frozen=True, slots=True)
class RaterSeverity:
    """One rater's leniency: their mean over the answers that count in shown groups against
    the campaign's mean; `mean`/`difference`/`label` are None below `min_subjects` subjects."""

    rater_id: str
    subjects: int
    answers: int
    mean: float | None
    campaign_mean: float
    difference: float | None
    label: str | None
    threshold: float
    minimum_subjects: int

    def explanation(self, language: str = "en") -> str:
        words = SEVERITY_WORDS["zh-hans" if _zh(language) else "en"]
        if self.label is None or self.mean is None:
            return words["hidden"].format(subjects=self.subjects, minimum=self.minimum_subjects)
        return words[self.label].format(
            difference=self.difference, mean=self.mean, campaign=self.campaign_mean,
            threshold=self.threshold,
        )  # fmt: skip


def rater_severity(
    responses: pl.DataFrame | Sequence[Mapping[str, object]],
    *,
    min_group: int = DEFAULT_MIN_GROUP,
    min_subjects: int = DEFAULT_MIN_GROUP,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[RaterSeverity]:
    """Each non-self rater's mean answer against the campaign's mean answer, sorted by rater.

    Only answers that count in a shown group are used (a withheld answer stays hidden), and
    a rater's mean is given only when they rated at least `min_subjects` subjects. Lenient
    when the difference is ≥ `threshold`, severe when ≤ −`threshold`, typical otherwise.
    """
    counted = _counted_answers(responses, min_group)
    if counted.is_empty():
        return []
    campaign = float(counted["score"].mean())  # type: ignore[arg-type]
    per_rater = (
        counted.group_by("rater_id")
        .agg(
            pl.col("subject_id").n_unique().alias("subjects"),
            pl.len().alias("answers"),
            pl.col("score").mean().alias("mean"),
        )
        .sort("rater_id")
    )
    found: list[RaterSeverity] = []
    for rater, subjects, answers, mean in per_rater.iter_rows():
        if subjects < min_subjects:
            found.append(
                RaterSeverity(
                    rater, subjects, answers, None, campaign, None, None, threshold, min_subjects
                )
            )
            continue
        difference = float(mean) - campaign
        label = (
            LENIENT if difference >= threshold else SEVERE if difference <= -threshold else TYPICAL
        )
        found.append(
            RaterSeverity(
                rater,
                subjects,
                answers,
                float(mean),
                campaign,
                difference,
                label,
                threshold,
                min_subjects,
            )
        )
    return found


CORRECTION_WORDS = {
    "en": (
        "corrected {corrected:.2f} (raw {raw:.2f}): each rater's answers were standardised "
        "against that rater's own mean and spread, then put back on the campaign's scale "
        "(mean {mean:.2f}, spread {spread:.2f}), so a lenient or severe rater counts like a typical one"
    ),
    "zh-hans": (
        "校正后 {corrected:.2f}（原始 {raw:.2f}）：每位评价人的打分先按其本人的平均分和离散程度标准化，"
        "再换算回全体的尺度（平均 {mean:.2f}，标准差 {spread:.2f}），使偏宽松或偏严格的评价人与一般评价人等同计算"
    ),
}


@dataclass(frozen=True, slots=True)
class CorrectedScore:
    """A subject's overall beside the same overall after within-rater standardisation."""

    subject_id: str
    raw: float
    corrected: float
    campaign_mean: float
    campaign_spread: float

    def explanation(self, language: str = "en") -> str:
        return CORRECTION_WORDS["zh-hans" if _zh(language) else "en"].format(
            corrected=self.corrected,
            raw=self.raw,
            mean=self.campaign_mean,
            spread=self.campaign_spread,
        )


def corrected_overall(
    responses: pl.DataFrame | Sequence[Mapping[str, object]], *, min_group: int = DEFAULT_MIN_GROUP
) -> list[CorrectedScore]:
    """Per subject with a shown overall: the raw overall and the corrected one, sorted by subject.

    Every answer that counts in a shown group becomes campaign mean + campaign sd ×
    (answer − rater's mean) / rater's sd (a rater with one answer or no spread: z = 0);
    then the §11 rule (rater mean, rater-weighted over shown groups) is applied to both.
    Withheld answers are not used, not even for a rater's mean.
    """
    counted = _counted_answers(responses, min_group)
    if counted.is_empty():
        return []
    mean = float(counted["score"].mean())  # type: ignore[arg-type]
    spread_value = counted["score"].std()
    spread = 0.0 if spread_value is None else float(spread_value)  # type: ignore[arg-type]
    rater_sd = pl.col("score").std().over("rater_id")
    z = (
        pl.when(rater_sd.is_null() | (rater_sd == 0))
        .then(0.0)
        .otherwise((pl.col("score") - pl.col("score").mean().over("rater_id")) / rater_sd)
    )
    per_rater = (
        counted.with_columns((pl.lit(mean) + pl.lit(spread) * z).alias("corrected"))
        .group_by("subject_id", "rater_id", maintain_order=True)
        .agg(pl.col("score").mean(), pl.col("corrected").mean())
    )
    per_subject = (
        per_rater.group_by("subject_id")
        .agg(pl.col("score").mean().alias("raw"), pl.col("corrected").mean())
        .sort("subject_id")
    )
    return [
        CorrectedScore(subject, float(raw), float(corrected), mean, spread)
        for subject, raw, corrected in per_subject.iter_rows()
    ]


OVER, UNDER, AGREE = "over-estimator", "under-estimator", "in agreement"
GAP_WORDS = {
    "en": {
        OVER: "over-estimator: self {self:.2f} is {gap:.2f} above others' {others:.2f} (threshold {threshold:.2f})",
        UNDER: "under-estimator: self {self:.2f} is {distance:.2f} below others' {others:.2f} (threshold {threshold:.2f})",
        AGREE: "in agreement: self {self:.2f} and others' {others:.2f} differ by less than {threshold:.2f}",
        None: "no comparison: {missing}",
        "no_self": "no self rating",
        "no_others": "no shown group rated it",
    },
    "zh-hans": {
        OVER: "高估：自评 {self:.2f} 比他评 {others:.2f} 高 {gap:.2f}（阈值 {threshold:.2f}）",
        UNDER: "低估：自评 {self:.2f} 比他评 {others:.2f} 低 {distance:.2f}（阈值 {threshold:.2f}）",
        AGREE: "一致：自评 {self:.2f} 与他评 {others:.2f} 相差不到 {threshold:.2f}",
        None: "无法比较：{missing}",
        "no_self": "没有自评",
        "no_others": "没有可显示的组评价",
    },
}


@dataclass(frozen=True, slots=True)
class SelfOtherGap:
    """Self against others (shown groups, rater-weighted) on one competency or question."""

    subject_id: str
    competency: str
    self: float | None
    others: float | None
    gap: float | None
    label: str | None
    threshold: float

    def explanation(self, language: str = "en") -> str:
        words: dict[str | None, str] = dict(GAP_WORDS["zh-hans" if _zh(language) else "en"])
        if self.label is None or self.gap is None:
            missing = words["no_self"] if self.self is None else words["no_others"]
            return words[None].format(missing=missing)
        return words[self.label].format(
            self=self.self, others=self.others, gap=self.gap, distance=-self.gap,
            threshold=self.threshold,
        )  # fmt: skip


def gap_label(gap: float | None, threshold: float = DEFAULT_THRESHOLD) -> str | None:
    """The class of a self − others gap at ±`threshold` (as `self_other_gaps` classifies
    each competency): over-estimator, under-estimator, in agreement; None without a gap."""
    if gap is None:
        return None
    return OVER if gap >= threshold else UNDER if gap <= -threshold else AGREE


def self_other_gaps(
    responses: pl.DataFrame | Sequence[Mapping[str, object]],
    *,
    min_group: int = DEFAULT_MIN_GROUP,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SelfOtherGap]:
    """Per subject and competency (the `competency` column; the question when absent or
    empty): self − others, over-estimator when ≥ `threshold`, under-estimator when ≤
    −`threshold`, in agreement otherwise; sorted by subject and competency.

    Self = mean of the self rater's answers on the competency; others = the mean over the
    raters of shown non-self groups of each rater's mean on it (withheld raters unused).
    """
    if threshold < 0:
        raise EngineError(f"threshold must not be negative, not {threshold!r}")
    _check_min_group(min_group)
    answers = validate_responses(responses)
    _, placed = _shown_answers(answers, min_group)
    key = pl.col("question")
    if "competency" in placed.columns:
        key = pl.coalesce(pl.col("competency"), pl.col("question"))
    placed = placed.with_columns(key.alias("_competency"))
    rated = placed.filter(pl.col("score").is_not_null())
    per_rater = rated.group_by("subject_id", "_competency", "rater_id", maintain_order=True).agg(
        pl.col("relationship").first(), pl.col("shown").first(), pl.col("score").mean()
    )
    table = (
        placed.select("subject_id", "_competency").unique()
        .join(
            per_rater.filter(pl.col("relationship") == SELF)
            .group_by("subject_id", "_competency")
            .agg(pl.col("score").mean().alias("self")),
            on=["subject_id", "_competency"], how="left",
        )
        .join(
            per_rater.filter(pl.col("shown") & (pl.col("relationship") != SELF))
            .group_by("subject_id", "_competency")
            .agg(pl.col("score").mean().alias("others")),
            on=["subject_id", "_competency"], how="left",
        )
        .sort("subject_id", "_competency")
    )  # fmt: skip
    found: list[SelfOtherGap] = []
    for subject, competency, own, others in table.iter_rows():
        gap = None if own is None or others is None else float(own) - float(others)
        label = None
        if gap is not None:
            label = OVER if gap >= threshold else UNDER if gap <= -threshold else AGREE
        found.append(
            SelfOtherGap(subject, competency, _number(own), _number(others), gap, label, threshold)
        )
    return found


__all__ = [
    "RELATIONSHIPS", "Comment", "CorrectedScore", "GroupSummary", "QuestionSummary",
    "RaterSeverity", "ScoreDistribution", "SelfOtherGap", "SubjectSummary", "corrected_overall",
    "gap_label", "rater_severity", "score_distribution", "self_other_gaps", "summarize",
    "summarize_frame", "to_json", "validate_responses",
]  # fmt: skip
