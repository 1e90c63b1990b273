"""Training pages: the exam and certification catalogues (HR), exam results (as they
count, with the pass line), recording attempts and certifications, importing an LMS
export, and the team coverage matrix of who holds what and what expires soon.

Everyone sees the people `permissions.visible_employees` allows (an engineer: themself);
writes go through `training.services`, whose rules decide who may.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.engine.errors import InputError
from kpilib.ingest.pipeline import localised_problems
from kpilib.permissions import Action, allowed, employee_of, require, visible_employees
from kpilib.training import selectors, services
from kpilib.training.errors import TrainingError
from kpilib.training.models import Exam
from kpilib.web.errors import form_error, message_error
from kpilib.web.training_forms import (
    AttemptForm,
    CertificationForm,
    ExamForm,
    ExamImportForm,
    HeldForm,
)


def _form_messages(request: HttpRequest, form: forms.Form) -> None:
    """A POST-only form's errors as messages on the page it redirects back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _people(request: HttpRequest):  # type: ignore[no-untyped-def]
    return visible_employees(request.user).filter(left_on__isnull=True).order_by("employee_id")


@login_required
def training(request: HttpRequest) -> HttpResponse:
    """The overview: catalogues, the coverage matrix of the people the user may see, and
    what expires in the next 90 days."""
    require(request.user, Action.VIEW_TRAINING)
    today = clock.today()
    manage = allowed(request.user, Action.MANAGE_TRAINING)
    people = _people(request)
    exam_form = ExamForm(request.POST or None) if manage else None
    certification_form = CertificationForm() if manage else None
    if request.method == "POST" and exam_form is not None:
        require(request.user, Action.MANAGE_TRAINING)
        if exam_form.is_valid():
            try:
                exam = services.exam_save(actor=request.user, origin=Origin.WEB, **exam_form.cleaned_data)
            except TrainingError as error:
                form_error(exam_form, error)
            else:
                messages.success(request, _("Exam %(name)s added.") % {"name": exam.local_name})
                return redirect("training")
    context = {
        "manage": manage,
        "exams": selectors.exams_listed(),
        "certifications": selectors.certifications_listed(),
        "coverage": selectors.coverage(people, today=today),
        "expiring": selectors.expiring(people, today=today),
        "today": today,
        "exam_form": exam_form,
        "certification_form": certification_form,
        "held_form": HeldForm(people=people) if manage else None,
        "import_form": ExamImportForm() if manage else None,
        "me": employee_of(request.user),
    }
    return render(request, "training/index.html", context)


@login_required
@require_POST
def certification_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_TRAINING)
    form = CertificationForm(request.POST)
    if form.is_valid():
        try:
            certification = services.certification_save(
                actor=request.user, origin=Origin.WEB, **form.cleaned_data
            )
        except TrainingError as error:
            message_error(request, error)
        else:
            messages.success(request, _("Certification %(name)s added.") % {"name": certification.local_name})
    else:
        _form_messages(request, form)
    return redirect("training")


@login_required
@require_POST
def certification_held_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_TRAINING)
    form = HeldForm(request.POST, people=_people(request))
    if form.is_valid():
        try:
            held = services.certification_record(
                actor=request.user, origin=Origin.WEB, today=clock.today(), **form.cleaned_data
            )
        except TrainingError as error:
            message_error(request, error)
        else:
            messages.success(
                request,
                _("%(name)s holds %(certification)s from %(day)s.")
                % {"name": held.employee.name, "certification": held.certification.local_name,
                   "day": held.earned_on.isoformat()},
            )
    else:
        _form_messages(request, form)
    return redirect("training")


@login_required
@require_POST
def exams_import(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_TRAINING)
    form = ExamImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("training")
    upload = form.cleaned_data["file"]
    try:
        report = services.exam_attempts_import(
            actor=request.user, origin=Origin.WEB, data=upload.read(), file_name=upload.name,
            today=clock.today(),
        )
    except InputError as error:
        problems = localised_problems(error.problems)
        messages.error(request, _("Nothing was imported: %(count)d problems.") % {"count": len(problems)})
        for problem in problems[:20]:
            messages.error(request, str(problem))
    except TrainingError as error:
        message_error(request, error)
    else:
        messages.success(
            request,
            _("Exam results: %(imported)d imported, %(updated)d updated, %(unchanged)d unchanged.")
            % {"imported": report.imported, "updated": report.updated, "unchanged": report.unchanged},
        )
    return redirect("training")


@login_required
def exam_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One exam: everyone the user may see who sat it, the attempt that counts, pass or
    not; HR records an attempt here."""
    require(request.user, Action.VIEW_TRAINING)
    exam = get_object_or_404(Exam, code=code)
    people = _people(request)
    manage = allowed(request.user, Action.MANAGE_TRAINING)
    form = AttemptForm(request.POST or None, people=people) if manage else None
    if request.method == "POST":
        require(request.user, Action.MANAGE_TRAINING)
        assert form is not None
        if form.is_valid():
            try:
                services.exam_attempt_record(
                    actor=request.user, origin=Origin.WEB, exam=exam, today=clock.today(),
                    **form.cleaned_data,
                )
            except TrainingError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Attempt recorded; the counted result is updated."))
                return redirect("exam_detail", code=exam.code)
    results = selectors.exam_results(exam, people)
    context = {
        "exam": exam,
        "results": results,
        "passed": sum(1 for result in results if result.passed),
        "form": form,
        "manage": manage,
    }
    return render(request, "training/exam.html", context)
