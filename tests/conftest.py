"""Shared fixtures."""

from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import HealthCheck, settings

from tests.factories import Org, make_org

# Property tests are seeded like everything else (derandomize: the same examples every run)
# and never time-boxed: a busy 2-core CI machine is not a slow test, and "too slow" health
# checks tripping under load made the suite flaky. `make fuzz` explores with random seeds.
settings.register_profile(
    "kpilib",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("kpilib")


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    # A request served in Chinese leaves Chinese active in the thread: every test starts
    # from the test settings' language instead of inheriting the previous test's.
    with translation.override("en"):
        yield


@pytest.fixture
def org(db: None) -> Org:
    return make_org()
