"""Forms for appraisal plans and cycles (input shape only; rules live in the services)."""

from collections.abc import Sequence
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from kpilib.appraisal.models import Cycle
from kpilib.library.models import PlanTemplate
from kpilib.library.selectors import local_text_of
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.org.selectors import org_regions
from kpilib.plans.models import Plan


class TemplateChoiceField(forms.ModelChoiceField):
    """Templates by their name in the active language (the code only when it has none)."""

    def label_from_instance(self, obj: PlanTemplate) -> str:
        return local_text_of(obj.definition.get("name")) or obj.name or obj.code


class PlanCreateForm(forms.Form):
    template = TemplateChoiceField(label=_("Template"), queryset=PlanTemplate.objects.all())
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_zh_hans = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    positions = forms.ModelMultipleChoiceField(
        label=_("Positions"), queryset=Position.objects.all(), widget=forms.CheckboxSelectMultiple
    )


class VariantForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_zh_hans = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisation's regions; the variant takes the parent's people in them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [
            (region.name, region.local_name) if isinstance(region, OrgUnit) else (region, region)
            for region in org_regions()
        ]

    def region_list(self) -> list[str]:
        return list(self.cleaned_data["regions"])


class AdministratorForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"), queryset=Employee.objects.filter(left_on__isnull=True)
    )


class RevisionForm(forms.Form):
    """Weights per indicator (points), grade bands and rule overrides as YAML, personal goals."""

    grade_bands = forms.CharField(
        label=_("Grade bands (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
    )
    rule_overrides = forms.CharField(
        label=_("Rule overrides (YAML, by indicator code)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
    )
    personal_mode = forms.ChoiceField(
        label=_("Personal goals"), choices=Plan.PersonalMode.choices, required=False
    )
    personal_share = forms.FloatField(
        label=_("Points for personal goals"), required=False, min_value=0, max_value=99
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, weights: dict[str, float | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.weight_codes = list(weights)
        for code, weight in weights.items():
            self.fields[f"weight__{code}"] = forms.FloatField(
                label=code, min_value=0, max_value=100, initial=weight, required=False
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for key in ("grade_bands", "rule_overrides"):
            raw = cleaned.get(key) or ""
            try:
                cleaned[key] = yaml.safe_load(raw) if raw.strip() else None
            except yaml.YAMLError as error:
                self.add_error(key, str(getattr(error, "problem", "") or _("not valid YAML")))
        return cleaned

    def weights(self) -> dict[str, float | None]:
        """Points per indicator; an empty field keeps the indicator without a weight yet."""
        return {code: self.cleaned_data.get(f"weight__{code}") for code in self.weight_codes}


class IndicatorAddForm(forms.Form):
    """Add one library indicator to the draft, with its weight when it is known already."""

    indicator = forms.ChoiceField(label=_("Add an indicator"))
    weight = forms.FloatField(
        label=_("Weight / points"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("May stay empty: set it later in the weights table."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *choices]


class WhatIfForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        initial="",
        help_text=_("2026-Q3, 2026-09, 2026 or 2026-07-01..2026-09-30"),
    )


class CycleCreateForm(forms.Form):
    name = forms.CharField(label=_("Cycle name"), max_length=200)
    name_en = forms.CharField(
        label=_("English name"),
        max_length=200,
        required=False,
        help_text=_("Shown to English readers; the name is shown when this is empty."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Cycle.Kind.choices)
    period = forms.CharField(label=_("Period"), help_text=_("2026-Q3, 2026-09 or 2026"))
    grade_targets = forms.CharField(
        label=_("Grade targets"),
        required=False,
        help_text=_("Largest share per grade, e.g. S=10%, A=30%"),
    )
    forced_distribution = forms.BooleanField(label=_("Forced distribution"), required=False)
    distribution_rounding = forms.ChoiceField(
        label=_("Rounding of grade targets to whole people"),
        choices=Cycle.Rounding.choices,
        initial=Cycle.Rounding.NEAREST,
        required=False,
        help_text=_(
            "A target of 30% in a team of 3 is 0.9 people: rounded down it allows nobody, "
            "to the nearest or at least one it allows 1."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for phase, label in Cycle.Phase.choices[:-1]:
            self.fields[f"deadline__{phase}"] = forms.DateField(
                label=_("Deadline: %(phase)s") % {"phase": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned values as `cycle_create` takes them (deadlines gathered by phase)."""
        data = dict(self.cleaned_data)
        deadlines = {
            name.removeprefix("deadline__"): data.pop(name).isoformat()
            for name in list(data)
            if name.startswith("deadline__") and data[name]
        }
        for name in [n for n in data if n.startswith("deadline__")]:
            data.pop(name)
        data["distribution_rounding"] = data.get("distribution_rounding") or Cycle.Rounding.NEAREST
        return {**data, "phase_deadlines": deadlines}

    def clean_grade_targets(self) -> dict[str, float]:
        targets: dict[str, float] = {}
        raw = self.cleaned_data.get("grade_targets") or ""
        for part in raw.replace("，", ",").split(","):
            if not part.strip():
                continue
            grade, _sep, share = part.partition("=")
            try:
                value = float(share.strip().rstrip("%")) / 100
            except ValueError:
                raise forms.ValidationError(_("write targets like S=10%, A=30%")) from None
            targets[grade.strip()] = value
        return targets


class CalibrationForm(forms.Form):
    grade = forms.CharField(max_length=16)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CycleAdvanceForm(forms.Form):
    """Moving a cycle on; the reason is needed (and audited) only when moving on early."""

    reason = forms.CharField(
        label=_("Why move on before the phase is finished?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    distribution_reason = forms.CharField(
        label=_("Why keep grades above their targets?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ManualScoreForm(forms.Form):
    """HR scores a participant without data by hand: a total and the reason."""

    total = forms.FloatField(label=_("Total (0–100)"), min_value=0, max_value=100)
    reason = forms.CharField(label=_("Why score by hand?"), max_length=2000)


class AppealForm(forms.Form):
    """An employee's appeal: about one line's data, or (no line) about the grade."""

    line_code = forms.ChoiceField(label=_("What is it about?"), required=False, choices=())
    text = forms.CharField(
        label=_("What do you appeal, and why?"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, lines: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line_code"].choices = [
            ("", _("the grade or the result as a whole")),
            *((code, _("the data of %(line)s") % {"line": name}) for code, name in lines),
        ]


class AppealAnswerForm(forms.Form):
    """HR's answer to an appeal; upholding it with a grade chosen from the plan's grades."""

    response = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    uphold = forms.BooleanField(label=_("Uphold: publish a corrected scorecard"), required=False)
    grade = forms.ChoiceField(label=_("Corrected grade"), required=False, choices=())
    grade_reason = forms.CharField(
        label=_("Why this grade, if the corrected total gives another"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, grades: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [
            ("", _("the grade the corrected total gives")),
            *((grade, grade) for grade in grades),
        ]
