"""Notifications: the exact bodies and signatures of the three group robots, received by a
real HTTP server on 127.0.0.1; e-mail; retries with a clear error; the record of what was sent."""

import base64
import datetime
import hashlib
import hmac
import urllib.parse

import pytest
import time_machine
from django.core import mail

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.notifications import services
from kpilib.notifications.errors import NotificationError
from kpilib.notifications.models import Channel, Notification
from kpilib.org.models import OrgUnit
from tests.factories import make_unit
from tests.notifications.receiver import receiver

MOMENT = datetime.datetime(2026, 12, 2, 1, 30, tzinfo=datetime.UTC)
TEXT = "日报提醒：张三、李四 尚未提交 2026-12-01 的日报"


def _channel(kind: str, url: str, secret: str = "", company: OrgUnit | None = None) -> Channel:
    return services.channel_create(
        actor=SYSTEM, origin=Origin.CLI, name=f"{kind} group", kind=kind, webhook_url=url,
        secret=secret, company=company,
    )


@pytest.fixture
def pinned():
    with time_machine.travel(MOMENT, tick=False):
        yield


def test_dingtalk_signed_robot_gets_the_text_body_and_a_verifiable_signature(db, pinned) -> None:
    # given a signed DingTalk robot (加签) whose address already carries its access token
    with receiver() as robot:
        _channel("dingtalk", f"{robot.url}/robot/send?access_token=tok123", secret="SECabc")
        # when a message goes to the group
        (record,) = services.notify(
            actor=SYSTEM, origin=Origin.TASK, topic="daily_report_missing", group_text=TEXT
        )
    # then the robot received DingTalk's text body, the token, and timestamp (ms) + sign
    (request,) = robot.received
    assert request.path == "/robot/send"
    assert request.body == {"msgtype": "text", "text": {"content": TEXT}}
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    timestamp = int(MOMENT.timestamp() * 1000)
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert request.query == {"access_token": "tok123", "timestamp": str(timestamp), "sign": expected}
    assert (record.status, record.attempts, record.error) == ("sent", 1, "")
    assert "tok123" not in record.address


def test_wecom_robot_gets_its_text_body_and_no_signature(db, pinned) -> None:
    with receiver() as robot:
        _channel("wecom", f"{robot.url}/cgi-bin/webhook/send?key=k-1")
        services.notify(actor=SYSTEM, origin=Origin.TASK, topic="t", group_text=TEXT)
    (request,) = robot.received
    assert request.query == {"key": "k-1"}
    assert request.body == {"msgtype": "text", "text": {"content": TEXT}}


