"""App configuration for the KPI monitor (KPI 监视器): target meters, and the dashboards
built on them (issue 15)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "kpilib.monitor"
    label = "monitor"
    verbose_name = _("KPI monitor")
