"""`kpilib ahp`: criterion weights by AHP from a JSON file of pairwise judgements (§6).

Thin over `kpilib.engine.ahp`: read the file, let the engine validate and compute, print
JSON or a table. The engine (NumPy) and rich are imported inside the command so that the
`kpilib` console command starts without them.
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from kpilib.engine.ahp import AhpReport

BAD_INPUT = 2
# JSON is UTF-8 by standard, but files saved by Chinese Windows editors may be GB18030.
ENCODINGS = ("utf-8-sig", "gb18030")


class MethodChoice(StrEnum):
    EIGENVECTOR = "eigenvector"
    GEOMETRIC = "geometric"


class FormatChoice(StrEnum):
    TABLE = "table"
    JSON = "json"


def ahp(
    input_file: Annotated[
        Path,
        typer.Option(
            "--input",
            help='JSON: {"criteria", "matrix"} or {"criteria", "judgements"} or'
            ' {"criteria", "judges", "aggregation"}.',
        ),
    ],
    method: Annotated[
        MethodChoice, typer.Option(help="How weights are read from the matrix.")
    ] = MethodChoice.EIGENVECTOR,
    output_format: Annotated[
        FormatChoice, typer.Option("--format", help="table for people, json for scripts.")
    ] = FormatChoice.TABLE,
) -> None:
    """Weights, λmax, CI and CR (层次分析法) from pairwise judgements, with revision hints."""
    from kpilib.engine.ahp import (
        AhpInputError,
        PriorityMethod,
        ahp_report,
        ahp_request_from_document,
        report_document,
    )

    document = _read_document(input_file)
    try:
        report = ahp_report(ahp_request_from_document(document), PriorityMethod(method.value))
    except AhpInputError as error:
        _fail([f"{input_file}: {problem}" for problem in error.problems])
    if output_format is FormatChoice.JSON:
        typer.echo(json.dumps(report_document(report), ensure_ascii=False, indent=2))
    else:
        _print_tables(report)


def _read_document(input_file: Path) -> object:
    try:
        raw = input_file.read_bytes()
    except OSError as error:
        _fail([f"{input_file}: cannot read: {error.strerror or error}"])
    text = _decode(raw)
    if text is None:
        _fail([f"{input_file}: not UTF-8 or GB18030 text"])
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        _fail(
            [f"{input_file}: line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}"]
        )


def _decode(raw: bytes) -> str | None:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(BAD_INPUT)


def _print_tables(report: "AhpReport") -> None:
    from rich.console import Console

    console = Console()
    _print_weights(console, report)
    result = report.result
    verdict = "yes" if result.consistent else "no (CR > 0.10: revise the judgements below)"
    console.print(
        f"λmax {result.lambda_max:.3f}   CI {result.ci:.3f}   CR {result.cr:.3f}"
        f"   consistent: {verdict}"
    )
    _print_suggestions(console, report)


def _print_weights(console: "Console", report: "AhpReport") -> None:
    from rich.table import Table

    title = "Group weights" if report.judges else "Weights"
    table = Table(title=f"{title} ({report.result.method.value})")
    table.add_column("Criterion")
    table.add_column("Weight" if not report.judges else "Group", justify="right")
    for judge in report.judges:
        table.add_column(judge, justify="right")
    judge_weights = [result.weights for result in report.judges.values()]
    for index, criterion in enumerate(report.result.criteria):
        shares = [report.result.weights[index], *(weights[index] for weights in judge_weights)]
        table.add_row(criterion, *(f"{share:.1%}" for share in shares))
    if report.judges:
        table.add_section()
        crs = [report.result.cr, *(result.cr for result in report.judges.values())]
        table.add_row("CR", *(f"{cr:.3f}" for cr in crs))
    console.print(table)


def _print_suggestions(console: "Console", report: "AhpReport") -> None:
    from rich.table import Table

    from kpilib.engine.ahp import format_judgement

    revisions = [("", revision) for revision in report.revisions] + [
        (judge, revision)
        for judge, judge_revisions in report.judge_revisions.items()
        for revision in judge_revisions
    ]
    if not revisions:
        return
    table = Table(title="Suggested revisions, one at a time (largest inconsistency first)")
    if report.judges:
        table.add_column("Judge")
    for heading in ("Pair", "Judged", "Weights imply", "Suggested", "CR after"):
        table.add_column(heading, justify="left" if heading == "Pair" else "right")
    for judge, revision in revisions:
        judge_cell = [judge] if report.judges else []
        table.add_row(
            *judge_cell,
            f"{revision.row} over {revision.column}",
            format_judgement(revision.current),
            f"{revision.consistent_value:.2f}",
            format_judgement(revision.suggested),
            f"{revision.cr_after:.3f}",
        )
    console.print(table)
