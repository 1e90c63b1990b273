"""Plans: created from a template, revised, published (immutably), varied by region, what-if."""

import pytest

from kpilib.appraisal.selectors import plan_whatif
from kpilib.audit.origin import Origin
from kpilib.engine.periods import parse_period
from kpilib.plans import selectors, services
from kpilib.plans.fetch import effective_plan, live_revision
from kpilib.plans.models import PlanRevision
from kpilib.plans.selectors import plan_members
from tests.appraisal_fixtures import QUARTER, TODAY, World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def test_plan_from_template_pins_the_newest_versions_and_weights(world: World) -> None:
    # given the plan created from the presales-engineer template
    live = live_revision(world.plan)
    # then its weights are the template's and each indicator is pinned to version 1
    assert live.weights == world.plan.template.definition["weights"]
    assert live.weights["tech_resolution"] == 35
    assert live.pinned_versions == dict.fromkeys(live.weights, 1)


def test_publishing_refuses_weights_that_do_not_add_up(world: World) -> None:
    # given a draft whose weights add up to 95
    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    weights = dict(draft.weights)
    weights["complaints"] = 10
    draft = services.revision_update(actor=world.org.hr, origin=Origin.WEB, revision=draft, weights=weights)
    # when it is published
    with pytest.raises(services.PlanError) as caught:
        services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    # then the reason names the total
    assert caught.value.messages == ["the weights add up to 95, not 100"]


def test_a_published_revision_cannot_change(world: World) -> None:
    # given the live revision
    live = live_revision(world.plan)
    # when someone tries to change it
    with pytest.raises(services.PlanError):
        services.revision_update(actor=world.org.hr, origin=Origin.WEB, revision=live, weights={"complaints": 100})
    # then it is as it was
    live.refresh_from_db()
    assert live.weights["complaints"] == 15


def test_regional_variant_inherits_and_overrides_only_what_differs(world: World) -> None:
    # given a variant for 华北 that moves 5 points from tech resolution to complaints
    variant = services.plan_variant_create(
        actor=world.org.hr, origin=Origin.WEB,
        parent=world.plan,
        code="pe-north",
        name_zh_hans="华北",
        name_en="North",
        regions=["华北"],
    )
    draft = variant.revisions.get()
    draft = services.revision_update(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, weights={"tech_resolution": 30, "complaints": 20}
    )
    # when its effective plan is resolved
    effective = effective_plan(draft)
    # then it carries the override and inherits the rest, and it publishes
    assert effective.weights["tech_resolution"] == 30
    assert effective.weights["customer_satisfaction"] == 15
    assert "customer_satisfaction" in effective.inherited["weights"]
    services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    # and the north engineer moves from the parent plan to the variant
    assert world.org.other_team_engineer in plan_members(variant)
    assert world.org.other_team_engineer not in plan_members(world.plan)


def test_whatif_shows_each_persons_new_total_beside_the_current(world: World) -> None:
    # given a draft that puts all complaint weight into tech resolution
    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    weights = dict(draft.weights)
    weights["tech_resolution"] += weights.pop("complaints")
    weights["complaints"] = 0
    draft = services.revision_update(actor=world.org.hr, origin=Origin.WEB, revision=draft, weights=weights)
    # when the what-if is computed for the quarter
    rows = {row.employee.employee_id: row for row in plan_whatif(draft, parse_period(QUARTER))}
    # then 李四 (two complaints) gains and 张三 (none) keeps the same total
    peer = rows[world.org.peer.employee_id]
    engineer = rows[world.org.engineer.employee_id]
    assert peer.new_total > peer.current_total
    assert engineer.new_total == pytest.approx(engineer.current_total)
    assert draft.status == PlanRevision.Status.DRAFT


def test_delegated_admin_is_recorded_in_the_trail(world: World) -> None:
    # when HR delegates the plan to the team manager
    services.plan_set_administrator(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, employee=world.org.manager, admin=True
    )
    # then the manager administers it and the trail shows the change
    from kpilib.audit.models import AuditEvent

    assert list(world.plan.administrators.all()) == [world.org.manager]
    event = AuditEvent.objects.filter(object_type="plans.plan").first()
    assert event.changes["administrators"]["after"] == [world.org.manager.employee_id]


