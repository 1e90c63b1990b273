"""Indicator library pages: browse, detail with SMART check, edit with the measure and
rule builder (or YAML), live checking and a preview of points, publish, retire, compare
versions, strategy coverage and presets, pack import/export."""

import re
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from pydantic import TypeAdapter, ValidationError

from kpilib.audit.origin import Origin
from kpilib.engine.definitions import PRIMARY_INPUT, Rule
from kpilib.engine.errors import InputError
from kpilib.engine.explain import constant_text
from kpilib.engine.rules import preview_points
from kpilib.library import selectors, services
from kpilib.library.models import Dimension, Indicator, Theme
from kpilib.permissions import Action, allowed, require
from kpilib.web import indicator_builder
from kpilib.web.library_forms import BUILDER, YAML, IndicatorForm, PackImportForm, RetireForm

MAX_SAMPLES = 20
RULE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Rule)


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
                    {"form": form, "indicator": indicator, "problems": error.problems}
                    | _posted_editor(request.POST),
                    status=400,
                )
            except services.LibraryError as error:
                return render(
                    request,
                    "library/edit.html",
                    {"form": form, "indicator": indicator, "refusals": error.messages}
                    | _posted_editor(request.POST),
                    status=400,
                )
            services.indicator_set_details(
                actor=request.user, origin=Origin.WEB, indicator=indicator, **form.details()
            )
            messages.success(
                request, _("Draft saved. Publish it to make it a version plans can use.")
            )
            return redirect("indicator_detail", code=indicator.code)
        editor = _posted_editor(request.POST)
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
        editor = _editor(document.get("measure"), document.get("rule"), document.get("inputs"))
    return render(request, "library/edit.html", {"form": form, "indicator": indicator} | editor)


def _editor(
    measure: Any, rule: Any, inputs: Any = None, *, tab: str | None = None, yaml_error: str = ""
) -> dict[str, Any]:
    """The measure and rule editor: builder fields and YAML texts of the same definition.

    The builder tab opens unless asked for YAML or the definition has a kind only the
    YAML tab edits (a formula, an attributed measure, a composite rule).
    """
    language = selectors.engine_language()
    supported = indicator_builder.supported(measure, rule)
    mode = tab if tab in (BUILDER, YAML) else BUILDER
    if not supported or yaml_error:
        mode = YAML
    names = [PRIMARY_INPUT, *(inputs.keys() if isinstance(inputs, dict) else [])]
    return {
        "editor": {
            "mode": mode,
            "supported": supported,
            "measure": indicator_builder.measure_node(measure, language=language),
            "rule": indicator_builder.rule_node(rule, language=language),
            "measure_yaml": selectors.yaml_block(measure),
            "rule_yaml": selectors.yaml_block(rule),
            "input_names": names,
            "yaml_error": yaml_error,
        }
    }


def _posted_editor(data: Any, *, tab: str | None = None, action: str = "") -> dict[str, Any]:
    """The editor for what was posted, taken from the tab the person was using."""
    inputs = _yaml_or_none(data.get("inputs", ""))
    if data.get("editor") == BUILDER:
        measure = indicator_builder.parse_measure(data, keep_empty_rows=True)
        rule = indicator_builder.parse_rule(data, keep_empty_rows=True)
        if action.startswith(("add:measure", "remove:measure")):
            indicator_builder.apply_action(measure, action)
        elif action:
            indicator_builder.apply_action(rule, action)
        return _editor(measure, rule, inputs, tab=tab or BUILDER)
    try:
        measure = yaml.safe_load(data.get("measure", "") or "") or None
        rule = yaml.safe_load(data.get("rule", "") or "") or None
    except yaml.YAMLError:
        context = _editor(None, None, inputs, tab=YAML, yaml_error=_("Fix the YAML first."))
        context["editor"]["measure_yaml"] = data.get("measure", "")
        context["editor"]["rule_yaml"] = data.get("rule", "")
        return context
    return _editor(measure, rule, inputs, tab=tab or YAML)


def _yaml_or_none(text: str) -> Any:
    try:
        return yaml.safe_load(text or "") or None
    except yaml.YAMLError:
        return None


@login_required
@require_POST
def indicator_builder_fragment(request: HttpRequest) -> HttpResponse:
    """The editor re-drawn: another kind chosen, a row added or removed, or the other tab
    opened (the definition carried over from the tab in use). Writes nothing."""
    require(request.user, Action.EDIT_LIBRARY)
    context = _posted_editor(
        request.POST, tab=request.POST.get("tab"), action=request.POST.get("action", "")
    )
    return render(request, "library/_editor.html", context)


@login_required
@require_GET
def indicator_preview(request: HttpRequest) -> HttpResponse:
    """Points the rule being edited gives sample values, computed by the engine."""
    require(request.user, Action.EDIT_LIBRARY)
    data = request.GET
    samples = [
        float(item)
        for item in re.split(r"[\s,，、;；]+", data.get("samples", ""))
        if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", item)
    ][:MAX_SAMPLES]
    if data.get("editor") == BUILDER:
        rule = indicator_builder.parse_rule(data)
    else:
        rule = _yaml_or_none(data.get("rule", ""))
    try:
        maximum = float(data.get("default_weight") or 100)
    except ValueError:
        maximum = 100.0
    context: dict[str, Any] = {"samples": samples, "maximum": constant_text(maximum)}
    try:
        definition = RULE_ADAPTER.validate_python(rule)
    except ValidationError:
        context["incomplete"] = True
        return render(request, "library/_preview.html", context)
    if samples and maximum > 0:
        context["rows"] = [
            {
                "value": constant_text(row.value),
                "points": constant_text(row.points),
                "explanation": row.explanation,
            }
            for row in preview_points(
                definition,
                maximum,
                samples,
                lower_better=data.get("direction") == "lower_better",
                language=selectors.engine_language(),
            )
        ]
    return render(request, "library/_preview.html", context)


@login_required
@require_POST
def indicator_check(request: HttpRequest) -> HttpResponse:
    """Live check while editing: the engine's validation and the SMART check, as a fragment."""
    require(request.user, Action.EDIT_LIBRARY)
    form = IndicatorForm(request.POST)
    valid = form.is_valid()
    # Only fields the person has filled in are judged while they type: an empty new
    # form shows no errors until it is saved. Errors name the field by its label.
    context: dict[str, object] = {
        "form_errors": [
            (form[name].label if name in form.fields else "", errors)
            for name, errors in form.errors.items()
            if name == "__all__" or (request.POST.get(name) or "").strip()
        ]
    }
    if valid:
        context["problems"] = services.draft_problems(form.document())
    report = selectors.smart_report_so_far(form.partial_document())
    context["smart_lines"] = selectors.smart_lines(report) if report else []
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
