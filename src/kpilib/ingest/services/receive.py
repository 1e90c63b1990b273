"""Facts over HTTP: `POST /api/facts` (tokens, idempotency keys) and signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record
from kpilib.engine.errors import InputError, Problem
from kpilib.ingest.connectors import slots_of
from kpilib.ingest.errors import RequestConflict, TooManyFacts, WebhookRefused
from kpilib.ingest.intake import _fail, _kind, _process, _user
from kpilib.ingest.models import (
    ImportBatch,
    Source,
    WebhookDelivery,
)
from kpilib.ingest.pipeline import (
    Checked,
    text_table,
)

MAX_API_FACTS = 10_000
WEBHOOK_WINDOW = timedelta(minutes=5)

@dataclass(frozen=True)
class Receipt:
    """The answer to an API or webhook intake (stored for idempotent replays).

    `accepted` is the outcome, not a transport code: the intake wrote its facts (some
    perhaps quarantined with `partial`), or refused them all and wrote nothing. The API
    says so in HTTP (200 or 422)."""

    accepted: bool
    body: dict[str, Any]


def _item_errors(checked: Checked | None, problems: Sequence[Problem]) -> list[dict[str, Any]]:
    rows: list[tuple[int | None, str, str]] = []
    if checked is not None:
        rows = [
            (row.line, column, reason)
            for row in (*checked.bad, *checked.waiting_rows)
            for column, reason in row.problems
        ]
    else:
        rows = [(problem.line, problem.column or "", problem.reason) for problem in problems]
    return [
        {"index": line - 1 if line else None, "field": column, "reason": reason}
        for line, column, reason in sorted(rows, key=lambda row: row[0] or 0)
    ]


def facts_receive(
    *,
    actor: Any, origin: Origin,
    source: Source,
    records: Sequence[Mapping[str, Any]],
    channel: str,
    request_id: str = "",
    body: bytes = b"",
    partial: bool = False,
) -> Receipt:
    """Take a batch of facts from the API (product.md §5 fields) or a webhook (the source's
    columns). Replaying a `request_id` returns the first answer without importing again;
    the same id with a different body is refused. Items are numbered from 0."""
    if len(records) > MAX_API_FACTS:
        raise TooManyFacts(
            gettext("at most %(limit)d facts per request") % {"limit": MAX_API_FACTS}
        )
    request_hash = hashlib.sha256(body).hexdigest() if body else ""
    if request_id:
        earlier = ImportBatch.objects.filter(
            source=source, channel=channel, request_id=request_id
        ).first()
        if earlier is not None:
            return _replayed(earlier, request_hash)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source=source,
                channel=channel,
                status=ImportBatch.Status.RUNNING,
                actor=_user(actor),
                request_id=request_id,
                request_hash=request_hash,
                partial=partial,
                started_at=timezone.now(),
            )
    except IntegrityError:
        raise RequestConflict(
            gettext("A request with this Idempotency-Key is in progress.")
        ) from None
    required, _ = slots_of(_kind(batch))
    table = text_table(records, range(1, len(records) + 1), columns=required)
    try:
        with transaction.atomic():
            report, checked = _process(
                batch, table, actor=actor, origin=origin, progress=None
            )
            receipt = Receipt(
                True,
                {
                    "batch": batch.pk,
                    "imported": report.imported,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "quarantined": report.quarantined,
                    "skipped": checked.skipped,
                    "errors": _item_errors(checked, ()),
                },
            )
            ImportBatch.objects.filter(pk=batch.pk).update(response=asdict(receipt))
    except InputError as error:
        receipt = Receipt(
            False,
            {
                "batch": batch.pk,
                "detail": gettext("Nothing was imported: some facts have problems."),
                "errors": _item_errors(None, error.problems),
            },
        )
        _fail(batch.pk, error=receipt.body["detail"], problems=error.problems)
        ImportBatch.objects.filter(pk=batch.pk).update(response=asdict(receipt))
    return receipt


def _replayed(batch: ImportBatch, request_hash: str) -> Receipt:
    if batch.request_hash != request_hash:
        raise RequestConflict(
            gettext("This Idempotency-Key was already used with a different request body.")
        )
    if not batch.response:
        raise RequestConflict(gettext("A request with this Idempotency-Key is in progress."))
    stored = batch.response
    # (answers stored before 2026-12 kept the HTTP status instead of the outcome)
    accepted = stored["accepted"] if "accepted" in stored else stored.get("status") == 200
    return Receipt(bool(accepted), dict(stored["body"]))


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 (hex) of `timestamp` + "." + body: what a sender puts in the signature header."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def webhook_accept(
    *, actor: Any, origin: Origin, source: Source, timestamp: str, signature: str, body: bytes
) -> None:
    """Verify a webhook delivery: signed with the source's secret, recent, not seen before.

    Raises WebhookRefused with the reason; an accepted delivery is remembered for the
    replay window so that sending it again is refused.
    """
    if not source.webhook_secret:
        raise WebhookRefused(gettext("this source takes no webhooks"))
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookRefused(gettext("missing or malformed timestamp")) from None
    now = timezone.now()
    if abs(now.timestamp() - sent) > WEBHOOK_WINDOW.total_seconds():
        raise WebhookRefused(gettext("the timestamp is outside the accepted window"))
    expected = webhook_signature(source.webhook_secret, timestamp, body)
    given = signature.removeprefix("sha256=")
    if not hmac.compare_digest(expected, given):
        raise WebhookRefused(gettext("the signature does not match"))
    WebhookDelivery.objects.filter(received_at__lt=now - 2 * WEBHOOK_WINDOW).delete()
    delivery, created = WebhookDelivery.objects.get_or_create(source=source, signature=expected)
    if not created:
        raise WebhookRefused(gettext("this delivery was already received"))
    audit_record(actor=actor, origin=origin, instance=delivery, before=None)


def own_facts_write(
    *, actor: Any, origin: Origin, source: str, records: Sequence[Mapping[str, str]]
) -> list[str]:
    """Facts that kpilib's own records produce (daily-report ratings, exam results,
    certifications, cases) written through the same intake as any API call, under the
    source `source`: idempotent by external id, audited, never a side path. Returns the
    reasons the intake refused them (empty when written); the caller raises its own error."""
    from kpilib.ingest.services.sources import source_named

    if not records:
        return []
    receipt = facts_receive(
        actor=actor,
        origin=origin,
        source=source_named(actor=actor, origin=origin, name=source),
        records=records,
        channel=ImportBatch.Channel.API,
    )
    if receipt.accepted and not receipt.body.get("quarantined"):
        return []
    reasons = [str(error.get("reason", "")) for error in receipt.body.get("errors", [])]
    return reasons or [str(receipt.body.get("detail", ""))]
