"""`kpilib manage send_report_reminders`: remind (e-mail, group robots) everyone who has not
submitted today's daily report (run on working days before the deadline, e.g. 17:30)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports.reminders import reports_send_reminders


class Command(BaseCommand):
    help = (
        "Remind everyone who must report and has not submitted the day's daily report "
        "(once per person and day; audited as the system, origin task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--day", type=date.fromisoformat, help="report day (YYYY-MM-DD); default today"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = reports_send_reminders(
            actor=SYSTEM, origin=Origin.TASK, day=options["day"] or clock.today(), now=clock.now()
        )
        self.stdout.write(f"people reminded: {reminded}")
