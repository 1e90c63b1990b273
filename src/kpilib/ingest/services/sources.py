"""Where facts come from: sources, how a source names an owner, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.errors import InputError, Problem
from kpilib.ingest.connectors import GENERIC
from kpilib.ingest.errors import IngestError
from kpilib.ingest.models import (
    ApiToken,
    OwnerAlias,
    Source,
)
from kpilib.org.models import Employee


@transaction.atomic
def source_create(
    *, actor: Any, origin: Origin, name: str, kind: str = GENERIC, webhook_secret: str = ""
) -> Source:
    source = Source(name=name, kind=kind, webhook_secret=webhook_secret)
    source.full_clean()
    source.save()
    audit_record(actor=actor, origin=origin, instance=source, before=None)
    return source


@transaction.atomic
def source_update(*, actor: Any, origin: Origin, source: Source, **changes: Any) -> Source:
    before = audit_snapshot(Source.objects.get(pk=source.pk))
    for name, value in changes.items():
        setattr(source, name, value)
    source.full_clean()
    source.save()
    audit_record(actor=actor, origin=origin, instance=source, before=before)
    return source


def source_named(*, actor: Any, origin: Origin, name: str) -> Source:
    """The source called `name`; a new name makes a plain facts source.

    Raises InputError when `name` cannot name a source (letters, digits, `-` and `_`).
    """
    existing = Source.objects.filter(name=name).first()
    if existing is not None:
        return existing
    try:
        return source_create(actor=actor, origin=origin, name=name)
    except ValidationError as error:
        reasons = [message for messages in error.message_dict.values() for message in messages]
        raise InputError([Problem("--source", None, name, reason) for reason in reasons]) from None


@transaction.atomic
def owner_alias_set(
    *, actor: Any, origin: Origin, source: Source, alias: str, employee: Employee
) -> OwnerAlias:
    """Map how `source` names an owner (a CRM user name or id) to an employee."""
    alias = alias.strip()
    if not alias:
        raise IngestError(gettext("the name or id in the source is empty"))
    existing = OwnerAlias.objects.filter(source=source, alias=alias).first()
    if existing is None:
        created = OwnerAlias.objects.create(source=source, alias=alias, employee=employee)
        audit_record(actor=actor, origin=origin, instance=created, before=None)
        return created
    before = audit_snapshot(existing)
    existing.employee = employee
    existing.save(update_fields=["employee"])
    audit_record(actor=actor, origin=origin, instance=existing, before=before)
    return existing


@transaction.atomic
def owner_alias_delete(*, actor: Any, origin: Origin, alias: OwnerAlias) -> None:
    audit_record(actor=actor, origin=origin, instance=alias, before=None, deleted=True)
    alias.delete()


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    snapshot = audit_snapshot(token)
    snapshot.pop("token_hash", None)  # never keep credentials in the trail
    return snapshot


@transaction.atomic
def api_token_create(
    *, actor: Any, origin: Origin, name: str, user: Any, source: Source
) -> tuple[ApiToken, str]:
    """A new token for `user` posting facts of `source`; the raw token is returned once only."""
    raw = f"kpi_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=user, source=source, prefix=raw[:12], token_hash=_token_hash(raw)
    )
    audit_record(
        actor=actor,
        origin=origin,
        instance=token,
        before=None,
        after=_token_snapshot(token),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, origin: Origin, token: ApiToken) -> ApiToken:
    before = _token_snapshot(ApiToken.objects.get(pk=token.pk))
    token.is_active = False
    token.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        origin=origin,
        instance=token,
        before=before,
        after=_token_snapshot(token),
    )
    return token


def api_token_use(*, raw: str) -> ApiToken | None:
    """The active token whose hash matches `raw` (its last use recorded), or None."""
    token = (
        ApiToken.objects.select_related("user", "source")
        .filter(token_hash=_token_hash(raw), is_active=True, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
