"""Regional variants (issue 11, defect 7): regions are chosen from the organisation's, and a
variant nobody is in is published only after an explicit confirmation."""

import pytest
from django.test import Client

from kpilib.audit.origin import Origin
from kpilib.org.models import OrgUnit
from kpilib.plans import services
from kpilib.plans.errors import PlanError
from kpilib.plans.fetch import live_revision
from kpilib.plans.models import Plan
from tests.appraisal_fixtures import World, make_world
from tests.factories import make_unit


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def hr_client(world: World, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.org.hr)
    return client


def variant(world: World, region: str, code: str = "pe-v") -> Plan:
    return services.plan_variant_create(
        actor=world.org.hr, origin=Origin.WEB, parent=world.plan, code=code,
        name_zh_hans="变体", name_en="Variant", regions=[region],
    )


def test_a_variant_for_a_region_the_organisation_does_not_have_is_refused(world: World) -> None:
    # when HR types a region that is no region of the organisation
    with pytest.raises(PlanError) as caught:
        variant(world, "华北区")
    # then it is refused, naming it, and no plan is created
    assert caught.value.messages == ["华北区 is not a region of the organisation"]
    assert caught.value.field == "regions"
    assert not Plan.objects.filter(code="pe-v").exists()


def test_the_variant_form_offers_the_organisations_regions(world: World) -> None:
    # given the organisation's region units 华东 and 华北, 华北 with an English name
    OrgUnit.objects.filter(name="华北").update(name_en="North China")
    # when HR opens the plan page in English
    page = hr_client(world).get(f"/plans/{world.plan.pk}/").content.decode()
    form = page.split('id="variants"', 1)[1].split("</form>", 1)[0]
    # then the regions are checkboxes of those regions, named for the reader
    assert 'type="checkbox" name="regions" value="华东"' in form
    assert 'type="checkbox" name="regions" value="华北"' in form
    assert "North China" in form
    assert 'type="text" name="regions"' not in form


def test_posting_a_region_outside_the_organisation_creates_no_variant(world: World) -> None:
    response = hr_client(world).post(
        f"/plans/{world.plan.pk}/variants/",
        {"code": "pe-x", "name_zh_hans": "x", "name_en": "x", "regions": ["Atlantis"]},
    )
    assert response.status_code == 302
    assert not Plan.objects.filter(code="pe-x").exists()


def test_a_variant_nobody_is_in_asks_for_a_confirmation_before_it_is_published(
    world: World,
) -> None:
    # given a region of the organisation with nobody in it, and a variant for it
    make_unit("华南", OrgUnit.Kind.REGION, world.org.company)
    empty = variant(world, "华南")
    draft = empty.revisions.get()
    assert services.revision_needs_participants_confirmation(draft)
    # when it is published without the confirmation
    with pytest.raises(PlanError) as caught:
        services.revision_publish(actor=world.org.hr, origin=Origin.WEB, revision=draft)
    # then it stays a draft, and the reason says nobody is in it
    assert "0 participants" in caught.value.message
    assert live_revision(empty) is None
    # when HR confirms
    services.revision_publish(
        actor=world.org.hr, origin=Origin.WEB, revision=draft, confirm_no_participants=True
    )
    # then it is live
    assert live_revision(empty) == draft


def test_the_editor_warns_about_a_variant_nobody_is_in(world: World) -> None:
    # given an empty variant and a variant with people
    make_unit("华南", OrgUnit.Kind.REGION, world.org.company)
    empty = variant(world, "华南")
    north = variant(world, "华北", code="pe-n")
    client = hr_client(world)
    # when HR opens both editors
    empty_page = client.get(f"/plans/{empty.pk}/edit/").content.decode()
    north_page = client.get(f"/plans/{north.pk}/edit/").content.decode()
    # then only the empty one warns and asks for the confirmation
    assert 'id="confirm-no-participants"' in empty_page
    assert 'id="confirm-no-participants"' not in north_page
    # and publishing without ticking it leaves the draft a draft
    client.post(f"/plans/{empty.pk}/publish/")
    assert live_revision(empty) is None
    client.post(f"/plans/{empty.pk}/publish/", {"confirm_no_participants": "1"})
    assert live_revision(empty) is not None
