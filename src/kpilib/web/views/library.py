"""Indicator library pages: browse, detail with SMART check, edit with live checking,
publish, retire, compare versions, strategy coverage and presets, pack import/export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib.audit.origin import Origin
from kpilib.engine.errors import InputError
from kpilib.library import selectors, services
from kpilib.library.models import Dimension, Indicator, Theme
from kpilib.permissions import Action, allowed, require
from kpilib.web.library_forms import IndicatorForm, PackImportForm, RetireForm


@login_required
def library(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("query", "dimension", "status", "tag", "layer")
    }
    indicators = selectors.indicators_search(**filters)
    context = {
        "indicators": indicators,
        "filters": filters,
        "dimensions": Dimension.objects.all(),
        "layers": Dimension.Layer.choices,
        "statuses": Indicator.Status.choices,
        "tags": selectors.all_tags(),
        "can_edit": allowed(request.user, Action.EDIT_LIBRARY),
    }
    template = "library/_rows.html" if request.headers.get("HX-Request") else "library/index.html"
    return render(request, template, context)


def _indicator(code: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("dimension", "replaced_by"), code=code
    )


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    indicator = _indicator(code)
    versions = list(indicator.versions.select_related("published_by"))
    shown = (
        indicator.draft
        if indicator.draft is not None
        else (versions[0].definition if versions else {})
    )
    context = {
        "indicator": indicator,
        "versions": versions,
        "document": shown,
        "showing_draft": indicator.draft is not None,
        "smart_lines": selectors.smart_lines(selectors.smart_report(shown)) if shown else [],
        "definition_text": selectors.local_text_of(shown.get("definition")),
        "unit_text": selectors.local_text_of(shown.get("unit")),
        "purpose_text": selectors.local_text_of(
            {"zh-Hans": indicator.purpose_zh_hans, "en": indicator.purpose_en}
        ),
        "contributions": {
            c.objective.code: c for c in indicator.contributions.select_related("objective")
        },
        "objectives": selectors.objectives_by_code(shown.get("objectives", [])),
        "can_edit": allowed(request.user, Action.EDIT_LIBRARY),
        "measure_yaml": selectors.yaml_block(shown.get("measure")),
        "rule_yaml": selectors.yaml_block(shown.get("rule")),
    }
    return render(request, "library/detail.html", context)


@login_required
def indicator_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    require(request.user, Action.EDIT_LIBRARY)
    indicator = _indicator(code) if code else None
    if request.method == "POST":
        # The code of an existing indicator is fixed: its disabled field takes the initial value.
        initial = {"code": indicator.code} if indicator else None
        form = IndicatorForm(request.POST, initial=initial, indicator=indicator)
        if form.is_valid():
            try:
                if indicator is None:
                    indicator = services.indicator_create(
                        actor=request.user, origin=Origin.WEB, document=form.document()
                    )
                else:
                    services.indicator_save_draft(
                        actor=request.user, origin=Origin.WEB, indicator=indicator, document=form.document()
                    )
            except InputError as error:
                return render(
                    request,
                    "library/edit.html",
                    {"form": form, "indicator": indicator, "problems": error.problems},
                    status=400,
                )
            except services.LibraryError as error:
                return render(
                    request,
                    "library/edit.html",
                    {"form": form, "indicator": indicator, "refusals": error.messages},
                    status=400,
                )
            services.indicator_set_details(
                actor=request.user, origin=Origin.WEB, indicator=indicator, **form.details()
            )
            messages.success(
                request, _("Draft saved. Publish it to make it a version plans can use.")
            )
            return redirect("indicator_detail", code=indicator.code)
    else:
        document = {}
        if indicator is not None:
            latest = indicator.latest_version()
            document = indicator.draft or (latest.definition if latest else {})
        initial = IndicatorForm.initial_from(document)
        if indicator is not None:
            initial |= {
                "owner": indicator.owner,
                "purpose_zh_hans": indicator.purpose_zh_hans,
                "purpose_en": indicator.purpose_en,
            }
        form = IndicatorForm(initial=initial, indicator=indicator)
    return render(request, "library/edit.html", {"form": form, "indicator": indicator})


@login_required
@require_POST
def indicator_check(request: HttpRequest) -> HttpResponse:
    """Live check while editing: the engine's validation and the SMART check, as a fragment."""
    require(request.user, Action.EDIT_LIBRARY)
    form = IndicatorForm(request.POST)
    context: dict[str, object] = {"form_errors": None}
    if form.is_valid():
        document = form.document()
        context["problems"] = services.draft_problems(document)
        if not context["problems"]:
            context["smart_lines"] = selectors.smart_lines(selectors.smart_report(document))
    else:
        # Only fields the person has filled in are judged while they type: an empty new
        # form shows no errors until it is saved. Errors name the field by its label.
        context["form_errors"] = [
            (form[name].label if name in form.fields else "", errors)
            for name, errors in form.errors.items()
            if name == "__all__" or (request.POST.get(name) or "").strip()
        ]
    return render(request, "library/_check.html", context)


