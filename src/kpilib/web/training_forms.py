"""Forms of the training pages: the catalogues, an attempt, a certification earned, an
LMS import. The rules (who, which values) are the services'; these only read input."""

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kpilib.org.models import Employee
from kpilib.training.models import Certification, Exam
from kpilib.web.forms import checked_table_upload
from kpilib.web.labels import column_list


class ExamForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=80)
    name = forms.CharField(label=_("Exam name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    pass_line = forms.FloatField(label=_("Pass line"), initial=80, min_value=0, max_value=1000)
    counting = forms.ChoiceField(label=_("Attempt that counts"), choices=Exam.Counting.choices)


class CertificationForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=80)
    name = forms.CharField(label=_("Certification name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"), required=False, min_value=1, max_value=240,
        help_text=_("Empty: it does not expire."),
    )
    renewal_window_days = forms.IntegerField(
        label=_("Renewal window (days)"), initial=90, min_value=0, max_value=365
    )


class _PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.employee_id})"


class AttemptForm(forms.Form):
    employee = _PersonField(label=_("Employee"), queryset=Employee.objects.none())
    taken_on = forms.DateField(label=_("Taken on"), widget=forms.DateInput(attrs={"type": "date"}))
    score = forms.FloatField(label=_("Score"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = people  # type: ignore[attr-defined]


class HeldForm(forms.Form):
    certification = forms.ModelChoiceField(
        label=_("Certification"),
        queryset=Certification.objects.filter(is_active=True),
        widget=forms.Select(attrs={"translate": "no"}),  # names are master data
    )
    employee = _PersonField(label=_("Employee"), queryset=Employee.objects.none())
    earned_on = forms.DateField(label=_("Earned on"), widget=forms.DateInput(attrs={"type": "date"}))
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = people  # type: ignore[attr-defined]


class ExamImportForm(forms.Form):
    file = forms.FileField(label=_("Learning system export"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from kpilib.training.services import EXAM_COLUMNS

        super().__init__(*args, **kwargs)
        # Column names are what the file must say, so they are shown as code.
        self.fields["file"].help_text = format_html(
            _("CSV or XLSX with the columns {columns} (or their Chinese names {chinese}); UTF-8 or GBK."),
            columns=column_list([names[0] for names in EXAM_COLUMNS.values()]),
            chinese=column_list([names[1] for names in EXAM_COLUMNS.values()]),
        )

    def clean_file(self) -> Any:
        return checked_table_upload(self.cleaned_data["file"])
