"""Errors of the organisation: `OrgError` and its kinds, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class OrgError(KpilibError):
    """A change that would break the organisation (cycles, unknown references)."""
