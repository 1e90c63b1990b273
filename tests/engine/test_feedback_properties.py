"""Properties of the 360 summary (hypothesis): nothing shown depends on a withheld rater.

For random campaigns (subjects, raters in every relationship, questions, scores with
"not able to rate", comments) and minimum group sizes:
- the summary equals a plain-Python reading of §11 (`reference`);
- the shown `overall` is the rater-weighted mean of the shown groups and nothing else;
- changing every withheld rater's scores (keeping which questions they rated) and their
  comments changes no figure a reader can see: the summary, with comments split or not,
  nor the fairness aids (rater severity, corrected overall, self-other gaps);
- changing self's scores moves only `self`, `gap` and `questions[].self`;
- no rater id appears in the output.
"""

from collections import defaultdict
from collections.abc import Callable
from statistics import mean
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.engine.feedback import (
    MANAGER,
    OTHER,
    RELATIONSHIPS,
    SELF,
    corrected_overall,
    rater_severity,
    score_distribution,
    self_other_gaps,
    summarize,
    to_json,
)

Row = dict[str, Any]
QUESTIONS = ("q1", "q2", "q3")
SUBJECTS = ("S0", "S1", "S2")
WORDS = ("good.", "slow!", "很好。", "需要改进", "clear; precise")


@st.composite
def campaigns(draw: st.DrawFn) -> list[Row]:
    """Answers of raters `rater-N` (a few rate several subjects) to the subjects' questions."""
    found: list[Row] = []
    for subject in draw(st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=3, unique=True)):
        count = draw(st.integers(0, 12))
        raters = draw(st.lists(st.integers(0, 15), min_size=count, max_size=count, unique=True))
        for rater in raters:
            relationship = draw(st.sampled_from(RELATIONSHIPS))
            rater_id = f"rater-{rater}" if relationship != SELF else f"rater-self-{subject}"
            if any(r["subject_id"] == subject and r["rater_id"] == rater_id for r in found):
                continue
            asked = draw(st.lists(st.sampled_from(QUESTIONS), min_size=1, max_size=3, unique=True))
            for question in asked:
                found.append(
                    {
                        "subject_id": subject,
                        "rater_id": rater_id,
                        "relationship": relationship,
                        "question": question,
                        "score": draw(st.one_of(st.none(), st.integers(1, 5))),
                        "comment": draw(st.one_of(st.none(), st.sampled_from(WORDS))),
                    }
                )
    return found


def placement(rows: list[Row], min_group: int) -> dict[tuple[str, str], tuple[str, bool]]:
    """(subject, rater) → (the group they count in, shown?), by §11 read literally."""
    scoring: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    relationship_of = {}
    for row in rows:
        key = (row["subject_id"], row["rater_id"])
        relationship_of[key] = row["relationship"]
        if row["score"] is not None:
            scoring[row["subject_id"]][row["relationship"]].add(row["rater_id"])
    group_of = {}
    for (subject, rater), relationship in relationship_of.items():
        own = relationship in (SELF, MANAGER) or (
            relationship != OTHER and len(scoring[subject][relationship]) >= min_group
        )
        group_of[subject, rater] = relationship if own else OTHER
    pool: dict[str, set[str]] = defaultdict(set)
    for (subject, rater), group in group_of.items():
        if group == OTHER and rater in scoring[subject][relationship_of[subject, rater]]:
            pool[subject].add(rater)
    return {
        key: (group, group != OTHER or len(pool[key[0]]) >= min_group)
        for key, group in group_of.items()
    }


def reference(rows: list[Row], min_group: int) -> list[dict[str, Any]]:
    """The §11 JSON computed the slow, obvious way."""
    placed = placement(rows, min_group)
    by_subject: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_subject[row["subject_id"]].append(row)
    found = []
    for subject in sorted(by_subject):
        answers = by_subject[subject]
        rater_scores: dict[str, list[float]] = defaultdict(list)
        for row in answers:
            if row["score"] is not None:
                rater_scores[row["rater_id"]].append(row["score"])
        score_of = {rater: mean(scores) for rater, scores in rater_scores.items()}
        relationship_of = {row["rater_id"]: row["relationship"] for row in answers}
        shown = [
            rater
            for rater in score_of
            if relationship_of[rater] != SELF and placed[subject, rater][1]
        ]
        selves = [score_of[r] for r in score_of if relationship_of[r] == SELF]
        overall = mean(score_of[r] for r in shown) if shown else None
        self_score = mean(selves) if selves else None
        groups: dict[str, list[float]] = defaultdict(list)
        for rater in shown:
            groups[placed[subject, rater][0]].append(score_of[rater])
        questions = []
        for question in sorted({row["question"] for row in answers}):
            others = [
                row["score"]
                for row in answers
                if row["question"] == question
                and row["score"] is not None
                and row["relationship"] != SELF
                and placed[subject, row["rater_id"]][1]
            ]
            own = [
                row["score"]
                for row in answers
                if row["question"] == question
                and row["score"] is not None
                and row["relationship"] == SELF
            ]
            questions.append(
                {
                    "question": question,
                    "overall": mean(others) if others else None,
                    "self": mean(own) if own else None,
                }
            )
        comments = sorted(
            (
                RELATIONSHIPS.index(placed[subject, row["rater_id"]][0]),
                row["question"],
                row["comment"],
            )
            for row in answers
            if row["comment"] is not None and placed[subject, row["rater_id"]][1]
        )
        withheld = sum(
            1
            for rater in score_of
            if relationship_of[rater] != SELF and not placed[subject, rater][1]
        )
        found.append(
            {
                "subject_id": subject,
                "overall": overall,
                "self": self_score,
                "gap": None if overall is None or self_score is None else self_score - overall,
                "groups": [
                    {"relationship": g, "raters": len(groups[g]), "mean": mean(groups[g])}
                    for g in RELATIONSHIPS
                    if g in groups
                ],
                "withheld_raters": withheld,
                "questions": questions,
                "comments": [
                    {"relationship": RELATIONSHIPS[order], "question": question, "text": text}
                    for order, question, text in comments
                ],
            }
        )
    return found


