"""`kpilib manage demo_setup`: migrate, then load the demo organisation once (safe to re-run)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kpilib.web.demo import DEMO_PASSWORD, demo_is_loaded, demo_load, demo_logins


class Command(BaseCommand):
    help = "Migrate the database and load the demo organisation unless it is already loaded."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--engineers", type=int, default=60)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if demo_is_loaded():
            self.stdout.write("Demo organisation already loaded.")
            return
        folder = Path(settings.DATA_DIR) / "demo"
        report = demo_load(
            folder=folder,
            engineers=options["engineers"],
            months=options["months"],
            seed=options["seed"],
        )
        self.stdout.write(f"Demo organisation loaded: {report.summary_line()}")
        self.stdout.write(f"Demo files in {folder}")
        for username, role in demo_logins():
            self.stdout.write(f"  {username:<10} {DEMO_PASSWORD}   {role}")
