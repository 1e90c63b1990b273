"""Reading solutions: who may read one (author, their managers up the line, HR, and the
reviewers named on any of its rounds), who may give a verdict (only a named reviewer of
the open round, still pending), a reviewer's queue, and the checklist in force."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from kpilib.permissions import employee_of, is_hr_admin, managed_employee_ids
from kpilib.validation.models import Checklist, ReviewerVerdict, Solution, ValidationRound


def checklist_current() -> Checklist:
    """The checklist HR saved, or the default one (not saved: reading never writes)."""
    return Checklist.objects.order_by("pk").first() or Checklist()


def may_read(user: Any, solution: Solution) -> bool:
    """The author, their managers up the line, HR, and every reviewer named on a round."""
    if is_hr_admin(user):
        return True
    me = employee_of(user)
    if me is None:
        return False
    if me.pk == solution.author_id or solution.author_id in managed_employee_ids(me):
        return True
    return ReviewerVerdict.objects.filter(round__solution=solution, reviewer=me).exists()


def pending_verdict_of(user: Any, validation_round: ValidationRound) -> ReviewerVerdict | None:
    """The user's own pending verdict row on an open round: the only way to the verdict form."""
    me = employee_of(user)
    if me is None or validation_round.state != ValidationRound.State.OPEN:
        return None
    return validation_round.verdicts.filter(reviewer=me, verdict="").first()


def _with_rounds(solutions: QuerySet[Solution]) -> QuerySet[Solution]:
    verdicts = ReviewerVerdict.objects.select_related("reviewer").order_by("function", "pk")
    rounds = ValidationRound.objects.order_by("number").prefetch_related(Prefetch("verdicts", queryset=verdicts))
    return solutions.select_related("author").prefetch_related(Prefetch("rounds", queryset=rounds))


def solution_for(user: Any, pk: int) -> Solution:
    """The solution with every round and verdict, or 404 when the user may not read it."""
    solution = _with_rounds(Solution.objects.filter(pk=pk)).first()
    if solution is None or not may_read(user, solution):
        raise Http404("No such solution")
    return solution


def solutions_visible(user: Any) -> QuerySet[Solution]:
    """Every solution the user may read, newest first."""
    solutions = Solution.objects.all()
    if not is_hr_admin(user):
        me = employee_of(user)
        if me is None:
            return Solution.objects.none()
        authors = managed_employee_ids(me) | {me.pk}
        solutions = solutions.filter(Q(author__in=authors) | Q(rounds__verdicts__reviewer=me)).distinct()
    return _with_rounds(solutions).order_by("-pk")


def own_solutions(user: Any) -> QuerySet[Solution]:
    me = employee_of(user)
    if me is None:
        return Solution.objects.none()
    return _with_rounds(Solution.objects.filter(author=me)).order_by("-pk")


def review_queue(user: Any) -> list[ReviewerVerdict]:
    """The user's pending verdicts on open rounds, oldest submission first."""
    me = employee_of(user)
    if me is None:
        return []
    return list(
        ReviewerVerdict.objects.filter(reviewer=me, verdict="", round__state=ValidationRound.State.OPEN)
        .select_related("round__solution__author")
        .order_by("round__submitted_at", "pk")
    )


def latest_round(solution: Solution) -> ValidationRound | None:
    rounds = list(solution.rounds.all())
    return rounds[-1] if rounds else None
