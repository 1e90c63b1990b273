"""AHP weights applied to a plan (issue 11, defect 6): inconsistent judgements need an
explicit "apply anyway" with a reason, which is audited; the role/stage profiles are the
plan's, saved with the judgements, so the page and the applied weights agree; the page
asks in Saaty's words."""

import pytest
from django.test import Client

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import Origin
from kpilib.plans.ahp import (
    AhpIncomplete,
    AhpInconsistent,
    ahp_apply,
    ahp_judgements_save,
    ahp_profiles_save,
    plan_ahp,
    plan_hierarchy,
)
from kpilib.plans.models import AhpApplication, PlanRevision
from tests.appraisal_fixtures import World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def answer_everything(world: World, *, inconsistent: bool = False) -> None:
    """HR answers every level: all equal, or a dimension cycle A > B > C > A when inconsistent."""
    levels, _definitions = plan_hierarchy(world.plan, {})
    for level in levels:
        judgements = {f"{a},{b}": 1.0 for a, b in level.pairs()}
        if inconsistent and len(level.criteria) >= 3:
            a, b, c = level.criteria[:3]
            judgements |= {f"{a},{b}": 9.0, f"{b},{c}": 9.0, f"{a},{c}": 1 / 9}
        if judgements:
            ahp_judgements_save(
                actor=world.org.hr,
                origin=Origin.WEB,
                plan=world.plan,
                level=level.key,
                judgements=judgements,
            )


def client_for(user: object, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def test_inconsistent_judgements_are_refused_without_a_reason(world: World) -> None:
    # given judgements whose dimensions contradict each other (CR far above 0.10)
    answer_everything(world, inconsistent=True)
    # when HR applies them without saying why
    with pytest.raises(AhpInconsistent) as caught:
        ahp_apply(actor=world.org.hr, origin=Origin.WEB, plan=world.plan, reason="  ")
    # then nothing is written: no draft, no application
    assert "CR" in caught.value.message
    assert caught.value.field == "reason"
    assert not world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()
    assert not AhpApplication.objects.exists()


def test_inconsistent_judgements_applied_anyway_keep_the_reason_in_the_trail(
    world: World,
) -> None:
    # given inconsistent judgements
    answer_everything(world, inconsistent=True)
    # when HR applies them anyway with a reason
    application = ahp_apply(
        actor=world.org.hr,
        origin=Origin.WEB,
        plan=world.plan,
        reason="The committee agreed these priorities on purpose",
    )
    # then the draft has the AHP points and the application says why, in the audit trail
    draft = world.plan.revisions.get(status=PlanRevision.Status.DRAFT)
    assert application.revision == draft
    assert sum(draft.weights.values()) == pytest.approx(100)
    assert not application.consistent
    assert application.consistency_ratio > 0.10
    event = AuditEvent.objects.get(object_type="plans.ahpapplication")
    assert event.origin == Origin.WEB
    assert event.actor == world.org.hr
    assert event.changes["reason"]["after"] == "The committee agreed these priorities on purpose"


def test_consistent_judgements_apply_without_a_reason(world: World) -> None:
    # given consistent judgements
    answer_everything(world)
    # when HR applies them (a reason given by mistake is not kept)
    application = ahp_apply(actor=world.org.hr, origin=Origin.WEB, plan=world.plan, reason="x")
    # then they are applied and recorded as consistent
    assert application.consistent
    assert application.reason == ""


def test_unanswered_comparisons_are_not_applied(world: World) -> None:
    # given no judgements at all
    # when HR applies
    with pytest.raises(AhpIncomplete):
        ahp_apply(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    # then the plan has no draft
    assert not world.plan.revisions.filter(status=PlanRevision.Status.DRAFT).exists()


def test_the_applied_weights_use_the_plans_saved_profiles(world: World) -> None:
    # given consistent judgements and the quality stage chosen for the plan
    answer_everything(world)
    ahp_profiles_save(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, profiles=["quality_stage"]
    )
    # when the weights are applied without naming profiles
    application = ahp_apply(actor=world.org.hr, origin=Origin.WEB, plan=world.plan)
    # then they are the quality-stage points, not the unadjusted ones
    adjusted = plan_ahp(world.plan, names={}, profiles=["quality_stage"]).points
    plain = plan_ahp(world.plan, names={}, profiles=[]).points
    assert adjusted != plain
    assert application.revision.weights == {c: float(v) for c, v in adjusted.items()}
    assert application.profiles == ["quality_stage"]


def test_unknown_profiles_are_refused(world: World) -> None:
    from kpilib.plans.errors import PlanError

    with pytest.raises(PlanError):
        ahp_profiles_save(actor=world.org.hr, origin=Origin.WEB, plan=world.plan, profiles=["x"])


def test_the_page_shows_the_profiles_saved_with_the_judgements(world: World) -> None:
    # given HR ticked the expansion stage while answering (saved with the judgements)
    client = client_for(world.org.hr)
    response = client.post(
        f"/plans/{world.plan.pk}/ahp/judgements/",
        {"profiles_shown": "1", "profile": ["expansion_stage"], "level": "dimensions"},
    )
    assert response.status_code == 200
    # when the page is opened again later
    page = client.get(f"/plans/{world.plan.pk}/ahp/").content.decode()
    # then the expansion stage is still ticked, and is the plan's choice
    assert 'value="expansion_stage" checked' in page
    assert 'value="quality_stage" checked' not in page
    world.plan.refresh_from_db()
    assert world.plan.ahp_profiles == ["expansion_stage"]


def test_applying_inconsistent_weights_on_the_page_needs_apply_anyway_and_a_reason(
    world: World,
) -> None:
    # given inconsistent judgements
    answer_everything(world, inconsistent=True)
    client = client_for(world.org.hr)
    url = f"/plans/{world.plan.pk}/ahp/apply/"
    # when HR presses apply without ticking "apply anyway", with a reason typed
    refused = client.post(url, {"profiles_shown": "1", "reason": "agreed on purpose"})
    # then the page says why, keeps the typed reason, and nothing is applied
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "above 0.10" in page
    assert "agreed on purpose" in page
    assert 'id="ahp-apply-anyway"' in page
    assert not AhpApplication.objects.exists()
    # when they tick "apply anyway" and say why
    applied = client.post(
        url, {"profiles_shown": "1", "apply_anyway": "1", "reason": "agreed on purpose"}
    )
    # then the weights are in the draft and the page shows the override
    assert applied.status_code == 302
    assert AhpApplication.objects.get().reason == "agreed on purpose"
    page = client.get(f"/plans/{world.plan.pk}/ahp/").content.decode()
    assert "agreed on purpose" in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["同等重要", "稍微重要", "明显重要", "强烈重要", "极端重要"]),
        (
            "en",
            [
                "equal importance",
                "moderate importance",
                "strong importance",
                "very strong importance",
                "extreme importance",
            ],
        ),
    ],
)
def test_the_questions_use_saatys_scale_with_in_between_values(
    world: World, language: str, words: list[str]
) -> None:
    # when HR opens the AHP page
    page = client_for(world.org.hr, language).get(f"/plans/{world.plan.pk}/ahp/").content.decode()
    # then each comparison offers the 17 steps of Saaty's scale, in his words
    first_select = page.split('class="saaty">', 1)[1].split("</select>", 1)[0]
    assert first_select.count("<option") == 17
    for value in ("(9)", "(8)", "(4)", "(2)", "(1)", "(1/2)", "(1/8)", "(1/9)"):
        assert value in first_select
    for word in words:
        assert word in first_select
    between = "介于" if language == "zh-hans" else "between"
    assert between in first_select
