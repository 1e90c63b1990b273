"""`kpilib manage send_certification_reminders`: remind people (and their managers) 90, 60,
30 and 7 days before a certification expires (run once a day)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.training.reminders import certifications_send_reminders


class Command(BaseCommand):
    help = (
        "Remind people and their managers of certifications expiring in 90, 60, 30 or 7 "
        "days (once per certification and threshold; audited as the system, origin task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="today (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = certifications_send_reminders(
            actor=SYSTEM, origin=Origin.TASK, today=options["day"] or clock.today()
        )
        self.stdout.write(f"certifications reminded: {reminded}")
