"""Admin pages of training: the exam and certification catalogues (through the services)
and read-only lists of attempts, certifications held and reminders sent (the web pages and
imports write those)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kpilib.accounts.admin_site import HrAdminModelAdmin, ReadOnlyHrAdmin
from kpilib.audit.origin import Origin
from kpilib.training import services
from kpilib.training.models import (
    Certification,
    CertificationHeld,
    CertificationReminder,
    Exam,
    ExamAttempt,
)

EXAM_FIELDS = ("code", "name", "name_en", "pass_line", "counting", "is_active")
CERTIFICATION_FIELDS = (
    "code", "name", "name_en", "issuer", "validity_months", "renewal_window_days", "is_active",
)


@admin.register(Exam)
class ExamAdmin(HrAdminModelAdmin):
    list_display = ("code", "name", "pass_line", "counting", "is_active")
    fields = EXAM_FIELDS

    def save_model(self, request: HttpRequest, obj: Exam, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in EXAM_FIELDS}
        saved = services.exam_save(
            actor=request.user, origin=Origin.WEB, exam=Exam.objects.get(pk=obj.pk) if change else None,
            **values,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch an exam off instead: its attempts and facts keep pointing at it


@admin.register(Certification)
class CertificationAdmin(HrAdminModelAdmin):
    list_display = ("code", "name", "issuer", "validity_months", "renewal_window_days", "is_active")
    fields = CERTIFICATION_FIELDS

    def save_model(self, request: HttpRequest, obj: Certification, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in CERTIFICATION_FIELDS}
        saved = services.certification_save(
            actor=request.user, origin=Origin.WEB,
            certification=Certification.objects.get(pk=obj.pk) if change else None, **values,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExamAttempt)
class ExamAttemptAdmin(ReadOnlyHrAdmin):
    list_display = ("exam", "employee", "taken_on", "score", "source", "record_id")
    list_filter = ("exam", "source")


@admin.register(CertificationHeld)
class CertificationHeldAdmin(ReadOnlyHrAdmin):
    list_display = ("certification", "employee", "earned_on", "expires_on", "certificate_number")
    list_filter = ("certification",)


@admin.register(CertificationReminder)
class CertificationReminderAdmin(ReadOnlyHrAdmin):
    list_display = ("held", "days_before", "sent_on")
