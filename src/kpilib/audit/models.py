"""Audit events: one row per create/update/delete of an audited object."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpilib.audit.origin import Origin

ORIGIN_LABELS = {
    Origin.WEB: _("web"),
    Origin.API: _("API"),
    Origin.CLI: _("command line"),
    Origin.TASK: _("background task"),
    Origin.WEBHOOK: _("webhook"),
    Origin.DEMO: _("demo data"),
}
ORIGIN_CHOICES = [(origin.value, ORIGIN_LABELS[origin]) for origin in Origin]


class AuditEvent(models.Model):
    """Who changed which object when, and each changed field's value before and after.

    `actor` is empty for changes made by `kpilib.audit.origin.SYSTEM` (no person acted).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")


    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=ORIGIN_CHOICES)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_repr}"
