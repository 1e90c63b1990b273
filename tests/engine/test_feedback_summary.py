"""Golden cases of the 360 feedback summary (product.md §11, `kpilib.engine.feedback`)."""

import json
from pathlib import Path

import polars as pl
import pytest

from kpilib.engine.errors import EngineError, InputError
from kpilib.engine.feedback import (
    SubjectSummary,
    corrected_overall,
    rater_severity,
    self_other_gaps,
    summarize,
    summarize_frame,
    to_json,
)
from kpilib.tabular import read_table

GOLDEN = Path(__file__).parents[1] / "fixtures" / "feedback" / "responses.csv"

#: The §11 JSON of the golden file at --min-group 3 (checked by hand in the comments).
EXPECTED = [
    {
        # peers P1..P3 are shown (3 raters: 4, 3 (q2 not rated), 5); sales (2) and delivery (1)
        # are pooled as other (2, 3, 4); overall = (3.5 + 4 + 3 + 5 + 2 + 3 + 4) / 7
        "subject_id": "E01",
        "overall": 3.5,
        "self": 4.5,
        "gap": 1.0,
        "groups": [
            {"relationship": "manager", "raters": 1, "mean": 3.5},
            {"relationship": "peer", "raters": 3, "mean": 4.0},
            {"relationship": "other", "raters": 3, "mean": 3.0},
        ],
        "withheld_raters": 0,
        "questions": [
            {"question": "q1", "overall": 24 / 7, "self": 4.0},
            {"question": "q2", "overall": 22 / 6, "self": 5.0},
        ],
        "comments": [
            {"relationship": "self", "question": "q1", "text": "我做得不错"},
            {"relationship": "manager", "question": "q1", "text": "Solid delivery."},
            {"relationship": "peer", "question": "q1", "text": "Always helps."},
            {"relationship": "peer", "question": "q1", "text": "乐于分享"},
            {"relationship": "other", "question": "q1", "text": "响应慢"},
            {"relationship": "other", "question": "q2", "text": "方案落地好"},
        ],
    },
    {
        # two peers: pooled, and the pool of two is withheld; only the manager counts
        "subject_id": "E02",
        "overall": 4.0,
        "self": 3.0,
        "gap": -1.0,
        "groups": [{"relationship": "manager", "raters": 1, "mean": 4.0}],
        "withheld_raters": 2,
        "questions": [{"question": "q1", "overall": 4.0, "self": 3.0}],
        "comments": [],
    },
    {
        # nothing shown: overall, self and gap are null, never a withheld figure
        "subject_id": "E03",
        "overall": None,
        "self": None,
        "gap": None,
        "groups": [],
        "withheld_raters": 2,
        "questions": [{"question": "q1", "overall": None, "self": None}],
        "comments": [],
    },
]


def rows(*answers: tuple[str, str, str, str, float | None, str | None]) -> list[dict[str, object]]:
    keys = ("subject_id", "rater_id", "relationship", "question", "score", "comment")
    return [dict(zip(keys, answer, strict=True)) for answer in answers]


def one(responses: list[dict[str, object]], **options: object) -> SubjectSummary:
    (summary,) = summarize(responses, **options)  # type: ignore[arg-type]
    return summary


def test_the_golden_file_gives_the_section_11_objects() -> None:
    # given the golden responses as the tabular reader gives them (all text)
    table = read_table(GOLDEN)
    # when they are summarised at the default minimum group of 3
    found = json.loads(to_json(summarize(table)))
    # then every object is §11's, keys in order, figures as worked out by hand
    assert [list(subject) for subject in found] == [list(EXPECTED[0])] * 3
    assert _approx_equal(found, EXPECTED)


def _approx_equal(found: object, expected: object) -> bool:
    if isinstance(expected, float) and isinstance(found, float):
        return found == pytest.approx(expected)
    if isinstance(expected, dict) and isinstance(found, dict):
        assert list(found) == list(expected)
        return all(_approx_equal(found[key], expected[key]) for key in expected)
    if isinstance(expected, list) and isinstance(found, list):
        assert len(found) == len(expected), (found, expected)
        return all(_approx_equal(f, e) for f, e in zip(found, expected, strict=True))
    assert found == expected
    return True