def test_feishu_signed_bot_gets_timestamp_and_sign_in_the_body(db, pinned) -> None:
    with receiver((200, {"code": 0, "msg": "success", "data": {}})) as robot:
        _channel("feishu", f"{robot.url}/open-apis/bot/v2/hook/abc", secret="fs-secret")
        (record,) = services.notify(actor=SYSTEM, origin=Origin.TASK, topic="t", group_text=TEXT)
    (request,) = robot.received
    timestamp = int(MOMENT.timestamp())
    sign = base64.b64encode(
        hmac.new(f"{timestamp}\nfs-secret".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert request.body == {
        "timestamp": str(timestamp),
        "sign": sign,
        "msg_type": "text",
        "content": {"text": TEXT},
    }
    assert record.status == "sent"


def test_a_passing_failure_is_retried_until_it_goes_through(db, pinned, settings) -> None:
    # given a robot that answers 503 twice, then takes the message
    settings.KPILIB_NOTIFY_RETRY_SECONDS = 0.5
    pauses: list[float] = []
    answers = [(503, {}), (503, {}), (200, {"errcode": 0, "errmsg": "ok"})]
    with receiver(*answers) as robot:
        _channel("wecom", f"{robot.url}/send?key=k")
        (record,) = services.notify(
            actor=SYSTEM, origin=Origin.TASK, topic="t", group_text=TEXT, sleep=pauses.append
        )
    # then three attempts reached it, with growing pauses, and the message counts as sent
    assert len(robot.received) == 3
    assert pauses == [0.5, 1.0]
    assert (record.status, record.attempts) == ("sent", 3)


def test_a_refusal_is_not_retried_and_says_what_the_platform_answered(db, pinned) -> None:
    answer = {"errcode": 310000, "errmsg": "sign not match"}
    with receiver((200, answer)) as robot:
        _channel("dingtalk", f"{robot.url}/robot/send?access_token=t", secret="wrong")
        (record,) = services.notify(actor=SYSTEM, origin=Origin.TASK, topic="t", group_text=TEXT)
    assert len(robot.received) == 1
    assert record.status == "failed"
    assert record.error == "DingTalk group robot refused the message: 310000: sign not match"


def test_attempts_run_out_with_a_clear_error_and_other_channels_still_receive(db, pinned) -> None:
    # given a broken WeCom robot and a working Feishu bot
    with receiver((500, {})) as broken, receiver((200, {"code": 0})) as working:
        _channel("wecom", f"{broken.url}/send?key=k")
        _channel("feishu", f"{working.url}/hook/x")
        records = services.notify(
            actor=SYSTEM, origin=Origin.TASK, topic="t", group_text=TEXT, sleep=lambda _: None
        )
    # then the broken one was tried three times and failed with the reason; the other got it
    by_kind = {record.kind: record for record in records}
    assert len(broken.received) == 3
    assert by_kind["wecom"].error == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert by_kind["feishu"].status == "sent"
    assert len(working.received) == 1


def test_email_goes_to_each_recipient_and_everything_sent_is_recorded_and_audited(db) -> None:
    # when two e-mails are sent
    emails = [
        services.Email(recipient=None, address="a@example.com", subject="S1", body="B1"),
        services.Email(recipient=None, address="", subject="S2", body="B2"),
        services.Email(recipient=None, address="c@example.com", subject="S3", body="B3"),
    ]
    records = services.notify(actor=SYSTEM, origin=Origin.TASK, topic="t", key="k", emails=emails)
    # then the ones with an address went out, and each is a notification and an audit event
    assert [message.to for message in mail.outbox] == [["a@example.com"], ["c@example.com"]]
    assert [(r.address, r.subject, r.text, r.status) for r in records] == [
        ("a@example.com", "S1", "B1", "sent"),
        ("c@example.com", "S3", "B3", "sent"),
    ]
    events = AuditEvent.objects.filter(object_type="notifications.notification")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        str(record.pk) for record in records
    )
    assert set(events.values_list("origin", flat=True)) == {"task"}


def test_a_company_uses_its_own_channels_and_can_switch_e_mail_off(db, pinned) -> None:
    # given a default robot, and a company with its own robot and e-mail switched off
    company = make_unit("云启科技", kind=OrgUnit.Kind.COMPANY)
    with receiver() as default, receiver() as own:
        _channel("wecom", f"{default.url}/send?key=default")
        _channel("wecom", f"{own.url}/send?key=own", company=company)
        services.channel_create(
            actor=SYSTEM, origin=Origin.CLI, name="mail", kind="email", company=company,
            is_active=False,
        )
        email = services.Email(recipient=None, address="a@example.com", subject="S", body="B")
        services.notify(
            actor=SYSTEM, origin=Origin.TASK, topic="t", emails=[email], group_text=TEXT,
            company=company,
        )
    # then only the company's robot got the message, and no e-mail went out
    assert (len(default.received), len(own.received)) == (0, 1)
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_a_robot_needs_an_address_and_channels_belong_to_companies(db) -> None:
    with pytest.raises(NotificationError):
        services.channel_create(actor=SYSTEM, origin=Origin.CLI, name="x", kind="dingtalk")
    team = make_unit("华东一组")
    with pytest.raises(NotificationError):
        services.channel_create(
            actor=SYSTEM, origin=Origin.CLI, name="x", kind="email", company=team
        )


def test_the_robot_address_kept_in_the_record_hides_its_key() -> None:
    channel = Channel(name="g", kind="wecom", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET")
    assert "SECRET" not in services._where(channel)
    assert urllib.parse.urlsplit(channel.webhook_url).netloc in services._where(channel)
