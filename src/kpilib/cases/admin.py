"""Admin list of cases, read-only: cases are written, decided and reused on the web pages."""

from django.contrib import admin

from kpilib.accounts.admin_site import ReadOnlyHrAdmin
from kpilib.cases.models import Case, CaseReuse


@admin.register(Case)
class CaseAdmin(ReadOnlyHrAdmin):
    list_display = ("title", "author", "industry", "status", "decided_at")
    list_filter = ("status", "industry")
    search_fields = ("title", "customer")


@admin.register(CaseReuse)
class CaseReuseAdmin(ReadOnlyHrAdmin):
    list_display = ("case", "employee", "reused_on")
