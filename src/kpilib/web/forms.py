"""Forms of the web interface (input shape only; rules live in services)."""

from typing import Any

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
        return checked_table_upload(self.cleaned_data["file"])


def checked_table_upload(upload: Any) -> Any:
    """A table upload of a readable kind and within `KPILIB_MAX_UPLOAD_MB`, else a form error.

    Checked before the file is read: Django has streamed a large upload to a temporary
    file, so a refused upload never sits in memory."""
    if not upload.name.lower().endswith(ALLOWED_TABLE_SUFFIXES):
        raise forms.ValidationError(
            _("%(name)s: please upload a .csv, .xlsx or .json file.") % {"name": upload.name}
        )
    limit = settings.KPILIB_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _(
                "%(name)s is %(size)s MB: larger than the upload limit of %(limit)s MB "
                "(KPILIB_MAX_UPLOAD_MB)."
            )
            % {
                "name": upload.name,
                "size": f"{upload.size / 1048576:.1f}",
                "limit": f"{limit / 1048576:g}",
            }
        )
    return upload


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
