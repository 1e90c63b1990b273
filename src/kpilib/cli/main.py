"""Entry point of the `kpilib` console command; registers each command module.

Offline commands (score, review, predict, ahp, library lint, reports check, feedback summarize,
demo-data) must start without importing Django: command modules import Django and heavy
libraries inside their functions only.
"""

from typing import Any

import click
import typer
from typer.core import TyperGroup

from kpilib.cli import imports, manage
from kpilib.cli.ahp import ahp
from kpilib.cli.demo_data import demo_data
from kpilib.cli.export import export_app
from kpilib.cli.feedback import feedback_app
from kpilib.cli.library import library_app
from kpilib.cli.predict import predict
from kpilib.cli.reports import reports_app
from kpilib.cli.review import review
from kpilib.cli.score import score
from kpilib.errors import KpilibError


class KpilibGroup(TyperGroup):
    """The root command: a domain error (`KpilibError`) in any command ends it with its
    reasons on stderr, one line each, and exit status 2 — never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KpilibError as error:
            for line in error.lines():
                typer.echo(line, err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="kpilib",
    cls=KpilibGroup,
    help="kpilib: presales performance KPI library and appraisal platform (售前绩效考核指标库).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """kpilib: presales performance KPI library and appraisal platform (售前绩效考核指标库)."""


app.command(
    "manage",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,  # `kpilib manage migrate --help` is Django's help
    help="Run any Django management command (migrate, createsuperuser, db_worker, ...).",
)(manage.manage)
app.command("demo-data")(demo_data)
app.command("ahp")(ahp)
app.command("score")(score)
app.command("predict")(predict)
app.command("review")(review)
app.add_typer(imports.import_app, name="import")
app.add_typer(library_app, name="library")
app.add_typer(reports_app, name="reports")
app.add_typer(feedback_app, name="feedback")
app.add_typer(export_app, name="export")


def run() -> None:
    app()


if __name__ == "__main__":
    run()
