"""Errors of training and certification, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class TrainingError(KpilibError):
    """A training action refused: wrong person, an unknown exam or a value that does not fit."""
