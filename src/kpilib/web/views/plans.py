"""Plan pages: list, create from a template, detail, edit the draft, what-if, publish,
delegate administration, regional variants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpilib.appraisal.selectors import plan_whatif
from kpilib.audit.origin import Origin
from kpilib.engine.periods import PeriodError, parse_period
from kpilib.library.selectors import local_text_of, yaml_block
from kpilib.permissions import (
    PLAN_ADMINISTRATOR_RIGHTS,
    PLAN_RIGHT_TEXT,
    Action,
    administrators_of_plan,
    allowed,
    plan_for,
    plan_readable_for,
    plans_administered_by,
    plans_readable_by,
    require,
)
from kpilib.plans import selectors, services
from kpilib.plans.fetch import EffectivePlan, effective_plan, live_revision
from kpilib.plans.models import PlanRevision
from kpilib.plans.selectors import plan_members
from kpilib.web.errors import form_error
from kpilib.web.plan_forms import (
    AdministratorForm,
    IndicatorAddForm,
    PlanCreateForm,
    RevisionForm,
    VariantForm,
    WhatIfForm,
)


def _require_plan_access(request: HttpRequest) -> None:
    if not (
        allowed(request.user, Action.CREATE_PLAN) or plans_readable_by(request.user).exists()
    ):
        require(request.user, Action.CREATE_PLAN)


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    _require_plan_access(request)
    listed = plans_readable_by(request.user).prefetch_related("positions", "administrators")
    editable = set(plans_administered_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "plans/index.html",
        {
            "plans": listed,
            "editable": editable,
            "can_create": allowed(request.user, Action.CREATE_PLAN),
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CREATE_PLAN)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create_from_template(actor=request.user, origin=Origin.WEB, **form.cleaned_data)
        except services.PlanError as error:
            form.add_error(None, "; ".join(error.messages))
        else:
            messages.success(request, _("Plan created as a draft: adjust it, then publish it."))
            return redirect("plan_detail", pk=plan.pk)
    return render(request, "plans/new.html", {"form": form})


def _indicator_rows(
    effective_weights: dict[str, float | None], pins: dict[str, int | None]
) -> list[dict[str, object]]:
    names = selectors.available_indicators()
    return [
        {
            "code": code,
            "name": local_text_of(names.get(code, {}).get("name")) or code,
            "weight": weight,
            "version": pins.get(code),
        }
        for code, weight in effective_weights.items()
    ]


def _editor_weights(effective: EffectivePlan) -> dict[str, float | None]:
    """The editor's rows: weighted indicators, then those added without a weight yet."""
    return {**effective.weights, **dict.fromkeys(effective.pending)}


def _addable_choices(effective: EffectivePlan) -> list[tuple[str, str]]:
    present = set(effective.weights) | set(effective.pending)
    return [
        (code, local_text_of(d.get("name")) or code)
        for code, d in selectors.available_indicators().items()
        if code not in present
    ]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan, for its administrators with every action; for managers read-only."""
    plan, can_edit = plan_readable_for(request.user, pk)
    live = live_revision(plan)
    # Readers see what is in force; a draft is its administrators' work in progress.
    draft = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first() if can_edit else None
    shown = effective_plan(live or draft) if (live or draft) else None
    own_admins, inherited_admins = administrators_of_plan(plan)
    context = {
        "plan": plan,
        "live": live,
        "draft": draft,
        "rows": _indicator_rows(shown.weights, shown.pinned_versions) if shown else [],
        "effective": shown,
        "member_count": plan_members(plan).count(),
        "revisions": plan.revisions.all()
        if can_edit
        else plan.revisions.exclude(status=PlanRevision.Status.DRAFT),
        "variants": plan.variants.all()
        if can_edit
        else plan.variants.filter(pk__in=plans_readable_by(request.user).values("pk")),
        "cycles": plan.cycles.all(),
        "can_edit": can_edit,
        "can_delegate": allowed(request.user, Action.CREATE_PLAN),
        "own_admins": own_admins,
        "inherited_admins": inherited_admins,
        "admin_rights": [PLAN_RIGHT_TEXT[right] for right in PLAN_ADMINISTRATOR_RIGHTS],
        "admin_form": AdministratorForm(),
        "variant_form": VariantForm(),
    }
    return render(request, "plans/detail.html", context)


@login_required
def plan_edit(
    request: HttpRequest, pk: int, add_form: IndicatorAddForm | None = None
) -> HttpResponse:
    plan = plan_for(request.user, pk)
    # Opening the page changes nothing: the draft is created by the first save.
    draft = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first()
    shown = draft or live_revision(plan) or plan.revisions.order_by("-number").first()
    effective = effective_plan(shown)
    editor_weights = _editor_weights(effective)
    form = RevisionForm(
        None if add_form else (request.POST or None),
        weights=editor_weights,
        initial={
            "grade_bands": yaml_block(shown.grade_bands),
            "rule_overrides": yaml_block(shown.rule_overrides),
            "personal_mode": shown.personal_mode or "",
            "personal_share": shown.personal_share,
            "note": draft.note if draft else "",
        },
    )
    if request.method == "POST" and add_form is None and form.is_valid():
        try:
            services.draft_save(
                actor=request.user,
                origin=Origin.WEB,
                plan=plan,
                weights=form.weights(),
                grade_bands=form.cleaned_data["grade_bands"],
                rule_overrides=form.cleaned_data["rule_overrides"] or {},
                personal_mode=form.cleaned_data["personal_mode"] or None,
                personal_share=form.cleaned_data["personal_share"],
                note=form.cleaned_data["note"],
            )
        except services.PlanError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("plan_edit", pk=plan.pk)
    context = {
        "plan": plan,
        "draft": draft,
        "form": form,
        "rows": _indicator_rows(
            editor_weights, {**effective.pinned_versions, **effective.pending}
        ),
        "effective": effective,
        "add_form": add_form or IndicatorAddForm(choices=_addable_choices(effective)),
        "total": sum(effective.weights.values()),
        "problems": services.revision_problems(draft) if draft else [],
        "confirm_no_participants": bool(draft)
        and services.revision_needs_participants_confirmation(draft),
        "outdated": selectors.outdated_pins(shown),
        "whatif_form": WhatIfForm(),
    }
    return render(request, "plans/edit.html", context)


@login_required
@require_POST
def plan_indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an indicator to the draft (started here when there is none), weighted or not yet."""
    plan = plan_for(request.user, pk)
    draft = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first()
    shown = draft or live_revision(plan) or plan.revisions.order_by("-number").first()
    form = IndicatorAddForm(request.POST, choices=_addable_choices(effective_plan(shown)))
    if form.is_valid():
        try:
            services.draft_add_indicator(
                actor=request.user,
                origin=Origin.WEB,
                plan=plan,
                code=form.cleaned_data["indicator"],
                weight=form.cleaned_data["weight"],
            )
        except services.PlanError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Indicator added to the draft: set its weight."))
            return redirect("plan_edit", pk=plan.pk)
    return plan_edit(request, pk, add_form=form)


