"""The weekly KPI digest (issue 15, item 5): once per ISO week per manager, the meters off
track of their people and what changed since the previous digest, by e-mail (plain text and
HTML, in the recipient's language) and a count-only markdown message to the company's group
robots (DingTalk / WeCom / Feishu), received by a real HTTP server on 127.0.0.1."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from kpilib.appraisal.models import Participant
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.monitor.digest import iso_week, weekly_digest_send
from kpilib.monitor.models import DigestRun
from kpilib.notifications import services as notifications
from kpilib.notifications.models import Notification
from kpilib.notifications.robots import robot_request
from tests.appraisal_fixtures import World, make_world_scoring
from tests.notifications.receiver import receiver

TODAY = datetime.date(2026, 8, 20)
LAST_WEEK = TODAY - datetime.timedelta(days=7)
pytestmark = pytest.mark.today("2026-08-20")
NAMES = ("王经理", "张三", "李四", "赵六")


@pytest.fixture
def world(db: None) -> World:
    world = make_world_scoring(TODAY)
    user = world.org.manager.user
    user.email, user.language = "wang@example.com", "en"
    user.save()
    return world


def _robots(url: str) -> None:
    for kind, path in (
        ("dingtalk", "/robot/send?access_token=t"), ("wecom", "/cgi-bin/webhook/send?key=k"),
        ("feishu", "/open-apis/bot/v2/hook/h"),
    ):
        notifications.channel_create(
            actor=SYSTEM, origin=Origin.CLI, name=f"{kind} group", kind=kind, webhook_url=url + path,
        )


def test_one_digest_per_manager_and_week(world: World) -> None:
    assert weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY) == 1
    (message,) = mail.outbox
    assert message.to == ["wang@example.com"]
    assert message.subject.startswith(f"KPI digest, week {iso_week(TODAY)} — meters off track: ")
    run = DigestRun.objects.get(user=world.org.manager.user)
    assert run.week == "2026-W34"
    assert run.company == world.org.company
    peer = Participant.objects.get(employee=world.org.peer)
    assert [peer.pk, "tech_resolution"] in run.off_track
    assert AuditEvent.objects.filter(object_type="monitor.digestrun").count() == 2  # the manager's, the company's
    # the same ISO week again (Friday): nothing more
    assert weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert DigestRun.objects.count() == 2
    # engineers (nobody to see) and HR (no employee, no company) get none
    assert not DigestRun.objects.filter(user__in=[world.org.engineer.user, world.org.hr]).exists()


def test_the_email_lists_the_rows_in_html_and_text(world: World) -> None:
    weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY)
    (message,) = mail.outbox
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "<table" in html
    assert "<td>李四</td>" in html
    assert "Meters off track this period among the people you may see:" in message.body
    assert "李四 · " in message.body
    assert "against" in message.body
    assert "张三" not in message.body  # on track
    assert "first digest" in message.body
    record = Notification.objects.get(kind="email", topic="weekly_digest")
    assert record.text == message.body


def test_what_changed_is_against_the_previous_weeks_digest(world: World) -> None:
    weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=LAST_WEEK)
    previous = DigestRun.objects.get(user=world.org.manager.user)
    assert previous.week == "2026-W33"
    peer = Participant.objects.get(employee=world.org.peer)
    engineer = Participant.objects.get(employee=world.org.engineer)
    # last week: 张三's satisfaction was off track, 李四's resolution was not
    previous.off_track = [[engineer.pk, "customer_satisfaction"]] + [
        key for key in previous.off_track if key != [peer.pk, "tech_resolution"]
    ]
    previous.save()
    mail.outbox.clear()
    weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY)
    body = mail.outbox[0].body
    assert f"Newly off track since {LAST_WEEK.isoformat()}: 1." in body
    assert "- 李四 · " in body
    assert f"Back on track since {LAST_WEEK.isoformat()}: 1." in body
    assert "- 张三 · customer_satisfaction" in body


def test_the_language_is_the_recipients(world: World) -> None:
    user = world.org.manager.user
    user.language = "zh-hans"
    user.save()
    weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY)
    (message,) = mail.outbox
    assert message.subject.startswith("KPI 周报")
    assert "本期进度落后" in message.body
    assert "进度落后" in message.alternatives[0][0]


def test_robots_get_a_markdown_digest_that_names_nobody(world: World, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the site's language: the group's
    with receiver((200, {"errcode": 0, "errmsg": "ok", "code": 0})) as robot:
        _robots(robot.url)
        weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=LAST_WEEK)
        weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY)
        weekly_digest_send(actor=SYSTEM, origin=Origin.TASK, day=TODAY)  # the same week: nothing
    assert len(robot.received) == 6  # three robots, two weeks
    by_path = {r.path: r.body for r in robot.received[3:]}
    dingtalk, wecom = by_path["/robot/send"], by_path["/cgi-bin/webhook/send"]
    feishu = by_path["/open-apis/bot/v2/hook/h"]
    assert dingtalk["msgtype"] == "markdown"
    assert set(dingtalk["markdown"]) == {"title", "text"}
    assert dingtalk["markdown"]["title"] == "KPI 周报（2026-W34）"
    text = dingtalk["markdown"]["text"]
    assert text.startswith("### KPI 周报（2026-W34）")
    assert "进度落后的指标：**" in text
    assert "上周以来新落后：**0**" in text
    assert wecom == {"msgtype": "markdown", "markdown": {"content": text}}
    assert feishu["msg_type"] == "interactive"
    assert feishu["card"]["header"]["title"] == {"tag": "plain_text", "content": "KPI 周报（2026-W34）"}
    assert feishu["card"]["elements"] == [{"tag": "markdown", "content": text}]
    for received in robot.received:
        payload = str(received.body)
        assert not any(name in payload for name in NAMES)
        assert "tech_resolution" not in payload
    assert DigestRun.objects.filter(user__isnull=True, company=world.org.company).count() == 2


def test_text_stays_the_default_for_robots() -> None:
    at = datetime.datetime(2026, 8, 20, tzinfo=datetime.UTC)
    assert robot_request("dingtalk", "http://x/", "", "hi", at).body == {"msgtype": "text", "text": {"content": "hi"}}
    assert robot_request("feishu", "http://x/", "", "hi", at).body == {"msg_type": "text", "content": {"text": "hi"}}


def test_the_command_sends_the_week_of_today_or_of_a_day(world: World) -> None:
    call_command("send_weekly_digest", "--day", LAST_WEEK.isoformat())
    call_command("send_weekly_digest")
    assert sorted(DigestRun.objects.filter(user__isnull=False).values_list("week", flat=True)) == [
        "2026-W33", "2026-W34",
    ]


def test_the_task_sends_todays_digest(world: World) -> None:
    from kpilib.monitor.tasks import weekly_digest_task

    assert weekly_digest_task.call() == 1
