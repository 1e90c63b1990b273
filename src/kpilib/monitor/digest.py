"""The weekly KPI digest: each manager's and director's meters off track, and what changed.

`weekly_digest_send` runs once per ISO week (cron on Monday morning: `kpilib manage
send_weekly_digest`, or the `weekly_digest_task` task). For every manager or director (an
employee with a sign-in who heads a unit or has reports: `permissions.roles_of`'s
manager) whose company is known and who sees someone in a cycle being scored, it reads
`monitor.selectors.team_off_track` — the meters behind their pace of the people they may
see — and sends:

- to the manager, an e-mail in their own language (`user.language`), plain text with an
  HTML alternative: how many meters are off track and of how many people, the top rows
  (person · indicator · actual against expected, the target), and what changed since
  their previous digest: the meters newly off track and those back on track, by person;
- to their company's group robots (DingTalk / WeCom / Feishu), once per company and week,
  one markdown message in the site's language with the company's counts only: meters and
  people off track among everyone the company's managers see, and how many are newly off
  track or back on track. The robot's group is read by the whole team, so it never names
  a person or lists anyone's figures; names go only to the manager's own e-mail.

What changed compares the (participant, indicator) keys of the meters off track now with
those kept by the previous digest (`DigestRun.off_track`); the first digest says it has
nothing to compare with. A `DigestRun` (user, week) — and (company, week) for the robots —
is written and audited before anything is sent: running it again in the same week (or
twice at once: the second waits on the unique row and fails) sends nothing twice.
Everything goes through `notifications.notify`, so each message is a `Notification`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record
from kpilib.monitor.models import DigestRun
from kpilib.monitor.selectors import OffTrack, team_off_track
from kpilib.notifications.services import Email, notify
from kpilib.org.models import Employee, OrgUnit
from kpilib.org.selectors import company_of

TOPIC = "weekly_digest"
#: How many off-track meters the e-mail lists (the count says how many there are).
DIGEST_ROWS = 10

Key = tuple[int, str]


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


@dataclass(frozen=True)
class Change:
    """Newly off track and back on track since `previous` (None: the first digest)."""

    newly: set[Key]
    back: set[Key]
    previous: DigestRun | None


def _change(now: set[Key], previous: DigestRun | None) -> Change:
    if previous is None:
        return Change(newly=set(), back=set(), previous=None)
    before = {(int(participant), str(code)) for participant, code in previous.off_track}
    return Change(newly=now - before, back=before - now, previous=previous)


def _managers() -> list[Employee]:
    """Employees with an active sign-in who head a unit or have reports, still employed."""
    return list(
        Employee.objects.filter(user__isnull=False, user__is_active=True, left_on__isnull=True)
        .filter(Q(headed_units__isnull=False) | Q(reports__isnull=False))
        .distinct()
        .select_related("user", "org_unit")
        .order_by("pk")
    )


def _names(keys: set[Key]) -> dict[int, str]:
    from kpilib.appraisal.models import Participant

    found = Participant.objects.filter(pk__in={participant for participant, _ in keys}).select_related("employee")
    return {participant.pk: participant.employee.name for participant in found}


def _email(employee: Employee, week: str, off: OffTrack, change: Change, language: str) -> Email:
    user = employee.user
    assert user is not None
    rows = off.rows[:DIGEST_ROWS]
    indicator = {(row["participant"], row["code"]): row["name"] for row in off.rows}
    names = _names(change.newly | change.back)

    def label(key: Key) -> str:
        return f"{names.get(key[0], '?')} · {indicator.get(key, key[1])}"

    with translation.override(language):
        values = {"week": week, "count": off.count, "people": off.people}
        subject = gettext("KPI digest, week %(week)s — meters off track: %(count)d") % values
        headline = gettext("Meters off track this period among the people you may see: %(count)d (people: %(people)d).") % values
        line = gettext("%(person)s · %(indicator)s: %(actual)s against %(expected)s expected (target %(target)s)")
        listed = [
            line % {
                "person": row["person"], "indicator": row["name"], "actual": _figure(row["actual"]),
                "expected": _figure(row["expected"]), "target": _figure(row["target"]),
            }
            for row in rows
        ]
        more = (
            gettext("… and %(more)d more on the home page.") % {"more": off.count - len(rows)}
            if off.count > len(rows) else ""
        )
        blocks: list[tuple[str, list[str]]]
        if change.previous is None:
            blocks = [(gettext("This is your first digest: next week's says what changed."), [])]
        else:
            since = {"day": change.previous.day.isoformat()}
            blocks = [
                (gettext("Newly off track since %(day)s: %(count)d.") % {**since, "count": len(change.newly)},
                 [label(key) for key in sorted(change.newly)]),
                (gettext("Back on track since %(day)s: %(count)d.") % {**since, "count": len(change.back)},
                 [label(key) for key in sorted(change.back)]),
            ]
        closing = gettext("Open kpilib (home page, Off track this period) for the meters and their facts.")
        title_rows = gettext("Top meters off track")
        title_changed = gettext("What changed")
        heads = [gettext("Person"), gettext("Indicator"), gettext("Actual"), gettext("Expected"), gettext("Target")]
    body = "\n".join([headline, "", title_rows + ":", *listed, *([more] if more else []), "",
                      title_changed + ":", *(text for heading, items in blocks
                                             for text in (heading, *(f"- {item}" for item in items))),
                      "", closing])
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in (
            row["person"], row["name"], _figure(row["actual"]), _figure(row["expected"]), _figure(row["target"]),
        )) + "</tr>"
        for row in rows
    )
    changes = "".join(
        f"<p>{escape(heading)}</p>"
        + (f"<ul>{''.join(f'<li>{escape(item)}</li>' for item in items)}</ul>" if items else "")
        for heading, items in blocks
    )
    html = (
        f'<html><body><h2>{escape(subject)}</h2><p>{escape(headline)}</p>'
        f'<h3>{escape(title_rows)}</h3><table border="1" cellpadding="4" style="border-collapse:collapse">'
        f'<thead><tr>{"".join(f"<th>{escape(head)}</th>" for head in heads)}</tr></thead>'
        f'<tbody>{cells}</tbody></table>{f"<p>{escape(more)}</p>" if more else ""}'
        f'<h3>{escape(title_changed)}</h3>{changes}<p>{escape(closing)}</p></body></html>'
    )
    address = getattr(user, "email", "") or employee.email
    return Email(recipient=user, address=address, subject=subject, body=body, html=html)


def _group_markdown(week: str, count: int, people: int, change: Change) -> tuple[str, str]:
    """The company's digest for its group robots: counts only, never a name."""
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("KPI digest, week %(week)s") % {"week": week}
        lines = [
            f"### {title}",
            "- " + gettext("Meters off track: **%(count)d** (people: %(people)d)") % {"count": count, "people": people},
        ]
        if change.previous is None:
            lines.append("- " + gettext("First digest: next week's says what changed."))
        else:
            lines += [
                "- " + gettext("Newly off track since last week: **%(count)d**") % {"count": len(change.newly)},
                "- " + gettext("Back on track since last week: **%(count)d**") % {"count": len(change.back)},
            ]
        lines.append(gettext("Managers have the details in their e-mail digest and on their home page."))
    return title, "\n".join(lines)