def test_small_groups_are_pooled_as_other_with_the_real_other_raters() -> None:
    # given two product raters, one customer rater and one rater who is `other` already
    summary = one(
        rows(
            ("E1", "R1", "product", "q", 2, None),
            ("E1", "R2", "product", "q", 4, None),
            ("E1", "R3", "customer", "q", 5, None),
            ("E1", "R4", "other", "q", 1, None),
        )
    )
    # then they are one shown group of four
    assert [(g.relationship, g.raters, g.mean) for g in summary.groups] == [("other", 4, 3.0)]
    assert (summary.overall, summary.withheld_raters) == (3.0, 0)


def test_a_pool_below_the_minimum_is_withheld_and_counted() -> None:
    # given three peers (shown) and one sales and one delivery rater (a pool of two)
    summary = one(
        rows(
            *[("E1", f"P{n}", "peer", "q", 4, None) for n in range(3)],
            ("E1", "S1", "sales", "q", 1, "sales says"),
            ("E1", "D1", "delivery", "q", 1, "delivery says"),
        )
    )
    # then only the peers count; the two are withheld, their comments too
    assert [g.relationship for g in summary.groups] == ["peer"]
    assert (summary.overall, summary.withheld_raters, summary.comments) == (4.0, 2, ())


def test_a_group_of_exactly_the_minimum_is_shown_on_its_own() -> None:
    summary = one(rows(*[("E1", f"C{n}", "customer", "q", n + 2, None) for n in range(3)]))
    assert [(g.relationship, g.raters, g.mean) for g in summary.groups] == [("customer", 3, 3.0)]


def test_the_manager_is_shown_with_one_rater() -> None:
    summary = one(rows(("E1", "M1", "manager", "q", 2, "named, not anonymous")))
    assert [(g.relationship, g.raters, g.mean) for g in summary.groups] == [("manager", 1, 2.0)]
    assert summary.overall == 2.0
    assert [c.text for c in summary.comments] == ["named, not anonymous"]


def test_self_is_shown_apart_and_never_counts_in_overall() -> None:
    # given a self rating of 5 and a manager rating of 2
    summary = one(
        rows(
            ("E1", "E1", "self", "q1", 5, None),
            ("E1", "E1", "self", "q2", 4, None),
            ("E1", "M1", "manager", "q1", 2, None),
        )
    )
    # then overall is the manager's alone, self is 4.5 beside it, and gap = self − overall
    assert (summary.overall, summary.self, summary.gap) == (2.0, 4.5, 2.5)
    assert [g.relationship for g in summary.groups] == ["manager"]
    assert [(q.question, q.overall, q.self) for q in summary.questions] == [
        ("q1", 2.0, 5.0),
        ("q2", None, 4.0),
    ]


def test_self_alone_gives_no_overall_and_no_gap() -> None:
    summary = one(rows(("E1", "E1", "self", "q", 3, None)))
    assert (summary.overall, summary.self, summary.gap, summary.groups) == (None, 3.0, None, ())


def test_a_rater_scores_the_mean_of_their_rated_questions_and_overall_weighs_raters() -> None:
    # given a manager rating 1 and 5 (mean 3, one rater) and three peers all 5 on one question
    # and not able to rate the other
    summary = one(
        rows(
            ("E1", "M1", "manager", "q1", 1, None),
            ("E1", "M1", "manager", "q2", 5, None),
            *[("E1", f"P{n}", "peer", "q1", 5, None) for n in range(3)],
            *[("E1", f"P{n}", "peer", "q2", None, None) for n in range(3)],
        )
    )
    # then overall = (3 + 5 + 5 + 5) / 4 raters, not the mean of the two group means
    assert summary.overall == 4.5
    assert [(q.question, q.overall) for q in summary.questions] == [("q1", 4.0), ("q2", 5.0)]


def test_a_rater_who_rated_nothing_does_not_make_a_group_big_enough() -> None:
    # given three peers of whom one was not able to rate anything
    summary = one(
        rows(
            ("E1", "P1", "peer", "q", 2, None),
            ("E1", "P2", "peer", "q", 4, None),
            ("E1", "P3", "peer", "q", None, "no idea"),
        )
    )
    # then the two scores are not shown as a group of three (their mean would be theirs alone)
    assert (summary.groups, summary.overall, summary.withheld_raters) == ((), None, 2)
    assert summary.comments == ()


