"""Recording audit events. Services call `audit_*` inside their own transaction."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import models

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin


def audit_snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values as JSON-ready data (foreign keys as their ids)."""
    snapshot: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"password", "last_login"}:
            continue  # never keep credentials or session noise in the trail
        snapshot[field.name] = _json_value(field.value_from_object(instance))
    return snapshot


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    keys = before.keys() | after.keys()
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(keys)
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: Any,
    origin: Origin,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
    deleted: bool = False,
) -> AuditEvent | None:
    """Record a create (before=None), update (before=snapshot) or delete of `instance`.

    A delete records the instance's last values (taken now unless `before` is given).

    `after` defaults to the instance's snapshot; pass it for changes that are not fields
    (such as group membership). An update that changed nothing records nothing.

    `actor` is a signed-in user or `SYSTEM`; `origin` an `Origin` (see `audit.origin`):
    anything else is a programming error and raises `TypeError`.
    """
    audit_check(actor=actor, origin=origin)
    if deleted:
        before, after = before or audit_snapshot(instance), {}
    elif after is None:
        after = audit_snapshot(instance)
    if deleted:
        action = AuditEvent.Action.DELETE
    elif not before:
        action = AuditEvent.Action.CREATE
    else:
        action = AuditEvent.Action.UPDATE
    changes = _diff(before or {}, after)
    if action == AuditEvent.Action.UPDATE and not changes:
        return None
    return AuditEvent.objects.create(
        actor=None if actor is SYSTEM else actor,
        origin=Origin(origin),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
    )


def audit_check(*, actor: Any, origin: Any) -> None:
    """Refuse an actor that is neither a signed-in user nor `SYSTEM`, or an unknown origin."""
    if actor is not SYSTEM and not getattr(actor, "is_authenticated", False):
        raise TypeError(f"an audited write needs a signed-in user or SYSTEM as actor, not {actor!r}")
    if origin not in Origin.__members__.values():
        raise TypeError(f"origin must be one of {', '.join(Origin)}, not {origin!r}")
