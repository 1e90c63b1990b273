"""Errors of the fact store: `IngestError` and its kinds, under the project base (`kpilib.errors`)."""

from typing import Any

from kpilib.errors import KpilibError


class IngestError(KpilibError):
    """A request the ingestion cannot honour (unknown source, conflicting request id, …)."""


class WebhookRefused(IngestError):
    """A webhook delivery that is not signed, signed wrongly, too old or replayed."""


class RequestConflict(IngestError):
    """A request id (Idempotency-Key) already used for another body, or still in progress."""


class TooManyFacts(IngestError):
    """More facts in one request than `MAX_API_FACTS`."""


class FactsRefused(IngestError):
    """An API or webhook intake refused as a whole (all or nothing): `body` is the answer
    that lists each bad item, kept on the batch so that a replay answers the same."""

    def __init__(self, message: str, *, body: dict[str, Any]) -> None:
        super().__init__(message)
        self.body = body
