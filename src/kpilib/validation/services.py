"""Writing validations: the author submits (or, after a failed round, resubmits) a solution
to the reviewers they name; each named reviewer records a verdict; HR keeps the checklist.
Every function is atomic, takes `actor` and `origin`, and is audited; `now` is a parameter
(the interfaces read the clock).

Facts go through the fact store's own intake (`ingest.services.own_facts_write`, source
`validation`), all for the solution's author:
- `solution_submitted` once per solution, on the day of its first submission (external id
  `solution-<id>`): the denominator of the new-product solution share;
- `solution_validation_passed` or `solution_validation_failed` once per decided round, on
  the day it was decided (external id `validation-round-<id>`), which
  `solution_validation_pass_rate` reads (passed ÷ passed + failed), with the attributes
  `solution`, `round`, `workdays_to_verdict` and `hours_to_verdict`;
- `solution_validation_days` per decided round (external id `validation-days-<id>`): the
  working days from submission to the last verdict (China's calendar and the company's
  working-day exceptions, `engine.workdays.workdays_between`), for a process indicator.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.clock import time_zone_name
from kpilib.engine.workdays import workdays_between
from kpilib.org.models import Employee
from kpilib.permissions import employee_of, is_hr_admin
from kpilib.validation.errors import SolutionError
from kpilib.validation.models import Checklist, ReviewerVerdict, Solution, ValidationRound
from kpilib.validation.selectors import checklist_current

SOURCE = "validation"
SUBMITTED = "solution_submitted"
PASSED = "solution_validation_passed"
FAILED = "solution_validation_failed"
DAYS = "solution_validation_days"
MAX_REVIEWERS = 8

Reviewer = tuple[Employee, str]


def _round_snapshot(validation_round: ValidationRound) -> dict[str, Any]:
    """A round's audit snapshot, its file as the stored name."""
    snapshot = audit_snapshot(validation_round)
    snapshot["attachment"] = validation_round.attachment.name or ""
    return snapshot


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ZoneInfo(time_zone_name())).date()


def _author(actor: Any, author: Employee | None) -> Employee:
    """The actor's employee record; `SYSTEM` (the demo loader) names the author."""
    if actor is SYSTEM and author is not None:
        return author
    employee = employee_of(actor)
    if employee is None:
        raise SolutionError(_("Only an employee submits solutions."))
    return employee


def _checked_reviewers(author: Employee, reviewers: Sequence[Reviewer], checklist: Checklist) -> list[Reviewer]:
    functions = set(ReviewerVerdict.Function.values)
    seen: set[int] = set()
    cleaned: list[Reviewer] = []
    for employee, function in reviewers:
        if function not in functions:
            raise SolutionError(_("Unknown reviewer function %(function)s.") % {"function": function}, field="reviewers")
        if employee.pk == author.pk:
            raise SolutionError(_("The author does not review their own solution."), field="reviewers")
        if employee.pk in seen:
            raise SolutionError(
                _("%(name)s is named twice; name each reviewer once.") % {"name": employee.name}, field="reviewers"
            )
        seen.add(employee.pk)
        cleaned.append((employee, function))
    if not cleaned:
        raise SolutionError(_("Name the reviewers of the solution."), field="reviewers")
    if len(cleaned) > MAX_REVIEWERS:
        raise SolutionError(_("At most %(count)d reviewers.") % {"count": MAX_REVIEWERS}, field="reviewers")
    named = {function for _employee, function in cleaned}
    if checklist.require_product and ReviewerVerdict.Function.PRODUCT not in named:
        raise SolutionError(_("Name at least one reviewer from product."), field="reviewers")
    if checklist.require_delivery and ReviewerVerdict.Function.DELIVERY not in named:
        raise SolutionError(_("Name at least one reviewer from delivery."), field="reviewers")
    return cleaned


def _attach(validation_round: ValidationRound, upload: File) -> None:
    size = upload.size or 0
    if not size:
        raise SolutionError(_("The file is empty."), field="attachment")
    limit = settings.KPILIB_MAX_EVIDENCE_BYTES
    if size > limit:
        raise SolutionError(
            _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}, field="attachment"
        )
    name = Path((upload.name or "").replace("\\", "/")).name.strip()[:200] or "attachment"
    validation_round.attachment_name = name
    validation_round.attachment.save(f"{validation_round.solution_id}/{validation_round.number}/{name}", upload, save=False)


def _write_facts(actor: Any, origin: Origin, records: list[dict[str, str]]) -> None:
    from kpilib.ingest.services import own_facts_write

    reasons = own_facts_write(actor=actor, origin=origin, source=SOURCE, records=records)
    if reasons:
        raise SolutionError(reasons)


