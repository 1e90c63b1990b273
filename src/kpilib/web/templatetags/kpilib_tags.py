"""Template filters for kpilib pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping|get_item:key`: look up a dictionary key that is not a valid attribute name."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)
