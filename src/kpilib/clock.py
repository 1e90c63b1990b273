"""The one place that reads the clock.

Code that needs "today" or "now" takes it as a parameter; when a caller at the edge (a
view, a command, a task) has none to pass, it asks here. "Today" is the calendar date in
the project's `TIME_ZONE` (Asia/Shanghai unless configured), never UTC's. The engine
never reads the clock: it is always handed the date.
"""

import datetime
import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# The project's time zone when no settings say otherwise (settings read `TIME_ZONE` from
# the environment with this default); the offline CLI, which runs without Django's
# settings, uses the same rule, so `kpilib demo-data` and the web agree on "today".
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def time_zone_name() -> str:
    if settings.configured:
        return str(settings.TIME_ZONE)
    return os.environ.get("TIME_ZONE", DEFAULT_TIME_ZONE)


def today() -> datetime.date:
    """Today's date in the project's time zone."""
    if settings.configured:
        return timezone.localdate()
    return datetime.datetime.now(ZoneInfo(time_zone_name())).date()


def now() -> datetime.datetime:
    """The current moment, timezone-aware."""
    return timezone.now()
