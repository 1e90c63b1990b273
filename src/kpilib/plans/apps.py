"""App configuration for appraisal plans."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kpilib.plans"
    label = "plans"
    verbose_name = _("Appraisal plans")
