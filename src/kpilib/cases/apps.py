"""App configuration for the case library (成功经验分享): submitted, approved, searched, reused."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "kpilib.cases"
    label = "cases"
    verbose_name = _("Case library")
