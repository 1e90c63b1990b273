"""Errors of accounts: `AccountError` and its kinds, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class AccountError(KpilibError):
    """A change to a user account that is refused (unknown language, …)."""
