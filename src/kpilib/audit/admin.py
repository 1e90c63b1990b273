"""The audit trail in the admin: read-only, for HR admins."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kpilib.accounts.admin_site import HrAdminModelAdmin
from kpilib.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(HrAdminModelAdmin):
    list_display = ("at", "actor", "origin", "action", "object_type", "object_repr")
    list_filter = ("action", "origin", "object_type")
    search_fields = ("object_repr", "object_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