def close(found: Any, expected: Any) -> bool:
    """Equal, floats within 1e-9 (the engine and `statistics.mean` round differently)."""
    if isinstance(expected, float | int) and isinstance(found, float | int):
        return found == pytest.approx(expected, abs=1e-9)
    if isinstance(expected, dict):
        return (
            isinstance(found, dict)
            and list(found) == list(expected)
            and all(close(found[key], expected[key]) for key in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(found, list)
            and len(found) == len(expected)
            and all(close(f, e) for f, e in zip(found, expected, strict=True))
        )
    return bool(found == expected)


def everything_a_reader_sees(rows: list[Row], min_group: int) -> list[Any]:
    """Every figure and text any reader could be shown, whatever their permissions."""
    return [
        [s.as_dict() for s in summarize(rows, min_group=min_group)],
        [s.as_dict() for s in summarize(rows, min_group=min_group, split_comments=True, seed=5)],
        [
            (r.rater_id, r.subjects, r.answers, r.mean, r.campaign_mean, r.label)
            for r in rater_severity(rows, min_group=min_group, min_subjects=1)
        ],
        [(c.subject_id, c.raw, c.corrected) for c in corrected_overall(rows, min_group=min_group)],
        [
            (g.subject_id, g.competency, g.self, g.others, g.label)
            for g in self_other_gaps(rows, min_group=min_group)
        ],
        [(d.subject_id, d.competency, d.counts) for d in score_distribution(rows, min_group=min_group)],
    ]


def changed(rows: list[Row], which: Callable[[Row], bool], shift: int) -> list[Row]:
    """The rows, with the chosen ones' scores moved (rated stays rated) and comments changed."""
    return [
        {
            **row,
            "score": None if row["score"] is None else (row["score"] - 1 + shift) % 5 + 1,
            "comment": "a changed comment" if row["comment"] is None else None,
        }
        if which(row)
        else row
        for row in rows
    ]


MIN_GROUPS = st.integers(1, 4)


@settings(max_examples=80)
@given(rows=campaigns(), min_group=MIN_GROUPS)
def test_the_summary_is_section_11_read_literally(rows: list[Row], min_group: int) -> None:
    found = [s.as_dict() for s in summarize(rows, min_group=min_group)]
    assert close(found, reference(rows, min_group)), (found, reference(rows, min_group))


@settings(max_examples=60)
@given(rows=campaigns(), min_group=MIN_GROUPS)
def test_overall_is_the_rater_weighted_mean_of_the_shown_groups(
    rows: list[Row], min_group: int
) -> None:
    for summary in summarize(rows, min_group=min_group):
        raters = sum(group.raters for group in summary.groups)
        if not raters:
            assert summary.overall is None
            continue
        weighted = sum(group.raters * group.mean for group in summary.groups) / raters
        assert summary.overall == pytest.approx(weighted)
        assert all(
            group.relationship == MANAGER or group.raters >= min_group for group in summary.groups
        )


@settings(max_examples=60)
@given(rows=campaigns(), min_group=MIN_GROUPS, shift=st.integers(1, 4))
def test_no_figure_depends_on_a_withheld_rater(rows: list[Row], min_group: int, shift: int) -> None:
    # given the raters withheld for each subject
    placed = placement(rows, min_group)

    def withheld(row: Row) -> bool:
        return not placed[row["subject_id"], row["rater_id"]][1]

    # when all their scores and comments are changed
    altered = changed(rows, withheld, shift)
    # then everything any reader can see is the same
    assert everything_a_reader_sees(altered, min_group) == everything_a_reader_sees(rows, min_group)


@settings(max_examples=40)
@given(rows=campaigns(), min_group=MIN_GROUPS, shift=st.integers(1, 4))
def test_self_moves_only_self_gap_and_questions_self(
    rows: list[Row], min_group: int, shift: int
) -> None:
    altered = changed(rows, lambda row: row["relationship"] == SELF, shift)
    for before, after in zip(
        summarize(rows, min_group=min_group), summarize(altered, min_group=min_group), strict=True
    ):
        assert (after.overall, after.groups, after.withheld_raters) == (
            before.overall, before.groups, before.withheld_raters,
        )  # fmt: skip
        assert [q.overall for q in after.questions] == [q.overall for q in before.questions]


@settings(max_examples=40)
@given(rows=campaigns(), min_group=MIN_GROUPS)
def test_no_rater_id_appears_in_the_output(rows: list[Row], min_group: int) -> None:
    assert "rater-" not in to_json(summarize(rows, min_group=min_group))
    assert "rater-" not in to_json(summarize(rows, min_group=min_group, split_comments=True))


@settings(max_examples=40)
@given(rows=campaigns(), min_group=MIN_GROUPS)
def test_the_distribution_counts_the_shown_non_self_answers(rows: list[Row], min_group: int) -> None:
    placed = placement(rows, min_group)
    expected: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        shown = placed[row["subject_id"], row["rater_id"]][1]
        if shown and row["relationship"] != SELF and row["score"] is not None:
            key = (row["subject_id"], row.get("competency") or row["question"])
            expected.setdefault(key, [0] * 5)[int(row["score"]) - 1] += 1
    found = {(d.subject_id, d.competency): list(d.counts) for d in score_distribution(rows, min_group=min_group)}
    assert found == expected
