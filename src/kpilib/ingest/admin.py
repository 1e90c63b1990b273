"""Admin pages for data sources, owner mappings and API tokens (through the ingest services),
and read-only views of batches, facts and the quarantine (facts change only by import)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpilib.accounts.admin_site import HrAdminModelAdmin, ReadOnlyHrAdmin
from kpilib.audit.origin import Origin
from kpilib.ingest import services
from kpilib.ingest.models import ApiToken, Fact, ImportBatch, OwnerAlias, QuarantinedRow, Source


@admin.register(Source)
class SourceAdmin(HrAdminModelAdmin):
    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.source_update(actor=request.user, origin=Origin.WEB, source=obj, **fields)
        else:
            obj.pk = services.source_create(
                actor=request.user,
                origin=Origin.WEB,
                name=obj.name,
                kind=obj.kind,
                webhook_secret=obj.webhook_secret,
            ).pk


@admin.register(OwnerAlias)
class OwnerAliasAdmin(HrAdminModelAdmin):
    list_display = ("alias", "employee", "source")
    list_filter = ("source",)
    search_fields = ("alias", "employee__name", "employee__employee_id")
    autocomplete_fields = ("employee",)

    def save_model(self, request: HttpRequest, obj: OwnerAlias, form: Any, change: bool) -> None:
        obj.pk = services.owner_alias_set(
            actor=request.user,
            origin=Origin.WEB,
            source=obj.source,
            alias=obj.alias,
            employee=obj.employee,
        ).pk

    def delete_model(self, request: HttpRequest, obj: OwnerAlias) -> None:
        services.owner_alias_delete(actor=request.user, origin=Origin.WEB, alias=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OwnerAlias]) -> None:
        for alias in queryset:
            services.owner_alias_delete(actor=request.user, origin=Origin.WEB, alias=alias)


@admin.register(ApiToken)
class ApiTokenAdmin(HrAdminModelAdmin):
    list_display = ("name", "prefix", "user", "source", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active", "source")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return ["name", "user", "source"]
        return ["name", "user", "source", "is_active", "prefix", "created_at", "last_used_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return []
        return ["name", "user", "source", "is_active", "prefix", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, raw = services.api_token_create(
            actor=request.user,
            origin=Origin.WEB,
            name=obj.name,
            user=obj.user,
            source=obj.source,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            gettext("Copy this token now, it is not shown again: %(token)s") % {"token": raw},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(actor=request.user, origin=Origin.WEB, token=token)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyHrAdmin):
    list_display = (
        "id",
        "source",
        "channel",
        "status",
        "file_name",
        "imported",
        "updated",
        "unchanged",
        "quarantined",
        "created_at",
    )
    list_filter = ("status", "channel", "source")
    search_fields = ("file_name", "file_hash", "request_id")


@admin.register(Fact)
class FactAdmin(ReadOnlyHrAdmin):
    list_display = ("occurred_on", "employee", "metric", "value", "customer_id", "source", "batch")
    list_filter = ("source", "metric")
    search_fields = ("external_id", "customer_id", "employee__employee_id", "employee__name")
    list_select_related = ("employee", "batch")
    show_full_result_count = False


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(ReadOnlyHrAdmin):
    list_display = ("source", "batch", "line", "status", "created_at")
    list_filter = ("status", "source")