def _record(solution: Solution, metric: str, day: datetime.date, external_id: str, value: str = "1") -> dict[str, str]:
    record = {
        "employee_id": solution.author.employee_id,
        "metric": metric,
        "occurred_on": day.isoformat(),
        "value": value,
        "external_id": external_id,
    }
    if solution.customer_id:
        record["customer_id"] = solution.customer_id
    if solution.project_id:
        record["project_id"] = solution.project_id
    return record


@transaction.atomic
def solution_submit(
    *,
    actor: Any,
    origin: Origin,
    solution: Solution | None = None,
    title: str,
    summary: str,
    reviewers: Sequence[Reviewer],
    now: datetime.datetime,
    customer_id: str = "",
    customer_name: str = "",
    project_id: str = "",
    product: str = "",
    notes: str = "",
    attachment: File | None = None,
    author: Employee | None = None,
) -> ValidationRound:
    """The author submits a solution to the reviewers they name (at least one from product
    and one from delivery unless the checklist says otherwise): round 1 of a new solution,
    or the next round of a solution whose last round failed (`solution`). Returns the round.
    `author` only for `SYSTEM`, which submits on someone's behalf (the demo)."""
    me = _author(actor, author)
    checklist = checklist_current()
    for field, value in (("title", title), ("summary", summary)):
        if not value.strip():
            raise SolutionError(_("This field is required."), field=field)
    cleaned = _checked_reviewers(me, reviewers, checklist)
    before = None
    if solution is not None:
        if solution.author_id != me.pk:
            raise SolutionError(_("Only the author resubmits a solution."))
        last = ValidationRound.objects.filter(solution=solution).order_by("number").last()
        if last is not None and last.state == ValidationRound.State.OPEN:
            raise SolutionError(_("This solution is waiting for its reviewers' verdicts."))
        if last is not None and last.state == ValidationRound.State.PASSED:
            raise SolutionError(_("This solution passed validation; submit a new solution for a new version."))
        before = audit_snapshot(solution)
        number = (last.number if last else 0) + 1
    else:
        solution = Solution(author=me)
        number = 1
    solution.title, solution.summary = title.strip(), summary.strip()
    solution.customer_id, solution.customer_name = customer_id.strip(), customer_name.strip()
    solution.project_id, solution.product = project_id.strip(), product.strip()
    solution.save()
    audit_record(actor=actor, origin=origin, instance=solution, before=before)
    validation_round = ValidationRound(solution=solution, number=number, submitted_at=now, notes=notes.strip())
    if attachment is not None:
        _attach(validation_round, attachment)
    validation_round.save()
    audit_record(
        actor=actor, origin=origin, instance=validation_round, before=None, after=_round_snapshot(validation_round)
    )
    for employee, function in cleaned:
        row = ReviewerVerdict.objects.create(round=validation_round, reviewer=employee, function=function)
        audit_record(actor=actor, origin=origin, instance=row, before=None)
    if number == 1:
        _write_facts(actor, origin, [submitted_record(solution, now)])
    return validation_round


def submitted_record(solution: Solution, moment: datetime.datetime) -> dict[str, str]:
    """The `solution_submitted` fact of a solution first submitted at `moment`."""
    return _record(solution, SUBMITTED, _local_day(moment), f"solution-{solution.pk}")


def decided_records(validation_round: ValidationRound) -> list[dict[str, str]]:
    """The facts of a decided round: passed or failed (with its time to verdict as
    attributes), and `solution_validation_days`."""
    solution = validation_round.solution
    assert validation_round.decided_at is not None
    decided_day = _local_day(validation_round.decided_at)
    passed = validation_round.state == ValidationRound.State.PASSED
    workdays, hours = validation_round.workdays_to_verdict or 0, validation_round.hours_to_verdict or 0.0
    outcome = _record(solution, PASSED if passed else FAILED, decided_day, f"validation-round-{validation_round.pk}")
    outcome |= {
        "solution": str(solution.pk),
        "round": str(validation_round.number),
        "workdays_to_verdict": str(workdays),
        "hours_to_verdict": f"{hours:.1f}",
    }
    days = _record(solution, DAYS, decided_day, f"validation-days-{validation_round.pk}", value=str(workdays))
    return [outcome, days]


def time_to_verdict(
    validation_round: ValidationRound, decided_at: datetime.datetime, exceptions: Mapping[datetime.date, bool]
) -> tuple[int, float]:
    """Working days (China's calendar and the company's exceptions) and hours from the
    round's submission to `decided_at`."""
    workdays = workdays_between(_local_day(validation_round.submitted_at), _local_day(decided_at), exceptions)
    hours = max((decided_at - validation_round.submitted_at).total_seconds(), 0.0) / 3600
    return workdays, hours


