"""App configuration for training and certification: exams, certifications, their facts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "kpilib.training"
    label = "training"
    verbose_name = _("Training and certification")
