"""`kpilib import …`: load files into the configured database (product.md §6)."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kpilib.cli.manage import django_setup

import_app = typer.Typer(help="Import files into the database.", no_args_is_help=True)


def fail(problems: list[object]) -> NoReturn:
    """Print one line per problem on stderr and exit 2 (the CLI contract for bad input)."""
    for problem in problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(2)


@import_app.command("employees")
def import_employees(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV, XLSX or JSON with employee_id, name, email, org_unit, position, "
            "manager_id, region, hire_date."
        ),
    ],
) -> None:
    """Create or update employees keyed by employee_id; nothing is written if any row is bad."""
    django_setup()
    from kpilib.org.services import employees_import
    from kpilib.tabular import InputError

    if not file.is_file():
        fail([f"{file}: no such file"])
    try:
        report = employees_import(actor=None, data=file.read_bytes(), file_name=file.name)
    except InputError as error:
        fail(list(error.problems))
    for note in report.notes:
        typer.echo(note)
    typer.echo(report.summary_line())
