"""Forms of solution validation; the rules (who, how many, which reasons) are
`validation.services`'."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kpilib.org.models import Employee


class ReviewerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        unit = obj.org_unit.local_name if obj.org_unit_id else ""
        return f"{obj.name} · {unit}" if unit else obj.name


def _reviewers(label: Any) -> ReviewerChoice:
    return ReviewerChoice(
        label=label, required=False,
        queryset=Employee.objects.filter(left_on__isnull=True, user__isnull=False).select_related("org_unit").order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class SolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary of the solution"), widget=forms.Textarea(attrs={"rows": 5}))
    customer_name = forms.CharField(label=_("Customer"), max_length=200, required=False)
    customer_id = forms.CharField(label=_("Customer id (CRM)"), max_length=100, required=False)
    project_id = forms.CharField(label=_("Project id"), max_length=100, required=False)
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    product_reviewers = _reviewers(_("Reviewers from product"))
    delivery_reviewers = _reviewers(_("Reviewers from delivery"))
    notes = forms.CharField(
        label=_("Notes for the reviewers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed since the last round, what to look at."),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if exclude is not None:
            for name in ("product_reviewers", "delivery_reviewers"):
                field = self.fields[name]
                field.queryset = field.queryset.exclude(pk=exclude)  # type: ignore[attr-defined]

    def reviewers(self) -> list[tuple[Employee, str]]:
        return [(person, "product") for person in self.cleaned_data.get("product_reviewers") or []] + [
            (person, "delivery") for person in self.cleaned_data.get("delivery_reviewers") or []
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"], "summary": data["summary"], "customer_name": data["customer_name"],
            "customer_id": data["customer_id"], "project_id": data["project_id"], "product": data["product"],
            "notes": data["notes"], "attachment": data.get("attachment") or None, "reviewers": self.reviewers(),
        }


class VerdictForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Checklist items it fails"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Required for a fail."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, checklist: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        self.fields["reasons"].choices = [  # type: ignore[attr-defined]
            (code, checklist.name_of(code, language)) for code in checklist.codes()
        ]


def solution_initial(solution: Any) -> dict[str, Any]:
    last = solution.rounds.all()
    verdicts = list(last[len(last) - 1].verdicts.all()) if last else []
    return {
        "title": solution.title, "summary": solution.summary, "customer_name": solution.customer_name,
        "customer_id": solution.customer_id, "project_id": solution.project_id, "product": solution.product,
        "product_reviewers": [v.reviewer_id for v in verdicts if v.function == "product"],
        "delivery_reviewers": [v.reviewer_id for v in verdicts if v.function == "delivery"],
    }
