"""Errors of the library: `LibraryError` and its kinds, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class LibraryError(KpilibError):
    """A change the library refuses, with one message per reason."""
