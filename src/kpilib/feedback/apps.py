"""App configuration for 360-degree feedback (360度反馈): campaigns, nominations, answers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "kpilib.feedback"
    label = "feedback"
    verbose_name = _("360 feedback")
