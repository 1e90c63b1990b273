"""Template filters for daily report pages: the hint engine's quality and reasons in words."""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

QUALITY_NAMES = {
    "perfunctory": _("perfunctory"),
    "normal": _("normal"),
    "constructive": _("constructive"),
}


@register.filter
def quality_name(code: str) -> Any:
    """`verdict.quality|quality_name`: 敷衍 / 正常 / 建设性 in the reader's language."""
    return QUALITY_NAMES.get(code, code)


@register.filter
def hint_reasons(verdict: Any, language: str) -> list[str]:
    """`verdict|hint_reasons:language`: each hint's reason in words."""
    return [hint.reason(language) for hint in verdict.hints]
