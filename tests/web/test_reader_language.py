"""Pages say stored things in the reader's language: audit entries with model and field
labels, system notes rendered when read, period errors, master data's English names,
metric and tag names; the header names the person; account pages are kpilib's own."""

import re

import pytest
from django.test import Client

from kpilib.accounts.models import User
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.periods import PeriodError, parse_period
from kpilib.notes import note_text, system_note
from kpilib.org.services import org_unit_update
from kpilib.plans.models import PlanRevision
from tests.appraisal_fixtures import TODAY, World, make_world
from tests.factories import Org

pytestmark = pytest.mark.django_db

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def page(user: User, path: str, headers: dict[str, str], **data: str) -> str:
    client = Client(headers=headers)
    client.force_login(user)
    response = client.post(path, data) if data else client.get(path)
    assert response.status_code in (200, 400), response.status_code
    return response.content.decode()


def test_audit_entries_name_the_model_and_fields_in_the_readers_language(world: World) -> None:
    # given the changes made when the world's plan was created and published
    assert AuditEvent.objects.filter(object_type="plans.planrevision").exists()
    # when HR reads the audit trail in Chinese
    html = page(world.org.hr, "/audit/?type=plans.planrevision", ZH)
    # then entries name the model and the fields, never their code names
    assert "plans.planrevision" not in re.sub(r'value="[^"]*"', "", html)
    assert "方案修订版" in html
    assert "<code>status</code>" not in html
    assert "状态" in html


def test_a_system_note_is_stored_as_a_code_and_read_in_each_language(world: World) -> None:
    # given the revision made from the presales-engineer template
    revision = PlanRevision.objects.get(plan=world.plan)
    # then its note is stored without a language
    assert revision.note == system_note("created_from_template", template="presales-engineer")
    assert revision.note.startswith("@")
    # and each reader reads it in their language, naming the template, not its code
    zh = page(world.org.hr, f"/plans/{world.plan.pk}/", ZH)
    en = page(world.org.hr, f"/plans/{world.plan.pk}/", EN)
    assert "由模板“售前工程师考核方案”创建" in zh
    assert "created from template Presales engineer appraisal" in en
    assert "presales-engineer" not in note_text(revision.note)


def test_a_note_a_person_typed_is_shown_as_typed() -> None:
    assert note_text("调整了客户满意度阈值") == "调整了客户满意度阈值"


def test_a_bad_period_is_explained_in_chinese() -> None:
    # given a period that cannot be read
    with pytest.raises(PeriodError) as caught:
        parse_period("2026-Q5")
    # then the engine explains it in either language (the CLI prints English)
    assert caught.value.in_language("zh-Hans").startswith("无法识别期间“2026-Q5”")
    assert str(caught.value).startswith("cannot read period '2026-Q5'")


def test_a_cycle_with_a_bad_period_is_refused_in_the_readers_language(world: World) -> None:
    # when HR starts a cycle with a period that cannot be read, in Chinese
    html = page(
        world.org.hr,
        f"/plans/{world.plan.pk}/cycles/new/",
        ZH,
        name="第五季度",
        kind="quarterly",
        period="2026-Q5",
    )
    # then the form says so in Chinese, and the name field is not labelled 姓名
    assert "无法识别期间" in html
    assert "cannot read period" not in html
    assert "周期名称" in html
    assert ">姓名<" not in html


def test_org_units_and_cycles_show_their_english_name_to_english_readers(org: Org) -> None:
    # given a team with an English name
    org_unit_update(
        actor=SYSTEM, origin=Origin.WEB, unit=org.team_a, name_en="East presales team 1"
    )
    # when a manager opens their people in English and in Chinese
    en = page(org.manager.user, "/people/", EN)
    zh = page(org.manager.user, "/people/", ZH)
    # then each reads the name in their language
    assert "East presales team 1" in en
    assert "华东售前一组" not in en
    assert "华东售前一组" in zh


def test_the_header_shows_the_persons_name_not_their_login(org: Org) -> None:
    html = page(org.engineer.user, "/", EN)
    header = html.split("</header>")[0]
    assert org.engineer.name in header
    assert f">{org.engineer.user.username}<" not in header


def test_password_change_is_a_kpilib_page_that_leads_nowhere_near_the_admin(org: Org) -> None:
    # when an engineer opens the password change page, and the page after a change
    form = page(org.engineer.user, "/accounts/password/", ZH)
    done = page(org.engineer.user, "/accounts/password/done/", ZH)
    # then both are kpilib pages, in Chinese, without the admin site's title or links
    for html in (form, done):
        assert "Django" not in html
        assert 'href="/admin/' not in html
        assert 'class="topbar"' in html
    assert "修改密码" in form or "更改密码" in form


def test_every_page_has_a_favicon(org: Org) -> None:
    html = page(org.engineer.user, "/", EN)
    assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg"', html)


@pytest.mark.today(TODAY)
def test_metrics_and_tags_are_shown_by_name(world: World) -> None:
    # when HR reads the library and an indicator in Chinese
    library = page(world.org.hr, "/library/", ZH)
    detail = page(world.org.hr, "/library/i/customer_satisfaction/", ZH)
    # then tags, period, direction and data source are named, not coded
    assert ">satisfaction<" not in library
    assert "满意度" in library
    for code in ("higher_better", ">quarter<", ">survey<", ">lagging<"):
        assert code not in detail
    assert "越高越好" in detail or "越高" in detail
    assert "客户调研" in detail


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def test_an_audit_entry_of_a_reference_by_name_shows_the_referenced_object(org: Org) -> None:
    # given an audited change whose reference is stored by name (not a number), and one to
    # an object that is gone
    AuditEvent.objects.create(
        actor=org.hr,
        action=AuditEvent.Action.UPDATE,
        origin=Origin.WEB,
        object_type="org.employee",
        object_id=str(org.engineer.pk),
        object_repr=str(org.engineer),
        changes={"manager": {"before": "not-a-number", "after": 999999}},
    )
    # when HR reads the trail
    html = page(org.hr, "/audit/", EN)
    # then the page shows the stored values instead of failing
    assert "not-a-number" in html
    assert "999999" in html
