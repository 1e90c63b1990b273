"""Admin pages of solution validation: the checklist in force (through the service) and
read-only lists of solutions, rounds and verdicts (the web pages and the API write those)."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError as FormError
from django.http import HttpRequest

from kpilib.accounts.admin_site import HrAdminModelAdmin, ReadOnlyHrAdmin
from kpilib.audit.origin import Origin
from kpilib.validation import services
from kpilib.validation.errors import SolutionError
from kpilib.validation.models import Checklist, ReviewerVerdict, Solution, ValidationRound


@admin.register(Checklist)
class ChecklistAdmin(HrAdminModelAdmin):
    list_display = ("__str__", "require_product", "require_delivery", "updated_at")
    fields = ("items", "require_product", "require_delivery")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        def clean_items(self: Any) -> Any:
            items = self.cleaned_data.get("items")
            if not isinstance(items, list):
                raise FormError('A list of {"code": ..., "zh-Hans": ..., "en": ...}.')
            return items

        form.clean_items = clean_items
        return form

    def save_model(self, request: HttpRequest, obj: Checklist, form: Any, change: bool) -> None:
        try:
            saved = services.checklist_save(
                actor=request.user, origin=Origin.WEB, items=form.cleaned_data["items"],
                require_product=form.cleaned_data["require_product"],
                require_delivery=form.cleaned_data["require_delivery"],
            )
        except SolutionError as error:
            from django.contrib import messages

            messages.error(request, error.message)
            return
        obj.pk = saved.pk

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Checklist.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # change it instead: verdicts keep pointing at its codes


@admin.register(Solution)
class SolutionAdmin(ReadOnlyHrAdmin):
    list_display = ("title", "author", "customer_name", "project_id", "created_at")
    search_fields = ("title", "customer_name", "project_id")


@admin.register(ValidationRound)
class ValidationRoundAdmin(ReadOnlyHrAdmin):
    list_display = ("solution", "number", "state", "submitted_at", "decided_at", "workdays_to_verdict")
    list_filter = ("state",)


@admin.register(ReviewerVerdict)
class ReviewerVerdictAdmin(ReadOnlyHrAdmin):
    list_display = ("round", "reviewer", "function", "verdict", "decided_at")
    list_filter = ("function", "verdict")
