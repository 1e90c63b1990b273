"""Every page each role can reach, in zh-Hans and in en, shows only the reader's language.

The crawl (tests/browser/crawl.py) is generic: it starts from the URL map and follows the
links each role is shown, so the pages of a new app are checked as soon as they exist.
A finding names the page, the element and the text.
"""

from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.db.models import SlugField
from django.utils import translation

from kpilib import metrics
from kpilib.accounts.models import User
from kpilib.ingest.models import Source
from kpilib.org.models import Employee
from kpilib.web.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import sign_in
from tests.browser.crawl import Checker, crawl

# The demo is built back from its day, and the crawl's pages read the same day.
DEMO_DAY = "2026-11-20"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(DEMO_DAY)]

ROLES = ("hr", "director", "manager", "engineer")
LANGUAGES = (("zh-hans", "zh-CN"), ("en", "en-US"))


def raw_values(language: str) -> dict[str, set[str]]:
    """Stored values that must never stand alone as a label: choice values, codes (every
    slug field's values in the database) and metric codes."""
    values: dict[str, set[str]] = {}
    with translation.override(language):
        for model in apps.get_models():
            for model_field in model._meta.get_fields():
                for value, label in getattr(model_field, "flatchoices", None) or ():
                    if isinstance(value, str) and value and value != str(label):
                        values.setdefault(value, set()).add(str(label))
                if isinstance(model_field, SlugField) and model is not Source:
                    codes = model._default_manager.values_list(model_field.name, flat=True)
                    for code in codes[:2000]:
                        values.setdefault(code, set())
        for metric in metrics.codes():
            values.setdefault(metric, set())
    return values


def data_names() -> set[str]:
    """Names that are data in every language: people's, and HR's names for data sources."""
    return set(Employee.objects.values_list("name", flat=True)) | set(
        Source.objects.values_list("name", flat=True)
    )


@pytest.fixture
def demo(tmp_path: Path) -> None:
    with time_machine.travel(f"{DEMO_DAY} 09:00 +08:00", tick=False):
        demo_load(folder=tmp_path / "demo", engineers=8, months=6, seed=7)


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_every_page_of_every_role_is_in_the_readers_language(
    browser: object, live_server: object, demo: None, language: str, locale: str
) -> None:
    # given the demo organisation and a checker that knows people's names and stored values
    checker = Checker(
        language=language,
        data_names=data_names(),
        raw_values=raw_values(language),
    )
    # (the demo logins' saved languages give way to the browser's, which is the one tested)
    User.objects.update(language="")
    findings, visited = [], 0
    for role in ROLES:
        context = browser.new_context(  # type: ignore[attr-defined]
            locale=locale, viewport={"width": 1280, "height": 800}, base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        # when the role signs in and crawls every page it can reach
        sign_in(page, role, DEMO_PASSWORD)
        result = crawl(page, checker=checker, base_url=live_server.url)  # type: ignore[attr-defined]
        visited += len(result.visited)
        findings.extend(f"{role}: {finding}" for finding in result.findings)
        context.close()
    # then nothing on any page is in the other language or a raw identifier
    unique = sorted(set(findings))
    assert visited > 20
    assert not unique, f"{len(unique)} strings not in {language}:\n" + "\n".join(unique)
