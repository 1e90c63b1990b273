"""Errors of cycles, scorecards and exports: `AppraisalError` and its kinds, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class AppraisalError(KpilibError):
    """The appraisal app's base: a refused cycle, scorecard, goal or export action."""


class CycleError(AppraisalError):
    """A cycle action that is refused, with one message per reason."""


class PhaseNotFinishedError(CycleError):
    """A phase change asked for before the phase is finished or due, without a reason.

    `completion` (an `appraisal.selectors.PhaseCompletion`) says how far the phase got and its deadline,
    for the confirmation step that asks for the reason.
    """

    def __init__(self, messages: list[str], *, completion: object) -> None:
        super().__init__(messages)
        self.completion = completion


class DistributionError(CycleError):
    """Leaving calibration with grades above their targets (forced distribution), without a
    reason to keep them. `problems` are the grades over, one message each."""

    def __init__(self, messages: list[str], *, problems: list[str]) -> None:
        super().__init__(messages)
        self.problems = problems


class ExportError(AppraisalError):
    """An export that cannot be made on this machine, with what to do about it."""
