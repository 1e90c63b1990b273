"""Errors of 360 feedback, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class FeedbackError(KpilibError):
    """A 360 action refused: wrong person, wrong state, a group outside its limits, or an
    answer that does not fit the questionnaire."""
