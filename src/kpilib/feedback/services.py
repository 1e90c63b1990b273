"""Writing 360 feedback: the questionnaire, campaigns, nominations, declines and answers.

Every function is atomic, takes `actor` and `origin`, and is audited; `now` / `today` are
parameters (the interfaces read the clock). The rules live here:

- HR creates a campaign and launches it; from launch its anonymity settings (minimum group
  size, split comments) and group limits are fixed.
- A subject gets self and their manager as raters on joining; they nominate the rest, each
  group within its minimum and maximum, and submit; the manager up the line (or HR)
  approves, adding or removing raters. Nothing advances while a group is under its
  minimum, and the refusal names the group.
- A rater may decline with a reason; the subject is told and may nominate someone else.
- External customers answer through a link made at approval: an unguessable token whose
  SHA-256 alone is stored, valid until the deadline and spent by submitting.
- Answers are audited as a change of status only: the trail never holds what a rater said.
- Answers collected in another survey tool are imported into a draft or open campaign
  (`responses_import`, `kpilib import feedback`), never into a closed one.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.clock import time_zone_name
from kpilib.feedback.errors import FeedbackError
from kpilib.feedback.models import (
    DEFAULT_GROUP_LIMITS,
    Campaign,
    Competency,
    Nomination,
    Question,
    Questionnaire,
    Relationship,
    Response,
    Subject,
)
from kpilib.feedback.selectors import (
    answer_rows,
    competency_rows,
    form_open,
    group_counts,
    is_subject,
    manages_subject,
    shortfall_messages,
    shortfalls,
)
from kpilib.importing import ImportReport
from kpilib.org.models import Employee, local_name
from kpilib.permissions import employee_of, is_hr_admin

DEFAULT_QUESTIONNAIRE = Path(__file__).resolve().parent.parent / "packs" / "questionnaires" / "presales-360.yaml"
#: Settings that decide who can be recognised: fixed when the campaign is launched.
ANONYMITY_FIELDS = ("min_group", "split_comments", "group_limits")
EXTERNAL_TOKEN_PREFIX = "kpf_"
MAX_COMMENT = 4000


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require_hr(actor: Any) -> None:
    if not is_hr_admin(actor):
        raise FeedbackError(_("Only HR runs 360 campaigns."))


def _nomination_snapshot(nomination: Nomination) -> dict[str, Any]:
    snapshot = audit_snapshot(nomination)
    snapshot.pop("token_hash", None)  # never keep credentials in the trail
    return snapshot


# --- questionnaire ------------------------------------------------------------------------


@transaction.atomic
def questionnaire_install(
    *, actor: Any, origin: Origin, path: Path = DEFAULT_QUESTIONNAIRE
) -> Questionnaire:
    """Install a questionnaire file (the presales pack's by default) once: a questionnaire
    that exists already is returned as it is, since campaigns point at it."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    existing = Questionnaire.objects.filter(code=data["code"]).first()
    if existing is not None:
        return existing
    questionnaire = Questionnaire.objects.create(
        code=data["code"], name_zh_hans=data["name"]["zh-Hans"], name_en=data["name"]["en"]
    )
    order = 0
    for position, item in enumerate(data.get("competencies", [])):
        competency = Competency.objects.create(
            questionnaire=questionnaire, code=item["code"], order=position,
            name_zh_hans=item["name"]["zh-Hans"], name_en=item["name"]["en"],
        )
        for question in item.get("questions", []):
            order += 1
            Question.objects.create(
                questionnaire=questionnaire, competency=competency, code=question["code"],
                kind=Question.Kind.RATING, order=order,
                text_zh_hans=question["text"]["zh-Hans"], text_en=question["text"]["en"],
            )
    for question in data.get("open_questions", []):
        order += 1
        Question.objects.create(
            questionnaire=questionnaire, code=question["code"], kind=Question.Kind.OPEN,
            order=order, text_zh_hans=question["text"]["zh-Hans"], text_en=question["text"]["en"],
        )
    audit_record(actor=actor, origin=origin, instance=questionnaire, before=None)
    return questionnaire


# --- campaigns -----------------------------------------------------------------------------


def _checked_limits(limits: Mapping[str, Any] | None) -> dict[str, list[int]]:
    checked: dict[str, list[int]] = {}
    for relationship, pair in (limits or {}).items():
        if relationship not in Relationship.values:
            raise FeedbackError(
                _("%(group)s is not a rater group.") % {"group": relationship}, field="group_limits"
            )
        low, high = (int(value) for value in pair)
        if low < 0 or high < low:
            raise FeedbackError(
                _("%(group)s: the minimum must be between 0 and the maximum.")
                % {"group": Relationship(relationship).label},
                field="group_limits",
            )
        checked[relationship] = [low, high]
    return checked


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    origin: Origin,
    name: str,
    questionnaire: Questionnaire,
    deadline: datetime.date,
    today: datetime.date,
    cycle: Any = None,
    name_en: str = "",
    min_group: int = 3,
    split_comments: bool = False,
    group_limits: Mapping[str, Any] | None = None,
) -> Campaign:
    """A draft campaign (HR). `min_group` is at least 3: smaller groups would name people."""
    _require_hr(actor)
    if not name.strip():
        raise FeedbackError(_("Give the campaign a name."), field="name")
    if deadline < today:
        raise FeedbackError(_("The deadline has passed already."), field="deadline")
    if min_group < 3:
        raise FeedbackError(
            _("The minimum group size is at least 3: smaller groups would let readers tell who said what."),
            field="min_group",
        )
    campaign = Campaign.objects.create(
        name=name.strip(), name_en=name_en.strip(), questionnaire=questionnaire, cycle=cycle,
        deadline=deadline, min_group=min_group, split_comments=split_comments,
        group_limits=_checked_limits(group_limits),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, origin=origin, instance=campaign, before=None)
    return campaign


