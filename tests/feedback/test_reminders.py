"""360 reminders (issue 14, item 3): only raters with open forms, 7 and 2 days before the
deadline and every 3 days after, once a day, by e-mail in their language and by the
company's group robot — which names the raters, never whom they rate."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback import services
from kpilib.feedback.models import Nomination
from kpilib.feedback.reminders import feedback_send_reminders, reminder_day
from kpilib.notifications.services import channel_create
from tests.factories import Org, make_org
from tests.feedback.test_services import DEADLINE, NOW, _answers, _campaign, _subject
from tests.notifications.receiver import receiver

WEB = Origin.WEB


@pytest.fixture
def org(db: None) -> Org:
    org = make_org()
    for employee, address in ((org.engineer, "zhang@example.com"), (org.manager, "wang@example.com"),
                              (org.peer, "li@example.com")):
        employee.user.email = address
        employee.user.save()
    org.engineer.user.language = "en"
    org.engineer.user.save()
    return org


def _approved(org: Org):
    campaign = _campaign(org, group_limits={"peer": [1, 4], "sales": [0, 2]})
    subject = _subject(campaign, org)
    services.nomination_add(
        actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=org.peer, now=NOW
    )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    return campaign


@pytest.mark.parametrize(
    ("day", "due"),
    [(13, True), (14, False), (18, True), (19, False), (20, False), (23, True), (24, False), (26, True)],
)
def test_the_schedule_is_7_and_2_days_before_then_every_3_days_after(day: int, due: bool) -> None:
    assert reminder_day(DEADLINE, datetime.date(2026, 11, day)) is due


def test_raters_with_open_forms_are_reminded_once_and_the_robot_names_only_raters(org: Org) -> None:
    # given the engineer's raters approved; the manager has answered already
    campaign = _approved(org)
    manager_form = Nomination.objects.get(subject__campaign=campaign, relationship="manager")
    services.response_save(
        actor=org.manager.user, origin=WEB, nomination=manager_form, answers=_answers(campaign), submit=True,
        now=NOW,
    )
    with receiver() as robot:
        channel_create(
            actor=SYSTEM, origin=Origin.CLI, name="售前群", kind="dingtalk",
            webhook_url=f"{robot.url}/robot/send?access_token=t", secret="SEC1",
        )
        # when the reminders run 7 days before the deadline, and again the same day
        first = feedback_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=datetime.date(2026, 11, 13))
        again = feedback_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=datetime.date(2026, 11, 13))
    # then the engineer (self) and the peer are reminded once; the manager, who answered, is not
    assert (first, again) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == ["li@example.com", "zhang@example.com"]
    english = next(message for message in mail.outbox if message.to == ["zhang@example.com"])
    assert english.subject == "360 feedback due by 2026-11-20"
    assert "yourself" in english.body
    chinese = next(message for message in mail.outbox if message.to == ["li@example.com"])
    assert "张三" in chinese.body
    (request,) = robot.received
    text = request.body["text"]["content"]
    assert "李四" in text
    assert "张三" in text  # as a rater of their own self-assessment
    assert "王经理" not in text


def test_no_reminder_off_schedule_and_none_after_answering(org: Org) -> None:
    campaign = _approved(org)
    assert feedback_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=datetime.date(2026, 11, 14)) == 0
    for nomination in Nomination.objects.filter(subject__campaign=campaign).exclude(relationship="customer"):
        services.response_save(
            actor=nomination.rater.user, origin=WEB, nomination=nomination, answers=_answers(campaign),
            submit=True, now=NOW,
        )
    assert feedback_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=datetime.date(2026, 11, 18)) == 0
    assert mail.outbox == []


@pytest.mark.today("2026-11-23")
def test_the_command_reminds_for_today_after_the_deadline(org: Org) -> None:
    _approved(org)
    call_command("send_feedback_reminders")
    english = next(message for message in mail.outbox if message.to == ["zhang@example.com"])
    assert english.subject == "360 feedback overdue since 2026-11-20"
