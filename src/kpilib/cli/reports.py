"""`kpilib reports check`: quality hints of daily reports from a file, offline (product.md §10).

Thin over the engine (`kpilib.engine.reports`): read the file (CSV, XLSX or JSON;
columns `employee_id`, `report_date`, `content`, other columns kept and ignored), check
every report against the same author's earlier reports in the file, write JSON (the §10
list, plus each hint's reason in words under `reasons`) or a table. Bad input exits 2 with
one `file:line: column: reason` line per problem on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from kpilib.engine.errors import Problem
    from kpilib.engine.reports import Report, Verdict

FORMATS = ("table", "json")
REQUIRED = ("employee_id", "report_date", "content")

reports_app = typer.Typer(help="Daily reports (日报): quality hints.", no_args_is_help=True)


@reports_app.command("check")
def check(
    reports: Annotated[
        str | None,
        typer.Option("--reports", help="Reports file: CSV, XLSX or JSON (employee_id, report_date, content)."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="json: the §10 list; table: the same for people.")
    ] = "table",
    language: Annotated[str, typer.Option("--language", help="Reasons in en or zh-Hans.")] = "en",
    output: Annotated[
        str | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Hint which daily reports are perfunctory, normal or constructive, and why (§10)."""
    from kpilib.cli.score import fail, write_output
    from kpilib.engine.definitions import LANGUAGES
    from kpilib.engine.errors import InputError, Problem
    from kpilib.engine.reports import check_reports

    problems: list[Problem] = []
    if reports is None:
        problems.append(Problem("--reports", None, None, "required: the reports file to check"))
    elif not Path(reports).is_file():
        problems.append(Problem(reports, None, None, "cannot read file: no such file"))
    if output_format not in FORMATS:
        reason = f"{output_format!r} is not one of {', '.join(FORMATS)}"
        problems.append(Problem("--format", None, None, reason))
    if language not in LANGUAGES:
        reason = f"{language!r} is not one of {', '.join(LANGUAGES)}"
        problems.append(Problem("--language", None, None, reason))
    if problems or reports is None:
        fail(problems)
    try:
        rows = read_reports(Path(reports))
    except InputError as error:
        fail(error.problems)
    verdicts = check_reports(rows, language=language)
    if output_format == "json":
        text = json.dumps([v.as_dict(language) for v in verdicts], ensure_ascii=False, indent=2)
        write_output(text + "\n", output)
    else:
        write_output(_table(verdicts, language), output)


def _date(text: str) -> object:
    import datetime

    return datetime.date.fromisoformat(text.strip().replace("/", "-"))


def read_reports(path: Path) -> list[Report]:
    """The reports of a file; raises InputError listing every bad row (line, column, reason)."""
    from kpilib.engine.errors import InputError, Problem
    from kpilib.engine.reports import Report
    from kpilib.tabular import LINE, read_table

    table = read_table(path)
    name = str(path)
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        raise InputError(
            [Problem(name, 1, column, "required column is missing") for column in missing]
        )
    problems: list[Problem] = []
    found: list[Report] = []
    for row in table.iter_rows(named=True):
        line = row[LINE]
        employee = (row["employee_id"] or "").strip()
        if not employee:
            problems.append(Problem(name, line, "employee_id", "required"))
        try:
            day = _date(row["report_date"] or "")
        except ValueError:
            reason = f"not a date (YYYY-MM-DD): {row['report_date']!r}"
            problems.append(Problem(name, line, "report_date", reason))
            continue
        if employee:
            found.append(Report(employee, day, row["content"] or ""))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    return found


def _table(verdicts: list[Verdict], language: str) -> str:
    lines = []
    for verdict in verdicts:
        reasons = "; ".join(hint.reason(language) for hint in verdict.hints)
        lines.append(
            f"{verdict.employee_id:<11}  {verdict.report_date.isoformat()}   "
            f"{verdict.quality:<12}  {reasons}"
        )
    header = f"{'employee_id':<11}  report_date  {'quality':<12}  hints"
    return "\n".join([header, *lines]) + "\n"
