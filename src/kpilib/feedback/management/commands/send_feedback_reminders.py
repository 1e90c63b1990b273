"""`kpilib manage send_feedback_reminders`: remind raters with open 360 forms (run daily)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback.reminders import feedback_send_reminders


class Command(BaseCommand):
    help = (
        "Remind every rater with open 360 forms, 7 and 2 days before a campaign's deadline and "
        "every 3 days after it (once per rater, campaign and day; audited as the system, origin task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="the day (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = feedback_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=options["day"] or clock.today())
        self.stdout.write(f"raters reminded: {reminded}")
