"""Forms of the data pages: upload, column mapping, owner mapping (input shape only)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kpilib.ingest.connectors import CONNECTOR_CHOICES
from kpilib.ingest.models import Source
from kpilib.ingest.selectors import MappingChoice
from kpilib.org.models import Employee
from kpilib.web.forms import checked_table_upload


class FactUploadForm(forms.Form):
    """A file and the source it comes from (an existing one, or a new one named here)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, XLSX or JSON: a facts file, or an export of the source's system. "
            "UTF-8 and GBK (Excel) files are both fine; commas, semicolons or tabs."
        ),
    )
    source = forms.ModelChoiceField(
        label=_("Data source"), queryset=Source.objects.order_by("name"), required=False
    )
    new_source = forms.SlugField(
        label=_("…or a new data source named"), max_length=64, required=False
    )
    new_kind = forms.ChoiceField(
        label=_("Connector of the new source"), choices=CONNECTOR_CHOICES, required=False
    )

    def clean_file(self) -> Any:
        return checked_table_upload(self.cleaned_data["file"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("new_source")
        if not data.get("source") and not name:
            raise forms.ValidationError(_("Choose a data source or name a new one."))
        if name and Source.objects.filter(name=name).exists():
            self.add_error("new_source", _("A data source with this name exists: choose it."))
        return data


class MappingForm(forms.Form):
    """One choice per field of the source: which column of the file fills it."""

    def __init__(
        self, *args: Any, headers: Sequence[str], choices: Sequence[MappingChoice], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("— not in this file —")), *((header, header) for header in headers)]
        self.slots = [choice.slot for choice in choices]
        for index, choice in enumerate(choices):
            self.fields[f"slot_{index}"] = forms.ChoiceField(
                label=choice.slot,
                choices=options,
                required=choice.required,
                initial=choice.column or "",
            )

    def mapping(self) -> dict[str, str]:
        return {slot: self.cleaned_data[f"slot_{index}"] for index, slot in enumerate(self.slots)}


class OwnerAliasForm(forms.Form):
    """How the source names an owner (CRM user name, id or e-mail) → an employee number."""

    alias = forms.CharField(label=_("Name or id in the source"), max_length=200)
    employee_number = forms.CharField(label=_("Employee number"), max_length=50)

    def clean_employee_number(self) -> Employee:
        number = self.cleaned_data["employee_number"].strip()
        employee = Employee.objects.filter(employee_id=number).first()
        if employee is None:
            raise forms.ValidationError(
                _("No employee has the number %(number)s.") % {"number": number}
            )
        return employee


ENCODING_CHOICES = [
    ("gb18030", _("GB18030 / GBK (Chinese Excel)")),
    ("utf-8", _("UTF-8")),
    ("utf-16", _("UTF-16 (Excel \u201cUnicode text\u201d)")),
    ("cp1252", _("Western European (Windows-1252)")),
    ("latin-1", _("Latin-1 (ISO-8859-1)")),
]


class EncodingForm(forms.Form):
    """The encoding a person chooses for a file whose encoding was not certain."""

    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)
