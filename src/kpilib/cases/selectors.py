"""Reading cases: the library of approved cases (searched, with reuse counts), one's own
and one's team's cases waiting for a decision, who may read or decide a case, and what
the reader of one case may do with it (the web page's buttons, the API's `may_*`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from kpilib.cases.models import Case
from kpilib.cases.search import matching_ids
from kpilib.permissions import employee_of, is_hr_admin, managed_employee_ids


def may_decide(user: Any, case: Case) -> bool:
    """Approve or return: the author's managers (up the line) and HR, never the author."""
    me = employee_of(user)
    if me is not None and me.pk == case.author_id:
        return False
    if is_hr_admin(user):
        return True
    return me is not None and case.author_id in managed_employee_ids(me)


def may_read(user: Any, case: Case) -> bool:
    """An approved case is for everyone in the library; the others for the author, their
    managers and HR."""
    if case.status == Case.Status.APPROVED:
        return is_hr_admin(user) or employee_of(user) is not None
    me = employee_of(user)
    return (me is not None and me.pk == case.author_id) or may_decide(user, case)


EDITABLE = (Case.Status.DRAFT, Case.Status.RETURNED)


@dataclass(frozen=True)
class CaseActions:
    """What `user` may do with one case they may read (the services decide again)."""

    own: bool
    editable: bool
    may_decide: bool
    may_reuse: bool
    reuse_count: int


def case_actions(user: Any, case: Case) -> CaseActions:
    me = employee_of(user)
    own = me is not None and me.pk == case.author_id
    return CaseActions(
        own=own,
        editable=own and case.status in EDITABLE,
        may_decide=case.status == Case.Status.SUBMITTED and may_decide(user, case),
        may_reuse=case.status == Case.Status.APPROVED and me is not None and not own
        and not case.reuses.filter(employee=me).exists(),
        reuse_count=case.reuses.count(),
    )


def case_for(user: Any, pk: int) -> Case:
    case = Case.objects.select_related("author", "decided_by").filter(pk=pk).first()
    if case is None or not may_read(user, case):
        raise Http404("No such case")
    return case


def cases_search(*, query: str = "", tag: str = "", industry: str = "") -> list[Case]:
    """Approved cases matching the query's words (Chinese cut by jieba), a tag and an
    industry, best match first, each with `reuse_count`."""
    cases: QuerySet[Case] = (
        Case.objects.filter(status=Case.Status.APPROVED)
        .select_related("author")
        .annotate(reuse_count=Count("reuses", distinct=True))
    )
    if industry:
        cases = cases.filter(industry=industry)
    found = list(cases)
    if tag:
        found = [case for case in found if tag in (case.tags or [])]
    ids = matching_ids(query)
    if ids is None:
        return found
    order = {pk: position for position, pk in enumerate(ids)}
    return sorted((case for case in found if case.pk in order), key=lambda case: order[case.pk])


def cases_waiting_for(user: Any) -> list[Case]:
    """Submitted cases the user may decide, oldest first, each with `reuse_count`."""
    waiting = (
        Case.objects.filter(status=Case.Status.SUBMITTED)
        .select_related("author")
        .annotate(reuse_count=Count("reuses", distinct=True))
        .order_by("submitted_at")
    )
    return [case for case in waiting if may_decide(user, case)]


def own_cases(user: Any) -> QuerySet[Case]:
    """The user's own cases in every state, last changed first, each with `reuse_count`."""
    me = employee_of(user)
    if me is None:
        return Case.objects.none()
    return (
        Case.objects.filter(author=me)
        .select_related("author")
        .annotate(reuse_count=Count("reuses", distinct=True))
        .order_by("-updated_at")
    )


def library_facets() -> dict[str, list[str]]:
    """The tags and industries of approved cases, for the library's filters."""
    approved = Case.objects.filter(status=Case.Status.APPROVED)
    tags = sorted({tag for row in approved.values_list("tags", flat=True) for tag in row or []})
    industries = sorted(set(approved.exclude(industry="").values_list("industry", flat=True)))
    return {"tags": tags, "industries": industries}
