"""`kpilib library …`: offline work on library packs (product.md §6, §7); `lint` is the SMART check.

Thin over `kpilib.engine.packs` (loading, with path-named problems) and
`kpilib.engine.smart` (the check). The engine, Polars and rich are imported inside the
command so that the `kpilib` console command starts without them.
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from kpilib.engine.definitions import Pack
    from kpilib.engine.smart import SmartMessage, SmartReport

BAD_INPUT = 2
SOME_INDICATOR_FAILS = 1
MARKS = {"pass": ("✓", "green"), "fail": ("✗", "red"), "unknown": ("?", "yellow")}

library_app = typer.Typer(help="Library packs (YAML): check them.", no_args_is_help=True)


class FormatChoice(StrEnum):
    TABLE = "table"
    JSON = "json"


class LanguageChoice(StrEnum):
    EN = "en"
    ZH_HANS = "zh-Hans"


LINT_HELP = "\n\n".join(
    (
        "SMART check of every indicator: Specific, Measurable, Achievable, Relevant, Time-bound.",
        "Each check is pass, fail or unknown (not enough information, e.g. Achievable without"
        " at least 5 past values).",
        'JSON output is a list, one object per indicator in the pack\'s order: {"code",'
        ' "checks": {"specific", "measurable", "achievable", "relevant", "time_bound"},'
        ' "messages": [{"check", "severity", "message"}]}; severity is "error" (why a check'
        ' failed and how to fix it) or "info" (why it could not decide).',
        "Exit status 0 when no indicator fails, 1 when any fails, 2 when the pack or the"
        " history file cannot be read or is invalid (one line per problem on stderr).",
    )
)


@library_app.command("lint", help=LINT_HELP)
def lint(
    file: Annotated[
        Path | None, typer.Argument(help="Library pack YAML to check (or use --pack).")
    ] = None,
    pack_name: Annotated[
        str | None, typer.Option("--pack", help="Check a built-in pack instead (presales).")
    ] = None,
    output_format: Annotated[
        FormatChoice, typer.Option("--format", help="table for people, json for scripts.")
    ] = FormatChoice.TABLE,
    language: Annotated[
        LanguageChoice, typer.Option(help="Language of the messages.")
    ] = LanguageChoice.EN,
    history: Annotated[
        Path | None,
        typer.Option(
            help="CSV (or XLSX/JSON) of past measured values, columns indicator, value: one"
            " row per past value (e.g. per employee and period); enables the Achievable check."
        ),
    ] = None,
) -> None:
    from kpilib.engine.errors import InputError
    from kpilib.engine.smart import check_pack, read_history

    try:
        pack = _chosen_pack(file, pack_name)
        past = None if history is None else read_history(history, indicators=_codes(pack))
    except InputError as error:
        _fail([str(problem) for problem in error.problems])
    reports = check_pack(pack, past)
    if output_format is FormatChoice.JSON:
        document = [_report_document(report, language) for report in reports]
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_table(pack, reports, language)
    if any(report.failed for report in reports):
        raise typer.Exit(SOME_INDICATOR_FAILS)


def _chosen_pack(file: Path | None, pack_name: str | None) -> "Pack":
    from kpilib.engine.packs import builtin_pack, load_pack

    if file is not None and pack_name is None:
        return load_pack(file)
    if pack_name is not None and file is None:
        return builtin_pack(pack_name)
    _fail(["give a library FILE.yaml or --pack NAME (one of them)"])


def _codes(pack: "Pack") -> set[str]:
    return {indicator.code for indicator in pack.indicators}


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(BAD_INPUT)


def _report_document(report: "SmartReport", language: str) -> dict[str, object]:
    return {
        "code": report.code,
        "checks": {check.value: verdict.value for check, verdict in report.checks.items()},
        "messages": [
            {
                "check": message.check.value,
                "severity": message.severity.value,
                "message": message.in_language(language),
            }
            for message in report.messages
        ],
    }


def _print_table(pack: "Pack", reports: list["SmartReport"], language: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kpilib.engine.smart import CHECK_LABELS, Check

    console = Console()
    legend = " · ".join(
        f"{check.value[0].upper()} {CHECK_LABELS[check].text(language)}" for check in Check
    )
    console.print(f"SMART: {legend}")
    table = Table()
    table.add_column("Indicator" if language == "en" else "指标", no_wrap=True)
    table.add_column("Name" if language == "en" else "名称")
    for check in Check:
        # One letter per column keeps the table narrow; the legend above spells them out.
        table.add_column(check.value[0].upper(), justify="center")
    for report in reports:
        name = pack.indicator(report.code).name.text(language)
        marks = (MARKS[report.checks[check].value] for check in Check)
        table.add_row(report.code, name, *(Text(mark, style=style) for mark, style in marks))
    console.print(table)
    for codes, message in _grouped_messages(reports):
        label = CHECK_LABELS[message.check].text(language)
        mark, style = MARKS["fail" if message.severity == "error" else "unknown"]
        line = Text(f"{mark} ", style=style)
        line.append(f"{', '.join(codes)} · {label}: {message.in_language(language)}")
        console.print(line)
    failing = sum(report.failed for report in reports)
    if language == "en":
        console.print(f"{failing} of {len(reports)} indicators fail a SMART check.")
    else:
        console.print(f"{len(reports)} 项指标中有 {failing} 项未通过 SMART 检查。")


def _grouped_messages(
    reports: list["SmartReport"],
) -> list[tuple[list[str], "SmartMessage"]]:
    """Each different message once, with the indicators it applies to (in pack order).

    Without history every indicator has the same Achievable note; saying it once reads better.
    """
    grouped: dict[SmartMessage, list[str]] = {}
    for report in reports:
        for message in report.messages:
            grouped.setdefault(message, []).append(report.code)
    return [(codes, message) for message, codes in grouped.items()]
