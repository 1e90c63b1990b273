"""`kpilib manage send_reminders`: e-mail the owners of cycle phases that are due soon (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand

from kpilib import clock
from kpilib.appraisal.reminders import reminders_send


class Command(BaseCommand):
    help = "Send reminders for cycle phases whose deadline is near or past (once per phase)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send(today=clock.today())
        self.stdout.write(f"reminders sent: {sent}")
