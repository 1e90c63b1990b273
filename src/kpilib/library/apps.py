"""App configuration for the indicator library."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "kpilib.library"
    label = "library"
    verbose_name = _("Indicator library")
