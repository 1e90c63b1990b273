"""Admin pages for notification channels (through the services) and the read-only record
of every notification sent."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpilib.accounts.admin_site import HrAdminModelAdmin, ReadOnlyHrAdmin
from kpilib.audit.origin import Origin
from kpilib.notifications import services
from kpilib.notifications.models import Channel, Notification

FIELDS = ("name", "kind", "company", "webhook_url", "secret", "is_active")


@admin.register(Channel)
class ChannelAdmin(HrAdminModelAdmin):
    list_display = ("name", "kind", "company", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    fields = FIELDS
    actions = ["send_test"]

    def save_model(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in FIELDS}
        if change:
            changed = {name: values[name] for name in form.changed_data if name != "kind"}
            services.channel_update(actor=request.user, origin=Origin.WEB, channel=obj, **changed)
        else:
            obj.pk = services.channel_create(actor=request.user, origin=Origin.WEB, **values).pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a channel off instead: its notifications keep pointing at it

    @admin.action(description=_("Send a test message"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset.filter(kind__in=["dingtalk", "wecom", "feishu"]):
            record = services.channel_test(actor=request.user, origin=Origin.WEB, channel=channel)
            if record.error:
                self.message_user(request, f"{channel}: {record.error}", messages.ERROR)
            else:
                self.message_user(request, gettext("%(channel)s: sent") % {"channel": channel})


@admin.register(Notification)
class NotificationAdmin(ReadOnlyHrAdmin):
    list_display = ("sent_at", "kind", "topic", "address", "status", "attempts")
    list_filter = ("status", "kind", "topic")
    search_fields = ("address", "text", "key")
