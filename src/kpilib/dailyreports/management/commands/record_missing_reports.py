"""`kpilib manage record_missing_reports`: missing daily reports become facts (run daily)."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports.services import reports_record_missing
from kpilib.dailyreports.tasks import LOOKBACK_DAYS


class Command(BaseCommand):
    help = (
        "Record a daily_report_missing fact for every working day whose report is past its "
        "deadline and not submitted (idempotent; audited as the system, origin task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="first report day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = options["since"] or clock.today() - timedelta(days=LOOKBACK_DAYS)
        missing = reports_record_missing(actor=SYSTEM, origin=Origin.TASK, since=since, now=clock.now())
        self.stdout.write(f"missing daily reports recorded: {missing}")