def test_comments_come_from_shown_groups_sorted_by_text_without_rater_ids() -> None:
    # given three peers whose comments sort differently from their ids
    summary = one(
        rows(
            ("E1", "P-zed", "peer", "q", 3, "alpha"),
            ("E1", "P-amy", "peer", "q", 3, "charlie"),
            ("E1", "P-bob", "peer", "q", 3, "bravo"),
            ("E1", "S-sam", "sales", "q", 3, "withheld words"),
        )
    )
    # then they come in text order, and no rater id appears anywhere in the output
    assert [c.text for c in summary.comments] == ["alpha", "bravo", "charlie"]
    text = to_json([summary])
    assert "P-" not in text
    assert "S-sam" not in text
    assert "withheld words" not in text


def test_split_comments_are_sentences_in_a_seeded_order() -> None:
    # given a pooled group's three comments of two sentences each
    responses = rows(
        ("E1", "A", "sales", "q", 3, "第一句。第二句！"),
        ("E1", "B", "delivery", "q", 3, "One sentence. Another one?"),
        ("E1", "C", "product", "q", 3, "Short; and more."),
    )
    # when they are split and shuffled
    first = one(responses, split_comments=True, seed=7)
    again = one(responses, split_comments=True, seed=7)
    # then each sentence is a comment of the pooled group, the same order for the same seed
    assert sorted(c.text for c in first.comments) == sorted(
        ["第一句。", "第二句！", "One sentence.", "Another one?", "Short;", "and more."]
    )
    assert {c.relationship for c in first.comments} == {"other"}
    assert first.comments == again.comments
    orders = {
        tuple(c.text for c in one(responses, split_comments=True, seed=seed).comments)
        for seed in range(8)
    }
    assert len(orders) > 1


def test_subjects_come_sorted_and_the_frame_is_there_for_selectors() -> None:
    responses = rows(("E2", "M", "manager", "q", 3, None), ("E1", "M", "manager", "q", 4, None))
    assert [s.subject_id for s in summarize(responses)] == ["E1", "E2"]
    frame = summarize_frame(pl.DataFrame(responses))
    assert frame.columns == [
        "subject_id", "overall", "self", "gap", "groups", "withheld_raters", "questions", "comments",
    ]  # fmt: skip
    assert frame["overall"].to_list() == [4.0, 3.0]


def test_min_group_one_shows_every_group() -> None:
    summary = one(rows(("E1", "S", "sales", "q", 2, None)), min_group=1)
    assert [(g.relationship, g.raters) for g in summary.groups] == [("sales", 1)]


def test_min_group_below_one_is_refused() -> None:
    with pytest.raises(EngineError, match="at least 1"):
        summarize(rows(("E1", "S", "sales", "q", 2, None)), min_group=0)


def test_bad_rows_are_all_reported_with_their_lines() -> None:
    # given a frame with an unknown relationship, a score of 7, a word for a score,
    # an empty rater, a second answer and a rater in two relationships
    frame = pl.DataFrame(
        {
            "subject_id": ["E1", "E1", "E1", "E1", "E1", "E1"],
            "rater_id": ["R1", "R2", "R3", "", "R5", "R5"],
            "relationship": ["boss", "peer", "peer", "peer", "peer", "sales"],
            "question": ["q", "q", "q", "q", "q", "q"],
            "score": ["3", "7", "good", "2", "3", "4"],
            "__line__": [2, 3, 4, 5, 6, 7],
        }
    )
    # when it is summarised
    with pytest.raises(InputError) as raised:
        summarize(frame, name="r.csv")
    # then every problem is reported, in line order, each with its column
    assert raised.value.lines() == [
        "r.csv:2: relationship: unknown relationship 'boss' (one of self, manager, peer, "
        "direct_report, sales, delivery, product, customer_success, customer, other)",
        "r.csv:3: score: 7 is outside 1–5 (empty = not able to rate)",
        "r.csv:4: score: not a number: 'good'",
        "r.csv:5: rater_id: required",
        "r.csv:6: relationship: rater R5 has more than one relationship to subject E1",
        "r.csv:7: question: a second answer of rater R5 to this question",
        "r.csv:7: relationship: rater R5 has more than one relationship to subject E1",
    ]


