"""Reading the audit trail."""

from django.db.models import QuerySet

from kpilib.audit.models import AuditEvent


def audit_events(
    *, object_type: str = "", object_id: str = "", actor_id: int | None = None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    return events