def _decide_round(actor: Any, origin: Origin, validation_round: ValidationRound, now: datetime.datetime) -> None:
    from kpilib.dailyreports.selectors import workday_exceptions

    verdicts = list(validation_round.verdicts.all())
    before = _round_snapshot(validation_round)
    passed = all(row.verdict == ReviewerVerdict.Verdict.PASS for row in verdicts)
    workdays, hours = time_to_verdict(validation_round, now, workday_exceptions(validation_round.solution.author))
    validation_round.state = ValidationRound.State.PASSED if passed else ValidationRound.State.FAILED
    validation_round.decided_at = now
    validation_round.workdays_to_verdict, validation_round.hours_to_verdict = workdays, hours
    validation_round.save(update_fields=["state", "decided_at", "workdays_to_verdict", "hours_to_verdict"])
    audit_record(
        actor=actor, origin=origin, instance=validation_round, before=before, after=_round_snapshot(validation_round)
    )
    _write_facts(actor, origin, decided_records(validation_round))


@transaction.atomic
def verdict_record(
    *,
    actor: Any,
    origin: Origin,
    validation_round: ValidationRound,
    verdict: str,
    now: datetime.datetime,
    reasons: Sequence[str] = (),
    comment: str = "",
    reviewer: Employee | None = None,
) -> ReviewerVerdict:
    """A reviewer named on the open round passes the solution, or fails it with at least one
    checklist item it fails. The last verdict decides the round: passed when all passed,
    else failed, with its facts. `reviewer` only for `SYSTEM` (the demo)."""
    me = reviewer if actor is SYSTEM and reviewer is not None else employee_of(actor)
    validation_round = ValidationRound.objects.select_for_update().select_related("solution__author").get(
        pk=validation_round.pk
    )
    row = validation_round.verdicts.filter(reviewer=me).first() if me is not None else None
    if row is None:
        raise SolutionError(_("Only a reviewer named on this round records a verdict."))
    if validation_round.state != ValidationRound.State.OPEN:
        raise SolutionError(_("This round is decided; verdicts are no longer recorded."))
    if row.verdict:
        raise SolutionError(_("You have recorded your verdict on this round already."))
    if verdict not in (ReviewerVerdict.Verdict.PASS, ReviewerVerdict.Verdict.FAIL):
        raise SolutionError(_("A verdict is pass or fail."), field="verdict")
    picked = list(dict.fromkeys(code for code in reasons if code))
    if verdict == ReviewerVerdict.Verdict.FAIL and not picked:
        raise SolutionError(_("Tick at least one checklist item the solution fails."), field="reasons")
    if verdict == ReviewerVerdict.Verdict.PASS and picked:
        raise SolutionError(_("A pass has no failing items: untick them, or fail the solution."), field="reasons")
    known = checklist_current().codes()
    unknown = [code for code in picked if code not in known]
    if unknown:
        raise SolutionError(
            _("Not on the checklist: %(codes)s.") % {"codes": ", ".join(unknown)}, field="reasons"
        )
    before = audit_snapshot(row)
    row.verdict, row.reasons, row.comment, row.decided_at = verdict, picked, comment.strip(), now
    row.save(update_fields=["verdict", "reasons", "comment", "decided_at"])
    audit_record(actor=actor, origin=origin, instance=row, before=before)
    if not validation_round.verdicts.filter(verdict="").exists():
        _decide_round(actor, origin, validation_round, now)
    return row


@transaction.atomic
def checklist_save(
    *,
    actor: Any,
    origin: Origin,
    items: Sequence[dict[str, str]],
    require_product: bool = True,
    require_delivery: bool = True,
) -> Checklist:
    """HR sets the checklist in force: items with a code and names in zh-Hans and en, and
    which functions every submission must name."""
    if actor is not SYSTEM and not is_hr_admin(actor):
        raise SolutionError(_("Only HR changes the validation checklist."))
    cleaned: list[dict[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            raise SolutionError(_('Each item is {"code": ..., "zh-Hans": ..., "en": ...}.'), field="items")
        code = str(item.get("code", "")).strip()
        if not code or not (str(item.get("zh-Hans", "")).strip() or str(item.get("en", "")).strip()):
            raise SolutionError(_("Each item needs a code and a name."), field="items")
        if code in {existing["code"] for existing in cleaned}:
            raise SolutionError(_("The code %(code)s is used twice.") % {"code": code}, field="items")
        cleaned.append({"code": code, "zh-Hans": str(item.get("zh-Hans", "")).strip(),
                        "en": str(item.get("en", "")).strip()})
    if not cleaned:
        raise SolutionError(_("The checklist needs at least one item."), field="items")
    checklist = Checklist.objects.order_by("pk").first()
    before = audit_snapshot(checklist) if checklist else None
    checklist = checklist or Checklist()
    checklist.items, checklist.require_product, checklist.require_delivery = cleaned, require_product, require_delivery
    checklist.save()
    audit_record(actor=actor, origin=origin, instance=checklist, before=before)
    return checklist
