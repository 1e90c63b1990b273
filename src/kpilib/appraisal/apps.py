"""App configuration for appraisal cycles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "kpilib.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal cycles")
