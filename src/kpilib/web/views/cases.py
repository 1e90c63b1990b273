"""Case library pages (成功经验分享): search the approved cases, write and submit one's
own, decide on the cases of one's people (managers, HR), record a reuse.

Reads go through `cases.selectors` (`case_for` answers 404 for a case one may not read);
writes through `cases.services`, whose rules decide who may and when.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib import clock
from kpilib.audit.origin import Origin
from kpilib.cases import selectors, services
from kpilib.cases.errors import CaseError
from kpilib.cases.models import CaseAttachment
from kpilib.permissions import Action, employee_of, require
from kpilib.web.case_forms import AttachmentForm, CaseForm, DecisionForm, ReuseForm, case_initial
from kpilib.web.errors import form_error, message_error


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    query = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "")
    industry = request.GET.get("industry", "")
    context = {
        "query": query,
        "tag": tag,
        "industry": industry,
        "found": selectors.cases_search(query=query, tag=tag, industry=industry),
        "facets": selectors.library_facets(),
        "waiting": selectors.cases_waiting_for(request.user),
        "own": selectors.own_cases(request.user),
        "can_write": employee_of(request.user) is not None,
    }
    return render(request, "cases/index.html", context)


def _save(request: HttpRequest, form: CaseForm, case: object = None) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        saved = services.case_save(actor=request.user, origin=Origin.WEB, case=case, **form.cleaned_data)  # type: ignore[arg-type]
    except CaseError as error:
        form_error(form, error)
        return None
    messages.success(request, _("Case saved. Submit it for approval when it is ready."))
    return redirect("case_detail", pk=saved.pk)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and (done := _save(request, form)):
        return done
    return render(request, "cases/edit.html", {"form": form, "case": None})


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    form = CaseForm(request.POST or None, initial=case_initial(case))
    if request.method == "POST" and (done := _save(request, form, case)):
        return done
    return render(request, "cases/edit.html", {"form": form, "case": case})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    actions = selectors.case_actions(request.user, case)
    context = {
        "case": case,
        "own": actions.own,
        "editable": actions.editable,
        "may_decide": actions.may_decide,
        "may_reuse": actions.may_reuse,
        "reuse_count": actions.reuse_count,
        "decision_form": DecisionForm(),
        "reuse_form": ReuseForm(),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    try:
        services.case_submit(actor=request.user, origin=Origin.WEB, case=case, now=clock.now())
    except CaseError as error:
        message_error(request, error)
    else:
        messages.success(request, _("Sent for approval."))
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        services.case_decide(
            actor=request.user, origin=Origin.WEB, case=case, approve=approve,
            comment=form.cleaned_data.get("comment", ""), now=clock.now(),
        )
    except CaseError as error:
        message_error(request, error)
    else:
        messages.success(request, _("Approved: the case is in the library.") if approve else _("Returned to the author."))
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def case_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    form = ReuseForm(request.POST)
    form.is_valid()
    try:
        services.case_reuse(
            actor=request.user, origin=Origin.WEB, case=case, today=clock.today(),
            note=form.cleaned_data.get("note", ""),
        )
    except CaseError as error:
        message_error(request, error)
    else:
        messages.success(request, _("Thank you: your reuse is counted."))
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def case_attach(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.case_attach(actor=request.user, origin=Origin.WEB, case=case, upload=form.cleaned_data["file"])
        except CaseError as error:
            message_error(request, error)
    return redirect("case_detail", pk=pk)


@login_required
def case_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = CaseAttachment.objects.select_related("case").filter(pk=pk).first()
    if attachment is None or not selectors.may_read(request.user, attachment.case):
        raise Http404("No such file")
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file_name,
        content_type=mimetypes.guess_type(attachment.file_name)[0] or "application/octet-stream",
    )
