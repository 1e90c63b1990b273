"""Browser-side hardening: a Content-Security-Policy that allows this site's scripts only,
no inline script or event handler left for it to block, and the companion headers."""

import re
from pathlib import Path

from django.test import Client

from kpilib.accounts.models import User
from tests.factories import Org

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kpilib"
# A <script> element that runs code written in the page (no src, not a JSON data island).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_send_a_policy_that_runs_only_this_sites_scripts(db: None) -> None:
    # when a visitor opens the sign-in page
    response = Client().get("/accounts/login/")
    # then the policy allows scripts from this site and nowhere else, inline code included
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # and the companion headers are sent
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_carry_the_policy_and_no_inline_script(org: Org) -> None:
    # when HR opens the home page
    response = signed_in(org.hr).get("/")
    page = response.content.decode()
    # then the policy is there, the page's behaviour comes from a static file, and nothing
    # in the page would be blocked by it
    assert policy(response)["script-src"] == ["'self'"]
    assert "kpilib/pages.js" in page
    assert INLINE_SCRIPT.findall(page) == []
    assert EVENT_HANDLER.findall(page) == []


def test_no_template_holds_inline_script_or_event_handler() -> None:
    # given every template of the project (charts, calibration board, filters, AHP results)
    found = []
    for template in sorted(TEMPLATES.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.name}: {m}" for m in INLINE_SCRIPT.findall(text)]
        found += [f"{template.name}: {m.strip()}" for m in EVENT_HANDLER.findall(text)]
    # then none holds code the policy would block
    assert found == []
