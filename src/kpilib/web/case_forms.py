"""Forms of the case library; the rules (who, when) are `cases.services`'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kpilib.library.models import Objective


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    customer = forms.CharField(label=_("Customer"), max_length=200, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    problem = forms.CharField(label=_("The customer's problem"), widget=forms.Textarea(attrs={"rows": 4}))
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 5}))
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas.")
    )
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectives served"),
        queryset=Objective.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [tag.strip() for tag in raw.replace("，", ",").split(",") if tag.strip()]


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning the case: say what to change."),
    )


class ReuseForm(forms.Form):
    note = forms.CharField(label=_("Where it helped"), max_length=300, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


def case_initial(case: Any) -> dict[str, Any]:
    return {
        "title": case.title, "customer": case.customer, "industry": case.industry,
        "product": case.product, "problem": case.problem, "solution": case.solution,
        "result": case.result, "tags": ", ".join(case.tags or []),
        "objectives": list(case.objectives.all()),
    }