@login_required
@require_POST
def indicator_publish(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.EDIT_LIBRARY)
    indicator = _indicator(code)
    try:
        version = services.indicator_publish(
            actor=request.user, origin=Origin.WEB, indicator=indicator, change_note=request.POST.get("change_note", "")
        )
    except (InputError, services.LibraryError) as error:
        reasons = (
            error.messages
            if isinstance(error, services.LibraryError)
            else [str(p) for p in error.problems]
        )
        for reason in reasons:
            messages.error(request, reason)
        return redirect("indicator_detail", code=code)
    messages.success(request, _("Published version %(number)d.") % {"number": version.number})
    return redirect("indicator_detail", code=code)


@login_required
def indicator_retire(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.EDIT_LIBRARY)
    indicator = _indicator(code)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_retire(
                actor=request.user, origin=Origin.WEB,
                indicator=indicator,
                reason=form.cleaned_data["reason"],
                replaced_by=form.cleaned_data["replaced_by"],
            )
        except services.LibraryError as error:
            form.add_error(None, "; ".join(error.messages))
        else:
            messages.success(
                request, _("Indicator retired. Plans that pinned its versions keep them.")
            )
            return redirect("indicator_detail", code=code)
    return render(request, "library/retire.html", {"form": form, "indicator": indicator})


@login_required
def indicator_compare(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    indicator = _indicator(code)
    versions = {str(v.number): v.definition for v in indicator.versions.all()}
    if indicator.draft is not None:
        versions["draft"] = indicator.draft
    left, right = request.GET.get("left", ""), request.GET.get("right", "")
    if left not in versions or right not in versions:
        raise Http404("No such version")
    changes = selectors.compare_definitions(versions[left], versions[right])
    return render(
        request,
        "library/compare.html",
        {"indicator": indicator, "left": left, "right": right, "changes": changes},
    )


@login_required
def strategy(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    context = {
        "themes": Theme.objects.prefetch_related("objectives"),
        "coverage": selectors.strategy_coverage(),
        "shares": selectors.theme_weight_shares_chart(),
        "can_edit": allowed(request.user, Action.EDIT_LIBRARY),
    }
    return render(request, "library/strategy.html", context)


@login_required
def strategy_proposal(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.EDIT_LIBRARY)
    theme = get_object_or_404(Theme, code=code)
    proposals = selectors.strategy_proposal(theme)
    if request.method == "POST":
        services.strategy_apply(actor=request.user, origin=Origin.WEB, theme=theme, proposals=proposals)
        messages.success(
            request,
            _("%(theme)s is now the active strategy; plan templates re-weighted.")
            % {"theme": theme},
        )
        return redirect("strategy")
    return render(request, "library/proposal.html", {"theme": theme, "proposals": proposals})


@login_required
def pack_transfer(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EDIT_LIBRARY)
    form = PackImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.library_file_import(
                actor=request.user, origin=Origin.WEB, data=upload.read(), file_name=upload.name
            )
        except InputError as error:
            return render(
                request,
                "library/transfer.html",
                {"form": form, "problems": error.problems},
                status=400,
            )
        messages.success(request, report.summary())
        return redirect("library")
    return render(request, "library/transfer.html", {"form": form})


@login_required
def pack_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, Action.VIEW_LIBRARY)
    if fmt == "yaml":
        response = HttpResponse(
            services.pack_export(), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="kpilib-library.yaml"'
        return response
    response = HttpResponse(
        services.indicators_xlsx_export(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="kpilib-indicators.xlsx"'
    return response
