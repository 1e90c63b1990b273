"""Entry point of the `kpilib` console command; registers each command module.

Offline commands (score, ahp, library lint, demo-data) must start without importing
Django: command modules import Django and heavy libraries inside their functions only.
"""

import typer

from kpilib.cli import imports, manage
from kpilib.cli.ahp import ahp
from kpilib.cli.demo_data import demo_data
from kpilib.cli.library import library_app
from kpilib.cli.score import score

app = typer.Typer(
    name="kpilib",
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
app.add_typer(imports.import_app, name="import")
app.add_typer(library_app, name="library")


def run() -> None:
    app()


if __name__ == "__main__":
    run()
