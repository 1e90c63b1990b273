"""The indicator editing form: metadata as fields; measure and rule from the builder
(web/indicator_builder.py) or, in the advanced tab, as YAML text."""

from typing import Any

import yaml
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kpilib.library.models import Dimension, Indicator, Objective
from kpilib.library.selectors import yaml_block
from kpilib.org.models import Employee
from kpilib.web import indicator_builder
from kpilib.web.labels import column_list

PERIODS = [("month", _("month")), ("quarter", _("quarter")), ("year", _("year"))]
DIRECTIONS = [("higher_better", _("higher is better")), ("lower_better", _("lower is better"))]
TIMINGS = [("leading", _("leading")), ("lagging", _("lagging"))]
YAML_FIELDS = ("measure", "inputs", "rule", "missing")
# The measure and the rule are edited in the builder or the YAML tab; the posted `editor`
# says which one the person was using, and that one is what is saved.
BUILDER, YAML = "builder", "yaml"
EDITED_IN_TABS = ("measure", "rule")


class IndicatorForm(forms.Form):
    """Builds the engine definition of an indicator; the engine then validates it."""

    code = forms.SlugField(label=_("Code"), max_length=64)
    name_zh_hans = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    definition_zh_hans = forms.CharField(
        label=_("Definition (Chinese)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    definition_en = forms.CharField(
        label=_("Definition (English)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    dimension = forms.ChoiceField(label=_("Dimension"))
    unit_zh_hans = forms.CharField(label=_("Unit (Chinese)"), max_length=50)
    unit_en = forms.CharField(label=_("Unit (English)"), max_length=50)
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS)
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS)
    data_source = forms.CharField(label=_("Data source"), max_length=64)
    leading_or_lagging = forms.ChoiceField(label=_("Leading or lagging"), choices=TIMINGS)
    default_weight = forms.FloatField(
        label=_("Default weight (points)"), min_value=0.01, max_value=100
    )
    tags = forms.CharField(label=_("Tags"), required=False)
    objectives = forms.MultipleChoiceField(
        label=_("Objectives served"), required=False, widget=forms.CheckboxSelectMultiple
    )
    counters = forms.CharField(
        label=_("Counters metrics"),
        required=False,
    )
    measure = forms.CharField(
        label=_("Measure (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
    )
    inputs = forms.CharField(
        label=_("Other inputs (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "code"}),
    )
    rule = forms.CharField(
        label=_("Scoring rule (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "code"}),
    )
    missing = forms.CharField(
        label=_("Missing data (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "code"}),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Employee.objects.filter(left_on__isnull=True), required=False
    )
    purpose_zh_hans = forms.CharField(
        label=_("Purpose (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    purpose_en = forms.CharField(
        label=_("Purpose (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def details(self) -> dict[str, Any]:
        """What the library keeps beside the definition: owner and purpose."""
        return {
            "owner": self.cleaned_data.get("owner"),
            "purpose_zh_hans": self.cleaned_data.get("purpose_zh_hans", ""),
            "purpose_en": self.cleaned_data.get("purpose_en", ""),
        }

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [(d.code, str(d)) for d in Dimension.objects.all()]
        self.fields["objectives"].choices = [(o.code, str(o)) for o in Objective.objects.all()]
        # Tags are written as codes, so the examples are shown as code.
        self.fields["tags"].help_text = format_html(
            _("Comma-separated codes, e.g. {examples}"),
            examples=column_list(["quality", "new_customer"]),
        )
        self.fields["counters"].help_text = format_html(
            _(
                "Comma-separated metric codes whose abnormal rise this indicator answers, e.g. {examples}"
            ),
            examples=column_list(["complaint"]),
        )
        if indicator is not None:
            self.fields["code"].disabled = True

    @classmethod
    def initial_from(cls, document: dict[str, Any]) -> dict[str, Any]:
        """Form values showing a stored definition."""

        def text(key: str, language: str) -> str:
            return str((document.get(key) or {}).get(language, ""))

        return {
            "code": document.get("code", ""),
            "name_zh_hans": text("name", "zh-Hans"),
            "name_en": text("name", "en"),
            "definition_zh_hans": text("definition", "zh-Hans"),
            "definition_en": text("definition", "en"),
            "unit_zh_hans": text("unit", "zh-Hans"),
            "unit_en": text("unit", "en"),
            "tags": ", ".join(document.get("tags", [])),
            "counters": ", ".join(document.get("counters", [])),
            **{
                key: document.get(key)
                for key in (
                    "dimension",
                    "period",
                    "direction",
                    "data_source",
                    "leading_or_lagging",
                    "default_weight",
                    "objectives",
                )
            },
            **{key: yaml_block(document.get(key)) for key in YAML_FIELDS},
        }

    @property
    def editor(self) -> str:
        """The tab the measure and rule were edited in (YAML unless the builder says so)."""
        return BUILDER if self.data.get("editor") == BUILDER else YAML

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for key in YAML_FIELDS:
            if key in EDITED_IN_TABS and self.editor == BUILDER:
                continue
            raw = cleaned.get(key) or ""
            try:
                cleaned[key] = yaml.safe_load(raw) if raw.strip() else None
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = _("line %(line)d: ") % {"line": mark.line + 1} if mark else ""
                self.add_error(
                    key, f"{where}{getattr(error, 'problem', '') or _('not valid YAML')}"
                )
        if self.editor == BUILDER:
            cleaned["measure"] = indicator_builder.parse_measure(self.data) or None
            cleaned["rule"] = indicator_builder.parse_rule(self.data) or None
        return cleaned

    def partial_document(self) -> dict[str, Any]:
        """What is filled in so far, as a definition (only valid, non-empty fields).

        Call after `is_valid()`: fields that failed are left out, so the SMART check can
        judge what is there (`library.selectors.smart_report_so_far`). A text is kept
        only when both its languages are written.
        """
        document = self._described(getattr(self, "cleaned_data", {}))
        for key in ("name", "definition", "unit"):
            if not all(document[key].values()):
                del document[key]
        return {key: value for key, value in document.items() if value not in (None, "", [], {})}

    def document(self) -> dict[str, Any]:
        """The engine definition the form describes (validated by the engine, not here)."""
        document = self._described(self.cleaned_data)
        for optional in ("inputs", "missing"):
            if not document[optional]:
                del document[optional]
        return document

    @staticmethod
    def _described(data: dict[str, Any]) -> dict[str, Any]:
        def text(key: str) -> dict[str, str]:
            return {"zh-Hans": data.get(f"{key}_zh_hans") or "", "en": data.get(f"{key}_en") or ""}

        def codes(key: str) -> list[str]:
            return [code.strip() for code in (data.get(key) or "").split(",") if code.strip()]

        return {
            "code": data.get("code"),
            "name": text("name"),
            "definition": text("definition"),
            "dimension": data.get("dimension"),
            "unit": text("unit"),
            "period": data.get("period"),
            "direction": data.get("direction"),
            "data_source": data.get("data_source"),
            "leading_or_lagging": data.get("leading_or_lagging"),
            "tags": codes("tags"),
            "objectives": list(data.get("objectives") or []),
            "counters": codes("counters"),
            "default_weight": data.get("default_weight"),
            "measure": data.get("measure"),
            "rule": data.get("rule"),
            "inputs": data.get("inputs"),
            "missing": data.get("missing"),
        }


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it retired?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    replaced_by = forms.ModelChoiceField(
        label=_("Replaced by"), queryset=Indicator.objects.exclude(status="retired"), required=False
    )


class PackImportForm(forms.Form):
    file = forms.FileField(
        label=_("Pack or indicator file"),
        help_text=_("A YAML library pack, or an XLSX sheet of indicators exported from here."),
    )
