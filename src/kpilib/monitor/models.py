"""What the KPI monitor keeps: the record of each weekly digest sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DigestRun(models.Model):
    """One weekly digest (`kpilib.monitor.digest`): to one manager's e-mail (`user`), or to
    one company's group robots (`company`, no user), at most once per ISO week. Written
    before anything is sent; `off_track` keeps the [participant, code] of every meter off
    track then, so the next week's digest can say what changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="digests",
    )
    company = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("company"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="digests",
    )
    week = models.CharField(_("ISO week"), max_length=8)
    day = models.DateField(_("sent on"))
    off_track = models.JSONField(_("meters off track"), default=list)
    count = models.PositiveIntegerField(_("meters off track"), default=0)
    people = models.PositiveIntegerField(_("people off track"), default=0)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"], condition=Q(user__isnull=False), name="digest_once_a_week_per_user"
            ),
            models.UniqueConstraint(
                fields=["company", "week"], condition=Q(user__isnull=True), name="digest_once_a_week_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or '-'} {self.company_id or '-'} {self.week}"
