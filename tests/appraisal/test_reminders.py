"""Phase deadlines, their owners and the reminders sent before them."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from kpilib.appraisal import services
from kpilib.appraisal.models import Cycle
from kpilib.appraisal.reminders import due_reminders, reminders_send
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.notifications.models import Notification
from kpilib.notifications.services import channel_create
from tests.appraisal_fixtures import DAY, QUARTER, World, make_world
from tests.notifications.receiver import receiver


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    for employee in (world.org.engineer, world.org.peer, world.org.manager):
        employee.user.email = f"{employee.employee_id.lower()}@example.com"
        employee.user.save()
    return world


def _in_self_assessment(world: World) -> Cycle:
    """A cycle in self-assessment, due on 2026-10-10."""
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.TASK,
        plan=world.plan,
        name="Q3",
        kind="quarterly",
        period=QUARTER,
        phase_deadlines={"self_assessment": "2026-10-10"},
    )
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.TASK, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.TASK, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    return cycle


def test_employees_are_reminded_once_before_self_assessment_closes(world: World) -> None:
    # given a cycle in self-assessment due on 2026-10-10
    _in_self_assessment(world)
    # when reminders run two weeks before, then two days before, then again
    early = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=datetime.date(2026, 9, 26))
    on_time = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=datetime.date(2026, 10, 8))
    again = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=datetime.date(2026, 10, 9))
    # then only the run inside the window sends, to the employees with an address
    assert (early, again) == (0, 0)
    assert on_time == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"{world.org.engineer.employee_id.lower()}@example.com",
        f"{world.org.peer.employee_id.lower()}@example.com",
    ]
    assert "self-assessment" in mail.outbox[0].subject


@pytest.mark.today("2026-10-19")  # the home page's meters pace the cycle by the day
def test_managers_owe_the_manager_review(world: World) -> None:
    # given a cycle in manager review due tomorrow
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.TASK,
        plan=world.plan,
        name="Q3",
        kind="quarterly",
        period=QUARTER,
        phase_deadlines={"manager_review": "2026-10-20"},
    )
    for _ in range(3):
        cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.TASK, cycle=cycle, today=DAY, early_reason="fast-forward in a test")
    # when the due reminders are listed
    (reminder,) = due_reminders(datetime.date(2026, 10, 19))
    # then the reviewer is the one reminded, and their home page says it waits for them
    assert [user.username for user in reminder.recipients] == ["manager"]
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.org.manager.user)
    assert "Waiting for you" in client.get("/").content.decode()


def test_reminders_go_through_notifications_to_email_and_the_group_robot(world: World) -> None:
    # given a cycle in self-assessment due soon and a WeCom group robot for every company
    cycle = _in_self_assessment(world)
    with receiver() as robot:
        channel_create(
            actor=SYSTEM, origin=Origin.CLI, name="presales", kind="wecom",
            webhook_url=f"{robot.url}/cgi-bin/webhook/send?key=k",
        )
        # when the daily reminder run is due
        sent = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=datetime.date(2026, 10, 8))
    # then both e-mails and one group message naming the owners went out, all recorded
    (request,) = robot.received
    text = request.body["text"]["content"]
    assert sent == 2
    assert world.org.engineer.name in text
    assert world.org.peer.name in text
    assert "2026-10-10" in text
    records = Notification.objects.filter(topic="cycle_phase_due")
    assert sorted(records.values_list("kind", flat=True)) == ["email", "email", "wecom"]
    assert set(records.values_list("key", flat=True)) == {f"cycle:{cycle.pk}:self_assessment"}


def test_the_daily_command_sends_what_is_due_today_once(world: World) -> None:
    # given a cycle in self-assessment due on 2026-10-10
    _in_self_assessment(world)
    # when cron runs `kpilib manage send_reminders` two days before, twice
    first, second = StringIO(), StringIO()
    with time_machine.travel(datetime.datetime(2026, 10, 8, 9, 0, tzinfo=datetime.UTC), tick=False):
        call_command("send_reminders", stdout=first)
        call_command("send_reminders", stdout=second)
    # then the first run reminds both employees with an address, the second nobody
    assert first.getvalue().strip() == "reminders sent: 2"
    assert second.getvalue().strip() == "reminders sent: 0"
    assert len(mail.outbox) == 2
