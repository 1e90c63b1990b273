"""Errors of daily reports, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class DailyReportError(KpilibError):
    """A daily report action refused: wrong person, wrong state, or a field that does not fit."""
