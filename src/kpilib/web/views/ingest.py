"""Data pages (数据): upload → column mapping → preview → commit (a background job with a
progress bar), batch results, the quarantine (fix and re-submit), and data sources with
their owner mappings. HR only; every write goes through `kpilib.ingest.services`."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kpilib.audit.origin import Origin
from kpilib.engine.errors import InputError
from kpilib.ingest import selectors, services
from kpilib.ingest.connectors import CONNECTORS, GENERIC
from kpilib.ingest.errors import IngestError
from kpilib.ingest.models import ImportBatch, QuarantinedRow, Source
from kpilib.ingest.pipeline import localised_problems
from kpilib.ingest.previews import preview_stored
from kpilib.permissions import Action, require
from kpilib.web.ingest_forms import EncodingForm, FactUploadForm, MappingForm, OwnerAliasForm

EDITABLE = ("employee_id", "metric", "occurred_on", "value", "customer_id", "project_id")


def _batch(pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("source", "actor"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def data_home(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    form = FactUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(
                actor=request.user,
                origin=Origin.WEB,
                data=upload.read(),
                file_name=upload.name,
                source=form.cleaned_data["source"],
                new_source=form.cleaned_data["new_source"],
                new_kind=form.cleaned_data["new_kind"] or GENERIC,
            )
        except InputError as error:
            problems = localised_problems(error.problems[:5])
            messages.error(request, "; ".join(str(problem) for problem in problems))
        else:
            return redirect("ingest_mapping", pk=batch.pk)
    context = {
        "form": form,
        "sources": selectors.sources_overview(),
        "batches": selectors.batches_recent(),
        "open_rows": selectors.quarantine_open().count(),
    }
    return render(request, "ingest/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def batch_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    batch = _batch(pk)
    if batch.status != ImportBatch.Status.DRAFT:
        return redirect("ingest_batch", pk=batch.pk)
    try:
        headers, choices = selectors.batch_mapping(batch)
    except InputError as error:
        if batch.encoding_certain:
            raise
        # Read in the encoding just chosen, the file makes no sense: let them choose again.
        problems = localised_problems(error.problems[:5])
        messages.error(request, "; ".join(str(problem) for problem in problems))
        headers, choices = [], []
    form = MappingForm(request.POST or None, headers=headers, choices=choices)
    if request.method == "POST" and form.is_valid():
        services.batch_map(
            actor=request.user, origin=Origin.WEB, batch=batch, mapping=form.mapping()
        )
        return redirect("ingest_preview", pk=batch.pk)
    context = {
        "batch": batch,
        "form": form,
        "rows": zip(form, choices, strict=True),
        "connector": CONNECTORS.get(batch.source.kind),
    }
    if not batch.encoding_certain:
        context["encoding_sample"] = selectors.batch_encoding_sample(batch)
        context["encoding_form"] = EncodingForm(initial={"encoding": batch.encoding})
    return render(request, "ingest/mapping.html", context)


@login_required
@require_POST
def batch_encoding(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a draft file in the encoding the person chose, then show the mapping again."""
    require(request.user, Action.IMPORT_FACTS)
    batch = _batch(pk)
    form = EncodingForm(request.POST)
    if form.is_valid():
        services.batch_set_encoding(
            actor=request.user,
            origin=Origin.WEB,
            batch=batch,
            encoding=form.cleaned_data["encoding"],
        )
    return redirect("ingest_mapping", pk=batch.pk)


