"""Solution validation pages (跨部门方案验证): my solutions and their rounds, submitting and
resubmitting one to reviewers from product and delivery, the reviewer's queue, and a
solution's page with every round, verdict and time to verdict.

Reads go through `validation.selectors` (`solution_for` answers 404 for a solution one may
not read; the verdict form only for a named reviewer whose verdict on the open round is
pending); writes through `validation.services`, whose rules decide who may and when.
"""

import mimetypes
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.permissions import Action, employee_of, require
from kpilib.validation import selectors, services
from kpilib.validation.errors import SolutionError
from kpilib.validation.models import Solution, ValidationRound
from kpilib.web.errors import form_error, message_error
from kpilib.web.validation_forms import SolutionForm, VerdictForm, solution_initial

OTHERS_SHOWN = 50


def _with_last(solutions: Iterable[Solution]) -> list[Solution]:
    """The solutions, each with `round_list` and `last_round` for the list's columns."""
    listed = list(solutions)
    for solution in listed:
        solution.round_list = list(solution.rounds.all())  # type: ignore[attr-defined]
        solution.last_round = solution.round_list[-1] if solution.round_list else None  # type: ignore[attr-defined]
    return listed


@login_required
def validation(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VALIDATE_SOLUTIONS)
    me = employee_of(request.user)
    others = selectors.solutions_visible(request.user).exclude(author=me) if me else (
        selectors.solutions_visible(request.user)
    )
    context = {
        "own": _with_last(selectors.own_solutions(request.user)),
        "queue_count": len(selectors.review_queue(request.user)),
        "others": _with_last(others[:OTHERS_SHOWN]),
        "can_submit": me is not None,
    }
    return render(request, "validation/index.html", context)


def _submit(request: HttpRequest, form: SolutionForm, solution: object = None) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        submitted = services.solution_submit(
            actor=request.user, origin=Origin.WEB, solution=solution, now=clock.now(),  # type: ignore[arg-type]
            **form.service_arguments(),
        )
    except SolutionError as error:
        form_error(form, error)
        return None
    messages.success(request, _("Sent to the reviewers."))
    return redirect("solution_detail", pk=submitted.solution_id)


@login_required
def solution_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VALIDATE_SOLUTIONS)
    me = employee_of(request.user)
    form = SolutionForm(request.POST or None, request.FILES or None, exclude=me.pk if me else None)
    if request.method == "POST" and (done := _submit(request, form)):
        return done
    return render(request, "validation/submit.html", {"form": form, "solution": None})


@login_required
def solution_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    solution = selectors.solution_for(request.user, pk)
    me = employee_of(request.user)
    if me is None or me.pk != solution.author_id:
        raise Http404("No such solution")
    form = SolutionForm(
        request.POST or None, request.FILES or None, initial=solution_initial(solution), exclude=me.pk
    )
    if request.method == "POST" and (done := _submit(request, form, solution)):
        return done
    return render(request, "validation/submit.html", {"form": form, "solution": solution})


@login_required
def solution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    solution = selectors.solution_for(request.user, pk)
    checklist = selectors.checklist_current()
    language = get_language() or "en"
    rounds = list(solution.rounds.all())
    last = rounds[-1] if rounds else None
    pending = selectors.pending_verdict_of(request.user, last) if last else None
    me = employee_of(request.user)
    for validation_round in rounds:
        for row in validation_round.verdicts.all():
            row.reason_names = [checklist.name_of(code, language) for code in row.reasons]  # type: ignore[attr-defined]
    context = {
        "solution": solution,
        "rounds": list(reversed(rounds)),
        "last": last,
        "pending": pending,
        "verdict_form": VerdictForm(checklist=checklist) if pending else None,
        "may_resubmit": me is not None and me.pk == solution.author_id and last is not None
        and last.state == ValidationRound.State.FAILED,
    }
    return render(request, "validation/detail.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VALIDATE_SOLUTIONS)
    return render(request, "validation/queue.html", {"queue": selectors.review_queue(request.user)})


@login_required
@require_POST
def verdict_record(request: HttpRequest, pk: int) -> HttpResponse:
    validation_round = ValidationRound.objects.select_related("solution").filter(pk=pk).first()
    if validation_round is None or not selectors.may_read(request.user, validation_round.solution):
        raise Http404("No such round")
    form = VerdictForm(request.POST, checklist=selectors.checklist_current())
    form.is_valid()
    verdict = request.POST.get("verdict", "")
    try:
        services.verdict_record(
            actor=request.user, origin=Origin.WEB, validation_round=validation_round, verdict=verdict,
            reasons=request.POST.getlist("reasons"), comment=form.cleaned_data.get("comment", ""),
            now=clock.now(),
        )
    except SolutionError as error:
        message_error(request, error)
    else:
        messages.success(request, _("Your verdict is recorded."))
    return redirect("solution_detail", pk=validation_round.solution_id)


@login_required
def round_attachment(request: HttpRequest, pk: int) -> FileResponse:
    validation_round = ValidationRound.objects.select_related("solution").filter(pk=pk).first()
    if (
        validation_round is None or not validation_round.attachment
        or not selectors.may_read(request.user, validation_round.solution)
    ):
        raise Http404("No such file")
    name = validation_round.attachment_name or "attachment"
    return FileResponse(
        validation_round.attachment.open("rb"), as_attachment=True, filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
