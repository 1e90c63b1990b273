"""`kpilib export facts|scorecards`: the BI views' rows as Parquet or CSV files, for
Metabase, Superset or Excel users (issue 15, item 6)."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kpilib.cli.imports import fail
from kpilib.cli.manage import django_setup

export_app = typer.Typer(
    help="Export facts or scorecard lines (the kpilib_bi_* views) as Parquet or CSV.",
    no_args_is_help=True,
)


class Format(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"


FormatOption = Annotated[Format, typer.Option("--format", help="parquet or csv.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", help="The file to write; CSV goes to stdout when omitted."),
]
PeriodOption = Annotated[
    str | None,
    typer.Option("--period", help="2026-09, 2026-Q3, 2026 or 2026-07-01..2026-09-30."),
]
CycleOption = Annotated[int | None, typer.Option("--cycle", help="An appraisal cycle's id.")]
BomOption = Annotated[
    bool, typer.Option("--bom", help="CSV in UTF-8 with a byte-order mark, for Excel.")
]


def _write(frame: object, format: Format, output: Path | None, bom: bool) -> None:
    import polars as pl

    assert isinstance(frame, pl.DataFrame)
    if format is Format.PARQUET:
        if output is None:
            fail(["parquet needs --output FILE"])
        frame.write_parquet(output)
    elif output is None:
        text = frame.write_csv()
        sys.stdout.buffer.write(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        frame.write_csv(output, include_bom=bom)
    if output is not None:
        typer.echo(f"exported {frame.height} rows to {output}", err=True)


@export_app.command("facts")
def export_facts(
    format: FormatOption = Format.CSV,
    output: OutputOption = None,
    period: PeriodOption = None,
    cycle: CycleOption = None,
    bom: BomOption = False,
) -> None:
    """Facts (kpilib_bi_facts), of a period or of a cycle's dates when given."""
    django_setup()
    from kpilib.appraisal.models import Cycle
    from kpilib.bi.exports import facts_frame
    from kpilib.engine.periods import parse_period

    start = end = None
    if period is not None:
        parsed = parse_period(period)
        start, end = parsed.start, parsed.end
    if cycle is not None:
        found = Cycle.objects.filter(pk=cycle).values_list("start", "end").first()
        if found is None:
            fail([f"--cycle {cycle}: no such cycle"])
        start = max(start, found[0]) if start else found[0]
        end = min(end, found[1]) if end else found[1]
    _write(facts_frame(start=start, end=end), format, output, bom)


@export_app.command("scorecards")
def export_scorecards(
    format: FormatOption = Format.CSV,
    output: OutputOption = None,
    period: PeriodOption = None,
    cycle: CycleOption = None,
    bom: BomOption = False,
) -> None:
    """The latest scorecards' lines, one row per person × indicator (kpilib_bi_scorecard_lines)."""
    django_setup()
    from kpilib.appraisal.models import Cycle
    from kpilib.bi.exports import scorecards_frame

    if cycle is not None and not Cycle.objects.filter(pk=cycle).exists():
        fail([f"--cycle {cycle}: no such cycle"])
    _write(scorecards_frame(period=period, cycle_id=cycle), format, output, bom)
