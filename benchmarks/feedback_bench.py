"""360 feedback benchmark (issue 14): the §11 summary of a whole campaign.

5,000 subjects × 12 raters (1 self, 1 manager, peers, sales, delivery, product, customer
success and customer in random numbers, so some groups are shown, some pooled, some
withheld) × 10 questions, about 1 in 10 answers "not able to rate" and 1 in 5 with a
comment, generated with a seeded RNG into a Polars frame of text columns (as
`kpilib.tabular.read_table` gives a file). Measured: `engine.feedback.summarize` (checks,
summary, conversion to dataclasses) and `to_json`, whole call, median of `--repeats`;
also the fairness aids once each. Target: under 5 s for the summary.

    .venv/bin/python benchmarks/feedback_bench.py
"""

import argparse
import time

import numpy as np
import polars as pl
from timing import median_seconds

from kpilib.engine import feedback

OTHERS = ("peer", "sales", "delivery", "product", "customer_success", "customer", "other")
COMMENTS = (
    "方案讲解清楚。响应及时！",
    "Keeps the sales team informed. Could document POCs better.",
    "技术功底扎实，但与交付沟通不足；建议提前对齐需求。",
    "Great demo at the customer. Needs to follow up faster.",
)


def responses(subjects: int, raters: int, questions: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    per_subject = raters * questions
    subject = np.repeat(np.arange(subjects), per_subject)
    rater = np.tile(np.repeat(np.arange(raters), questions), subjects)
    question = np.tile(np.arange(questions), subjects * raters)
    # rater 0 is self, rater 1 the manager, the others drawn from the other groups
    drawn = rng.integers(0, len(OTHERS), size=(subjects, raters))
    names = np.array(("self", "manager", *OTHERS))
    kind = np.where(rater == 0, 0, np.where(rater == 1, 1, drawn[subject, rater] + 2))
    score = rng.integers(1, 6, size=subject.size).astype(str).astype(object)
    score[rng.random(subject.size) < 0.1] = None
    comment = np.array(COMMENTS, dtype=object)[rng.integers(0, len(COMMENTS), size=subject.size)]
    comment[rng.random(subject.size) >= 0.2] = None
    subject_ids = np.char.add("E", np.char.zfill(subject.astype(str), 5))
    rater_ids = np.where(
        rater == 0,
        subject_ids,
        np.char.add(np.char.add(subject_ids, "-R"), rater.astype(str)),
    )
    return pl.DataFrame(
        {
            "subject_id": subject_ids,
            "rater_id": rater_ids,
            "relationship": names[kind],
            "question": np.char.add("q", question.astype(str)),
            "score": pl.Series(score.tolist(), dtype=pl.String),
            "comment": pl.Series(comment.tolist(), dtype=pl.String),
        }
    ).with_row_index("__line__", offset=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=5_000)
    parser.add_argument("--raters", type=int, default=12)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    frame = responses(options.subjects, options.raters, options.questions, options.seed)
    print(f"{frame.height:,} answers: {options.subjects:,} subjects × {options.raters} raters × "
          f"{options.questions} questions")  # fmt: skip
    found: list[feedback.SubjectSummary] = []

    def summary() -> None:
        found[:] = feedback.summarize(frame)

    seconds = median_seconds(summary, options.repeats)
    shown = sum(len(s.groups) for s in found)
    withheld = sum(s.withheld_raters for s in found)
    print(f"summary: {seconds:.2f} s (median of {options.repeats}); {len(found):,} subjects, "
          f"{shown:,} groups shown, {withheld:,} raters withheld")  # fmt: skip
    split = median_seconds(lambda: feedback.summarize(frame, split_comments=True), options.repeats)
    print(f"summary with comments split and shuffled: {split:.2f} s (median of {options.repeats})")
    started = time.perf_counter()
    feedback.to_json(found)
    print(f"to_json: {time.perf_counter() - started:.2f} s")
    for aid in (feedback.rater_severity, feedback.corrected_overall, feedback.self_other_gaps):
        started = time.perf_counter()
        aid(frame)
        print(f"{aid.__name__}: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
