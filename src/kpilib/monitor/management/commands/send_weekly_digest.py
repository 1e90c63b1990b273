"""`kpilib manage send_weekly_digest`: the weekly KPI digest (run every Monday morning)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.monitor.digest import weekly_digest_send


class Command(BaseCommand):
    help = (
        "Send each manager and director the week's digest of their people's meters off track and "
        "what changed, and each company's group robots the counts (once per ISO week; audited as "
        "the system, origin task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="a day of the week (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=options["day"] or clock.today())
        self.stdout.write(f"digests sent: {sent}")
