"""Changing plans: create from a template, clone, regional variants, drafts, publication,
delegated administrators. Every change is atomic and audited; published revisions are
never changed — a change is always a new revision."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from pydantic import ValidationError

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.packs import pack_problems
from kpilib.library.fetch import published_definitions
from kpilib.library.models import Indicator, PlanTemplate
from kpilib.library.selectors import local_text_of
from kpilib.notes import system_note
from kpilib.org.models import Employee, Position
from kpilib.org.selectors import org_region_names
from kpilib.plans.errors import PlanError, UnpinnedIndicators
from kpilib.plans.fetch import (
    effective_plan,
    engine_plan_and_pack,
    inherited_revision,
    live_revision,
)
from kpilib.plans.models import Plan, PlanRevision
from kpilib.plans.selectors import latest_versions, outdated_pins, plan_members

EDITABLE_FIELDS = (
    "weights",
    "pinned_versions",
    "rule_overrides",
    "grade_bands",
    "precision",
    "personal_mode",
    "personal_share",
    "missing_policies",
    "note",
)



def unpublished_indicator_reasons(codes: list[str]) -> list[str]:
    """Why each of these indicators has no published version a plan could pin.

    A pack import keeps an indicator that fails the SMART check as a draft; a plan that
    weights it cannot be published, so the plan is refused at once with the reason.
    """
    from kpilib.library.services import smart_failures

    found = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=codes)}
    reasons = []
    for code in codes:
        indicator = found.get(code)
        if indicator is None:
            reasons.append(gettext("%(code)s is not in the library") % {"code": code})
        elif indicator.status == Indicator.Status.RETIRED:
            reasons.append(gettext("%(name)s (%(code)s) is retired") % {"name": indicator.name, "code": code})
        elif indicator.draft is not None and (failures := smart_failures(indicator.draft)):
            reasons.append(
                gettext("%(name)s (%(code)s) is still a draft: it fails the SMART check (%(why)s)")
                % {"name": indicator.name, "code": code, "why": "; ".join(failures)}
            )
        else:
            reasons.append(
                gettext("%(name)s (%(code)s) has no published version")
                % {"name": indicator.name, "code": code}
            )
    return reasons


def _new_revision(*, actor: Any, origin: Origin, plan: Plan, **fields: Any) -> PlanRevision:
    last = plan.revisions.order_by("-number").first()
    revision = PlanRevision.objects.create(
        plan=plan,
        number=(last.number + 1) if last else 1,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    audit_record(actor=actor, origin=origin, instance=revision, before=None)
    return revision


@transaction.atomic
def plan_create_from_template(
    *,
    actor: Any, origin: Origin,
    template: PlanTemplate,
    code: str,
    name_zh_hans: str,
    name_en: str,
    positions: list[Position],
) -> Plan:
    """A plan whose first draft takes the template's weights, pinned to the newest versions."""
    if Plan.objects.filter(code=code).exists():
        raise PlanError([gettext("a plan with code %(code)s exists") % {"code": code}])
    definition = template.definition
    weights = dict(definition["weights"])
    pinned = latest_versions(list(weights))
    unpinned = [indicator for indicator in weights if indicator not in pinned]
    if unpinned:
        # Refused now, naming why, rather than a plan that can never be published.
        raise PlanError(unpublished_indicator_reasons(unpinned))
    plan = Plan.objects.create(
        code=code, name_zh_hans=name_zh_hans, name_en=name_en, template=template
    )
    plan.positions.set(positions)
    audit_record(actor=actor, origin=origin, instance=plan, before=None)
    _new_revision(
        actor=actor, origin=origin,
        plan=plan,
        weights=weights,
        pinned_versions=pinned,
        rule_overrides=dict(definition.get("rule_overrides", {})),
        grade_bands=definition.get("grade_bands"),
        precision=definition.get("precision", 2),
        personal_mode=Plan.PersonalMode.NONE,
        personal_share=0.0,
        note=system_note("created_from_template", template=template.code),
    )
    return plan


