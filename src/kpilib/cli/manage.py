"""`kpilib manage COMMAND [ARGS]`: runs a Django management command on the configured database."""

import os

import typer


def django_setup() -> None:
    """Configure Django for database commands (the CLI's one door into the app)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpilib.config.settings.base")
    import django
    from django.utils import translation

    django.setup()
    # Messages on the terminal follow KPILIB_LANGUAGE (zh-hans or en); English by default.
    translation.activate(os.environ.get("KPILIB_LANGUAGE", "en"))


def manage(ctx: typer.Context) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpilib.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kpilib manage", *ctx.args])
