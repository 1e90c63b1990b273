"""Cycle pages: list, start, run through phases, calibrate, scorecards with explanations,
drill-down to facts, acknowledgement and appeals."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.appraisal import exports, selectors, services
from kpilib.appraisal.models import Appeal, Cycle, Scorecard
from kpilib.appraisal.reminders import PHASE_OWNERS
from kpilib.audit.origin import Origin
from kpilib.library.selectors import engine_language
from kpilib.permissions import (
    can_manage_cycle,
    cycle_for,
    cycles_visible_to,
    employee_of,
    participants_visible,
    plan_for,
    scorecard_for,
    scorecards_visible,
)
from kpilib.plans.fetch import effective_plan
from kpilib.web.downloads import file_response
from kpilib.web.errors import form_error
from kpilib.web.plan_forms import (
    AppealAnswerForm,
    AppealForm,
    CalibrationForm,
    CycleAdvanceForm,
    CycleCreateForm,
    ManualScoreForm,
)
from kpilib.web.views.assessments import assessment_context


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/index.html", {"cycles": cycles_visible_to(request.user)})


@login_required
def cycle_new(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = plan_for(request.user, plan_pk)
    form = CycleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(actor=request.user, origin=Origin.WEB, plan=plan, **form.service_arguments())
        except services.CycleError as error:
            form.add_error(None, "; ".join(error.messages))
        else:
            messages.success(request, _("Cycle started in goal setting."))
            return redirect("cycle_detail", pk=cycle.pk)
    return render(request, "cycles/new.html", {"form": form, "plan": plan})


def _grades(cycle: Cycle) -> list[str]:
    return [band["grade"] for band in effective_plan(cycle.revision).grade_bands]


def _answer_form(appeal: Appeal, grades: list[str], data: object = None) -> AppealAnswerForm:
    """The answer form of one open appeal (ids unique per appeal, names as the service's)."""
    return AppealAnswerForm(data, grades=grades, auto_id=f"id_appeal{appeal.pk}_%s")


def _disputed_line(scorecard: Scorecard, code: str) -> dict[str, Any] | None:
    line = next((line for line in scorecard.lines if line["code"] == code), None)
    if line is None:
        return None
    return {**line, "name": line[f"name_{selectors.line_suffix()}"]}


def _cycle_page(
    request: HttpRequest, cycle: Cycle, bound: dict[int, AppealAnswerForm] | None = None
) -> HttpResponse:
    """The cycle page; `bound` keeps an answer form as it was posted (after an error)."""
    visible = list(participants_visible(request.user, cycle))
    scope, participants = selectors.scoped_participants(
        request.user, visible, request.GET.get("scope")
    )
    units = {p.employee.org_unit_id: p.employee.org_unit for p in participants}
    unit = _int_or_none(request.GET.get("unit"))
    if unit in units:
        participants = [p for p in participants if p.employee.org_unit_id == unit]
    else:
        unit = None
    cards = scorecards_visible(request.user, selectors.latest_scorecards(participants))
    manage = can_manage_cycle(request.user, cycle)
    rows = sorted(
        ((p, cards.get(p.pk)) for p in participants),
        key=lambda pair: (
            pair[1].rank if pair[1] and pair[1].rank else 10**9,
            pair[0].employee.employee_id,
        ),
    )
    groups, overall = selectors.results_by_unit(cycle, participants, cards)
    bands = _grades(cycle)
    appeals = (
        Appeal.objects.filter(
            scorecard__participant__in=participants, status=Appeal.Status.OPEN
        ).select_related("scorecard__participant__employee")
        if manage
        else []
    )
    bound = bound or {}
    context = {
        "cycle": cycle,
        "rows": rows,
        "scope": scope,
        "scopes": selectors.Scope.CHOICES,
        "unit": unit,
        "units": sorted(units.values(), key=lambda u: u.path),
        "visible_count": len(visible),
        "groups": groups,
        "overall": overall,
        "grouped_rows": [
            (group, [(p, c) for p, c in rows if p.employee.org_unit_id == group.unit_id])
            for group in groups
        ],
        "manage": manage,
        "phases": [
            (value, label, cycle.phase_deadlines.get(value), PHASE_OWNERS.get(value))
            for value, label in Cycle.Phase.choices
        ],
        "phase_index": selectors.PHASES.index(cycle.phase),
        "distribution": selectors.grade_distribution(cycle) if manage else [],
        "distribution_problems": selectors.distribution_problems(cycle) if manage else [],
        "distribution_blocks": manage and _distribution_blocks(cycle),
        "no_data_count": selectors.no_data_count(cycle) if manage else 0,
        "ranked": selectors.ranked_count(cycle),
        "bands": bands,
        "completion": selectors.phase_completion(cycle, today=clock.today()),
        "scored": services.is_scored(cycle),
        "last_recompute": selectors.last_recompute(cycle) if manage else None,
        "personal": effective_plan(cycle.revision).personal_mode != "none",
        "heatmap": selectors.heatmap(participants, cards),
        "open_appeals": [
            (
                appeal,
                bound.get(appeal.pk) or _answer_form(appeal, bands),
                _disputed_line(appeal.scorecard, appeal.line_code) if appeal.line_code else None,
            )
            for appeal in appeals
        ],
    }
    return render(request, "cycles/detail.html", context)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _distribution_blocks(cycle: Cycle) -> bool:
    """Leaving calibration now needs a reason to keep grades above their targets."""
    return (
        cycle.phase == Cycle.Phase.CALIBRATION
        and cycle.forced_distribution
        and bool(selectors.distribution_problems(cycle))
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _cycle_page(request, cycle_for(request.user, pk))


def _managed_cycle(request: HttpRequest, pk: int) -> Cycle:
    cycle = cycle_for(request.user, pk)
    if not can_manage_cycle(request.user, cycle):
        raise Http404("No such cycle")
    return cycle


@login_required
def cycle_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the cycle on. GET shows the confirmation step (the current phase's completion
    and deadline, a reason field); POST moves on, or comes back to that step when the
    service refuses (early without a reason, open appeals), keeping what was typed."""
    cycle = _managed_cycle(request, pk)
    today = clock.today()
    form = CycleAdvanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_advance(
                actor=request.user,
                origin=Origin.WEB,
                cycle=cycle,
                today=today,
                early_reason=form.cleaned_data["reason"],
                distribution_reason=form.cleaned_data["distribution_reason"],
            )
        except services.CycleError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("The cycle is now in %(phase)s.") % {"phase": cycle.get_phase_display()}
            )
            return redirect("cycle_detail", pk=pk)
    context = {
        "cycle": cycle,
        "form": form,
        "completion": selectors.phase_completion(cycle, today=today),
        "next_phase": selectors.next_phase_label(cycle),
        "distribution_problems": (
            selectors.distribution_problems(cycle) if _distribution_blocks(cycle) else []
        ),
    }
    return render(request, "cycles/advance.html", context)


@login_required
@require_POST
def cycle_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _managed_cycle(request, pk)
    count = services.cycle_score(actor=request.user, origin=Origin.WEB, cycle=cycle)
    messages.success(
        request, _("%(count)d scorecards recomputed from the current facts.") % {"count": count}
    )
    return redirect("cycle_detail", pk=pk)


def _managed_scorecard(request: HttpRequest, pk: int) -> Scorecard:
    """A scorecard of a cycle the user runs (HR or the plan's administrators); else 404."""
    scorecard = scorecard_for(request.user, pk)
    if not can_manage_cycle(request.user, scorecard.participant.cycle):
        raise Http404("No such scorecard")
    return scorecard


@login_required
@require_POST
def scorecard_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = _managed_scorecard(request, pk)
    cycle = scorecard.participant.cycle
    form = CalibrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new grade and the reason for the move."))
    else:
        try:
            services.scorecard_calibrate(
                actor=request.user, origin=Origin.WEB, scorecard=scorecard, **form.cleaned_data
            )
        except services.CycleError as error:
            for reason in error.messages:
                messages.error(request, reason)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(grade)s.")
                % {
                    "name": scorecard.participant.employee.name,
                    "grade": form.cleaned_data["grade"],
                },
            )
    return redirect("cycle_detail", pk=cycle.pk)


@login_required
@require_POST
def scorecard_score_manually(request: HttpRequest, pk: int) -> HttpResponse:
    """HR scores a participant without data by hand (total and reason), from the cycle page."""
    scorecard = _managed_scorecard(request, pk)
    cycle = scorecard.participant.cycle
    form = ManualScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a total from 0 to 100 and the reason."))
    else:
        try:
            scorecard = services.scorecard_score_manually(
                actor=request.user, origin=Origin.WEB, scorecard=scorecard, **form.cleaned_data
            )
        except services.CycleError as error:
            for reason in error.messages:
                messages.error(request, reason)
        else:
            messages.success(
                request,
                _("%(name)s scored by hand: %(grade)s.")
                % {"name": scorecard.participant.employee.name, "grade": scorecard.grade},
            )
    return redirect("cycle_detail", pk=cycle.pk)


def _scorecard_page(
    request: HttpRequest, scorecard: Scorecard, appeal_form: AppealForm | None = None
) -> HttpResponse:
    """The scorecard page; `appeal_form` keeps an appeal as it was posted (after an error)."""
    participant = scorecard.participant
    own = employee_of(request.user) == participant.employee
    language = selectors.line_suffix()
    corrected_from = (
        {line["code"]: line for line in scorecard.appeal.scorecard.lines}
        if scorecard.appeal is not None and scorecard.appeal.about_data
        else {}
    )
    disputed = scorecard.appeal.line_code if scorecard.appeal is not None else ""
    lines = [
        {
            **line,
            "name": line[f"name_{language}"],
            "explanation": line[f"explanation_{language}"],
            "disputed": line["code"] == disputed,
            "before": corrected_from.get(line["code"]) if line["code"] == disputed else None,
        }
        for line in scorecard.lines
    ]
    line_names = [(line["code"], line["name"]) for line in lines]
    # the engineer sees the published revisions only; others see every revision
    revisions = (
        participant.scorecards.filter(published_at__isnull=False).order_by("revision")
        if own
        else participant.scorecards.order_by("revision")
    )
    context = {
        "scorecard": scorecard,
        "participant": participant,
        "cycle": participant.cycle,
        "lines": lines,
        "own": own,
        "revisions": revisions,
        "latest": not revisions.filter(revision__gt=scorecard.revision).exists(),
        "appeals": Appeal.objects.filter(scorecard__participant=participant),
        "trend": selectors.employee_trend(participant.employee, published_only=own),
        "ranked": selectors.ranked_count(participant.cycle),
        "appeal_form": appeal_form or AppealForm(lines=line_names),
        "can_acknowledge": services.can_acknowledge(request.user, scorecard),
        "can_appeal": services.can_appeal(request.user, scorecard),
        **assessment_context(request, participant),
    }
    return render(request, "cycles/scorecard.html", context)


@login_required
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _scorecard_page(request, scorecard_for(request.user, pk))


@login_required
def scorecard_facts(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The facts behind one line: every activity the measure counted in the period."""
    scorecard = scorecard_for(request.user, pk)
    line = next((line for line in scorecard.lines if line["code"] == code), None)
    if line is None:
        raise Http404("No such line")
    suffix = selectors.line_suffix()
    context = {
        "scorecard": scorecard,
        "line": line,
        "line_name": line[f"name_{suffix}"],
        "line_explanation": line[f"explanation_{suffix}"],
        **selectors.line_facts(scorecard, line),
    }
    return render(request, "cycles/facts.html", context)


@login_required
@require_POST
def scorecard_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = scorecard_for(request.user, pk)
    services.scorecard_acknowledge(actor=request.user, origin=Origin.WEB, scorecard=scorecard)
    messages.success(request, _("Thank you: your acknowledgement is recorded."))
    return redirect("scorecard_detail", pk=pk)


@login_required
@require_POST
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = scorecard_for(request.user, pk)
    suffix = selectors.line_suffix()
    form = AppealForm(
        request.POST, lines=[(line["code"], line[f"name_{suffix}"]) for line in scorecard.lines]
    )
    if form.is_valid():
        try:
            services.appeal_file(
                actor=request.user,
                origin=Origin.WEB,
                scorecard=scorecard,
                text=form.cleaned_data["text"],
                line_code=form.cleaned_data["line_code"],
            )
        except services.CycleError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your appeal is filed; you will see the answer here."))
            return redirect("scorecard_detail", pk=pk)
    return _scorecard_page(request, scorecard, appeal_form=form)


@login_required
@require_POST
def appeal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.select_related("scorecard__participant__cycle"), pk=pk
    )
    cycle = appeal.scorecard.participant.cycle
    if not can_manage_cycle(request.user, cycle):
        raise Http404("No such appeal")
    form = _answer_form(appeal, _grades(cycle), request.POST)
    if form.is_valid():
        try:
            services.appeal_answer(
                actor=request.user,
                origin=Origin.WEB,
                appeal=appeal,
                uphold=form.cleaned_data["uphold"],
                response=form.cleaned_data["response"],
                grade=form.cleaned_data["grade"] or None,
                grade_reason=form.cleaned_data["grade_reason"],
            )
        except services.CycleError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The appeal is answered."))
            return redirect("cycle_detail", pk=cycle.pk)
    return _cycle_page(request, cycle, bound={appeal.pk: form})


def _export(
    request: HttpRequest, cards: list[Scorecard], fmt: str, name: str, *, cover: bool = False
) -> HttpResponse:
    if fmt not in {"xlsx", "pdf"}:
        raise Http404("No such format")
    if fmt == "xlsx":
        return file_response(exports.scorecards_xlsx(cards, engine_language()), fmt, name)
    try:
        content = exports.scorecards_pdf(
            cards, engine_language(), today=clock.today(), cover=cover
        )
    except exports.ExportError as error:
        messages.error(request, str(error))
        back = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
        return redirect(back if back and safe else "cycles")
    return file_response(content, fmt, name)


@login_required
def scorecard_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    scorecard = scorecard_for(request.user, pk)
    employee = scorecard.participant.employee
    return _export(
        request, [scorecard], fmt, f"scorecard-{employee.employee_id}-r{scorecard.revision}"
    )


@login_required
def cycle_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The team's scorecards as the user may see them (newest revision each)."""
    cycle = cycle_for(request.user, pk)
    participants = list(participants_visible(request.user, cycle))
    cards = scorecards_visible(request.user, selectors.latest_scorecards(participants))
    return _export(request, list(cards.values()), fmt, f"cycle-{cycle.pk}-scorecards", cover=True)
