"""App configuration for BI access: the kpilib_bi_* views, kept across every migration."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class BiConfig(AppConfig):
    name = "kpilib.bi"
    label = "bi"
    verbose_name = _("BI access")

    def ready(self) -> None:
        # Views pin the tables they read: SQLite cannot rebuild a table a view reads (every
        # added or altered column rebuilds it) and PostgreSQL refuses to alter a column one
        # uses. So `migrate` drops the views first and creates them again at the end.
        pre_migrate.connect(_before_migrate, sender=self, dispatch_uid="kpilib.bi.pre")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="kpilib.bi.post")


def _before_migrate(using: str, **_: Any) -> None:
    from kpilib.bi import views

    views.migrate_started(using)


def _after_migrate(using: str, **_: Any) -> None:
    from kpilib.bi import views

    views.migrate_finished(using)
