"""Admin pages for the organisation; every save and delete goes through the org services."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kpilib.accounts.admin_site import HrAdminModelAdmin
from kpilib.audit.origin import Origin
from kpilib.org import services
from kpilib.org.models import Employee, OrgUnit, Position


@admin.register(OrgUnit)
class OrgUnitAdmin(HrAdminModelAdmin):
    list_display = ("name", "kind", "parent", "head")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("parent", "head")

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        if change:
            services.org_unit_update(actor=request.user, origin=Origin.WEB, unit=obj)
        else:
            created = services.org_unit_create(
                actor=request.user, origin=Origin.WEB, name=obj.name, kind=obj.kind, parent=obj.parent
            )
            obj.pk, obj.path = created.pk, created.path

    def delete_model(self, request: HttpRequest, obj: OrgUnit) -> None:
        services.org_unit_delete(actor=request.user, origin=Origin.WEB, unit=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OrgUnit]) -> None:
        for unit in queryset.order_by("-path"):
            services.org_unit_delete(actor=request.user, origin=Origin.WEB, unit=unit)


@admin.register(Position)
class PositionAdmin(HrAdminModelAdmin):
    list_display = ("code", "name_zh_hans", "name_en")
    search_fields = ("code", "name_zh_hans", "name_en")

    def save_model(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> None:
        if change:
            services.position_update(actor=request.user, origin=Origin.WEB, position=obj)
        else:
            obj.pk = services.position_create(
                actor=request.user,
                origin=Origin.WEB,
                code=obj.code,
                name_zh_hans=obj.name_zh_hans,
                name_en=obj.name_en,
            ).pk

    def delete_model(self, request: HttpRequest, obj: Position) -> None:
        services.position_delete(actor=request.user, origin=Origin.WEB, position=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Position]) -> None:
        for position in queryset:
            services.position_delete(actor=request.user, origin=Origin.WEB, position=position)


@admin.register(Employee)
class EmployeeAdmin(HrAdminModelAdmin):
    list_display = ("employee_id", "name", "org_unit", "position", "manager", "region", "left_on")
    list_filter = ("position", "region")
    search_fields = ("employee_id", "name", "email")
    autocomplete_fields = ("org_unit", "manager", "user")

    def save_model(self, request: HttpRequest, obj: Employee, form: Any, change: bool) -> None:
        if change:
            services.employee_update(actor=request.user, origin=Origin.WEB, employee=obj)
        else:
            fields = {f.name: getattr(obj, f.name) for f in Employee._meta.concrete_fields}
            fields.pop("id")
            created = services.employee_create(actor=request.user, origin=Origin.WEB, **fields)
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Employee) -> None:
        services.employee_delete(actor=request.user, origin=Origin.WEB, employee=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Employee]) -> None:
        for employee in queryset:
            services.employee_delete(actor=request.user, origin=Origin.WEB, employee=employee)
