"""`kpilib manage fail_stale_imports`: mark imports whose worker died as failed (run every minute)."""

from typing import Any

from django.core.management.base import BaseCommand

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.services import batches_fail_stale


class Command(BaseCommand):
    help = (
        "Mark running imports with no progress for two minutes as failed, so they can be "
        "retried (audited as the system, origin task)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        marked = batches_fail_stale(actor=SYSTEM, origin=Origin.TASK)
        self.stdout.write(f"stale imports marked failed: {marked}")
