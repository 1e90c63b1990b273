"""App configuration for notifications (e-mail and group-robot webhooks)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kpilib.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
