"""Sending notifications and setting up channels: every write audited, every message kept.

`notify` is the one way kpilib sends anything: the e-mail of each recipient (in their own
language, built by the caller) and one post to each of the company's active group robots.
A delivery is tried `KPILIB_NOTIFY_ATTEMPTS` times when it fails for a passing reason (the
network, an HTTP 5xx or 429, an SMTP error); an answer in which the platform refuses the
message (a wrong signature, a revoked key) is not retried. Either way the outcome is a
`Notification` row (audited) with the exact text and the platform's error, so "what was
sent to whom" is always answerable; a failure never stops the other deliveries.
"""

from __future__ import annotations

import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.notifications.errors import DeliveryFailed, NotificationError
from kpilib.notifications.models import Channel, Notification
from kpilib.notifications.robots import answer_error, robot_request
from kpilib.notifications.selectors import channels_for
from kpilib.org.models import OrgUnit

TIMEOUT_SECONDS = 10
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Email:
    """One e-mail to one person: the user (for the record), their address, subject and body.

    `recorded_body`, when given, is what the record keeps instead of the body: a message
    that carries a credential (a customer's single-use feedback link) is sent whole and
    recorded without it. `html`, when given, goes along as the HTML alternative of the
    plain-text body (the record keeps the plain text)."""

    recipient: Any
    address: str
    subject: str
    body: str
    recorded_body: str | None = None
    html: str = ""


class _Transient(Exception):
    """A failure worth another attempt."""


