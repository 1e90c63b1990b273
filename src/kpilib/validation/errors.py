"""Errors of solution validation, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class SolutionError(KpilibError):
    """A validation action refused: wrong person, wrong state, or a field that does not fit."""
