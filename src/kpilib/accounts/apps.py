"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kpilib.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from kpilib.accounts import signals  # noqa: F401  (connects the lockout audit)