@transaction.atomic
def plan_clone(*, actor: Any, origin: Origin, plan: Plan, code: str, name_zh_hans: str, name_en: str) -> Plan:
    """A new plan starting from the source plan's live (or newest) configuration."""
    source = live_revision(plan) or plan.revisions.order_by("-number").first()
    if source is None:
        raise PlanError([gettext("the plan has no revision to clone")])
    effective = effective_plan(source)
    clone = Plan.objects.create(
        code=code, name_zh_hans=name_zh_hans, name_en=name_en, template=plan.template
    )
    clone.positions.set(plan.positions.all())
    clone.org_units.set(plan.org_units.all())
    clone.regions = list(plan.regions)
    clone.save()
    audit_record(actor=actor, origin=origin, instance=clone, before=None)
    _new_revision(
        actor=actor, origin=origin,
        plan=clone,
        weights=effective.weights,
        pinned_versions=effective.pinned_versions,
        rule_overrides=effective.rule_overrides,
        missing_policies=effective.missing_policies,
        grade_bands=effective.grade_bands,
        precision=effective.precision,
        personal_mode=effective.personal_mode,
        personal_share=effective.personal_share,
        note=system_note("cloned_from_plan", plan=plan.code),
    )
    return clone


@transaction.atomic
def plan_variant_create(
    *, actor: Any, origin: Origin, parent: Plan, code: str, name_zh_hans: str, name_en: str, regions: list[str]
) -> Plan:
    """A regional variant: same positions, narrower regions, inherits everything at first.

    The regions are the organisation's (`org.selectors.org_regions`), not free text.
    """
    if not regions:
        raise PlanError([gettext("a regional variant needs at least one region")], field="regions")
    _check_regions(regions)
    variant = Plan.objects.create(
        code=code,
        name_zh_hans=name_zh_hans,
        name_en=name_en,
        parent=parent,
        template=parent.template,
        regions=regions,
    )
    variant.positions.set(parent.positions.all())
    audit_record(actor=actor, origin=origin, instance=variant, before=None)
    _new_revision(
        actor=actor, origin=origin,
        plan=variant,
        note=gettext("regional variant of %(code)s") % {"code": parent.code},
    )
    return variant


def _check_regions(regions: list[str]) -> None:
    known = set(org_region_names())
    unknown = [region for region in regions if region not in known]
    if unknown:
        raise PlanError(
            [
                gettext("%(region)s is not a region of the organisation") % {"region": region}
                for region in unknown
            ],
            field="regions",
        )


def revision_needs_participants_confirmation(revision: PlanRevision) -> bool:
    """A regional variant that nobody is in asks for a confirmation before it is published."""
    return revision.plan.parent_id is not None and not plan_members(revision.plan).exists()


@transaction.atomic
def revision_draft(*, actor: Any, origin: Origin, plan: Plan) -> PlanRevision:
    """The plan's open draft, or a new one copying the live revision's own settings."""
    draft = plan.revisions.filter(status=PlanRevision.Status.DRAFT).order_by("-number").first()
    if draft is not None:
        return draft
    live = live_revision(plan)
    fields = (
        {name: getattr(live, name) for name in EDITABLE_FIELDS if name != "note"} if live else {}
    )
    return _new_revision(actor=actor, origin=origin, plan=plan, **fields)


