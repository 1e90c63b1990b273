"""Shared fixtures."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.factories import Org, make_org


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    # A request served in Chinese leaves Chinese active in the thread: every test starts
    # from the test settings' language instead of inheriting the previous test's.
    with translation.override("en"):
        yield


@pytest.fixture
def org(db: None) -> Org:
    return make_org()
