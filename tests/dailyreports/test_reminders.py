"""Reminders to submit a daily report: by e-mail in each person's language and to the
company's group robots (received by a real HTTP server on 127.0.0.1), once per person and day."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.dailyreports import services
from kpilib.dailyreports.models import ReportReminder
from kpilib.dailyreports.reminders import reports_send_reminders
from kpilib.notifications.models import Notification
from kpilib.notifications.services import channel_create
from tests.factories import Org
from tests.notifications.receiver import receiver

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEB = Origin.WEB
# Friday 2026-10-09 is a working day; its report is due at 10:00 on Saturday 10-10 (调休).
DAY = datetime.date(2026, 10, 9)
EVENING = datetime.datetime(2026, 10, 9, 17, 30, tzinfo=SHANGHAI)
NEXT_NOON = datetime.datetime(2026, 10, 10, 12, tzinfo=SHANGHAI)


def _setup(org: Org) -> None:
    """A default template (everyone reports); addresses; 王经理 reads Chinese, the others
    the site's language (English in tests)."""
    services.template_save(actor=org.hr, origin=WEB, name="售前日报")
    for employee, address in [
        (org.manager, "wang@example.com"),
        (org.engineer, "zhang@example.com"),
        (org.peer, "li@example.com"),
        (org.other_team_engineer, "zhao@example.com"),
    ]:
        employee.user.email = address
        employee.user.save()
    org.manager.user.language = "zh-hans"
    org.manager.user.save()


def _submit(org: Org, employee) -> None:
    draft = services.report_save_draft(
        actor=employee.user, origin=WEB, report_date=DAY, answers={"done": "拜访客户"}, today=DAY
    )
    services.report_submit(actor=employee.user, origin=WEB, report=draft, now=EVENING)


def _robot(url: str) -> None:
    channel_create(
        actor=SYSTEM, origin=Origin.CLI, name="售前群", kind="dingtalk",
        webhook_url=f"{url}/robot/send?access_token=t", secret="SEC1",
    )


def test_who_has_not_submitted_gets_an_email_and_the_group_robot_names_them(
    org: Org, settings
) -> None:
    # given a site in Chinese, everyone must report, 李四 has submitted, and the company has a DingTalk robot
    settings.LANGUAGE_CODE = "zh-hans"
    _setup(org)
    org.engineer.user.language = "en"
    org.engineer.user.save()
    _submit(org, org.peer)
    with receiver() as robot:
        _robot(robot.url)
        # when the reminders go out on the evening of the report day
        reminded = reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=EVENING)
    # then the three who have not submitted get one e-mail each, with the due-by time
    assert reminded == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "wang@example.com", "zhang@example.com", "zhao@example.com",
    ]
    english = next(message for message in mail.outbox if message.to == ["zhang@example.com"])
    assert english.subject == "Daily report for 2026-10-09: due by 2026-10-10 10:00"
    chinese = next(message for message in mail.outbox if message.to == ["wang@example.com"])
    assert chinese.subject == "2026-10-09 的日报请在 2026-10-10 10:00 前提交"
    # and the group robot got one signed message naming them, not the one who submitted
    (request,) = robot.received
    assert set(request.query) == {"access_token", "timestamp", "sign"}
    text = request.body["text"]["content"]
    assert text == "日报提醒：张三、王经理、赵六 尚未提交 2026-10-09 的日报。"
    # and each message is a notification of topic daily_report_reminder, audited
    assert Notification.objects.filter(topic="daily_report_reminder", status="sent").count() == 4
    assert AuditEvent.objects.filter(object_type="dailyreports.reportreminder").count() == 3


def test_running_again_the_same_day_reminds_nobody_twice(org: Org) -> None:
    # given the reminders went out once
    _setup(org)
    with receiver() as robot:
        _robot(robot.url)
        reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=EVENING)
        sent = len(mail.outbox)
        # when the job runs again, even after the deadline
        again = reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=NEXT_NOON)
    # then nobody is reminded a second time
    assert again == 0
    assert len(mail.outbox) == sent == 4
    assert len(robot.received) == 1
    assert ReportReminder.objects.filter(report_date=DAY).count() == 4


def test_a_reminder_after_the_deadline_says_the_report_is_overdue(org: Org) -> None:
    _setup(org)
    reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=NEXT_NOON)
    english = next(message for message in mail.outbox if message.to == ["zhang@example.com"])
    assert english.subject == "Daily report for 2026-10-09: overdue since 2026-10-10 10:00"
    assert "it will count as late" in english.body


def test_no_reminder_on_a_holiday_or_without_a_template(org: Org) -> None:
    # given no template: reports are optional
    assert reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=EVENING) == 0
    # given a template, on a National Day holiday
    _setup(org)
    holiday = datetime.date(2026, 10, 5)
    evening = datetime.datetime(2026, 10, 5, 17, 30, tzinfo=SHANGHAI)
    assert reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=holiday, now=evening) == 0
    assert mail.outbox == []


def test_a_failed_delivery_is_recorded_and_still_counts_as_the_reminder(org: Org, settings) -> None:
    # given a robot that refuses the message
    _setup(org)
    with receiver((200, {"errcode": 310000, "errmsg": "sign not match"})) as robot:
        _robot(robot.url)
        reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=EVENING)
        reports_send_reminders(actor=SYSTEM, origin=Origin.TASK, day=DAY, now=EVENING)
    # then the refusal is in the record, the e-mails went out, and nothing was sent twice
    (failed,) = Notification.objects.filter(status="failed")
    assert failed.error == "DingTalk group robot refused the message: 310000: sign not match"
    assert len(robot.received) == 1
    assert len(mail.outbox) == 4


def test_the_command_reminds_for_today_by_default(org: Org) -> None:
    # given the clock at 17:30 on the report day
    _setup(org)
    out = StringIO()
    with time_machine.travel(EVENING, tick=False):
        call_command("send_report_reminders", stdout=out)
        call_command("send_report_reminders", stdout=out)
    # then the first run reminds all four, the second nobody
    assert out.getvalue().splitlines() == ["people reminded: 4", "people reminded: 0"]
    assert set(ReportReminder.objects.values_list("report_date", flat=True)) == {DAY}
