"""App configuration for daily reports (日报): templates, writing, review, rating facts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DailyReportsConfig(AppConfig):
    name = "kpilib.dailyreports"
    label = "dailyreports"
    verbose_name = _("Daily reports")
