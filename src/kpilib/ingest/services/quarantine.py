"""Rows an import could not take: fixed and re-submitted, or discarded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.importing import ImportReport
from kpilib.ingest.errors import IngestError
from kpilib.ingest.intake import _process, _user
from kpilib.ingest.models import (
    ImportBatch,
    QuarantinedRow,
)
from kpilib.ingest.pipeline import (
    text_table,
)


def quarantine_resubmit(
    *,
    actor: Any, origin: Origin,
    rows: Sequence[QuarantinedRow],
    edits: Mapping[int, Mapping[str, str | None]] | None = None,
) -> ImportReport:
    """Import fixed quarantined rows (`edits`: row id → changed values) of one source.

    Rows that are now good become facts and are marked resolved; rows still bad keep
    waiting with their new values and problems.
    """
    rows = [row for row in rows if row.status == QuarantinedRow.Status.OPEN]
    if not rows:
        return ImportReport()
    sources = {row.source_id for row in rows}
    if len(sources) != 1:
        raise IngestError(gettext("Re-submit the rows of one source at a time."))
    edits = edits or {}
    values = [{**row.values, **edits.get(row.pk, {})} for row in rows]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=rows[0].source,
            channel=ImportBatch.Channel.QUARANTINE,
            status=ImportBatch.Status.RUNNING,
            actor=_user(actor),
            partial=True,
            started_at=timezone.now(),
        )
        table = text_table(values, range(1, len(rows) + 1))
        report, checked = _process(batch, table, actor=actor, origin=origin, progress=None)
        still_bad = {bad.line: bad for bad in checked.bad}
        now = timezone.now()
        for position, (row, new_values) in enumerate(zip(rows, values, strict=True), start=1):
            before = audit_snapshot(row)
            row.values = new_values
            if position in still_bad:
                row.problems = [list(problem) for problem in still_bad[position].problems]
            else:
                row.status = QuarantinedRow.Status.RESOLVED
                row.resolved_batch = batch
                row.resolved_at = now
            row.save()
            audit_record(actor=actor, origin=origin, instance=row, before=before)
    return report


@transaction.atomic
def quarantine_discard(*, actor: Any, origin: Origin, rows: Sequence[QuarantinedRow]) -> int:
    """Give up on quarantined rows (they are kept, marked discarded, and audited)."""
    discarded = 0
    now = timezone.now()
    for row in rows:
        if row.status != QuarantinedRow.Status.OPEN:
            continue
        before = audit_snapshot(row)
        row.status = QuarantinedRow.Status.DISCARDED
        row.resolved_at = now
        row.save(update_fields=["status", "resolved_at"])
        audit_record(actor=actor, origin=origin, instance=row, before=before)
        discarded += 1
    return discarded
