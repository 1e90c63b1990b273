"""Every create, update and delete on the organisation is recorded with before/after values."""

import re

from django.test import Client

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import Origin
from kpilib.org.models import OrgUnit
from kpilib.org.services import (
    employee_delete,
    employee_update,
    org_unit_create,
    org_unit_update,
)
from tests.factories import Org


def test_employee_update_records_who_and_what_changed(org: Org) -> None:
    # given HR changes an engineer's region
    # when the change is saved through the service
    employee_update(actor=org.hr, origin=Origin.WEB, employee=org.engineer, region="华南")
    # then the trail holds HR, the source and the field's before and after
    event = AuditEvent.objects.get(object_type="org.employee", object_id=str(org.engineer.pk))
    assert event.actor == org.hr
    assert event.origin == Origin.WEB
    assert event.action == "update"
    assert event.changes == {"region": {"before": "华东", "after": "华南"}}


def test_update_without_change_records_nothing(org: Org) -> None:
    # given an engineer
    before = AuditEvent.objects.count()
    # when an update sets the same values
    employee_update(actor=org.hr, origin=Origin.WEB, employee=org.engineer, region="华东")
    # then no event is written
    assert AuditEvent.objects.count() == before


def test_delete_records_the_last_values(org: Org) -> None:
    # given an engineer entered by mistake
    pk = org.peer.pk
    # when HR deletes the record
    employee_delete(actor=org.hr, origin=Origin.WEB, employee=org.peer)
    # then the trail keeps what was deleted
    event = AuditEvent.objects.get(object_type="org.employee", object_id=str(pk), action="delete")
    assert event.changes["name"] == {"before": "李四", "after": None}


def test_moving_a_unit_repaths_its_subtree_and_is_audited(org: Org) -> None:
    # given a new region and team A under the east region
    south = org_unit_create(
        actor=org.hr, origin=Origin.WEB, name="华南", kind="region", parent=org.company
    )
    # when team A moves to the south
    org_unit_update(actor=org.hr, origin=Origin.WEB, unit=org.team_a, parent=south)
    # then its path follows and the move is recorded
    org.team_a.refresh_from_db()
    assert org.team_a.path == f"{south.path}{org.team_a.pk}/"
    event = AuditEvent.objects.filter(
        object_type="org.orgunit", object_id=str(org.team_a.pk)
    ).first()
    assert event.changes["parent"] == {"before": org.east.pk, "after": south.pk}


def test_admin_edit_is_audited(org: Org) -> None:
    # given HR in the Django admin
    client = Client()
    client.force_login(org.hr)
    # when they rename a unit there
    response = client.post(
        f"/admin/org/orgunit/{org.team_b.pk}/change/",
        {"name": "华北售前二组", "kind": "team", "parent": org.team_b.parent_id, "head": ""},
    )
    # then the change is saved and recorded as coming from the web, by HR
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=org.team_b.pk).name == "华北售前二组"
    event = AuditEvent.objects.filter(
        object_type="org.orgunit", object_id=str(org.team_b.pk)
    ).first()
    assert event.origin == Origin.WEB  # the admin is a web page
    assert event.actor == org.hr
    assert event.changes["name"] == {"before": "华北售前一组", "after": "华北售前二组"}


def test_hr_reads_the_trail_in_the_web_ui(org: Org) -> None:
    # given a recorded change
    employee_update(actor=org.hr, origin=Origin.WEB, employee=org.engineer, region="华南")
    client = Client()
    client.force_login(org.hr)
    # when HR opens the audit page
    response = client.get("/audit/")
    # then the change is listed with the field's label and its before and after values
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "region: 华东 → 华南" in text
    assert "org.employee" not in text
