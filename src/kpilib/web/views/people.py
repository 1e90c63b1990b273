"""People pages: the list and a person's record (scoped by permissions), the org tree, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kpilib.audit.origin import Origin
from kpilib.audit.selectors import audit_events
from kpilib.engine.errors import InputError
from kpilib.ingest.pipeline import localised_problems
from kpilib.org.selectors import employees_search, org_tree
from kpilib.org.services import employees_import
from kpilib.permissions import (
    Action,
    allowed,
    employee_for,
    require,
    visible_employees,
)
from kpilib.web.forms import EmployeeImportForm


@login_required
def people(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_PEOPLE)
    query = request.GET.get("q", "").strip()
    include_leavers = request.GET.get("leavers") == "1"
    employees = employees_search(
        visible_employees(request.user), query=query, include_leavers=include_leavers
    )
    page = Paginator(employees, 50).get_page(request.GET.get("page"))
    template = "web/people_rows.html" if request.headers.get("HX-Request") else "web/people.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "include_leavers": include_leavers,
            "can_import": allowed(request.user, Action.IMPORT_EMPLOYEES),
        },
    )


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    employee = employee_for(request.user, pk)
    context: dict[str, object] = {"person": employee}
    if allowed(request.user, Action.VIEW_AUDIT):
        context["events"] = audit_events(object_type="org.employee", object_id=str(pk))[:20]
    return render(request, "web/person.html", context)


@login_required
def org(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_ORG_TREE)
    return render(request, "web/org_tree.html", {"nodes": org_tree()})


@login_required
@require_http_methods(["GET", "POST"])
def employees_import_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.IMPORT_EMPLOYEES)
    form = EmployeeImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = employees_import(actor=request.user, origin=Origin.WEB, data=upload.read(), file_name=upload.name)
        except InputError as error:
            context["problems"] = localised_problems(error.problems)
            return render(request, "web/employees_import.html", context, status=400)
        messages.success(
            request,
            _("Import finished: %(imported)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "imported": report.imported,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        for note in report.notes:
            messages.info(request, note)
        return redirect("people")
    return render(request, "web/employees_import.html", context)