@pytest.mark.today(TODAY)
def test_a_draft_can_move_to_the_newest_indicator_versions(world: World) -> None:
    # given a new version of customer satisfaction published after the plan
    from kpilib.library import services as library_services
    from kpilib.library.models import Indicator

    indicator = Indicator.objects.get(code="customer_satisfaction")
    document = dict(indicator.latest_version().definition)
    document["rule"] = {**document["rule"], "zero_at": 75}  # the stated full-marks line stays
    library_services.indicator_save_draft(
        actor=world.org.hr, origin=Origin.WEB, indicator=indicator, document=document
    )
    library_services.indicator_publish(actor=world.org.hr, origin=Origin.WEB, indicator=indicator)
    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    # when the draft is moved to the newest versions
    assert selectors.outdated_pins(draft) == {"customer_satisfaction": (1, 2)}
    draft = services.revision_repin(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    # then it pins version 2 and the live revision still pins version 1
    assert draft.pinned_versions["customer_satisfaction"] == 2
    assert live_revision(world.plan).pinned_versions["customer_satisfaction"] == 1


def test_setting_a_variants_weights_stores_only_what_differs(world: World) -> None:
    # given a regional variant and the full table of weights with two of them changed
    variant = services.plan_variant_create(
        actor=world.org.hr, origin=Origin.WEB,
        parent=world.plan,
        code="pe-south",
        name_zh_hans="华南",
        name_en="South",
        regions=["华东"],
    )
    weights = dict(live_revision(world.plan).weights)
    weights["tech_resolution"], weights["complaints"] = 30, 20
    # when the weights are set on the variant's draft
    draft = services.revision_set_weights(
        actor=world.org.hr, origin=Origin.WEB, revision=variant.revisions.get(), weights=weights
    )
    # then the variant keeps only the two overrides and inherits the rest
    assert draft.weights == {"tech_resolution": 30, "complaints": 20}
    assert effective_plan(draft).weights == weights


def test_a_published_variant_does_not_change_when_its_parent_is_revised(world: World) -> None:
    # given a published northern variant inheriting the parent's weights
    variant = services.plan_variant_create(
        actor=world.org.hr, origin=Origin.WEB,
        parent=world.plan,
        code="pe-n",
        name_zh_hans="北",
        name_en="N",
        regions=["华北"],
    )
    published = services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=variant.revisions.get())
    before = effective_plan(published).weights
    # when the parent publishes new weights
    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    weights = dict(draft.weights)
    weights["tech_resolution"], weights["complaints"] = 45, 5
    services.revision_update(actor=world.org.hr, origin=Origin.WEB, revision=draft, weights=weights)
    services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    # then the variant's published revision still scores with what it was published with
    published.refresh_from_db()
    assert effective_plan(published).weights == before
    # and a new draft of the variant inherits the parent's new weights
    assert (
        effective_plan(services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=variant)).weights[
            "complaints"
        ]
        == 5
    )


def _north_variant(world: World):  # type: ignore[no-untyped-def]
    return services.plan_variant_create(
        actor=world.org.hr, origin=Origin.WEB,
        parent=world.plan, code="pe-north", name_zh_hans="华北", name_en="North", regions=["华北"],
    )


def test_an_indicator_added_to_a_base_plan_stays_in_the_draft_with_its_weight(world: World) -> None:
    # given a draft of the base plan
    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    # when customer coverage is added without a weight, then given 10 points
    draft = services.revision_add_indicator(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, code="customer_coverage"
    )
    pending = effective_plan(draft)
    weights = {**pending.weights, "customer_coverage": 10.0, "tech_resolution": 25.0}
    draft = services.revision_set_weights(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, weights=weights
    )
    # then it was kept (pinned, without a weight) before the weight was set, blocking publication
    assert pending.pending == {"customer_coverage": 1}
    assert "customer_coverage" not in pending.weights
    # and after it is in the draft with its weight, and the draft publishes
    effective = effective_plan(draft)
    assert effective.weights["customer_coverage"] == 10
    assert effective.pinned_versions["customer_coverage"] == 1
    assert effective.pending == {}
    services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)


def test_an_unweighted_indicator_blocks_publication_by_name(world: World) -> None:
    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    draft = services.revision_add_indicator(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, code="customer_coverage"
    )
    with pytest.raises(services.PlanError) as caught:
        services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    assert caught.value.messages[0].startswith("no weight set yet for ")


