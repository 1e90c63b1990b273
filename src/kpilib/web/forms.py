"""Forms of the web interface (input shape only; rules live in services)."""

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kpilib.web.labels import column_list

ALLOWED_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json")


EMPLOYEE_COLUMNS = (
    "employee_id", "name", "email", "org_unit", "position", "manager_id", "region", "hire_date",
)


class EmployeeImportForm(forms.Form):
    file = forms.FileField(label=_("Employee file"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Column names are what the file must say, so they are shown as code.
        self.fields["file"].help_text = format_html(
            _(
                "CSV, XLSX or JSON with the columns {columns}. UTF-8 and GBK (Excel) files "
                "are both fine."
            ),
            columns=column_list(EMPLOYEE_COLUMNS),
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
