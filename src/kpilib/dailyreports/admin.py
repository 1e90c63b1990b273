"""Admin pages for daily report templates and working-day exceptions (through the
services), and the read-only lists of reports (the web pages are where they are written)
of reminders sent (`kpilib manage send_report_reminders`) and of the rows of platform
exports kept in quarantine (`kpilib import daily-reports --partial`)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kpilib.accounts.admin_site import HrAdminModelAdmin, ReadOnlyHrAdmin
from kpilib.audit.origin import Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.models import (
    DailyReport,
    QuarantinedReport,
    ReportReminder,
    ReportTemplate,
    WorkdayException,
)

TEMPLATE_FIELDS = (
    "position", "name", "fields", "deadline_time", "workdays_after", "rating_workdays", "is_active", "cc",
)


@admin.register(ReportTemplate)
class ReportTemplateAdmin(HrAdminModelAdmin):
    list_display = ("name", "position", "deadline_time", "workdays_after", "rating_workdays", "is_active")
    fields = TEMPLATE_FIELDS
    filter_horizontal = ("cc",)

    def save_model(self, request: HttpRequest, obj: ReportTemplate, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in TEMPLATE_FIELDS}
        saved = services.template_save(
            actor=request.user, origin=Origin.WEB, template=obj if change else None, **values
        )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the CC list was set by template_save (audited), not by the form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a template off instead: its reports keep pointing at it


@admin.register(WorkdayException)
class WorkdayExceptionAdmin(HrAdminModelAdmin):
    list_display = ("day", "company", "is_workday", "note")
    list_filter = ("company", "is_workday")
    fields = ("company", "day", "is_workday", "note")

    def save_model(self, request: HttpRequest, obj: WorkdayException, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in ("company", "day", "is_workday", "note")}
        obj.pk = services.workday_exception_set(actor=request.user, origin=Origin.WEB, **values).pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyHrAdmin):
    list_display = ("report_date", "author", "status", "on_time", "rating", "platform")
    list_filter = ("status", "on_time", "rating", "platform")
    search_fields = ("author__name", "author__employee_id")


@admin.register(ReportReminder)
class ReportReminderAdmin(ReadOnlyHrAdmin):
    list_display = ("report_date", "author", "deadline", "sent_at")
    list_filter = ("report_date",)
    search_fields = ("author__name", "author__employee_id")


@admin.register(QuarantinedReport)
class QuarantinedReportAdmin(ReadOnlyHrAdmin):
    list_display = ("created_at", "platform", "file_name", "line", "record_id", "problems", "is_resolved")
    list_filter = ("platform", "is_resolved")
    search_fields = ("file_name", "record_id")
