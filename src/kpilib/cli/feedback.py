"""`kpilib feedback summarize`: the 360 feedback summary of a responses file, offline (product.md §11).

Thin over the engine (`kpilib.engine.feedback`): read the file through `kpilib.tabular`
(CSV in UTF-8, UTF-8 with BOM or GBK/GB18030, XLSX or JSON; columns `subject_id`,
`rater_id`, `relationship`, `question`, `score`, optional `comment`), summarise it with
`--min-group`, write JSON (the §11 list) or a table. Bad input exits 2 with one
`file:line: column: reason` line per problem on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kpilib.engine.errors import Problem
    from kpilib.engine.feedback import SubjectSummary

FORMATS = ("table", "json")

feedback_app = typer.Typer(
    help="360 feedback (360度反馈): anonymous summaries.", no_args_is_help=True
)


@feedback_app.command("summarize")
def summarize(
    responses: Annotated[
        str | None,
        typer.Option(
            "--responses",
            help="Responses file: CSV, XLSX or JSON (subject_id, rater_id, relationship, "
            "question, score, comment).",
        ),
    ] = None,
    min_group: Annotated[
        int,
        typer.Option(
            "--min-group", help="Fewest raters a group (other than manager) needs to be shown."
        ),
    ] = 3,
    output_format: Annotated[
        str, typer.Option("--format", help="json: the §11 list; table: the same for people.")
    ] = "table",
    split_comments: Annotated[
        bool,
        typer.Option(
            "--split-comments",
            help="Cut comments into sentences, shuffled by --seed, so style gives nobody away.",
        ),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of --split-comments' order.")] = 0,
    output: Annotated[
        str | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Summarise 360 feedback per subject: shown groups, pooled or withheld ones, gap (§11)."""
    from kpilib.cli.score import fail, write_output
    from kpilib.engine import feedback
    from kpilib.engine.errors import InputError, Problem
    from kpilib.tabular import read_table

    problems: list[Problem] = []
    if responses is None:
        problems.append(Problem("--responses", None, None, "required: the responses file"))
    elif not Path(responses).is_file():
        problems.append(Problem(responses, None, None, "cannot read file: no such file"))
    if min_group < 1:
        problems.append(Problem("--min-group", None, None, f"must be at least 1, not {min_group}"))
    if output_format not in FORMATS:
        reason = f"{output_format!r} is not one of {', '.join(FORMATS)}"
        problems.append(Problem("--format", None, None, reason))
    if problems or responses is None:
        fail(problems)
    try:
        table = read_table(Path(responses))
        summaries = feedback.summarize(
            table, min_group=min_group, split_comments=split_comments, seed=seed, name=responses
        )
    except InputError as error:
        fail(error.problems)
    if output_format == "json":
        write_output(feedback.to_json(summaries) + "\n", output)
    else:
        write_output(_table(summaries), output)


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _table(summaries: list[SubjectSummary]) -> str:
    lines = [f"{'subject_id':<12}  {'overall':>7}  {'self':>5}  {'gap':>6}  groups"]
    for summary in summaries:
        groups = ", ".join(
            f"{group.relationship} {group.mean:.2f} ({group.raters})" for group in summary.groups
        )
        if summary.withheld_raters:
            groups += f"{'; ' if groups else ''}withheld: {summary.withheld_raters} rater(s)"
        lines.append(
            f"{summary.subject_id:<12}  {_figure(summary.overall):>7}  "
            f"{_figure(summary.self):>5}  {_figure(summary.gap):>6}  {groups}"
        )
        for comment in summary.comments:
            lines.append(f"{'':<12}  [{comment.relationship}] {comment.question}: {comment.text}")
    return "\n".join(lines) + "\n"
