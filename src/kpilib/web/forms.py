"""Forms of the web interface (input shape only; rules live in services)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ALLOWED_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json")


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Employee file"),
        help_text=_(
            "CSV, XLSX or JSON with the columns employee_id, name, email, org_unit, position, "
            "manager_id, region, hire_date. UTF-8 and GBK (Excel) files are both fine."
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_TABLE_SUFFIXES):
            raise forms.ValidationError(
                _("%(name)s: please upload a .csv, .xlsx or .json file.") % {"name": upload.name}
            )
        return upload


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