def _previous(week: str, **who: Any) -> DigestRun | None:
    return DigestRun.objects.filter(week__lt=week, **who).order_by("-week").first()


@transaction.atomic
def weekly_digest_send(*, actor: Any, origin: Origin, day: datetime.date) -> int:
    """Send the week's digest of `day` to every manager and director with a company and
    someone in a cycle being scored, and one per company to its group robots, once per
    ISO week; returns how many managers got theirs."""
    week = iso_week(day)
    already = set(DigestRun.objects.filter(week=week, user__isnull=False).values_list("user_id", flat=True))
    sent = 0
    companies: dict[int, OrgUnit] = {}
    keys_of: dict[int, set[tuple[int, str, int]]] = defaultdict(set)
    for employee in _managers():
        company = company_of(employee.org_unit)
        if company is None:
            continue
        user = employee.user
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        off = team_off_track(user, today=lambda: day, language=language)
        if off is None:
            continue
        companies[company.pk] = company
        keys_of[company.pk] |= set(off.keys)
        if user.pk in already:
            continue
        now = {(participant, code) for participant, code, _ in off.keys}
        change = _change(now, _previous(week, user=user))
        # written before anything is sent: a second run waits on this row and fails
        run = DigestRun.objects.create(
            user=user, company=company, week=week, day=day, off_track=sorted([p, c] for p, c in now),
            count=off.count, people=off.people,
        )
        audit_record(actor=actor, origin=origin, instance=run, before=None)
        notify(
            actor=actor, origin=origin, topic=TOPIC, key=f"{week}:user:{user.pk}",
            emails=[_email(employee, week, off, change, language)], company=company,
        )
        sent += 1
    for pk, company in companies.items():
        if DigestRun.objects.filter(company=company, user__isnull=True, week=week).exists():
            continue
        keys = keys_of[pk]
        now = {(participant, code) for participant, code, _ in keys}
        people = len({employee for _, _, employee in keys})
        change = _change(now, _previous(week, company=company, user__isnull=True))
        run = DigestRun.objects.create(
            company=company, week=week, day=day, off_track=sorted([p, c] for p, c in now),
            count=len(now), people=people,
        )
        audit_record(actor=actor, origin=origin, instance=run, before=None)
        title, text = _group_markdown(week, len(now), people, change)
        notify(
            actor=actor, origin=origin, topic=TOPIC, key=f"{week}:company:{pk}",
            group_markdown=text, group_title=title, company=company,
        )
    return sent
