"""App configuration for the web interface."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "kpilib.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        from kpilib.config import checks  # noqa: F401  (registers kpilib's system checks)
