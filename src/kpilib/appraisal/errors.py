"""Errors of cycles, scorecards and exports: `AppraisalError` and its kinds, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class AppraisalError(KpilibError):
    """The appraisal app's base: a refused cycle, scorecard, goal or export action."""


class CycleError(AppraisalError):
    """A cycle action that is refused, with one message per reason."""


class ExportError(AppraisalError):
    """An export that cannot be made on this machine, with what to do about it."""
