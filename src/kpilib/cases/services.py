"""Writing cases: the author's draft and submission, attachments, the manager's or HR's
decision, and readers' reuse. Every function is atomic, takes `actor` and `origin`, and
is audited. `now` / `today` are parameters (the interfaces read the clock).

Approval writes the author's `case_shared` fact through the fact store's own intake
(`ingest.services.own_facts_write`, source `cases`, external id `case-<id>`, on the day of
approval): nothing else scores a case, and a case never approved scores nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.cases.errors import CaseError
from kpilib.cases.models import Case, CaseAttachment, CaseReuse
from kpilib.cases.search import index_store, index_text
from kpilib.cases.selectors import EDITABLE, may_decide, may_read
from kpilib.library.models import Objective
from kpilib.org.models import Employee
from kpilib.permissions import employee_of

SOURCE = "cases"
METRIC = "case_shared"
MAX_TAGS = 10


def _author(actor: Any, author: Employee | None = None) -> Employee:
    """The actor's employee record; `SYSTEM` (the demo loader, an import) names the author."""
    if actor is SYSTEM and author is not None:
        return author
    employee = employee_of(actor)
    if employee is None:
        raise CaseError(_("Only an employee writes cases."))
    return employee


def _own_editable(actor: Any, case: Case) -> None:
    if actor is SYSTEM:
        pass
    elif employee_of(actor) is None or employee_of(actor).pk != case.author_id:  # type: ignore[union-attr]
        raise CaseError(_("Only the author changes a case."))
    if case.status not in EDITABLE:
        raise CaseError(_("A case waiting for approval or approved is no longer changed."))


def _reindex(case: Case) -> None:
    case.search_text = index_text(
        (case.title, case.customer, case.industry, case.product, case.problem, case.solution,
         case.result, " ".join(case.tags or []))
    )
    case.save(update_fields=["search_text"])
    index_store(case.pk, case.search_text)


@transaction.atomic
def case_save(
    *,
    actor: Any,
    origin: Origin,
    case: Case | None = None,
    title: str,
    problem: str,
    solution: str,
    customer: str = "",
    industry: str = "",
    product: str = "",
    result: str = "",
    tags: Iterable[str] = (),
    objectives: Iterable[Objective] = (),
    author: Employee | None = None,
) -> Case:
    """The author writes (or changes) a case while it is a draft or was returned
    (`author` only for `SYSTEM`, which writes on someone's behalf: the demo)."""
    author = _author(actor, author)
    if case is not None:
        _own_editable(actor, case)
    for field, value in (("title", title), ("problem", problem), ("solution", solution)):
        if not value.strip():
            raise CaseError(_("This field is required."), field=field)
    cleaned_tags = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if len(cleaned_tags) > MAX_TAGS:
        raise CaseError(_("At most %(count)d tags.") % {"count": MAX_TAGS}, field="tags")
    before = audit_snapshot(case) if case else None
    case = case or Case(author=author)
    case.title, case.problem, case.solution = title.strip(), problem.strip(), solution.strip()
    case.customer, case.industry = customer.strip(), industry.strip()
    case.product, case.result, case.tags = product.strip(), result.strip(), cleaned_tags
    case.save()
    case.objectives.set(list(objectives))
    _reindex(case)
    audit_record(actor=actor, origin=origin, instance=case, before=before)
    return case


@transaction.atomic
def case_attach(*, actor: Any, origin: Origin, case: Case, upload: File) -> CaseAttachment:
    """The author attaches a file (at most KPILIB_MAX_EVIDENCE_MB, and
    KPILIB_MAX_EVIDENCE_FILES files), stored under MEDIA_ROOT/cases/."""
    _own_editable(actor, case)
    size = upload.size or 0
    if not size:
        raise CaseError(_("The file is empty."), field="file")
    limit = settings.KPILIB_MAX_EVIDENCE_BYTES
    if size > limit:
        raise CaseError(
            _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}, field="file"
        )
    if case.attachments.count() >= settings.KPILIB_MAX_EVIDENCE_FILES:
        raise CaseError(
            _("At most %(count)d files.") % {"count": settings.KPILIB_MAX_EVIDENCE_FILES}, field="file"
        )
    name = Path((upload.name or "").replace("\\", "/")).name.strip()[:200] or "attachment"
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CaseAttachment(case=case, file_name=name, size=size)
    attachment.file.save(f"{case.pk}/{name}", upload, save=False)
    attachment.save()
    audit_record(
        actor=actor, origin=origin, instance=attachment, before=None,
        after={"case": case.pk, "file_name": name, "size": size, "sha256": digest.hexdigest()},
    )
    return attachment


@transaction.atomic
def case_submit(*, actor: Any, origin: Origin, case: Case, now: datetime.datetime) -> Case:
    """The author sends the case for approval."""
    _own_editable(actor, case)
    before = audit_snapshot(case)
    case.status, case.submitted_at = Case.Status.SUBMITTED, now
    case.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=actor, origin=origin, instance=case, before=before)
    return case


@transaction.atomic
def case_decide(
    *, actor: Any, origin: Origin, case: Case, approve: bool, comment: str = "", now: datetime.datetime
) -> Case:
    """The author's manager (up the line) or HR approves the case, which enters the
    library and makes the author's `case_shared` fact, or returns it with a comment."""
    from kpilib.ingest.services import own_facts_write

    if actor is not SYSTEM and not may_decide(actor, case):
        raise CaseError(_("Only the author's managers or HR decide on a case."))
    if case.status != Case.Status.SUBMITTED:
        raise CaseError(_("Only a case waiting for approval is decided."))
    if not approve and not comment.strip():
        raise CaseError(_("Say what to change when returning a case."), field="comment")
    before = audit_snapshot(case)
    case.status = Case.Status.APPROVED if approve else Case.Status.RETURNED
    case.decided_by = actor if getattr(actor, "pk", None) else None
    case.decided_at, case.decision_comment = now, comment.strip()
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    audit_record(actor=actor, origin=origin, instance=case, before=before)
    if approve:
        from zoneinfo import ZoneInfo

        from kpilib.clock import time_zone_name

        reasons = own_facts_write(
            actor=actor,
            origin=origin,
            source=SOURCE,
            records=[
                {
                    "employee_id": case.author.employee_id,
                    "metric": METRIC,
                    "occurred_on": now.astimezone(ZoneInfo(time_zone_name())).date().isoformat(),
                    "value": "1",
                    "external_id": f"case-{case.pk}",
                }
            ],
        )
        if reasons:
            raise CaseError(reasons)
    return case


@transaction.atomic
def case_reuse(
    *,
    actor: Any,
    origin: Origin,
    case: Case,
    today: datetime.date,
    note: str = "",
    reader: Employee | None = None,
) -> CaseReuse:
    """A reader records that they used an approved case (once; not the author;
    `reader` only for `SYSTEM`, the demo)."""
    me = _author(actor, reader)
    if case.status != Case.Status.APPROVED or (actor is not SYSTEM and not may_read(actor, case)):
        raise CaseError(_("Only an approved case can be reused."))
    if me.pk == case.author_id:
        raise CaseError(_("The author does not count as reusing their own case."))
    try:
        with transaction.atomic():
            reuse = CaseReuse.objects.create(case=case, employee=me, reused_on=today, note=note.strip()[:300])
    except IntegrityError:
        raise CaseError(_("You have recorded reusing this case already.")) from None
    audit_record(actor=actor, origin=origin, instance=reuse, before=None)
    return reuse
