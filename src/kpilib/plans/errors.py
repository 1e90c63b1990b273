"""Errors of plan changes: `PlanError` and its kinds, under the project base (`kpilib.errors`)."""

from kpilib.errors import KpilibError


class PlanError(KpilibError):
    """A plan change that is refused, with one message per reason."""


class UnpinnedIndicators(PlanError):
    """A revision weights indicators that have no published version pinned."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(", ".join(codes))
