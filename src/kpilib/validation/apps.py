"""App configuration for cross-department solution validation (跨部门方案验证)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValidationConfig(AppConfig):
    name = "kpilib.validation"
    label = "validation"
    verbose_name = _("Solution validation")
