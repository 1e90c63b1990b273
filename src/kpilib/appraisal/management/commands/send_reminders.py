"""`kpilib manage send_reminders`: remind (e-mail, group robots) the owners of cycle phases that are due soon (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand

from kpilib import clock
from kpilib.appraisal.reminders import reminders_send
from kpilib.audit.origin import SYSTEM, Origin


class Command(BaseCommand):
    help = "Send reminders for cycle phases whose deadline is near or past (once per phase)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=clock.today())
        self.stdout.write(f"reminders sent: {sent}")
