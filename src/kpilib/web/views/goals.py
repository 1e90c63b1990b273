"""A participant's personal goals (PBC, MBO, OKR): set in goal setting, rated by the
employee in self-assessment and by the manager in manager review."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kpilib.appraisal import services
from kpilib.appraisal.models import PersonalGoal
from kpilib.audit.origin import Origin
from kpilib.engine.personal import pbc_scale
from kpilib.permissions import participant_for
from kpilib.plans.fetch import effective_plan

NUMBER_FIELDS = ("weight", "target", "actual")
RATING_FIELDS = ("self_rating", "manager_rating")


def _fields(post: Any) -> dict[str, Any]:
    """The goal fields a form posted (only those present), typed."""
    fields: dict[str, Any] = {}
    for name in ("title", "key_actions"):
        if name in post:
            fields[name] = post[name].strip()
    for name in NUMBER_FIELDS:
        if name in post:
            fields[name] = float(post[name]) if post[name].strip() else None
    for name in RATING_FIELDS:
        if name in post:
            fields[name] = int(post[name]) if post[name].strip() else None
    if "lower_is_better_present" in post:
        fields["lower_is_better"] = post.get("lower_is_better") == "on"
    titles = post.getlist("kr_title")
    if titles:
        grades = post.getlist("kr_grade") or [""] * len(titles)
        fields["key_results"] = [
            {"title": title.strip(), "grade": float(grade) if grade.strip() else None}
            for title, grade in zip(titles, grades, strict=False)
            if title.strip()
        ]
    return fields


@login_required
def participant_goals(request: HttpRequest, pk: int) -> HttpResponse:
    participant, role = participant_for(request.user, pk)
    cycle = participant.cycle
    if request.method == "POST":
        goal = None
        if request.POST.get("goal"):
            goal = PersonalGoal.objects.filter(
                participant=participant, pk=request.POST["goal"]
            ).first()
            if goal is None:
                raise Http404("No such goal")
        try:
            if request.POST.get("delete") and goal is not None:
                services.goal_delete(actor=request.user, origin=Origin.WEB, goal=goal)
            else:
                services.goal_save(
                    actor=request.user, origin=Origin.WEB,
                    participant=participant,
                    goal=goal,
                    **_fields(request.POST),
                )
        except (services.CycleError, ValueError) as error:
            reasons = (
                error.messages
                if isinstance(error, services.CycleError)
                else [_("Check the numbers you entered.")]
            )
            for reason in reasons:
                messages.error(request, reason)
        else:
            messages.success(request, _("Saved."))
        return redirect("participant_goals", pk=pk)
    effective = effective_plan(cycle.revision)
    context = {
        "participant": participant,
        "cycle": cycle,
        "role": role,
        "mode": effective.personal_mode,
        "share": effective.personal_share,
        "goals": participant.goals.all(),
        "editable": services.GOAL_FIELDS_BY_PHASE.get(cycle.phase, set()),
        "pbc_scale": pbc_scale(),
    }
    return render(request, "cycles/goals.html", context)
