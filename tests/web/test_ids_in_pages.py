"""Ids in pages are never grouped like counts: with thousands separators on, a link
`?unit={{ unit_id }}`, an element id or a hidden field's value would read "1,234" once ids
pass 999 — which PostgreSQL's sequences reach first (the director's team links broke so on
PostgreSQL under xdist). Counts shown to people group explicitly with `|intcomma`."""

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_id_renders_as_its_digits(language: str) -> None:
    template = Template('<a href="?unit={{ unit_id }}" id="report-{{ pk }}">{{ total }}</a>')
    with translation.override(language):
        html = template.render(Context({"unit_id": 1234, "pk": 56789, "total": 1234}))
    assert html == '<a href="?unit=1234" id="report-56789">1234</a>'


def test_a_count_groups_when_asked_in_english() -> None:
    template = Template("{% load humanize %}{{ count|intcomma }}")
    with translation.override("en"):
        assert template.render(Context({"count": 1234567})) == "1,234,567"
