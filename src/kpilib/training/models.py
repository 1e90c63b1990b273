"""Training exams and certifications (培训考试与认证): kpilib's own records behind the
`training_exam` and `certification_earned` facts.

An exam has a pass line (80 by default) and says which attempt counts when someone sits
it more than once (the highest, the last, the first, or the average). Each attempt is an
`ExamAttempt`, entered by HR or imported from a learning system's export (idempotent by
the LMS record id); the counted result is one `training_exam` fact per person and exam.

A certification has a validity period and a renewal window. Each time someone earns or
renews one is a `CertificationHeld` row, kept for good: history shows "expired" apart from
"never held". Each row is one `certification_earned` fact on the day it was earned, and
reminders go out 90, 60, 30 and 7 days before it expires.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kpilib.org.models import local_name


class Exam(models.Model):
    """One exam of the catalogue (考试), with its pass line and the attempt that counts."""

    class Counting(models.TextChoices):
        HIGHEST = "highest", _("the highest attempt")
        LAST = "last", _("the last attempt")
        FIRST = "first", _("the first attempt")
        AVERAGE = "average", _("the average of all attempts")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("exam name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    pass_line = models.FloatField(_("pass line"), default=80.0)
    counting = models.CharField(
        _("attempt that counts"), max_length=10, choices=Counting.choices, default=Counting.HIGHEST
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return local_name(self.name, self.name_en)


class ExamAttempt(models.Model):
    """One sitting of an exam by one person, with its score."""

    class Source(models.TextChoices):
        LMS = "lms", _("learning system export")
        ENTERED = "entered", _("entered by HR")

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="exam_attempts"
    )
    taken_on = models.DateField(_("taken on"))
    score = models.FloatField(_("score"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    record_id = models.CharField(
        _("learning system record id"),
        max_length=100,
        blank=True,
        help_text=_("The LMS's id of the attempt: importing it again updates, never doubles."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["taken_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "record_id"],
                condition=~models.Q(record_id=""),
                name="exam_attempt_record_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.exam.code} · {self.employee.employee_id} · {self.taken_on}"


class Certification(models.Model):
    """One vendor or internal certification of the catalogue (认证)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("certification name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: it does not expire."),
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal window (days)"),
        default=90,
        help_text=_("How long before expiry it counts as expiring soon."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return local_name(self.name, self.name_en)


class CertificationHeld(models.Model):
    """One time a person earned (or renewed) a certification; never deleted (history)."""

    class State(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRING = "expiring", _("expires soon")
        EXPIRED = "expired", _("expired")
        NEVER = "never", _("never held")

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="holdings"
    )
    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="certifications_held"
    )
    earned_on = models.DateField(_("earned on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification held")
        verbose_name_plural = _("certifications held")
        ordering = ["-earned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "employee", "earned_on"], name="certification_earned_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification.code} · {self.employee.employee_id} · {self.earned_on}"

    def state_on(self, today: datetime.date) -> "CertificationHeld.State":
        """Valid, expiring soon (inside the renewal window) or expired, on `today`."""
        if self.expires_on is None:
            return self.State.VALID
        if self.expires_on < today:
            return self.State.EXPIRED
        window = datetime.timedelta(days=self.certification.renewal_window_days)
        return self.State.EXPIRING if self.expires_on - today <= window else self.State.VALID


class CertificationReminder(models.Model):
    """A reminder sent before a certification expires (90, 60, 30 or 7 days): at most one
    per holding and threshold, written before the messages are tried."""

    held = models.ForeignKey(CertificationHeld, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("certification reminder")
        verbose_name_plural = _("certification reminders")
        constraints = [
            models.UniqueConstraint(fields=["held", "days_before"], name="certification_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.held} · {self.days_before}"
