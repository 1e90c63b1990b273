"""Template filters for kpilib pages."""

from typing import Any

from django import template

from kpilib.engine.explain import DISPLAY_DIGITS, fixed_value

register = template.Library()


@register.filter
def fixed(number: object, digits: int = DISPLAY_DIGITS) -> str:
    """Points and totals at the plan's decimals: `{{ card.total|fixed:cycle.precision }}`.

    Anything but a number (no scorecard yet: the template's empty string) shows `—`."""
    if not isinstance(number, int | float):
        return "—"
    return fixed_value(number, int(digits))


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping|get_item:key`: look up a dictionary key that is not a valid attribute name."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


@register.filter
def metric_name(code: str) -> Any:
    """`fact.metric|metric_name`: the metric's name from the metric catalogue."""
    from kpilib.web.labels import metric_name as name

    return name(code)


@register.filter
def fact_value(fact: Any) -> str:
    """`fact|fact_value`: the value with its meaning where it has one (web.labels.fact_value)."""
    from kpilib.web.labels import fact_value as shown

    return shown(fact.metric, fact.value)


@register.filter
def tag_name(tag: str) -> Any:
    """`tag|tag_name`: a library tag's name, or the tag as typed."""
    from kpilib.web.labels import tag_name as name

    return name(tag)


@register.filter
def vocab(value: Any, kind: str) -> Any:
    """`document.period|vocab:"period"`: the name of a stored code of that kind."""
    from kpilib.web.labels import vocab as name

    return name(kind, value)


@register.filter
def audit_lines(events: Any) -> Any:
    """`events|audit_lines`: audit events with model, field and choice labels (audit.display)."""
    from kpilib.audit.display import event_lines

    return event_lines(list(events))


@register.filter
def audit_model_label(object_type: str) -> str:
    """`"library.indicator"|audit_model_label`: the model's name in the reader's language."""
    from kpilib.audit.display import model_label

    return model_label(object_type)


@register.filter
def note_text(stored: str) -> str:
    """`revision.note|note_text`: a system note in the reader's language (kpilib.notes)."""
    from kpilib.notes import note_text as text

    return text(stored or "")


@register.filter
def column_label(column: str) -> Any:
    """`column|column_label`: a file contract column's name (web.labels.COLUMNS)."""
    from kpilib.web.labels import column_label as label

    return label(column)


@register.simple_tag
def fact_columns() -> Any:
    """`{% fact_columns as columns %}`: the §5 fact columns, as code, for help texts."""
    from kpilib.ingest.connectors import FACT_COLUMNS
    from kpilib.web.labels import column_list

    return column_list(list(FACT_COLUMNS))


@register.filter
def vendor_text(text: str) -> Any:
    """Another product's own words (its menus, its column names): shown as they are."""
    from django.utils.html import format_html

    return format_html('<span translate="no">{}</span>', text)


@register.filter
def region_name(region: str) -> str:
    """`person.region|region_name`: a region (stored as its unit's name) in the reader's language."""
    from kpilib.org.models import OrgUnit

    if not region:
        return ""
    unit = OrgUnit.objects.filter(name=region).only("name", "name_en").first()
    return unit.local_name if unit else region


@register.filter
def region_names(regions: Any) -> str:
    """`plan.regions|region_names`: several regions, comma-separated, in the reader's language."""
    return ", ".join(region_name(region) for region in regions or ())
