"""Shared fixtures."""

import contextlib
import datetime
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import HealthCheck, settings

from kpilib import clock
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


class UnpinnedClock(Exception):
    """A test read the real clock without pinning its date."""


class ClockGuard:
    """The real clock refuses to answer a test that has not pinned its date (issue 10).

    `tests/test_one_clock.py` proves that only `kpilib.clock` reads the date; this guard
    makes its `today()` and `now()` raise unless time_machine is travelling, which a test
    arranges with `time_machine.travel`, the `time_machine` fixture or the
    `@pytest.mark.today(date)` marker (pinned from set-up to teardown, fixtures
    included). A test that passes `today=` never reaches the clock.

    Every refused read is also recorded and fails the test at teardown, so a read cannot
    pass silently when a view, a task or the live server's thread catches the exception.
    """

    def __init__(self) -> None:
        self.test = "outside any test"
        self.reads: list[str] = []

    def guard(self, read: Callable[[], Any]) -> Callable[[], Any]:
        def guarded() -> Any:
            if time_machine.escape_hatch.is_travelling():
                return read()
            message = (
                f"{self.test} reads the real clock without pinning it "
                f"(kpilib.clock.{read.__name__}()): use time_machine or pass today="
            )
            self.reads.append(message)
            raise UnpinnedClock(message)

        guarded.__name__ = read.__name__
        guarded.__doc__ = read.__doc__
        return guarded

    def check(self) -> None:
        """Fail the current test if it read the real clock, even if the error was caught."""
        reads, self.reads = self.reads, []
        if reads:
            pytest.fail("\n".join(dict.fromkeys(reads)), pytrace=False)


CLOCK_GUARD = ClockGuard()
# Installed when the suite starts, so session- and module-wide fixtures are guarded too.
clock.today = CLOCK_GUARD.guard(clock.today)
clock.now = CLOCK_GUARD.guard(clock.now)


def pinned(day: datetime.date | str) -> time_machine.travel:
    """Travel to 10:00 on `day` in the project's time zone; the clock ticks from there."""
    moment = datetime.datetime.combine(
        datetime.date.fromisoformat(str(day)), datetime.time(10), ZoneInfo(clock.time_zone_name())
    )
    return time_machine.travel(moment, tick=True)


@pytest.fixture(autouse=True)
def clock_guard(request: pytest.FixtureRequest) -> Iterator[ClockGuard]:
    CLOCK_GUARD.test = request.node.nodeid
    marker = request.node.get_closest_marker("today")
    with pinned(marker.args[0]) if marker else contextlib.nullcontext():
        yield CLOCK_GUARD
    CLOCK_GUARD.check()
    CLOCK_GUARD.test = "outside any test"


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    # A request served in Chinese leaves Chinese active in the thread: every test starts
    # from the test settings' language instead of inheriting the previous test's.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_batch_files_left_behind() -> Iterator[None]:
    # Previews and import progress are files named by batch id in DATA_DIR, and every test
    # database numbers its batches from 1 again: a file one test left would be another
    # test's batch 1 (seen as a preview "ready" before its worker ran, under xdist).
    yield
    for folder in ("previews", "progress"):
        shutil.rmtree(Path(django_settings.DATA_DIR) / "ingest" / folder, ignore_errors=True)


@pytest.fixture
def org(db: None) -> Org:
    return make_org()
