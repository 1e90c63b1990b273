"""Audit events as people read them: model and field labels, choice labels, data as data.

An `AuditEvent` stores what was true when it was written: the model's label
(`app.model`), the object's text and each changed field's raw value. These are read
back in the reader's language at read time: the model's verbose name, the field's
verbose name, a choice's label, yes/no for booleans, and the object's current name when
it still exists (its stored text when it is gone). Values that are people's own data
(names, notes, definitions) are returned as data, for the page to show as such.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from kpilib.audit.models import AuditEvent
from kpilib.notes import PREFIX as NOTE_PREFIX
from kpilib.notes import note_text

EMPTY = "∅"


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its label, and the value before and after as shown."""

    field: str
    known_field: bool
    before: str
    after: str
    before_is_data: bool
    after_is_data: bool


@dataclass(frozen=True)
class EventLine:
    """An audit event ready for a page."""

    event: AuditEvent
    model_label: str
    object_label: str
    object_is_current: bool
    changes: list[ChangeLine]


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def model_label(object_type: str) -> str:
    """`library.indicator` → 指标 / indicator; an unknown type stays as stored."""
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model else object_type


def _value(field: models.Field | None, value: Any) -> tuple[str, bool]:
    """(text, is_data): a choice's label or yes/no is interface text; the rest is data.

    A reference shows the object it points at, a date or time the reader's format, a
    system note its text in the reader's language.
    """
    if value is None or value == "":
        return EMPTY, False
    if isinstance(value, bool):
        return (_("yes") if value else _("no")), False
    if field is not None and field.choices:
        labels = {str(choice): str(label) for choice, label in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)], False
    if isinstance(field, models.ForeignKey):
        try:  # a reference by its target field (a pk, or a name such as a source's)
            target = field.related_model._default_manager.filter(
                **{field.target_field.name: value}
            ).first()
        except (ValueError, TypeError, ValidationError):
            target = None
        return (str(target) if target is not None else str(value)), True
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT"), False
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT"), False
    if isinstance(value, str) and value.startswith(NOTE_PREFIX):
        return note_text(value), False
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=False), True
    return str(value), True


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        try:
            found = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            return None
    return found if isinstance(found, models.Field) else None


def event_lines(events: list[AuditEvent]) -> list[EventLine]:
    """Every event of a page, with the objects that still exist fetched once per type."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        wanted.setdefault(event.object_type, set()).add(event.object_id)
    current: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = model_of(object_type)
        if model is None:
            continue
        try:
            found = model._default_manager.in_bulk([int(pk) for pk in ids if pk.isdigit()])
        except (ValueError, TypeError):
            continue
        for pk, obj in found.items():
            current[(object_type, str(pk))] = str(obj)
    lines = []
    for event in events:
        model = model_of(event.object_type)
        changes = []
        for name, change in (event.changes or {}).items():
            if name == "id":
                continue  # the object's own number says nothing to a reader
            field = _field(model, name)
            change = change if isinstance(change, dict) else {"before": None, "after": change}
            before, before_is_data = _value(field, change.get("before"))
            after, after_is_data = _value(field, change.get("after"))
            changes.append(
                ChangeLine(
                    # A verbose name Django derived from the field's name is looked up in
                    # the catalogue; a declared one is already in the reader's language.
                    field=gettext(str(field.verbose_name)) if field is not None else name,
                    known_field=field is not None,
                    before=before,
                    after=after,
                    before_is_data=before_is_data,
                    after_is_data=after_is_data,
                )
            )
        key = (event.object_type, event.object_id)
        lines.append(
            EventLine(
                event=event,
                model_label=model_label(event.object_type),
                object_label=current.get(key, event.object_repr),
                object_is_current=key in current,
                changes=changes,
            )
        )
    return lines
