"""`kpilib manage default_unrated_reports`: reports unrated past their rating deadline count
as normal (0) (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand

from kpilib import clock
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports.services import reports_default_unrated


class Command(BaseCommand):
    help = (
        "Rate every submitted daily report still unrated after its rating deadline normal (0), "
        "marked as a default (idempotent; audited as the system, origin task)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        defaulted = reports_default_unrated(actor=SYSTEM, origin=Origin.TASK, now=clock.now())
        self.stdout.write(f"daily reports counted as normal: {defaulted}")
