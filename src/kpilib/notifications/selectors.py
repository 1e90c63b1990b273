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


def notifications_sent(*, topic: str = "", key: str = "") -> QuerySet[Notification]:
    rows = Notification.objects.all()
    if topic:
        rows = rows.filter(topic=topic)
    if key:
        rows = rows.filter(key=key)
    return rows
