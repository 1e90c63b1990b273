"""API for fact intake: `POST /api/facts` (token) and `POST /api/webhooks/{source}` (HMAC).

Both call `ingest.services.facts_receive`, like the file import calls the same checks:
every item is checked, and the answer lists each bad item by its index (from 0), field
and reason. `/facts` is all or nothing unless `?partial=true` (good items written, bad
ones quarantined); a webhook is always partial, since its sender cannot fix a row.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import ValidationError

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.errors import RequestConflict, TooManyFacts, WebhookRefused
from kpilib.ingest.models import ApiToken, ImportBatch, Source
from kpilib.ingest.services import (
    MAX_API_FACTS,
    WEBHOOK_WINDOW,
    api_token_use,
    facts_receive,
    webhook_accept,
)

router = Router(tags=["facts"])

Cell = str | int | float | bool | None


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a token HR created for a data source (admin)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_use(raw=token)


class FactIn(Schema):
    """One fact (product.md §5). Values are checked by the same rules as a file's cells."""

    employee_id: str | int | None = Field(
        None, description="Employee number, e-mail, or a name/id mapped for the source."
    )
    metric: str | None = Field(None, description="What happened, e.g. `complaint`.")
    occurred_on: str | None = Field(None, description="Date `YYYY-MM-DD` (or `YYYY/MM/DD`).")
    value: float | str | None = Field(None, description="A number; empty means 1.")
    customer_id: str | int | None = None
    project_id: str | int | None = None
    external_id: str | int | None = Field(
        None, description="The source's own id: sending it again changes nothing."
    )
    attributes: dict[str, Cell] = Field(
        default_factory=dict, description="Other columns, kept with the fact."
    )

    def record(self) -> dict[str, Cell]:
        fields = self.model_dump(exclude={"attributes"})
        return {**{k: v for k, v in self.attributes.items() if k not in fields}, **fields}


class FactsIn(Schema):
    facts: list[FactIn] = Field(description=f"At most {MAX_API_FACTS:,} facts per request.")


class ItemError(Schema):
    index: int | None = Field(description="Position of the item in the request, from 0.")
    field: str
    reason: str


class Receipt(Schema):
    batch: int
    imported: int
    updated: int
    unchanged: int
    quarantined: int
    skipped: int
    errors: list[ItemError]


class Refusal(Schema):
    detail: str
    batch: int | None = None
    errors: list[ItemError] = []


class WebhookIn(Schema):
    """Rows keyed by the source's columns (its connector's vendor columns, or §5's)."""

    records: list[dict[str, Cell]] = Field(description=f"At most {MAX_API_FACTS:,} records.")


@router.post(
    "/facts",
    auth=ApiTokenAuth(),
    response={200: Receipt, 409: Refusal, 413: Refusal, 422: Refusal},
    summary="Send a batch of facts",
    description=(
        "Facts of the token's data source, idempotent by (source, external_id). "
        "Send an `Idempotency-Key` header to make retries safe: the same key and body "
        "return the first answer; the same key with another body is refused (409). "
        "All or nothing (422 lists every bad item) unless `partial=true`."
    ),
)
def post_facts(
    request: HttpRequest,
    payload: FactsIn,
    partial: bool = False,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    records = [item.record() for item in payload.facts]
    canonical = json.dumps({"facts": records, "partial": partial}, sort_keys=True).encode()
    try:
        receipt = facts_receive(
            actor=token.user, origin=Origin.API,
            source=token.source,
            records=records,
            channel=ImportBatch.Channel.API,
            request_id=idempotency_key.strip(),
            body=canonical,
            partial=partial,
        )
    except TooManyFacts as error:
        return Status(413, {"detail": str(error)})
    except RequestConflict as error:
        return Status(409, {"detail": str(error)})
    return Status(200 if receipt.accepted else 422, receipt.body)


@router.post(
    "/webhooks/{source}",
    auth=None,
    response={200: Receipt, 401: Refusal, 404: Refusal, 409: Refusal, 413: Refusal, 422: Refusal},
    summary="Receive a signed webhook delivery for a data source",
    description=(
        "Sign the raw body: `X-Kpilib-Signature: sha256=` + hex HMAC-SHA256 of "
        "`<X-Kpilib-Timestamp>.<body>` with the source's webhook secret; the timestamp is "
        f"Unix seconds and must be within {int(WEBHOOK_WINDOW.total_seconds())} s of now. "
        "A delivery is accepted once. Good records become facts, bad ones are quarantined."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": WebhookIn.model_json_schema()}},
        }
    },
)
def post_webhook(
    request: HttpRequest,
    source: str,
    signature: str = Header("", alias="X-Kpilib-Signature"),
    timestamp: str = Header("", alias="X-Kpilib-Timestamp"),
) -> Status[dict[str, Any]]:
    data_source = get_object_or_404(Source, name=source)
    try:
        webhook_accept(
            actor=SYSTEM,
            origin=Origin.WEBHOOK,
            source=data_source,
            timestamp=timestamp,
            signature=signature,
            body=request.body,
        )
    except WebhookRefused as error:
        return Status(401, {"detail": str(error)})
    try:
        delivery = WebhookIn.model_validate_json(request.body)
    except ValidationError as error:
        return Status(422, {"detail": str(error.errors(include_url=False)[:5])})
    try:
        receipt = facts_receive(
            actor=SYSTEM,
            origin=Origin.WEBHOOK,
            source=data_source,
            records=delivery.records,
            channel=ImportBatch.Channel.WEBHOOK,
            partial=True,
        )
    except TooManyFacts as error:
        return Status(413, {"detail": str(error)})
    return Status(200 if receipt.accepted else 422, receipt.body)
