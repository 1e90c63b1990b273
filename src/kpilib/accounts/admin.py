"""User accounts in the admin, for HR admins."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kpilib.accounts.admin_site import HrAdminModelAdmin
from kpilib.accounts.models import User
from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot


@admin.register(User)
class KpilibUserAdmin(HrAdminModelAdmin, UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("language",)}),
    )
    list_display = ("username", "email", "language", "is_active", "is_superuser")
    search_fields = ("username", "email")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = audit_snapshot(User.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, origin=Origin.WEB, instance=obj, before=before)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(HrAdminModelAdmin):
    search_fields = ("name",)
