"""The AHP page of a plan: pairwise questions in words, live consistency, weights chart,
role/stage adjustment side by side, sensitivity, and "apply to plan" as a draft revision."""

from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib.accounts.permissions import plan_for
from kpilib.appraisal.selectors import weight_sensitivity
from kpilib.audit.origin import Origin
from kpilib.engine.ahp import ADJUSTMENT_PROFILES, AhpInputError
from kpilib.library.models import Dimension
from kpilib.library.selectors import engine_language, local_text_of
from kpilib.plans.ahp import DIMENSIONS, ahp_apply, ahp_judgements_save, plan_ahp, plan_hierarchy
from kpilib.plans.fetch import effective_plan, live_revision, pinned_definitions
from kpilib.plans.models import AhpJudgement, Plan
from kpilib.web.labels import profile_rationale

SCALE = [9, 7, 5, 3, 2, 1, 1 / 2, 1 / 3, 1 / 5, 1 / 7, 1 / 9]


def _scale_labels(first: str, second: str) -> list[tuple[str, str]]:
    strength = {
        9: _("extremely more important"),
        7: _("very strongly more important"),
        5: _("strongly more important"),
        3: _("moderately more important"),
        2: _("slightly more important"),
    }
    options = []
    for value in SCALE:
        text = str(Fraction(value).limit_denominator(9))
        if value == 1:
            label = _("equally important")
        elif value > 1:
            label = f"{first} {strength[int(value)]}"
        else:
            label = f"{second} {strength[round(1 / value)]}"
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
    profiles = [
        p
        for p in request.POST.getlist("profile") or request.GET.getlist("profile")
        if p in ADJUSTMENT_PROFILES
    ]
    revision = plan.revisions.filter(status="draft").first() or live_revision(plan)
    precision = effective_plan(revision).precision if revision else 2
    outcome = plan_ahp(plan, names=names, profiles=profiles, precision=precision)
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
        "sensitivity": weight_sensitivity(cycle) if cycle else [],
        "sensitivity_cycle": cycle,
    }


@login_required
def ahp_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    return render(request, "plans/ahp.html", _context(request, plan))


@login_required
@require_POST
def ahp_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the signed-in judge's answers for one level; answer with the live results."""
    plan = plan_for(request.user, pk)
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
            ahp_judgements_save(actor=request.user, origin=Origin.WEB, plan=plan, level=level, judgements=judgements)
        except AhpInputError as error:
            messages.error(request, "; ".join(str(p) for p in error.problems))
    return render(request, "plans/_ahp_results.html", _context(request, plan))


@login_required
@require_POST
def ahp_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    context = _context(request, plan)
    outcome = context["outcome"]
    if not outcome.complete:  # type: ignore[attr-defined]
        messages.error(request, _("Answer every comparison before applying the weights."))
        return redirect("plan_ahp", pk=pk)
    ahp_apply(actor=request.user, origin=Origin.WEB, plan=plan, points=outcome.points)  # type: ignore[attr-defined]
    messages.success(
        request,
        _("The AHP weights are in the plan's draft: review them with the what-if, then publish."),
    )
    return redirect("plan_edit", pk=pk)