@transaction.atomic
def revision_update(*, actor: Any, origin: Origin, revision: PlanRevision, **changes: Any) -> PlanRevision:
    """Change a draft; a published revision refuses every change."""
    revision = PlanRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != PlanRevision.Status.DRAFT:
        raise PlanError([gettext("a published revision cannot change; start a new draft")])
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise PlanError(
            [gettext("unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}]
        )
    before = audit_snapshot(revision)
    for name, value in changes.items():
        setattr(revision, name, value)
    revision.save()
    audit_record(actor=actor, origin=origin, instance=revision, before=before)
    return revision


@transaction.atomic
def revision_set_weights(
    *, actor: Any, origin: Origin, revision: PlanRevision, weights: dict[str, float | None], **changes: Any
) -> PlanRevision:
    """Give a draft these effective weights (0 takes an indicator out, None keeps an added
    indicator that has no weight yet) and other changes.

    An indicator new to the plan is pinned to its newest version. A regional variant
    stores only the weights that differ from what it inherits, and pins only the
    indicators it adds; the inherited indicators it took out stay out.
    """
    effective = effective_plan(revision)
    known = {**effective.pinned_versions, **{c: v for c, v in effective.pending.items() if v}}
    new_codes = [code for code in weights if code not in known]
    added_pins = latest_versions(new_codes)
    if revision.plan.parent is None:
        own_weights = dict(weights)
        pins = {**(revision.pinned_versions or {}), **added_pins}
    else:
        inherited = effective.inherited.get("weights", {})
        own_weights = {code: w for code, w in weights.items() if inherited.get(code) != w}
        own_weights.update(
            {c: w for c, w in (revision.weights or {}).items() if w == 0 and c not in weights}
        )
        pins = {**(revision.pinned_versions or {}), **added_pins}
        pins = {code: version for code, version in pins.items() if code in own_weights}
    return revision_update(
        actor=actor, origin=origin, revision=revision, weights=own_weights, pinned_versions=pins, **changes
    )


def _in_plan(revision: PlanRevision, code: str) -> bool:
    effective = effective_plan(revision)
    return code in effective.weights or code in effective.pending


@transaction.atomic
def revision_add_indicator(
    *, actor: Any, origin: Origin, revision: PlanRevision, code: str, weight: float | None = None
) -> PlanRevision:
    """Add a library indicator to a draft, pinned to its newest published version.

    Without a weight it stays in the draft with an empty weight (never scored) until one
    is set; publication refuses the draft until then and until the weights add up.
    """
    if weight is not None and not 0 < weight <= 100:
        raise PlanError([gettext("a weight is more than 0 and at most 100 points")], field="weight")
    if _in_plan(revision, code):
        raise PlanError(
            [gettext("%(code)s is already in the plan") % {"code": code}], field="indicator"
        )
    version = latest_versions([code]).get(code)
    if version is None:
        raise PlanError(
            [gettext("%(code)s is not a published indicator of the library") % {"code": code}],
            field="indicator",
        )
    return revision_update(
        actor=actor, origin=origin, revision=revision,
        weights={**(revision.weights or {}), code: weight},
        pinned_versions={**(revision.pinned_versions or {}), code: version},
    )


@transaction.atomic
def revision_remove_indicator(
    *, actor: Any, origin: Origin, revision: PlanRevision, code: str
) -> PlanRevision:
    """Take an indicator out of a draft, with its pin, rule override and missing-data policy.

    A regional variant records the removal of an indicator it inherits as weight 0; one
    it added itself is simply dropped.
    """
    if not _in_plan(revision, code):
        raise PlanError([gettext("%(code)s is not in the plan") % {"code": code}])
    above_revision = inherited_revision(revision)
    inherited_here = above_revision is not None and _in_plan(above_revision, code)
    weights = dict(revision.weights or {})
    if inherited_here:
        weights[code] = 0
    else:
        weights.pop(code, None)
    without = {
        name: {c: v for c, v in (getattr(revision, name) or {}).items() if c != code}
        for name in ("pinned_versions", "rule_overrides", "missing_policies")
    }
    return revision_update(actor=actor, origin=origin, revision=revision, weights=weights, **without)


def revision_problems(revision: PlanRevision) -> list[str]:
    """Why a revision cannot be scored or published (empty when it can)."""
    effective = effective_plan(revision)
    total = sum(effective.weights.values())
    problems: list[str] = []
    if effective.pending:
        names = published_definitions()
        problems.append(
            gettext("no weight set yet for %(names)s")
            % {
                "names": ", ".join(
                    local_text_of(names.get(code, {}).get("name")) or code
                    for code in effective.pending
                )
            }
        )
    if abs(total - 100) > 1e-6:
        problems.append(
            gettext("the weights add up to %(total)s, not 100") % {"total": f"{total:g}"}
        )
    if effective.personal_mode != Plan.PersonalMode.NONE and not 0 < effective.personal_share < 100:
        problems.append(gettext("personal goals need a share between 0 and 100 points"))
    if problems:
        return problems
    try:
        plan, pack = engine_plan_and_pack(effective)
    except UnpinnedIndicators as error:
        return [
            gettext("no published version is pinned for %(codes)s")
            % {"codes": ", ".join(error.codes)},
            *unpublished_indicator_reasons(error.codes),
        ]
    except ValidationError as error:
        return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
    full = pack.model_copy(update={"plans": [plan]})
    return [f"{'.'.join(str(p) for p in path)}: {reason}" for path, reason in pack_problems(full)]


@transaction.atomic
def revision_publish(
    *, actor: Any, origin: Origin, revision: PlanRevision, confirm_no_participants: bool = False
) -> PlanRevision:
    """Publish a draft; it becomes the live revision. Refused with reasons when invalid.

    A regional variant with no participants is published only with `confirm_no_participants`.
    """
    revision = PlanRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != PlanRevision.Status.DRAFT:
        raise PlanError([gettext("this revision is already published")])
    problems = revision_problems(revision)
    if problems:
        raise PlanError(problems)
    if revision_needs_participants_confirmation(revision) and not confirm_no_participants:
        raise PlanError(
            [
                gettext(
                    "nobody is in this variant's regions (%(regions)s): confirm that it is "
                    "published with 0 participants"
                )
                % {"regions": ", ".join(revision.plan.regions)}
            ],
            field="confirm_no_participants",
        )
    before = audit_snapshot(revision)
    revision.parent_revision = inherited_revision(revision)
    revision.status = PlanRevision.Status.PUBLISHED
    revision.published_at = timezone.now()
    revision.published_by = actor if getattr(actor, "is_authenticated", False) else None
    revision.save()
    audit_record(actor=actor, origin=origin, instance=revision, before=before)
    return revision


@transaction.atomic
def plan_set_administrator(*, actor: Any, origin: Origin, plan: Plan, employee: Employee, admin: bool) -> None:
    """Delegate (or take back) the administration of one plan to any employee."""
    before = {"administrators": sorted(plan.administrators.values_list("employee_id", flat=True))}
    if admin:
        plan.administrators.add(employee)
    else:
        plan.administrators.remove(employee)
    after = {"administrators": sorted(plan.administrators.values_list("employee_id", flat=True))}
    audit_record(actor=actor, origin=origin, instance=plan, before=before, after=after)


@transaction.atomic
def plan_update_scope(
    *,
    actor: Any, origin: Origin,
    plan: Plan,
    regions: list[str] | None = None,
    positions: list[Position] | None = None,
) -> Plan:
    before = audit_snapshot(plan) | {
        "positions": sorted(plan.positions.values_list("code", flat=True))
    }
    if regions is not None:
        _check_regions(regions)
        plan.regions = regions
        plan.save(update_fields=["regions"])
    if positions is not None:
        plan.positions.set(positions)
    after = audit_snapshot(plan) | {
        "positions": sorted(plan.positions.values_list("code", flat=True))
    }
    audit_record(actor=actor, origin=origin, instance=plan, before=before, after=after)
    return plan


@transaction.atomic
def revision_repin(*, actor: Any, origin: Origin, revision: PlanRevision) -> PlanRevision:
    """Pin the draft to the newest published version of each of its indicators."""
    newer = outdated_pins(revision)
    pins = dict(revision.pinned_versions or {})
    pins.update({code: newest for code, (_pinned, newest) in newer.items()})
    return revision_update(actor=actor, origin=origin, revision=revision, pinned_versions=pins)


# --- the plan editor: one action on the plan's draft, started when it has none ---------
# Each is one transaction, so a refused change leaves no new draft behind.


@transaction.atomic
def draft_save(
    *, actor: Any, origin: Origin, plan: Plan, weights: dict[str, float | None], **changes: Any
) -> PlanRevision:
    """The editor's save: the plan's draft gets these weights and settings (`revision_set_weights`)."""
    draft = revision_draft(actor=actor, origin=origin, plan=plan)
    return revision_set_weights(
        actor=actor, origin=origin, revision=draft, weights=weights, **changes
    )


@transaction.atomic
def draft_add_indicator(
    *, actor: Any, origin: Origin, plan: Plan, code: str, weight: float | None = None
) -> PlanRevision:
    """Add a library indicator to the plan's draft (`revision_add_indicator`)."""
    draft = revision_draft(actor=actor, origin=origin, plan=plan)
    return revision_add_indicator(
        actor=actor, origin=origin, revision=draft, code=code, weight=weight
    )


@transaction.atomic
def draft_remove_indicator(*, actor: Any, origin: Origin, plan: Plan, code: str) -> PlanRevision:
    """Take an indicator out of the plan's draft (`revision_remove_indicator`)."""
    draft = revision_draft(actor=actor, origin=origin, plan=plan)
    return revision_remove_indicator(actor=actor, origin=origin, revision=draft, code=code)


@transaction.atomic
def draft_repin(*, actor: Any, origin: Origin, plan: Plan) -> PlanRevision:
    """Pin the plan's draft to the newest indicator versions (`revision_repin`)."""
    draft = revision_draft(actor=actor, origin=origin, plan=plan)
    return revision_repin(actor=actor, origin=origin, revision=draft)
