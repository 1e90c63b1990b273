"""Errors of the case library, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class CaseError(KpilibError):
    """A case action refused: wrong person, wrong state, or a field that does not fit."""