def _check(kind: str, webhook_url: str) -> None:
    if kind == Channel.Kind.EMAIL:
        return
    parts = urllib.parse.urlsplit(webhook_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise NotificationError(
            gettext("A group robot needs its webhook address (http or https)."),
            field="webhook_url",
        )


@transaction.atomic
def channel_create(
    *,
    actor: Any,
    origin: Origin,
    name: str,
    kind: str,
    company: OrgUnit | None = None,
    webhook_url: str = "",
    secret: str = "",
    is_active: bool = True,
) -> Channel:
    """Add a channel for `company` (None: every company without channels of its own)."""
    if kind not in Channel.Kind.values:
        raise NotificationError(gettext("Unknown channel kind: %(kind)s") % {"kind": kind})
    if company is not None and company.kind != OrgUnit.Kind.COMPANY:
        raise NotificationError(gettext("Channels belong to a company."), field="company")
    _check(kind, webhook_url)
    channel = Channel.objects.create(
        name=name, kind=kind, company=company, webhook_url=webhook_url, secret=secret,
        is_active=is_active,
    )
    audit_record(actor=actor, origin=origin, instance=channel, before=None)
    return channel


@transaction.atomic
def channel_update(*, actor: Any, origin: Origin, channel: Channel, **changes: Any) -> Channel:
    """Change a channel's name, address, secret or whether it is active."""
    before = audit_snapshot(Channel.objects.get(pk=channel.pk))
    for field, value in changes.items():
        setattr(channel, field, value)
    _check(channel.kind, channel.webhook_url)
    channel.save()
    audit_record(actor=actor, origin=origin, instance=channel, before=before)
    return channel


def _attempts() -> int:
    return max(1, int(getattr(settings, "KPILIB_NOTIFY_ATTEMPTS", 3)))


def _retrying(send: Callable[[], None], *, sleep: Sleep) -> tuple[int, str]:
    """Run `send` until it works, a permanent error, or the attempts run out."""
    attempts = _attempts()
    delay = float(getattr(settings, "KPILIB_NOTIFY_RETRY_SECONDS", 1.0))
    for attempt in range(1, attempts + 1):
        try:
            send()
            return attempt, ""
        except _Transient as error:
            if attempt == attempts:
                return attempt, str(error)
            sleep(delay * 2 ** (attempt - 1))
        except DeliveryFailed as error:
            return attempt, str(error)
    raise AssertionError("unreachable")


def _post(channel: Channel, text: str, *, markdown: bool = False, title: str = "") -> None:
    request = robot_request(
        channel.kind, channel.webhook_url, channel.secret, text, timezone.now(), markdown=markdown, title=title
    )
    http = urllib.request.Request(
        request.url,
        data=request.payload(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http, timeout=TIMEOUT_SECONDS) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code} {error.reason}"
        if error.code >= 500 or error.code == 429:
            raise _Transient(reason) from None
        raise DeliveryFailed(reason) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise _Transient(str(getattr(error, "reason", error))) from None
    refused = answer_error(channel.kind, answer)
    if refused:
        raise DeliveryFailed(
            gettext("%(channel)s refused the message: %(reason)s")
            % {"channel": channel.get_kind_display(), "reason": refused}
        )


def _mail(email: Email) -> None:
    message = EmailMultiAlternatives(
        email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.address]
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise _Transient(f"SMTP: {error}") from None


def _where(channel: Channel) -> str:
    """The robot's address without its key or token (those are secrets)."""
    parts = urllib.parse.urlsplit(channel.webhook_url)
    return f"{channel.name} ({parts.netloc}{parts.path.rsplit('/', 1)[0]}/…)"


def _record(
    *, actor: Any, origin: Origin, outcome: tuple[int, str], **fields: Any
) -> Notification:
    attempts, error = outcome
    if error and attempts > 1:
        error = gettext("%(error)s (after %(attempts)d attempts)") % {
            "error": error, "attempts": attempts,
        }
    notification = Notification.objects.create(
        status=Notification.Status.FAILED if error else Notification.Status.SENT,
        attempts=attempts,
        error=error,
        **fields,
    )
    audit_record(actor=actor, origin=origin, instance=notification, before=None)
    return notification


@transaction.atomic
def notify(
    *,
    actor: Any,
    origin: Origin,
    topic: str,
    key: str = "",
    emails: Sequence[Email] = (),
    group_text: str = "",
    group_markdown: str = "",
    group_title: str = "",
    company: OrgUnit | None = None,
    sleep: Sleep = time.sleep,
) -> list[Notification]:
    """Send each e-mail and post `group_text` to the company's active robots; return the record.

    E-mail goes out unless the company has an e-mail channel switched off; robots only
    when there is a group text. `group_markdown` (with `group_title`) posts the
    platforms' markdown message instead of text (the weekly digest). Nothing raises for a failed delivery: the returned rows
    (and the audit trail) say which failed and why.
    """
    channels = channels_for(company)
    email_off = any(c.kind == Channel.Kind.EMAIL and not c.is_active for c in channels)
    email_channel = next(
        (c for c in channels if c.kind == Channel.Kind.EMAIL and c.is_active), None
    )
    sent = []
    if not email_off:
        for email in emails:
            if not email.address:
                continue
            outcome = _retrying(lambda email=email: _mail(email), sleep=sleep)
            sent.append(
                _record(
                    actor=actor, origin=origin, outcome=outcome, channel=email_channel,
                    kind=Channel.Kind.EMAIL, topic=topic, key=key, recipient=email.recipient,
                    address=email.address, subject=email.subject,
                    text=email.body if email.recorded_body is None else email.recorded_body,
                )
            )
    group = group_markdown or group_text
    if group:
        markdown = bool(group_markdown)
        for channel in channels:
            if not (channel.is_robot and channel.is_active):
                continue
            outcome = _retrying(
                lambda channel=channel: _post(channel, group, markdown=markdown, title=group_title), sleep=sleep
            )
            sent.append(
                _record(
                    actor=actor, origin=origin, outcome=outcome, channel=channel,
                    kind=channel.kind, topic=topic, key=key, recipient=None,
                    address=_where(channel), text=group,
                )
            )
    return sent


def channel_test(*, actor: Any, origin: Origin, channel: Channel) -> Notification:
    """Post a test message through one channel (robots only) and record the outcome."""
    if not channel.is_robot:
        raise NotificationError(gettext("Only a group robot can be tested this way."))
    text = gettext("kpilib: this group will receive reminders here.")
    outcome = _retrying(lambda: _post(channel, text), sleep=time.sleep)
    return _record(
        actor=actor, origin=origin, outcome=outcome, channel=channel, kind=channel.kind,
        topic="channel_test", key=str(channel.pk), recipient=None, address=_where(channel),
        text=text,
    )
