"""Where notifications go (`Channel`, per company) and what was sent (`Notification`).

A company (an org unit of kind company) sets its channels: e-mail to each recipient, and
any number of group robots (DingTalk, WeCom, Feishu) with their webhook address and
signing secret. A channel with no company serves every company that has none of its own.
Every message sent, or tried and failed, is a `Notification`: the channel, the topic
(`daily_report_missing`, `cycle_phase_due`, …), the recipient, the exact text, how many
attempts it took and the error the platform gave.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpilib.notifications.robots import DINGTALK, FEISHU, WECOM


class Channel(models.Model):
    """A way a company's notifications go out: e-mail, or a group robot's webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        DINGTALK = DINGTALK, _("DingTalk group robot")
        WECOM = WECOM, _("WeCom group robot")
        FEISHU = FEISHU, _("Feishu group robot")

    company = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_channels",
        limit_choices_to={"kind": "company"},
        help_text=_("Empty: every company without channels of its own."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    webhook_url = models.URLField(
        _("webhook address"),
        max_length=500,
        blank=True,
        help_text=_("The group robot's address, as the platform shows it. Empty for e-mail."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk 加签 or Feishu 签名校验 secret, if the robot was set up with one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["company_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_robot(self) -> bool:
        return self.kind != self.Kind.EMAIL


class Notification(models.Model):
    """One message sent (or tried): to whom, through which channel, the text and the outcome."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Channel.Kind.choices)
    topic = models.CharField(_("topic"), max_length=64, db_index=True)
    key = models.CharField(
        _("about"), max_length=200, blank=True, help_text=_("What the message is about.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    address = models.CharField(_("address"), max_length=500)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.address} ({self.status})"
