"""The Django admin, opened to HR admins as the permissions module decides."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kpilib.permissions import Action, allowed


class KpilibAdminSite(admin.AdminSite):
    site_header = _("kpilib administration")
    site_title = _("kpilib")
    index_title = _("Organisation and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        return allowed(request.user, Action.USE_ADMIN)


class HrAdminModelAdmin(admin.ModelAdmin):
    """A model admin whose every permission is the HR admin's."""

    def _hr(self, request: HttpRequest) -> bool:
        return allowed(request.user, Action.USE_ADMIN)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._hr(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._hr(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._hr(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._hr(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._hr(request)


class ReadOnlyHrAdmin(HrAdminModelAdmin):
    """Listed for HR and read-only: rows written only by services (imports, sending, the
    trail), which the admin must not add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
