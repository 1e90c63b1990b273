"""App configuration for data ingestion (数据集成)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "kpilib.ingest"
    label = "ingest"
    verbose_name = _("Data ingestion")
