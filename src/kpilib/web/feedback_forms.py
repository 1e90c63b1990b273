"""Forms of 360 feedback; the rules (who, when, how many) are `feedback.services`'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kpilib.appraisal.models import Cycle
from kpilib.feedback.models import Question, Relationship
from kpilib.org.models import Employee, OrgUnit

#: The groups a subject or manager nominates into (self and the manager are kpilib's).
NOMINATED_GROUPS = [
    (value, label) for value, label in Relationship.choices
    if value not in (Relationship.SELF, Relationship.MANAGER, Relationship.CUSTOMER)
]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    deadline = forms.DateField(label=_("Answers due by"), widget=forms.DateInput(attrs={"type": "date"}))
    cycle = forms.ModelChoiceField(
        label=_("Appraisal cycle"), queryset=Cycle.objects.order_by("-end"), required=False,
        help_text=_("Empty: a campaign of its own, outside any appraisal cycle."),
    )
    min_group = forms.IntegerField(
        label=_("Minimum group size"), initial=3, min_value=3, max_value=20,
        help_text=_("A group with fewer raters is pooled with other small groups, or withheld."),
    )
    split_comments = forms.BooleanField(
        label=_("Split and shuffle comments"), required=False,
        help_text=_("Comments are cut into sentences and shuffled, so writing style gives nobody away."),
    )


class SubjectsForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Everyone in"), queryset=OrgUnit.objects.order_by("path"), required=False,
        help_text=_("The unit and every unit below it."),
    )
    employees = forms.ModelMultipleChoiceField(
        label=_("Or these people"), queryset=Employee.objects.filter(left_on__isnull=True).order_by("employee_id"),
        required=False,
    )

    def people(self) -> list[Employee]:
        chosen = list(self.cleaned_data.get("employees") or [])
        unit = self.cleaned_data.get("unit")
        if unit is not None:
            chosen += list(
                Employee.objects.filter(org_unit__path__startswith=unit.path, left_on__isnull=True)
                .order_by("employee_id")
            )
        return chosen


class NominationForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Rater group"), choices=NOMINATED_GROUPS)
    rater = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=Employee.objects.filter(left_on__isnull=True, user__isnull=False).order_by("name"),
    )


class CustomerForm(forms.Form):
    external_name = forms.CharField(label=_("Customer's name"), max_length=200)
    external_email = forms.EmailField(label=_("Customer's e-mail"))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person is told, so they can ask someone else."),
    )


def answers_from(post: Any, questions: list[Question]) -> dict[str, Any]:
    """The answers as posted: `score-<code>` (1–5, or `na` for not able to rate, or
    nothing yet), `comment-<code>`, and `text-<code>` for open questions."""
    answers: dict[str, Any] = {}
    for question in questions:
        if question.kind == Question.Kind.OPEN:
            text = post.get(f"text-{question.code}", "")
            if text.strip():
                answers[question.code] = {"text": text}
            continue
        score = post.get(f"score-{question.code}", "")
        comment = post.get(f"comment-{question.code}", "")
        if score == "na":
            answers[question.code] = {"score": None, "comment": comment}
        elif score:
            answers[question.code] = {"score": score, "comment": comment}
        elif comment.strip():
            answers[question.code] = {"comment": comment}  # no choice yet: a draft only
    return answers
