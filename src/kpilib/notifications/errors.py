"""Errors of notifications, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class NotificationError(KpilibError):
    """A message that could not be sent: a channel set up wrongly, or a delivery refused."""


class DeliveryFailed(NotificationError):
    """A delivery that failed after every attempt; the message says what the platform answered."""