def test_an_indicator_added_to_a_variant_appears_with_its_weight(world: World) -> None:
    # given a regional variant draft that inherits everything
    variant = _north_variant(world)
    draft = variant.revisions.get()
    # when it adds customer coverage with 10 points and takes 10 from tech resolution
    draft = services.revision_add_indicator(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, code="customer_coverage", weight=10
    )
    effective = effective_plan(draft)
    draft = services.revision_set_weights(
        actor=world.org.hr, origin=Origin.WEB, revision=draft,
        weights={**effective.weights, "tech_resolution": 25.0},
    )
    # then the variant's draft has seven indicators, the new one with its weight, and publishes
    effective = effective_plan(draft)
    assert effective.weights["customer_coverage"] == 10
    assert len(effective.weights) == 7
    assert draft.weights == {"customer_coverage": 10, "tech_resolution": 25}
    services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    # and the parent plan is untouched
    assert "customer_coverage" not in effective_plan(live_revision(world.plan)).weights


def test_a_variant_removes_an_inherited_indicator_and_it_stays_out(world: World) -> None:
    variant = _north_variant(world)
    draft = services.revision_remove_indicator(
        actor=world.org.hr, origin=Origin.WEB, revision=variant.revisions.get(), code="daily_report"
    )
    assert "daily_report" not in effective_plan(draft).weights
    # a later save of the other weights does not bring it back
    effective = effective_plan(draft)
    draft = services.revision_set_weights(
        actor=world.org.hr, origin=Origin.WEB, revision=draft,
        weights={**effective.weights, "tech_resolution": 45.0},
    )
    assert "daily_report" not in effective_plan(draft).weights
    services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)


def test_adding_and_removing_are_refused_with_reasons_and_audited(world: World) -> None:
    from kpilib.audit.models import AuditEvent

    draft = services.revision_draft(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    with pytest.raises(services.PlanError, match="already in the plan"):
        services.revision_add_indicator(
            actor=world.org.hr, origin=Origin.WEB, revision=draft, code="complaints"
        )
    with pytest.raises(services.PlanError, match="not a published indicator"):
        services.revision_add_indicator(
            actor=world.org.hr, origin=Origin.WEB, revision=draft, code="no_such_thing"
        )
    with pytest.raises(services.PlanError, match="not in the plan"):
        services.revision_remove_indicator(
            actor=world.org.hr, origin=Origin.WEB, revision=draft, code="customer_coverage"
        )
    before = AuditEvent.objects.filter(object_type="plans.planrevision").count()
    draft = services.revision_remove_indicator(
        actor=world.org.hr, origin=Origin.CLI, revision=draft, code="daily_report"
    )
    assert "daily_report" not in draft.weights
    assert "daily_report" not in draft.pinned_versions
    event = AuditEvent.objects.filter(object_type="plans.planrevision").order_by("-pk").first()
    assert AuditEvent.objects.filter(object_type="plans.planrevision").count() == before + 1
    assert event.origin == Origin.CLI


# --- one action, one transaction (issue 12, item 3) ------------------------------------


def test_a_refused_save_of_the_editor_leaves_no_new_draft(world: World) -> None:
    # given a published plan with no draft
    assert not world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()
    weights = dict(effective_plan(live_revision(world.plan)).weights)
    # when a save the draft refuses is made (a setting a revision does not have)
    with pytest.raises(services.PlanError, match="unknown fields"):
        services.draft_save(
            actor=world.org.hr, origin=Origin.WEB, plan=world.plan, weights=weights, colour="red"
        )
    # then no draft was started for it
    assert not world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()


@pytest.mark.parametrize(
    ("service", "arguments"),
    [
        ("draft_add_indicator", {"code": "no_such_thing"}),
        ("draft_remove_indicator", {"code": "customer_coverage"}),
    ],
)
def test_a_refused_change_of_the_draft_leaves_no_new_draft(
    world: World, service: str, arguments: dict[str, str]
) -> None:
    # given a published plan with no draft
    # when an addition or removal the draft refuses is made
    with pytest.raises(services.PlanError):
        getattr(services, service)(
            actor=world.org.hr, origin=Origin.WEB, plan=world.plan, **arguments
        )
    # then no draft was started for it
    assert not world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()


def test_the_editors_save_starts_the_draft_and_sets_the_weights_in_one_action(
    world: World,
) -> None:
    # given a published plan with no draft
    weights = {**effective_plan(live_revision(world.plan)).weights, "complaints": 10.0}
    # when the editor saves new weights
    draft = services.draft_save(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, weights=weights, note="调整"
    )
    # then the plan's one draft has them
    assert world.plan.revisions.get(status=PlanRevision.Status.DRAFT) == draft
    assert effective_plan(draft).weights["complaints"] == 10
    assert draft.note == "调整"
