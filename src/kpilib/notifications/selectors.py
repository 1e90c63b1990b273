"""Reads of notifications: a company's channels and what was sent."""

from django.db.models import QuerySet

from kpilib.notifications.models import Channel, Notification
from kpilib.org.models import OrgUnit


def channels_for(company: OrgUnit | None) -> list[Channel]:
    """The company's own channels, or the channels for every company when it has none."""
    if company is not None:
        own = list(Channel.objects.filter(company=company))
        if own:
            return own
    return list(Channel.objects.filter(company__isnull=True))


def company_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The company an org unit belongs to (the nearest ancestor of kind company)."""
    if unit is None:
        return None
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    companies = {
        company.pk: company
        for company in OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.COMPANY)
    }
    return next((companies[pk] for pk in reversed(ids) if pk in companies), None)


def notifications_sent(*, topic: str = "", key: str = "") -> QuerySet[Notification]:
    rows = Notification.objects.all()
    if topic:
        rows = rows.filter(topic=topic)
    if key:
        rows = rows.filter(key=key)
    return rows
