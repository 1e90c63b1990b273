"""The group-robot webhook formats of DingTalk, WeCom (企业微信) and Feishu (飞书).

Framework-free: each function takes the robot's webhook address, its signing secret (if
the group's robot was set up with one), the text and the moment, and returns the request
to POST (`RobotRequest`: the address, with any signature, and the JSON body). Sending and
retrying is `kpilib.notifications.services`' job; reading an answer is `answer_error`.

- DingTalk custom robot (自定义机器人): `POST {webhook}` with
  `{"msgtype": "text", "text": {"content": …}}`. Signed robots (加签): timestamp in
  milliseconds; sign = Base64(HMAC-SHA256(key=secret, message=f"{timestamp}\\n{secret}")),
  URL-encoded, appended as `&timestamp=…&sign=…`. Answer `{"errcode": 0, "errmsg": "ok"}`.
- WeCom group robot (群机器人): `POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`
  with `{"msgtype": "text", "text": {"content": …}}` (content at most 2,048 bytes). No
  signature: the key in the address is the secret. Answer `{"errcode": 0, "errmsg": "ok"}`.
- Feishu custom bot (自定义机器人): `POST https://open.feishu.cn/open-apis/bot/v2/hook/…`
  with `{"msg_type": "text", "content": {"text": …}}`. Signed bots (签名校验): timestamp in
  seconds; sign = Base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", message=b"")), both put
  in the body as `"timestamp"` and `"sign"`. Answer `{"code": 0, "msg": "success"}` (older
  deployments answer `{"StatusCode": 0, …}`).

Markdown (`robot_request(..., markdown=True, title=…)`, for digests): DingTalk
`{"msgtype": "markdown", "markdown": {"title": …, "text": …}}` (the title is what the
conversation list shows); WeCom `{"msgtype": "markdown", "markdown": {"content": …}}` (at
most 4,096 bytes); Feishu an interactive card, `{"msg_type": "interactive", "card":
{"header": {"title": {"tag": "plain_text", "content": …}}, "elements": [{"tag":
"markdown", "content": …}]}}`. Signatures as for text. Text stays the default.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

DINGTALK, WECOM, FEISHU = "dingtalk", "wecom", "feishu"
WECOM_MAX_BYTES = 2048
WECOM_MARKDOWN_MAX_BYTES = 4096


@dataclass(frozen=True)
class RobotRequest:
    """What to POST: the address (with any signature) and the JSON body."""

    url: str
    body: dict[str, Any]

    def payload(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: Base64 of HMAC-SHA256 keyed by the secret over "timestamp\\nsecret"."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's 签名校验: Base64 of HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _with_query(url: str, **params: str) -> str:
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + separator + urllib.parse.urlencode(params)


def _cut(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) > limit:
        return encoded[: limit - 3].decode("utf-8", errors="ignore") + "…"
    return text


def dingtalk_request(
    url: str, secret: str, text: str, at: datetime.datetime, *, markdown: bool = False, title: str = ""
) -> RobotRequest:
    body: dict[str, Any] = (
        {"msgtype": "markdown", "markdown": {"title": title or text.split("\n", 1)[0], "text": text}}
        if markdown
        else {"msgtype": "text", "text": {"content": text}}
    )
    if secret:
        timestamp = int(at.timestamp() * 1000)
        url = _with_query(url, timestamp=str(timestamp), sign=dingtalk_sign(secret, timestamp))
    return RobotRequest(url, body)


def wecom_request(
    url: str, secret: str, text: str, at: datetime.datetime, *, markdown: bool = False, title: str = ""
) -> RobotRequest:
    if markdown:
        content = _cut(text, WECOM_MARKDOWN_MAX_BYTES)
        return RobotRequest(url, {"msgtype": "markdown", "markdown": {"content": content}})
    return RobotRequest(url, {"msgtype": "text", "text": {"content": _cut(text, WECOM_MAX_BYTES)}})


def feishu_request(
    url: str, secret: str, text: str, at: datetime.datetime, *, markdown: bool = False, title: str = ""
) -> RobotRequest:
    body: dict[str, Any] = {}
    if secret:
        timestamp = int(at.timestamp())
        body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
    if markdown:
        body |= {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title or text.split("\n", 1)[0]}},
                "elements": [{"tag": "markdown", "content": text}],
            },
        }
    else:
        body |= {"msg_type": "text", "content": {"text": text}}
    return RobotRequest(url, body)


FORMATS = {DINGTALK: dingtalk_request, WECOM: wecom_request, FEISHU: feishu_request}


def robot_request(
    kind: str, url: str, secret: str, text: str, at: datetime.datetime, *, markdown: bool = False, title: str = ""
) -> RobotRequest:
    """The request that posts `text` to a robot of `kind` (dingtalk, wecom, feishu): plain
    text, or with `markdown` the platform's markdown message under `title`."""
    return FORMATS[kind](url, secret, text, at, markdown=markdown, title=title)


def answer_error(kind: str, answer: bytes) -> str:
    """What a robot's answer says went wrong, or "" when it took the message."""
    try:
        data = json.loads(answer.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"unreadable answer: {answer[:200]!r}"
    if not isinstance(data, dict):
        return f"unexpected answer: {str(data)[:200]}"
    if kind == FEISHU:
        code = data.get("code", data.get("StatusCode", 0))
        message = data.get("msg", data.get("StatusMessage", ""))
    else:
        code, message = data.get("errcode", 0), data.get("errmsg", "")
    return "" if code in (0, "0", None) else f"{code}: {message}"
