"""The AHP page of a plan: pairwise questions in words, live consistency, weights chart,
role/stage adjustment side by side, sensitivity, and "apply to plan" as a draft revision."""

from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib.appraisal.selectors import weight_sensitivity
from kpilib.audit.origin import Origin
from kpilib.engine.ahp import ADJUSTMENT_PROFILES, AhpInputError
from kpilib.library.models import Dimension
from kpilib.library.selectors import engine_language, local_text_of
from kpilib.permissions import plan_for
from kpilib.plans.ahp import (
    DIMENSIONS,
    ahp_apply,
    ahp_judgements_save,
    ahp_profiles_save,
    plan_ahp,
    plan_hierarchy,
    plan_precision,
)
from kpilib.plans.errors import PlanError
from kpilib.plans.fetch import effective_plan, live_revision, pinned_definitions
from kpilib.plans.models import AhpJudgement, Plan
from kpilib.web.labels import profile_rationale

# Saaty's fundamental scale, strongest for the first criterion down to strongest for the second.
SCALE = [Fraction(n) for n in range(9, 1, -1)] + [Fraction(1)] + [Fraction(1, n) for n in range(2, 10)]


def _strength(value: int) -> str:
    """Saaty's wording for 1/3/5/7/9; the even numbers are the values in between."""
    words = {
        1: _("equal importance"),
        3: _("moderate importance"),
        5: _("strong importance"),
        7: _("very strong importance"),
        9: _("extreme importance"),
    }
    if value in words:
        return words[value]
    return _("between %(lower)s and %(upper)s") % {
        "lower": words[value - 1],
        "upper": words[value + 1],
    }


def _scale_labels(first: str, second: str) -> list[tuple[str, str]]:
    options = []
    for value in SCALE:
        text = str(value)
        if value == 1:
            label = _("%(a)s and %(b)s: equal importance") % {"a": first, "b": second}
        else:
            favoured, other = (first, second) if value > 1 else (second, first)
            label = _("%(a)s over %(b)s: %(strength)s") % {
                "a": favoured,
                "b": other,
                "strength": _strength(int(max(value, 1 / value))),
            }
        options.append((text, f"{label} ({text})"))
    return options


def _names(plan: Plan) -> dict[str, str]:
    names = {d.code: d.name for d in Dimension.objects.all()}
    revision = plan.revisions.filter(status="draft").first() or live_revision(plan)
    if revision is not None:
        for code, definition in pinned_definitions(
            effective_plan(revision).pinned_versions
        ).items():
            names[code] = local_text_of(definition.get("name")) or code
    return names


def _context(request: HttpRequest, plan: Plan) -> dict[str, object]:
    names = _names(plan)
    profiles = list(plan.ahp_profiles)
    outcome = plan_ahp(plan, names=names, profiles=profiles, precision=plan_precision(plan))
    position = plan.positions.first()
    mine = {
        row.level: row.judgements
        for row in AhpJudgement.objects.filter(plan=plan, judge=request.user)
    }
    questions = []
    for result in outcome.levels:
        level = result.level
        pairs = []
        for first, second in level.pairs():
            key = f"{first},{second}"
            current = mine.get(level.key, {}).get(key)
            pairs.append(
                {
                    "key": key,
                    "question": _("For %(position)s, how much more important is %(a)s than %(b)s?")
                    % {
                        "position": position.name if position else plan.name,
                        "a": names.get(first, first),
                        "b": names.get(second, second),
                    },
                    "options": _scale_labels(names.get(first, first), names.get(second, second)),
                    "current": str(Fraction(current).limit_denominator(9)) if current else "1",
                }
            )
        title = _("Dimensions") if level.key == DIMENSIONS else names.get(level.key, level.key)
        questions.append({"key": level.key, "title": title, "pairs": pairs, "result": result})
    chart = {
        "indicators": [names.get(a.code, a.code) for a in outcome.adjusted],
        "base": [round(a.base * 100, 2) for a in outcome.adjusted],
        "adjusted": [round(a.adjusted * 100, 2) for a in outcome.adjusted],
    }
    cycle = plan.cycles.order_by("-start").first()
    language = "zh" if engine_language() == "zh-Hans" else "en"
    return {
        "plan": plan,
        "questions": questions,
        "outcome": outcome,
        "chart": chart,
        "names": names,
        "profiles": [
            (code, getattr(profile, f"name_{language}"), profile_rationale(code), code in profiles)
            for code, profile in ADJUSTMENT_PROFILES.items()
        ],
        "selected_profiles": profiles,
        "apply_anyway": request.POST.get("apply_anyway") == "1",
        "reason": request.POST.get("reason", ""),
        "last_application": plan.ahp_applications.select_related("revision").first(),
        "sensitivity": weight_sensitivity(cycle) if cycle else [],
        "sensitivity_cycle": cycle,
    }


@login_required
def ahp_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    return render(request, "plans/ahp.html", _context(request, plan))


def _save_profiles(request: HttpRequest, plan: Plan) -> Plan:
    """The profile checkboxes as posted, saved as the plan's choice (when the form sent them)."""
    if request.POST.get("profiles_shown") != "1":
        return plan
    return ahp_profiles_save(
        actor=request.user, origin=Origin.WEB, plan=plan, profiles=request.POST.getlist("profile")
    )


@login_required
@require_POST
def ahp_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the signed-in judge's answers for one level and the plan's profiles; answer with
    the live results."""
    plan = _save_profiles(request, plan_for(request.user, pk))
    level = request.POST.get("level", "")
    levels, _definitions = plan_hierarchy(plan, {})
    if level in {lv.key for lv in levels}:
        judgements = {}
        for key, raw in request.POST.items():
            if key.startswith("pair__"):
                try:
                    judgements[key.removeprefix("pair__")] = float(Fraction(raw))
                except (ValueError, ZeroDivisionError):
                    continue
        try:
            ahp_judgements_save(
                actor=request.user, origin=Origin.WEB, plan=plan, level=level, judgements=judgements
            )
        except AhpInputError as error:
            messages.error(request, "; ".join(str(p) for p in error.problems))
    return render(request, "plans/_ahp_results.html", _context(request, plan) | {"fragment": True})


@login_required
@require_POST
def ahp_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the weights to the draft; inconsistent judgements need "apply anyway" and a reason."""
    plan = plan_for(request.user, pk)
    try:
        ahp_apply(
            actor=request.user,
            origin=Origin.WEB,
            plan=plan,
            profiles=request.POST.getlist("profile")
            if request.POST.get("profiles_shown") == "1"
            else None,
            reason=request.POST.get("reason", "") if request.POST.get("apply_anyway") == "1" else "",
        )
    except PlanError as error:
        for reason in error.messages:
            messages.error(request, reason)
        plan.refresh_from_db()
        return render(request, "plans/ahp.html", _context(request, plan), status=400)
    messages.success(
        request,
        _("The AHP weights are in the plan's draft: review them with the what-if, then publish."),
    )
    return redirect("plan_edit", pk=pk)
