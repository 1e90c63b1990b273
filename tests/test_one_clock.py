"""One clock (issue 10): only `kpilib.clock` reads today's date.

Everything else takes `today` as a parameter or asks `kpilib.clock.today()`, which reads
the project's time zone (never UTC's date), so the demo, the SMART history window, the
cycle phases, reminders and the demo-data CLI agree on what day it is.
"""

import contextlib
import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine

import kpilib
from kpilib import clock
from tests.conftest import ClockGuard, UnpinnedClock

SOURCE = Path(kpilib.__file__).parent
# Reading the date (not timestamps of records, which take `timezone.now()`).
READS_THE_DATE = re.compile(r"\b(?:date\.today|localdate|datetime\.now|utcnow)\(")


def test_only_the_clock_module_reads_the_date() -> None:
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "clock.py" or path.parent != SOURCE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_THE_DATE.search(line)
    ]
    assert offenders == []


def test_the_clock_is_always_asked_through_its_module() -> None:
    # `from kpilib.clock import today` would keep the real function and slip past the
    # suite's guard (tests/conftest.py), which replaces `kpilib.clock.today` and `now`
    imports_a_reading = re.compile(r"from kpilib\.clock import .*\b(?:today|now)\b")
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if imports_a_reading.search(line)
    ]
    assert offenders == []


def test_a_test_reading_the_real_clock_unpinned_fails_naming_itself(clock_guard: ClockGuard) -> None:
    # when a test asks the real clock without pinning the date, it is refused by name
    with pytest.raises(UnpinnedClock, match=r"test_one_clock\.py::test_a_test_reading.* reads the real clock without pinning it \(kpilib\.clock\.today\(\)\): use time_machine or pass today="):
        clock.today()
    # and when the refusal is swallowed (a view, a task, the live server's thread), the
    # test still fails at teardown
    with contextlib.suppress(UnpinnedClock):
        clock.now()
    with pytest.raises(pytest.fail.Exception, match=r"kpilib\.clock\.now\(\)"):
        clock_guard.check()
    clock_guard.check()  # (the failure was reported once and is cleared)


@pytest.mark.today("2027-03-31")
def test_the_today_marker_pins_the_date_from_set_up_to_teardown(clock_guard: ClockGuard) -> None:
    assert clock.today() == datetime.date(2027, 3, 31)
    assert clock.now().date() == datetime.date(2027, 3, 31)
    with time_machine.travel(datetime.datetime(2027, 4, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert clock.today() == datetime.date(2027, 4, 1)


def test_the_engine_never_reads_the_clock() -> None:
    clock_reads = re.compile(r"\b(?:date\.today|datetime\.now|utcnow|time\.time|timezone\.)")
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in sorted((SOURCE / "engine").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if clock_reads.search(line)
    ]
    assert offenders == []


def test_today_is_the_project_time_zones_date_with_or_without_settings(monkeypatch) -> None:
    # at 2026-12-31 20:00 UTC it is already 2027-01-01 in Shanghai
    moment = datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        # in the web and the tasks (settings configured)
        assert clock.today() == datetime.date(2027, 1, 1)
        # and in the offline CLI (`kpilib demo-data`), which runs without Django's settings
        monkeypatch.setattr(clock, "settings", SimpleNamespace(configured=False))
        monkeypatch.delenv("TIME_ZONE", raising=False)
        assert clock.today() == datetime.date(2027, 1, 1)
        monkeypatch.setenv("TIME_ZONE", "UTC")
        assert clock.today() == datetime.date(2026, 12, 31)
