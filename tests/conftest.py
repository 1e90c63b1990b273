"""Shared fixtures."""

import pytest

from tests.factories import Org, make_org


@pytest.fixture
def org(db: None) -> Org:
    return make_org()
