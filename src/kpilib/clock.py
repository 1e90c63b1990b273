"""The one place that reads the clock.

Code that needs "today" or "now" takes it as a parameter; when a caller at the edge (a
view, a command, a task) has none to pass, it asks here. "Today" is the calendar date in
the project's `TIME_ZONE` (Asia/Shanghai unless configured), never UTC's. The engine
never reads the clock: it is always handed the date.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today's date in the project's time zone."""
    return timezone.localdate()


def now() -> datetime.datetime:
    """The current moment, timezone-aware."""
    return timezone.now()