@login_required
@require_http_methods(["GET", "POST"])
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    batch = _batch(pk)
    if batch.status != ImportBatch.Status.DRAFT:
        return redirect("ingest_batch", pk=batch.pk)
    if request.method == "POST":
        partial = request.POST.get("mode") == "partial"
        services.batch_commit(actor=request.user, origin=Origin.WEB, batch=batch, partial=partial)
        return redirect("ingest_batch", pk=batch.pk)
    # Read on the worker (queued when the mapping was saved): None while it is prepared.
    preview = preview_stored(batch)
    return render(request, "ingest/preview.html", {"batch": batch, "preview": preview})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    batch = _batch(pk)
    if batch.status == ImportBatch.Status.DRAFT:
        return redirect("ingest_mapping", pk=batch.pk)
    context = {
        "batch": batch,
        "progress": selectors.batch_progress(batch),
        "quarantined": batch.quarantined_rows.filter(status=QuarantinedRow.Status.OPEN).count(),
    }
    return render(request, "ingest/batch.html", context)


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment the batch page polls; a finished batch reloads the page."""
    require(request.user, Action.IMPORT_FACTS)
    batch = _batch(pk)
    response = render(
        request,
        "ingest/_progress.html",
        {"batch": batch, "progress": selectors.batch_progress(batch)},
    )
    if batch.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    batch = _batch(pk)
    try:
        services.batch_retry(actor=request.user, origin=Origin.WEB, batch=batch)
    except IngestError as error:
        messages.error(request, str(error))
    return redirect("ingest_batch", pk=batch.pk)


def _edits(request: HttpRequest, rows: list[QuarantinedRow]) -> dict[int, dict[str, str | None]]:
    edits: dict[int, dict[str, str | None]] = {}
    for row in rows:
        changed: dict[str, str | None] = {}
        for column in EDITABLE:
            key = f"r{row.pk}-{column}"
            if key not in request.POST:
                continue
            value = request.POST[key].strip() or None
            if value != row.values.get(column):
                changed[column] = value
        if changed:
            edits[row.pk] = changed
    return edits


@login_required
@require_http_methods(["GET", "POST"])
def quarantine(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    source = Source.objects.filter(name=request.GET.get("source", "")).first()
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("row") if pk.isdigit()]
        rows = list(selectors.quarantine_open().filter(pk__in=chosen))
        if not rows:
            messages.error(request, _("Choose the rows first."))
        elif request.POST.get("action") == "discard":
            count = services.quarantine_discard(actor=request.user, origin=Origin.WEB, rows=rows)
            messages.success(request, _("%(count)d rows discarded.") % {"count": count})
        else:
            _resubmit(request, rows)
        return redirect(request.get_full_path())
    page = Paginator(selectors.quarantine_open(source=source), 50).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "source": source,
        "sources": selectors.sources_overview(),
        "columns": EDITABLE,
        "rows": [(row, _cells(row)) for row in page],
    }
    return render(request, "ingest/quarantine.html", context)


def _resubmit(request: HttpRequest, rows: list[QuarantinedRow]) -> None:
    by_source: dict[int, list[QuarantinedRow]] = {}
    for row in rows:
        by_source.setdefault(row.source_id, []).append(row)
    edits = _edits(request, rows)
    for group in by_source.values():
        report = services.quarantine_resubmit(actor=request.user, origin=Origin.WEB, rows=group, edits=edits)
        messages.success(
            request,
            _(
                "Re-submitted: %(imported)d imported, %(updated)d updated, %(waiting)d still waiting."
            )
            % {
                "imported": report.imported + report.unchanged,
                "updated": report.updated,
                "waiting": report.quarantined,
            },
        )


def _cells(row: QuarantinedRow) -> list[tuple[str, str, str | None]]:
    """(input name, column, value) of a row's editable columns."""
    return [(f"r{row.pk}-{column}", column, row.values.get(column)) for column in EDITABLE]


@login_required
@require_http_methods(["GET", "POST"])
def source_detail(request: HttpRequest, name: str) -> HttpResponse:
    require(request.user, Action.IMPORT_FACTS)
    source = get_object_or_404(Source, name=name)
    form = OwnerAliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        alias = services.owner_alias_set(
            actor=request.user,
            origin=Origin.WEB,
            source=source,
            alias=form.cleaned_data["alias"],
            employee=form.cleaned_data["employee_number"],
        )
        messages.success(
            request,
            _("%(alias)s now means %(employee)s.")
            % {"alias": alias.alias, "employee": alias.employee},
        )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("ingest_source", args=[source.name])
        return redirect(target)
    context = {
        "source": source,
        "connector": CONNECTORS.get(source.kind),
        "aliases": selectors.owner_aliases(source=source),
        "form": form,
        "webhook_url": request.build_absolute_uri(f"/api/webhooks/{source.name}"),
        "open_rows": selectors.quarantine_open(source=source).count(),
    }
    return render(request, "ingest/source.html", context)