@transaction.atomic
def campaign_change(
    *, actor: Any, origin: Origin, campaign: Campaign, today: datetime.date, **changes: Any
) -> Campaign:
    """Change a campaign's name, deadline or (before launch only) anonymity settings."""
    _require_hr(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise FeedbackError(_("The campaign is closed."))
    fixed = [field for field in ANONYMITY_FIELDS if field in changes]
    if fixed and campaign.status != Campaign.Status.DRAFT:
        raise FeedbackError(
            _("The anonymity settings were fixed when the campaign was launched: raters answered on them.")
        )
    unknown = set(changes) - {"name", "name_en", "deadline", *ANONYMITY_FIELDS}
    if unknown:
        raise FeedbackError(_("%(fields)s cannot be changed.") % {"fields": ", ".join(sorted(unknown))})
    before = audit_snapshot(campaign)
    if "deadline" in changes and changes["deadline"] < today:
        raise FeedbackError(_("The deadline has passed already."), field="deadline")
    if "min_group" in changes and int(changes["min_group"]) < 3:
        raise FeedbackError(
            _("The minimum group size is at least 3: smaller groups would let readers tell who said what."),
            field="min_group",
        )
    if "group_limits" in changes:
        changes["group_limits"] = _checked_limits(changes["group_limits"])
    for field, value in changes.items():
        setattr(campaign, field, value.strip() if isinstance(value, str) else value)
    campaign.save()
    audit_record(actor=actor, origin=origin, instance=campaign, before=before)
    return campaign


def _auto_raters(subject: Subject, actor: Any) -> list[Nomination]:
    """Self and the line manager, approved from the start (the manager is named, §11)."""
    employee = subject.employee
    added = [
        Nomination(subject=subject, relationship=Relationship.SELF, rater=employee,
                   status=Nomination.Status.APPROVED)
    ]
    if employee.manager_id is not None:
        added.append(
            Nomination(subject=subject, relationship=Relationship.MANAGER, rater_id=employee.manager_id,
                       status=Nomination.Status.APPROVED)
        )
    for nomination in added:
        nomination.added_by = actor if getattr(actor, "is_authenticated", False) else None
    return added


@transaction.atomic
def campaign_add_subjects(
    *, actor: Any, origin: Origin, campaign: Campaign, employees: Iterable[Employee]
) -> list[Subject]:
    """Add people to receive feedback (HR), with self and their manager as raters. People
    already in the campaign are skipped. Returns the subjects added."""
    _require_hr(actor)
    if campaign.status == Campaign.Status.CLOSED:
        raise FeedbackError(_("The campaign is closed."))
    present = set(campaign.subjects.values_list("employee_id", flat=True))
    added = []
    for employee in employees:
        if employee.pk in present or employee.left_on is not None:
            continue
        present.add(employee.pk)
        subject = Subject.objects.create(campaign=campaign, employee=employee)
        audit_record(actor=actor, origin=origin, instance=subject, before=None)
        for nomination in _auto_raters(subject, actor):
            nomination.save()
            audit_record(actor=actor, origin=origin, instance=nomination, before=None,
                         after=_nomination_snapshot(nomination))
        added.append(subject)
    return added


@transaction.atomic
def campaign_launch(
    *, actor: Any, origin: Origin, campaign: Campaign, today: datetime.date, now: datetime.datetime
) -> Campaign:
    """Open a draft campaign (HR): subjects nominate from now on; the anonymity settings
    and group limits are fixed from here."""
    _require_hr(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise FeedbackError(_("The campaign was launched already."))
    if not campaign.subjects.exists():
        raise FeedbackError(_("Add the people who receive feedback first."))
    if campaign.deadline < today:
        raise FeedbackError(_("The deadline has passed already."), field="deadline")
    before = audit_snapshot(campaign)
    campaign.status = Campaign.Status.OPEN
    campaign.launched_at = now
    campaign.save()
    audit_record(actor=actor, origin=origin, instance=campaign, before=before)
    return campaign


SOURCE = "feedback"
METRIC = "feedback_360"  # per competency: what `collaboration_360` reads
OVERALL_METRIC = "feedback_360_overall"


@transaction.atomic
def campaign_close(*, actor: Any, origin: Origin, campaign: Campaign, now: datetime.datetime) -> Campaign:
    """Close an open campaign (HR): no more answers (drafts stay unsubmitted), and the
    results become facts (`results_facts`)."""
    _require_hr(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN:
        raise FeedbackError(_("Only an open campaign can be closed."))
    before = audit_snapshot(campaign)
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = now
    campaign.save()
    audit_record(actor=actor, origin=origin, instance=campaign, before=before)
    _write_results(actor, origin, campaign)
    return campaign


def result_day(campaign: Campaign) -> datetime.date:
    """The day the results count on: the deadline, within the campaign's cycle."""
    if campaign.cycle is not None:
        return min(max(campaign.deadline, campaign.cycle.start), campaign.cycle.end)
    return campaign.deadline


def results_facts(campaign: Campaign) -> list[dict[str, str]]:
    """The campaign's results as fact records, from the same §11 rules as every page:
    per subject and competency a `feedback_360` fact (the shown groups' rater-weighted
    mean, self apart), and the subject's `feedback_360_overall`; nothing for a subject or
    competency whose groups are all withheld. Attributes name the competency and the
    subject's report (the facts page links to it, never to a rater)."""
    from kpilib.engine.feedback import self_other_gaps, summarize

    rows = answer_rows(campaign)
    if not rows:
        return []
    subjects = {str(s.pk): s for s in campaign.subjects.select_related("employee")}
    day = result_day(campaign).isoformat()
    records = []

    def record(subject_pk: str, metric: str, competency: str, value: float) -> dict[str, str]:
        return {
            "employee_id": subjects[subject_pk].employee.employee_id,
            "metric": metric,
            "occurred_on": day,
            "value": repr(round(value, 6)),
            "external_id": f"360-{campaign.pk}-{subject_pk}-{competency}",
            "competency": competency,
            "campaign": str(campaign.pk),
            "subject": subject_pk,
        }

    for gap in self_other_gaps(competency_rows(rows), min_group=campaign.min_group):
        if gap.others is not None:
            records.append(record(gap.subject_id, METRIC, gap.competency, gap.others))
    for summary in summarize(rows, min_group=campaign.min_group):
        if summary.overall is not None:
            records.append(record(summary.subject_id, OVERALL_METRIC, "overall", summary.overall))
    return records


def _write_results(actor: Any, origin: Origin, campaign: Campaign) -> None:
    from kpilib.ingest.services import own_facts_write

    reasons = own_facts_write(actor=actor, origin=origin, source=SOURCE, records=results_facts(campaign))
    if reasons:
        raise FeedbackError(reasons)


# --- nominations ---------------------------------------------------------------------------


def _may_change_nominations(actor: Any, subject: Subject) -> bool:
    """The subject while proposing; their managers and HR until the campaign closes."""
    if subject.campaign.status != Campaign.Status.OPEN:
        return False
    if manages_subject(actor, subject):
        return True
    return is_subject(actor, subject) and subject.state == Subject.State.PROPOSING


@transaction.atomic
def nomination_add(
    *,
    actor: Any,
    origin: Origin,
    subject: Subject,
    relationship: str,
    rater: Employee | None = None,
    external_name: str = "",
    external_email: str = "",
    now: datetime.datetime,
) -> Nomination:
    """Nominate a rater in a group. Internal groups name an employee; the `customer` group
    names an external person by name and e-mail. Self and the manager are kpilib's."""
    subject = Subject.objects.select_for_update(of=("self",)).select_related("campaign", "employee").get(pk=subject.pk)
    if not _may_change_nominations(actor, subject):
        raise FeedbackError(_("Only the person receiving feedback, while nominating, or their manager adds raters."))
    if relationship not in Relationship.values:
        raise FeedbackError(_("%(group)s is not a rater group.") % {"group": relationship}, field="relationship")
    if relationship in (Relationship.SELF, Relationship.MANAGER):
        raise FeedbackError(_("Self and the manager take part on their own."), field="relationship")
    if relationship == Relationship.CUSTOMER:
        if rater is not None or not external_email.strip() or not external_name.strip():
            raise FeedbackError(
                _("A customer rater is an external person: give their name and e-mail."), field="external_email"
            )
    elif rater is None:
        raise FeedbackError(_("Choose the colleague who will rate."), field="rater")
    if rater is not None:
        if rater.pk == subject.employee_id:
            raise FeedbackError(_("Nobody rates themselves in another group."), field="rater")
        if rater.left_on is not None or rater.user_id is None:
            raise FeedbackError(_("%(name)s cannot sign in to answer.") % {"name": rater.name}, field="rater")
        if subject.nominations.filter(
            rater=rater, status__in=(Nomination.Status.PROPOSED, Nomination.Status.APPROVED)
        ).exists():
            raise FeedbackError(_("%(name)s is nominated already.") % {"name": rater.name}, field="rater")
    _minimum, maximum = subject.campaign.limits(relationship)
    if group_counts(subject)[relationship] >= maximum:
        raise FeedbackError(
            _("%(group)s has its maximum of %(maximum)d raters.")
            % {"group": Relationship(relationship).label, "maximum": maximum},
            field="relationship",
        )
    approved = subject.state == Subject.State.APPROVED
    nomination = Nomination.objects.create(
        subject=subject, relationship=relationship, rater=rater,
        external_name=external_name.strip(), external_email=external_email.strip().lower(),
        status=Nomination.Status.APPROVED if approved else Nomination.Status.PROPOSED,
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, origin=origin, instance=nomination, before=None,
                 after=_nomination_snapshot(nomination))
    return nomination


@transaction.atomic
def nomination_remove(*, actor: Any, origin: Origin, nomination: Nomination) -> Nomination:
    """Take a rater off (the subject while nominating; their manager or HR until the rater
    has answered). Self and the manager stay."""
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related("subject__campaign").get(pk=nomination.pk)
    subject = nomination.subject
    if not _may_change_nominations(actor, subject):
        raise FeedbackError(_("Only the person receiving feedback, while nominating, or their manager removes raters."))
    if nomination.relationship in (Relationship.SELF, Relationship.MANAGER):
        raise FeedbackError(_("Self and the manager take part on their own."))
    if Response.objects.filter(nomination=nomination, status=Response.Status.SUBMITTED).exists():
        raise FeedbackError(_("This rater has answered already."))
    before = _nomination_snapshot(nomination)
    nomination.status = Nomination.Status.REMOVED
    nomination.token_hash = ""
    nomination.save()
    audit_record(actor=actor, origin=origin, instance=nomination, before=before,
                 after=_nomination_snapshot(nomination))
    return nomination


@transaction.atomic
def nominations_submit(*, actor: Any, origin: Origin, subject: Subject, now: datetime.datetime) -> Subject:
    """The subject sends their raters to the manager; refused, naming each group, while a
    group is under its minimum."""
    subject = Subject.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=subject.pk)
    if not is_subject(actor, subject):
        raise FeedbackError(_("Only the person receiving feedback submits their raters."))
    if subject.campaign.status != Campaign.Status.OPEN or subject.state != Subject.State.PROPOSING:
        raise FeedbackError(_("The raters were submitted already."))
    problems = shortfall_messages(subject)
    if problems:
        raise FeedbackError(problems)
    before = audit_snapshot(subject)
    subject.state = Subject.State.SUBMITTED
    subject.submitted_at = now
    subject.save()
    audit_record(actor=actor, origin=origin, instance=subject, before=before)
    return subject


@transaction.atomic
def nominations_approve(
    *, actor: Any, origin: Origin, subject: Subject, now: datetime.datetime, link_base: str = ""
) -> list[tuple[Nomination, str]]:
    """The manager up the line (or HR) approves the raters: their forms open. Refused,
    naming each group, while a group is under its minimum. Each external customer gets a
    link token, e-mailed to them at `link_base` + token when a base is given (the web
    passes its own address); the tokens are returned this once and never shown to the
    approver, who could otherwise answer in the customer's name."""
    subject = Subject.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=subject.pk)
    if not manages_subject(actor, subject):
        raise FeedbackError(_("Only the manager of the person receiving feedback, or HR, approves the raters."))
    if subject.campaign.status != Campaign.Status.OPEN or subject.state == Subject.State.APPROVED:
        raise FeedbackError(_("The raters were approved already."))
    problems = shortfall_messages(subject)
    if problems:
        raise FeedbackError(problems)
    before = audit_snapshot(subject)
    subject.state = Subject.State.APPROVED
    subject.approved_at = now
    subject.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    subject.save()
    audit_record(actor=actor, origin=origin, instance=subject, before=before)
    links = []
    for nomination in subject.nominations.select_for_update().filter(status=Nomination.Status.PROPOSED):
        snapshot = _nomination_snapshot(nomination)
        nomination.status = Nomination.Status.APPROVED
        raw = ""
        if nomination.is_external:
            raw, nomination.token_hash, nomination.token_expires_at = _new_link(subject.campaign)
        nomination.save()
        audit_record(actor=actor, origin=origin, instance=nomination, before=snapshot,
                     after=_nomination_snapshot(nomination))
        if raw:
            links.append((nomination, raw))
    if link_base:
        for nomination, raw in links:
            _send_customer_link(actor, origin, nomination, f"{link_base}{raw}/")
    return links


def _send_customer_link(actor: Any, origin: Origin, nomination: Nomination, url: str) -> None:
    """The customer's invitation, in both languages (we do not know theirs)."""
    from kpilib.notifications.services import Email, notify

    subject = nomination.subject
    parts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            parts.append(
                _(
                    "%(name)s asks for your feedback on working with %(subject)s, by %(deadline)s. "
                    "The form takes about five minutes; your answers are shown only together with "
                    "those of at least %(minimum)d others.\n%(url)s\nThe link works once, until the deadline."
                )
                % {
                    "name": nomination.external_name,
                    "subject": subject.employee.name,
                    "deadline": subject.campaign.deadline.isoformat(),
                    "minimum": subject.campaign.min_group - 1,
                    "url": url,
                }
            )
    with translation.override("zh-hans"):
        title = _("Your feedback on %(subject)s") % {"subject": subject.employee.name}
    notify(
        actor=actor, origin=origin, topic="feedback_customer_link", key=f"nomination-{nomination.pk}",
        emails=[
            Email(
                None, nomination.external_email, title, "\n\n".join(parts),
                recorded_body="\n\n".join(parts).replace(url, f"{url.split(EXTERNAL_TOKEN_PREFIX)[0]}…"),
            )
        ],
    )


def _new_link(campaign: Campaign) -> tuple[str, str, datetime.datetime]:
    """A customer's link token: random, stored as its SHA-256, valid to the deadline's end."""
    raw = f"{EXTERNAL_TOKEN_PREFIX}{secrets.token_urlsafe(32)}"
    expires = datetime.datetime.combine(
        campaign.deadline + datetime.timedelta(days=1), datetime.time(0), tzinfo=ZoneInfo(time_zone_name())
    )
    return raw, token_hash(raw), expires


@transaction.atomic
def nomination_decline(
    *, actor: Any, origin: Origin, nomination: Nomination, reason: str, now: datetime.datetime
) -> Nomination:
    """The rater declines with a reason; the subject is told and may nominate another."""
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related(
        "subject__campaign", "subject__employee__user", "rater"
    ).get(pk=nomination.pk)
    me = employee_of(actor)
    if me is None or nomination.rater_id != me.pk:
        raise FeedbackError(_("Only the rater declines."))
    if nomination.relationship in (Relationship.SELF, Relationship.MANAGER):
        raise FeedbackError(_("Self and the manager take part on their own."))
    if nomination.status not in (Nomination.Status.PROPOSED, Nomination.Status.APPROVED):
        raise FeedbackError(_("This nomination is no longer open."))
    if Response.objects.filter(nomination=nomination, status=Response.Status.SUBMITTED).exists():
        raise FeedbackError(_("You have answered already."))
    if not reason.strip():
        raise FeedbackError(_("Say why you decline, so they can ask someone else."), field="reason")
    before = _nomination_snapshot(nomination)
    nomination.status = Nomination.Status.DECLINED
    nomination.decline_reason = reason.strip()
    nomination.save()
    audit_record(actor=actor, origin=origin, instance=nomination, before=before,
                 after=_nomination_snapshot(nomination))
    subject = nomination.subject
    if subject.state == Subject.State.APPROVED and shortfalls(subject):
        # the group fell under its minimum: back to the subject to nominate again
        subject_before = audit_snapshot(subject)
        subject.state = Subject.State.PROPOSING
        subject.save()
        audit_record(actor=actor, origin=origin, instance=subject, before=subject_before)
    _tell_subject_of_decline(actor, origin, nomination)
    return nomination


def _tell_subject_of_decline(actor: Any, origin: Origin, nomination: Nomination) -> None:
    from kpilib.notifications.services import Email, notify

    subject = nomination.subject.employee
    if not subject.email:
        return
    language = getattr(subject.user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        body = _(
            "%(rater)s declined to give you 360 feedback in %(campaign)s: %(reason)s\n"
            "You may nominate someone else in the same group."
        ) % {
            "rater": nomination.rater.name if nomination.rater else nomination.external_name,
            "campaign": nomination.subject.campaign.name,
            "reason": nomination.decline_reason,
        }
        email = Email(subject.user, subject.email, _("A rater declined your 360 feedback"), body)
    notify(actor=actor, origin=origin, topic="feedback_declined", key=f"nomination-{nomination.pk}",
           emails=[email])


# --- answers -------------------------------------------------------------------------------


def question_text(question: Question) -> str:
    """The question in the reader's language."""
    return local_name(question.text_zh_hans, question.text_en)


def _checked_answers(campaign: Campaign, answers: Mapping[str, Any], *, submit: bool) -> dict[str, Any]:
    """Answers by question code: `{"score": 1–5 or None (not able to rate), "comment": …}`
    for rating questions, `{"text": …}` for open ones. A draft may hold a comment without
    a rating (`{"comment": …}`); submitting needs every rating question answered (a score
    or "not able to rate")."""
    questions = {q.code: q for q in campaign.questionnaire.questions.all()}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise FeedbackError(_("Not a question of this questionnaire: %(codes)s") % {"codes": ", ".join(unknown)})
    checked: dict[str, Any] = {}
    problems = []
    for code, question in questions.items():
        given = answers.get(code)
        if given is not None and question.kind == Question.Kind.RATING and "score" not in given:
            if submit:  # a comment, but no rating chosen yet
                given = None
            else:
                checked[code] = {"comment": str(given.get("comment", "")).strip()[:MAX_COMMENT]}
                continue
        if given is None:
            if submit and question.kind == Question.Kind.RATING:
                problems.append(
                    _("Answer “%(question)s”, or choose “not able to rate”.")
                    % {"question": question_text(question)}
                )
            continue
        if question.kind == Question.Kind.OPEN:
            text = str(given.get("text", "")).strip()
            if len(text) > MAX_COMMENT:
                problems.append(_("%(code)s: at most %(n)d characters.") % {"code": code, "n": MAX_COMMENT})
            if text:
                checked[code] = {"text": text}
            continue
        score = given.get("score")
        if score is not None:
            try:
                score = int(score)
            except (TypeError, ValueError):
                score = 0
            if not 1 <= score <= 5:
                problems.append(_("%(code)s: a rating is 1 to 5, or “not able to rate”.") % {"code": code})
                continue
        comment = str(given.get("comment", "")).strip()
        if len(comment) > MAX_COMMENT:
            problems.append(_("%(code)s: at most %(n)d characters.") % {"code": code, "n": MAX_COMMENT})
        checked[code] = {"score": score, "comment": comment}
    if problems:
        raise FeedbackError(problems)
    return checked


def _save_response(
    *, actor: Any, origin: Origin, nomination: Nomination, answers: Mapping[str, Any],
    submit: bool, now: datetime.datetime,
) -> Response:
    campaign = nomination.subject.campaign
    if campaign.status != Campaign.Status.OPEN:
        raise FeedbackError(_("The campaign is not open for answers."))
    if not form_open(nomination):
        raise FeedbackError(_("This form is not open."))
    response = Response.objects.select_for_update().filter(nomination=nomination).first()
    if response is not None and response.status == Response.Status.SUBMITTED:
        raise FeedbackError(_("You have submitted this form already."))
    checked = _checked_answers(campaign, answers, submit=submit)
    old_status = response.status if response is not None else None
    if response is None:
        response = Response(nomination=nomination)
    response.answers = checked
    response.saved_at = now
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = now
    response.save()
    # the status only: what the rater said never goes into the trail
    audit_record(
        actor=actor, origin=origin, instance=response,
        before=None if old_status is None else {"status": old_status},
        after={"status": response.status, "nomination": nomination.pk},
    )
    return response


@transaction.atomic
def response_save(
    *, actor: Any, origin: Origin, nomination: Nomination, answers: Mapping[str, Any],
    submit: bool = False, now: datetime.datetime,
) -> Response:
    """The rater's answers, kept as a draft or submitted (then final)."""
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related(
        "subject__campaign__questionnaire"
    ).get(pk=nomination.pk)
    me = employee_of(actor)
    if me is None or nomination.rater_id != me.pk:
        raise FeedbackError(_("Only the rater answers this form."))
    return _save_response(actor=actor, origin=origin, nomination=nomination, answers=answers,
                          submit=submit, now=now)


def external_nomination(raw: str, *, now: datetime.datetime) -> Nomination:
    """The customer's nomination of a link token, or `FeedbackError` when the link is
    unknown, spent (answered), withdrawn or expired — one message for all, so a
    guessed token learns nothing."""
    nomination = (
        Nomination.objects.select_related("subject__campaign__questionnaire", "subject__employee")
        .filter(token_hash=token_hash(raw or ""))
        .exclude(token_hash="")
        .first()
    )
    spent = nomination is not None and Response.objects.filter(
        nomination=nomination, status=Response.Status.SUBMITTED
    ).exists()
    if (
        nomination is None
        or spent
        or nomination.status != Nomination.Status.APPROVED
        or nomination.token_expires_at is None
        or nomination.token_expires_at <= now
    ):
        raise FeedbackError(_("This feedback link is not valid: it was used, withdrawn or has expired."))
    return nomination


@transaction.atomic
def external_response_save(
    *, actor: Any, origin: Origin, raw: str, answers: Mapping[str, Any],
    submit: bool = False, now: datetime.datetime,
) -> Response:
    """An external customer's answers through their link (the actor is the system: they
    have no account). Submitting spends the link."""
    nomination = external_nomination(raw, now=now)
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related(
        "subject__campaign__questionnaire"
    ).get(pk=nomination.pk)
    response = _save_response(actor=actor, origin=origin, nomination=nomination, answers=answers,
                              submit=submit, now=now)
    if submit:
        before = _nomination_snapshot(nomination)
        nomination.token_hash = ""
        nomination.save()
        audit_record(actor=actor, origin=origin, instance=nomination, before=before,
                     after=_nomination_snapshot(nomination))
    return response


# --- answers collected elsewhere -----------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _question_index(campaign: Campaign) -> dict[str, Question]:
    """The campaign's questions by code and by their text in either language (folded)."""
    index: dict[str, Question] = {}
    questions = list(campaign.questionnaire.questions.all())
    for question in questions:  # texts first: a code always wins over a text
        for text in (question.text_zh_hans, question.text_en):
            index.setdefault(_folded(text), question)
    for question in questions:
        index[question.code.casefold()] = question
    return index


@transaction.atomic
def responses_import(
    *,
    actor: Any,
    origin: Origin,
    campaign: Campaign,
    data: bytes,
    file_name: str,
    now: datetime.datetime,
    encoding: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import 360 answers collected in another survey tool into a draft or open campaign
    (HR, or `SYSTEM`: the command line). Columns as `kpilib feedback summarize` (product.md
    §11): `subject_id` and `rater_id` (employee ids), `relationship`, `question` (the
    questionnaire's code, or its
    text in Chinese or English), `score` (1–5; empty = not able to rate; empty for an open
    question) and optional `comment` (an open question's answer). CSV in UTF-8 or GBK,
    XLSX or JSON (`kpilib.tabular`).

    - A subject not yet in the campaign is added, with the file's raters only (nobody gets
      a form to fill in kpilib because of an import).
    - A rater is an employee, nominated in the file's group unless they are already (a
      rater nominated in another group for the same subject is a problem); `customer`
      raters are always external: their id in the survey tool becomes an external
      nomination without a link or login (`Nomination.external_id`).
    - A rater's rows for a subject are their whole, submitted form. Importing it again
      leaves it unchanged, or replaces it (a draft in kpilib too); a form the rater
      submitted in kpilib is never replaced.
    - All or nothing: an `InputError` lists every problem by file, line and column, and
      nothing is written. A closed campaign is refused (`FeedbackError`): its results
      are facts already; import before closing, and closing turns everything into facts
      by the same §11 rules (`results_facts`).
    - Audited like `response_save`: subjects and nominations as they are, answers as a
      change of status only, never what the rater said. `dry_run` checks and counts, then
      rolls everything back."""
    from kpilib.engine.errors import InputError, Problem
    from kpilib.engine.feedback import REQUIRED, validate_responses
    from kpilib.tabular import LINE, read_table_bytes

    if actor is not SYSTEM:  # the command line: no person, trusted
        _require_hr(actor)
    campaign = Campaign.objects.select_for_update().select_related("questionnaire").get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise FeedbackError(
            _("%(campaign)s is closed: its results are facts already. Import answers before closing a campaign.")
            % {"campaign": campaign.name}
        )
    table = read_table_bytes(data, name=file_name, encoding=encoding)
    problems: list[Problem] = []
    if any(column not in table.columns for column in REQUIRED):
        validate_responses(table, name=file_name)  # raises: the missing columns, at line 1
    try:
        validate_responses(table, name=file_name)
    except InputError as error:
        problems += error.problems
    rows = list(table.iter_rows(named=True))

    def text(row: dict[str, Any], column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value).strip()

    ids = {text(r, "subject_id") for r in rows} | {text(r, "rater_id") for r in rows}
    people = {e.employee_id: e for e in Employee.objects.filter(employee_id__in=ids)}
    subjects = {s.employee.employee_id: s for s in campaign.subjects.select_related("employee")}
    nominations: dict[tuple[int, str], Nomination] = {}  # (subject pk, employee id or external id)
    for nomination in Nomination.objects.filter(subject__campaign=campaign).select_related("rater"):
        if nomination.rater is not None and nomination.status in (
            Nomination.Status.PROPOSED, Nomination.Status.APPROVED
        ):
            nominations[(nomination.subject_id, nomination.rater.employee_id)] = nomination
        elif nomination.external_id:
            nominations[(nomination.subject_id, nomination.external_id)] = nomination
    answered = {
        r.nomination_id: r for r in Response.objects.filter(nomination__subject__campaign=campaign)
    }
    questions = _question_index(campaign)
    relationships = set(Relationship.values)

    checked: dict[tuple[str, str], dict[str, Any]] = {}  # (subject id, rater id) → form
    said: set[tuple[str, str]] = set()  # a problem of the whole form is reported once
    codes_seen: dict[tuple[str, str, str], str] = {}
    for row in rows:
        line = int(row[LINE])
        subject_id, rater_id = text(row, "subject_id"), text(row, "rater_id")
        relationship = text(row, "relationship").lower()
        if not subject_id or not rater_id or relationship not in relationships:
            continue  # reported by validate_responses
        key = (subject_id, rater_id)
        once = key not in said

        def problem(column: str, reason: str, *, line: int = line) -> None:
            problems.append(Problem(file_name, line, column, reason))

        person = people.get(subject_id)
        subject = subjects.get(subject_id)
        if person is None:
            problem("subject_id", f"no employee {subject_id!r}")
        elif subject is None and person.left_on is not None:
            problem("subject_id", f"{subject_id} left on {person.left_on.isoformat()}: not added to the campaign")
        if relationship == "self":
            if rater_id != subject_id:
                problem("rater_id", f"a self answer's rater is the subject {subject_id}, not {rater_id!r}")
        elif rater_id == subject_id:
            problem("rater_id", f"{rater_id} rates themselves as {relationship}: self answers are relationship 'self'")
        elif relationship != "customer":
            if rater_id not in people:
                problem("rater_id", f"no employee {rater_id!r} (only customer raters may be from outside the company)")
        elif len(rater_id) > 200:
            problem("rater_id", "an external rater's id has at most 200 characters")
        if subject is not None and once:
            nomination = nominations.get((subject.pk, rater_id))
            if nomination is not None and nomination.relationship != relationship:
                said.add(key)
                problem("relationship", f"{rater_id} is nominated as {nomination.relationship} for {subject_id} in this campaign, not {relationship}")
            previous = answered.get(nomination.pk) if nomination is not None else None
            if (
                previous is not None and not previous.imported_from
                and previous.status == Response.Status.SUBMITTED
            ):
                said.add(key)
                problem("rater_id", f"{rater_id} submitted their answers for {subject_id} in kpilib: an import does not replace them")
        raw_question = text(row, "question")
        question = questions.get(raw_question.casefold()) or questions.get(_folded(raw_question))
        raw_score, comment = text(row, "score"), text(row, "comment")
        if len(comment) > MAX_COMMENT:
            problem("comment", f"at most {MAX_COMMENT} characters")
        if question is None:
            if raw_question:
                problem("question", f"not a question of the questionnaire {campaign.questionnaire.code}: {raw_question!r}")
            continue
        earlier = codes_seen.setdefault((subject_id, rater_id, question.code), raw_question)
        if earlier != raw_question:
            problem("question", f"a second answer of rater {rater_id} to {question.code} ({earlier!r})")
        form = checked.setdefault(key, {"relationship": relationship, "answers": {}})
        if question.kind == Question.Kind.OPEN:
            if raw_score:
                problem("score", f"{question.code} is an open question: its answer is the comment, without a score")
            elif comment:
                form["answers"][question.code] = {"text": comment}
            continue
        score = None
        if raw_score:
            try:
                number = float(raw_score.replace(",", "."))
            except ValueError:
                continue  # reported by validate_responses
            if 1 <= number <= 5 and number != int(number):
                problem("score", f"{raw_score} is not a whole number: a rating is 1, 2, 3, 4 or 5")
            score = int(number)
        form["answers"][question.code] = {"score": score, "comment": comment}
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise InputError(problems)

    report = ImportReport()
    user = actor if getattr(actor, "is_authenticated", False) else None
    added_subjects = added_raters = 0
    for (subject_id, rater_id), form in checked.items():
        subject = subjects.get(subject_id)
        if subject is None:
            subject = Subject.objects.create(
                campaign=campaign, employee=people[subject_id], state=Subject.State.APPROVED,
                approved_at=now, approved_by=user,
            )
            audit_record(actor=actor, origin=origin, instance=subject, before=None)
            subjects[subject_id] = subject
            added_subjects += 1
        relationship = form["relationship"]
        nomination = nominations.get((subject.pk, rater_id))
        if nomination is None:
            external = relationship == "customer"
            nomination = Nomination.objects.create(
                subject=subject, relationship=relationship,
                rater=None if external else people[rater_id],
                external_name=rater_id if external else "", external_id=rater_id if external else "",
                status=Nomination.Status.APPROVED, added_by=user,
            )
            audit_record(actor=actor, origin=origin, instance=nomination, before=None,
                         after=_nomination_snapshot(nomination))
            nominations[(subject.pk, rater_id)] = nomination
            added_raters += 1
        elif nomination.status != Nomination.Status.APPROVED:
            before = _nomination_snapshot(nomination)
            nomination.status = Nomination.Status.APPROVED
            nomination.save()
            audit_record(actor=actor, origin=origin, instance=nomination, before=before,
                         after=_nomination_snapshot(nomination))
        response = answered.get(nomination.pk)
        if response is not None and response.status == Response.Status.SUBMITTED and response.answers == form["answers"]:
            report.unchanged += 1
            continue
        before_state = None if response is None else {"status": response.status, "imported_from": response.imported_from}
        if response is None:
            response = Response(nomination=nomination)
            report.imported += 1
        else:
            report.updated += 1
        response.answers = form["answers"]
        response.status = Response.Status.SUBMITTED
        response.saved_at = response.submitted_at = now
        response.imported_from = file_name[:255]
        response.save()
        # the status only: what the rater said never goes into the trail
        audit_record(
            actor=actor, origin=origin, instance=response, before=before_state,
            after={"status": response.status, "nomination": nomination.pk, "imported_from": response.imported_from},
        )
    if added_subjects:
        report.notes.append(f"added {added_subjects} people receiving feedback to {campaign.name}")
    if added_raters:
        report.notes.append(f"nominated {added_raters} raters")
    if dry_run:
        report.notes.append("dry run: checked, nothing written")
        transaction.set_rollback(True)
    return report


__all__ = [
    "ANONYMITY_FIELDS",
    "DEFAULT_GROUP_LIMITS",
    "campaign_add_subjects",
    "campaign_change",
    "campaign_close",
    "campaign_create",
    "campaign_launch",
    "external_nomination",
    "external_response_save",
    "nomination_add",
    "nomination_decline",
    "nomination_remove",
    "nominations_approve",
    "nominations_submit",
    "questionnaire_install",
    "response_save",
    "responses_import",
]