def test_a_missing_column_is_reported_on_line_one() -> None:
    with pytest.raises(InputError) as raised:
        summarize([{"subject_id": "E1", "rater_id": "R", "question": "q"}], name="r.csv")
    assert raised.value.lines() == [
        "r.csv:1: relationship: required column is missing",
        "r.csv:1: score: required column is missing",
    ]


# --- fairness aids ------------------------------------------------------------------------


def campaign() -> list[dict[str, object]]:
    """Three subjects, each rated by the same three peers: L is lenient, H is harsh."""
    scores = {"L": (5, 5, 5), "T": (3, 4, 3), "H": (1, 2, 2)}
    answers = []
    for index, subject in enumerate(("E1", "E2", "E3")):
        answers.append((subject, subject, "self", "q", 4.0 if subject == "E1" else 2.0, None))
        for rater, given in scores.items():
            answers.append((subject, rater, "peer", "q", float(given[index]), None))
    return rows(*answers)


def test_rater_severity_compares_each_rater_with_the_campaign_mean() -> None:
    severity = {s.rater_id: s for s in rater_severity(campaign())}
    # then the campaign mean is over the peers' nine answers (self excluded)
    assert severity["L"].campaign_mean == pytest.approx(30 / 9)
    assert [severity[r].label for r in ("H", "L", "T")] == ["severe", "lenient", "typical"]
    assert severity["L"].difference == pytest.approx(5 - 30 / 9)
    assert severity["L"].explanation("en").startswith("lenient: rates +1.67 above")
    assert severity["H"].explanation("zh-Hans").startswith("偏严格")


def test_rater_severity_hides_the_mean_of_a_rater_of_too_few_subjects() -> None:
    severity = rater_severity(campaign(), min_subjects=4)
    assert {s.mean for s in severity} == {None}
    assert "at least 4" in severity[0].explanation()


def test_the_corrected_overall_removes_leniency_beside_the_raw_one() -> None:
    corrected = {c.subject_id: c for c in corrected_overall(campaign())}
    # given raters whose spread differs, each answer is put back on the campaign's scale
    assert corrected["E1"].raw == pytest.approx(3.0)
    assert corrected["E1"].corrected != pytest.approx(corrected["E1"].raw)
    mean = sum(c.corrected for c in corrected.values()) / 3
    assert mean == pytest.approx(30 / 9)  # standardising keeps the campaign's mean
    assert "standardised" in corrected["E1"].explanation()
    assert "标准化" in corrected["E1"].explanation("zh-Hans")


def test_self_other_gaps_classify_at_the_threshold() -> None:
    gaps = {g.subject_id: g for g in self_other_gaps(campaign())}
    # E1: self 4 against (5 + 3 + 1) / 3 = 3 → over; E2: 2 against 11/3 → under;
    # E3: 2 against 3 → under at 0.5, in agreement at a threshold of 1.5
    assert [gaps[s].label for s in ("E1", "E2", "E3")] == [
        "over-estimator", "under-estimator", "under-estimator",
    ]  # fmt: skip
    assert gaps["E1"].explanation() == (
        "over-estimator: self 4.00 is 1.00 above others' 3.00 (threshold 0.50)"
    )
    wide = {g.subject_id: g.label for g in self_other_gaps(campaign(), threshold=1.5)}
    assert wide["E3"] == "in agreement"


def test_self_other_gaps_are_per_competency_when_questions_name_one() -> None:
    answers = [
        {**row, "competency": "协作", "question": question}
        for row in rows(("E1", "E1", "self", "", 5, None), ("E1", "M", "manager", "", 3, None))
        for question in ("q1", "q2")
    ]
    (gap,) = self_other_gaps(answers)
    assert (gap.competency, gap.self, gap.others, gap.label) == ("协作", 5.0, 3.0, "over-estimator")
    assert gap.explanation("zh-Hans") == "高估：自评 5.00 比他评 3.00 高 2.00（阈值 0.50）"