@login_required
@require_POST
def plan_indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one indicator out of the draft (started here when there is none)."""
    plan = plan_for(request.user, pk)
    services.draft_remove_indicator(
        actor=request.user, origin=Origin.WEB, plan=plan, code=request.POST.get("code", "")
    )
    messages.success(request, _("Indicator taken out of the draft."))
    return redirect("plan_edit", pk=pk)


@login_required
def plan_whatif_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX fragment: everyone's total, grade and rank now and under the draft."""
    plan = plan_for(request.user, pk)
    draft = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first()
    form = WhatIfForm(request.GET or None)
    context: dict[str, object] = {"plan": plan}
    if draft is None:
        context["error"] = _("There is no draft to compare.")
    elif form.is_valid():
        problems = services.revision_problems(draft)
        if problems:
            context["error"] = "; ".join(problems)
        else:
            try:
                period = parse_period(form.cleaned_data["period"])
            except PeriodError as error:
                context["error"] = error.in_language(get_language() or "en")
            else:
                context["rows"] = plan_whatif(draft, period)
                context["precision"] = effective_plan(draft).precision
                context["period"] = period.label
    return render(request, "plans/_whatif.html", context)


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    draft = plan.revisions.filter(status=PlanRevision.Status.DRAFT).first()
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
        return redirect("plan_detail", pk=pk)
    try:
        revision = services.revision_publish(
            actor=request.user,
            origin=Origin.WEB,
            revision=draft,
            confirm_no_participants=request.POST.get("confirm_no_participants") == "1",
        )
    except services.PlanError as error:
        for reason in error.messages:
            messages.error(request, reason)
        return redirect("plan_edit", pk=pk)
    messages.success(request, _("Revision %(number)d is now live.") % {"number": revision.number})
    return redirect("plan_detail", pk=pk)


@login_required
@require_POST
def plan_administrators(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CREATE_PLAN)
    plan = plan_for(request.user, pk)
    form = AdministratorForm(request.POST)
    if form.is_valid():
        services.plan_set_administrator(
            actor=request.user, origin=Origin.WEB,
            plan=plan,
            employee=form.cleaned_data["employee"],
            admin=request.POST.get("remove") != "1",
        )
        messages.success(request, _("Plan administrators updated."))
    return redirect("plan_detail", pk=pk)


@login_required
@require_POST
def plan_variant_new(request: HttpRequest, pk: int) -> HttpResponse:
    parent = plan_for(request.user, pk)
    form = VariantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in code, names and regions for the variant."))
        return redirect("plan_detail", pk=pk)
    try:
        variant = services.plan_variant_create(
            actor=request.user, origin=Origin.WEB,
            parent=parent,
            code=form.cleaned_data["code"],
            name_zh_hans=form.cleaned_data["name_zh_hans"],
            name_en=form.cleaned_data["name_en"],
            regions=form.region_list(),
        )
    except services.PlanError as error:
        for reason in error.messages:
            messages.error(request, reason)
        return redirect("plan_detail", pk=pk)
    messages.success(
        request, _("Regional variant created: change only what differs, then publish.")
    )
    return redirect("plan_edit", pk=variant.pk)


@login_required
@require_POST
def plan_repin(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the draft to the newest versions of its indicators (reviewed before publishing)."""
    plan = plan_for(request.user, pk)
    services.draft_repin(actor=request.user, origin=Origin.WEB, plan=plan)
    messages.success(request, _("The draft now uses the newest indicator versions."))
    return redirect("plan_edit", pk=pk)
