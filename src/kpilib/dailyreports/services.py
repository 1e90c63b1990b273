"""Writing daily reports: templates, working-day exceptions, drafts, submission, rating,
comments, imports of DingTalk / Feishu / WeCom exports. Every function is atomic, takes `actor` and `origin`, and is audited.

`today` and `now` are parameters: the interfaces read the clock (`kpilib.clock`), never
these functions. A rating is the `daily_report` fact (value −1 / 0 / +1) written through
the fact store's own intake (`ingest.services.facts_receive`), source `daily-reports`,
external id the report's id: a re-rating updates that one fact (audited by the intake),
and published scorecards, which store their lines, never change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.dailyreports.errors import DailyReportError
from kpilib.dailyreports.models import (
    DailyReport,
    QuarantinedReport,
    ReportComment,
    ReportTemplate,
    WorkdayException,
    default_fields,
)
from kpilib.dailyreports.selectors import (
    checklist_for,
    deadline_of,
    employees_required,
    may_rate,
    rating_deadline_of,
    reports_visible,
    submission_rows,
    template_for,
)
from kpilib.importing import ImportReport
from kpilib.ingest.selectors import DEFAULTED
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.permissions import employee_of, is_hr_admin

SOURCE = "daily-reports"
METRIC = "daily_report"
ON_TIME, LATE, MISSING = "daily_report_on_time", "daily_report_late", "daily_report_missing"
MAX_ANSWER = 5_000


def _require_hr(actor: Any) -> None:
    if not is_hr_admin(actor):
        raise DailyReportError(_("Only HR may change daily report templates and calendars."))


def _validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


# --- templates and calendar -------------------------------------------------------------


@transaction.atomic
def template_save(
    *,
    actor: Any,
    origin: Origin,
    template: ReportTemplate | None = None,
    position: Position | None = None,
    name: str,
    fields: Sequence[Mapping[str, Any]] | None = None,
    deadline_time: Any = None,
    workdays_after: int | None = None,
    rating_workdays: int | None = None,
    is_active: bool = True,
    cc: Iterable[Employee] | None = None,
) -> ReportTemplate:
    """Create or change a position's report template (HR). No fields: the three defaults."""
    _require_hr(actor)
    before = audit_snapshot(ReportTemplate.objects.get(pk=template.pk)) if template else None
    template = template or ReportTemplate()
    template.position = position
    template.name = name.strip()
    template.fields = [dict(field) for field in fields] if fields else default_fields()
    if deadline_time is not None:
        template.deadline_time = deadline_time
    if workdays_after is not None:
        template.workdays_after = workdays_after
    if rating_workdays is not None:
        template.rating_workdays = rating_workdays
    template.is_active = is_active
    try:
        template.full_clean()
    except ValidationError as error:
        raise DailyReportError(_validation_messages(error)) from None
    template.save()
    if cc is not None:
        template.cc.set(list(cc))
    audit_record(actor=actor, origin=origin, instance=template, before=before)
    return template


@transaction.atomic
def workday_exception_set(
    *, actor: Any, origin: Origin, company: OrgUnit, day: date, is_workday: bool, note: str = ""
) -> WorkdayException:
    """Make `day` a working day or a day off for the company, over China's calendar (HR)."""
    _require_hr(actor)
    if company.kind != OrgUnit.Kind.COMPANY:
        raise DailyReportError(_("Working-day exceptions belong to a company."))
    existing = WorkdayException.objects.filter(company=company, day=day).first()
    before = audit_snapshot(existing) if existing else None
    exception = existing or WorkdayException(company=company, day=day)
    exception.is_workday, exception.note = is_workday, note.strip()
    exception.save()
    audit_record(actor=actor, origin=origin, instance=exception, before=before)
    return exception


# --- writing ----------------------------------------------------------------------------


def _author_of(actor: Any) -> Employee:
    author = employee_of(actor)
    if author is None:
        raise DailyReportError(_("Only people with an employee record write daily reports."))
    return author


def _clean_answers(fields: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field in fields:
        key, kind = str(field["key"]), field.get("kind", "text")
        raw = answers.get(key, "")
        value = "" if raw is None else str(raw).strip()
        if len(value) > MAX_ANSWER:
            raise DailyReportError(
                _("%(field)s is longer than %(limit)d characters.")
                % {"field": field.get("label", key), "limit": MAX_ANSWER},
                field=key,
            )
        if value and kind == "number":
            try:
                cleaned[key] = float(value)
            except ValueError:
                raise DailyReportError(
                    _("%(field)s takes a number.") % {"field": field.get("label", key)}, field=key
                ) from None
            continue
        if value and kind == "choice" and value not in [str(choice) for choice in field.get("choices", [])]:
            raise DailyReportError(
                _("%(field)s: choose one of the offered answers.") % {"field": field.get("label", key)},
                field=key,
            )
        cleaned[key] = value
    return cleaned


@transaction.atomic
def report_save_draft(
    *,
    actor: Any,
    origin: Origin,
    report_date: date,
    answers: Mapping[str, Any],
    checklist_done: Sequence[int] = (),
    today: date,
) -> DailyReport:
    """Keep the actor's report for `report_date` as a draft (creating it on first save).

    Refused for a day after `today` and for a report already submitted."""
    author = _author_of(actor)
    if report_date > today:
        raise DailyReportError(_("A daily report cannot be written for a day that has not come."))
    report = DailyReport.objects.select_for_update().filter(author=author, report_date=report_date).first()
    if report is not None and report.status == DailyReport.Status.SUBMITTED:
        raise DailyReportError(_("This report was already submitted."))
    before = audit_snapshot(report) if report else None
    if report is None:
        template = template_for(author)
        report = DailyReport(
            author=author,
            report_date=report_date,
            template=template,
            fields=list(template.fields) if template else default_fields(),
        )
    checklist = checklist_for(author, report_date)
    done = sorted({int(index) for index in checklist_done})
    if any(index < 0 or index >= len(checklist.items) for index in done):
        raise DailyReportError(_("That item is not on yesterday's plan."))
    report.answers = _clean_answers(report.fields, answers)
    report.checklist_total = len(checklist.items)
    report.checklist_done = done
    report.save()
    audit_record(actor=actor, origin=origin, instance=report, before=before)
    return report


@transaction.atomic
def report_submit(*, actor: Any, origin: Origin, report: DailyReport, now: datetime) -> DailyReport:
    """Submit the actor's own draft: due-by time fixed from the template and working days,
    on time when `now` is not after it. Required fields must be filled."""
    author = _author_of(actor)
    report = DailyReport.objects.select_for_update().get(pk=report.pk)
    if report.author_id != author.pk:
        raise DailyReportError(_("Only the author submits a report."))
    if report.status == DailyReport.Status.SUBMITTED:
        raise DailyReportError(_("This report was already submitted."))
    missing = [
        str(field.get("label", field["key"]))
        for field in report.fields
        if field.get("required") and report.answers.get(str(field["key"])) in ("", None)
    ]
    if missing:
        raise DailyReportError(
            [_("%(field)s is required.") % {"field": label} for label in missing]
        )
    before = audit_snapshot(report)
    report.deadline = deadline_of(author, report.template, report.report_date)
    report.submitted_at = now
    report.on_time = now <= report.deadline
    report.status = DailyReport.Status.SUBMITTED
    report.save()
    if report.template is not None:
        report.cc.set(list(report.template.cc.exclude(pk=author.pk)))
    audit_record(actor=actor, origin=origin, instance=report, before=before)
    metric = ON_TIME if report.on_time else LATE
    _facts(actor=actor, origin=origin, records=[_submission_record(author, report.report_date, metric)])
    return report


@transaction.atomic
def report_post(
    *,
    actor: Any,
    origin: Origin,
    report_date: date,
    answers: Mapping[str, Any],
    checklist_done: Sequence[int] = (),
    submit: bool = True,
    today: date,
    now: datetime,
) -> DailyReport:
    """Write the actor's report for `report_date` and (unless `submit` is false) submit it,
    in one transaction: what `POST /api/daily-reports` does. An answer for a field the
    report does not have is refused, naming it (a form only sends the fields it shows)."""
    author = _author_of(actor)
    existing = DailyReport.objects.filter(author=author, report_date=report_date).first()
    template = template_for(author)
    fields = existing.fields if existing else (template.fields if template else default_fields())
    keys = [str(field["key"]) for field in fields]
    unknown = [key for key in answers if key not in keys]
    if unknown:
        raise DailyReportError(
            _("%(key)s is not a field of your report; its fields are %(keys)s.")
            % {"key": unknown[0], "keys": ", ".join(keys)},
            field=f"answers.{unknown[0]}",
        )
    # The same rules as report_save_draft and report_submit, checked first to name the
    # field as the request does (the web page shows them as messages instead).
    if report_date > today:
        raise DailyReportError(
            _("A daily report cannot be written for a day that has not come."), field="report_date"
        )
    checklist = checklist_for(author, report_date)
    if any(int(index) < 0 or int(index) >= len(checklist.items) for index in checklist_done):
        raise DailyReportError(
            _("That item is not on yesterday's plan.") + " "
            + _("It has %(count)d items, numbered from 0.") % {"count": len(checklist.items)},
            field="checklist_done",
        )
    for field in fields:
        key = str(field["key"])
        if submit and field.get("required") and str(answers.get(key) or "").strip() == "":
            raise DailyReportError(
                _("%(field)s is required.") % {"field": field.get("label", key)}, field=f"answers.{key}"
            )
    try:
        report = report_save_draft(
            actor=actor, origin=origin, report_date=report_date, answers=answers,
            checklist_done=checklist_done, today=today,
        )
    except DailyReportError as error:
        # an answer that does not fit names its key; as the request names it: answers.<key>
        field = f"answers.{error.field}" if error.field in keys else error.field
        raise DailyReportError(error.messages, field=field) from None
    if submit:
        report = report_submit(actor=actor, origin=origin, report=report, now=now)
    return report


@transaction.atomic
def reports_record_missing(
    *, actor: Any, origin: Origin, since: date, now: datetime
) -> int:
    """Periodic: a `daily_report_missing` fact for every working day from `since` whose
    report was due before `now` and is not submitted, for everyone required to report
    (an active template for their position, or the default one). A report submitted
    later turns that fact into `daily_report_late` (same external id). Returns how many
    days are missing; re-running adds nothing."""
    records = [
        _submission_record(row.employee, day, MISSING)
        for row in submission_rows(employees_required(), since=since, until=now.date(), now=now)
        for day in row.missing_days
    ]
    _facts(actor=actor, origin=origin, records=records)
    return len(records)


# --- review -----------------------------------------------------------------------------


def _facts(*, actor: Any, origin: Origin, records: Sequence[Mapping[str, str]]) -> None:
    """Write facts of source `daily-reports` through the fact store's own intake."""
    from kpilib.ingest.services import own_facts_write

    reasons = own_facts_write(actor=actor, origin=origin, source=SOURCE, records=records)
    if reasons:
        raise DailyReportError(reasons)


#: The rule's name in the fact's `defaulted` attribute (the scorecard line says so).
UNRATED = "unrated"


def _rating_record(report: DailyReport) -> dict[str, str]:
    """The rating as the report's `daily_report` fact (external id: the report's id); a
    rating by default carries `defaulted: unrated`."""
    record = {
        "employee_id": report.author.employee_id,
        "metric": METRIC,
        "occurred_on": report.report_date.isoformat(),
        "value": str(report.rating),
        "external_id": str(report.pk),
    }
    if report.rated_by_default:
        record[DEFAULTED] = UNRATED
    return record


def _rating_fact(*, actor: Any, origin: Origin, report: DailyReport) -> None:
    _facts(actor=actor, origin=origin, records=[_rating_record(report)])


def submission_external_id(author: Employee, day: date) -> str:
    """One submission fact per person and day: on time, late or missing (it moves between them)."""
    return f"submission-{author.pk}-{day.isoformat()}"


def _submission_record(author: Employee, day: date, metric: str) -> dict[str, str]:
    return {
        "employee_id": author.employee_id,
        "metric": metric,
        "occurred_on": day.isoformat(),
        "value": "1",
        "external_id": submission_external_id(author, day),
    }


@transaction.atomic
def report_rate(
    *,
    actor: Any,
    origin: Origin,
    report: DailyReport,
    rating: int,
    comment: str = "",
    now: datetime,
) -> DailyReport:
    """Rate a submitted report of the actor's team −1 / 0 / +1 (a re-rating replaces it).

    The rating is the `daily_report` fact of the report's day."""
    if rating not in (-1, 0, 1):
        raise DailyReportError(_("A rating is −1, 0 or +1."))
    report = DailyReport.objects.select_for_update(of=("self",)).select_related("author").get(pk=report.pk)
    if not may_rate(actor, report):
        raise DailyReportError(_("Only the author's managers rate a submitted report."))
    before = audit_snapshot(report)
    report.rating = rating
    report.rating_comment = comment.strip()
    report.rated_by = actor
    report.rated_at = now
    report.rated_by_default = False
    report.save()
    audit_record(actor=actor, origin=origin, instance=report, before=before)
    _rating_fact(actor=actor, origin=origin, report=report)
    return report


@transaction.atomic
def reports_default_unrated(*, actor: Any, origin: Origin, now: datetime) -> int:
    """Periodic: every submitted report still unrated after its rating deadline
    (`selectors.rating_deadline_of`) counts as normal (0), marked `rated_by_default`; its
    `daily_report` fact says so (`defaulted: unrated`). A manager may still rate it later,
    which replaces the default. Returns how many; re-running changes nothing."""
    waiting = list(
        DailyReport.objects.select_for_update(of=("self",))
        .filter(status=DailyReport.Status.SUBMITTED, rating__isnull=True)
        .select_related("author", "template")
        .order_by("report_date", "author_id")
    )
    due = [
        report
        for report in waiting
        if rating_deadline_of(report.author, report.template, report.report_date) <= now
    ]
    for report in due:
        before = audit_snapshot(report)
        report.rating = DailyReport.Rating.NORMAL
        report.rated_by_default = True
        report.rated_by = None
        report.rated_at = now
        report.save()
        audit_record(actor=actor, origin=origin, instance=report, before=before)
    _facts(actor=actor, origin=origin, records=[_rating_record(report) for report in due])
    return len(due)


@transaction.atomic
def reports_rate_rest_normal(
    *, actor: Any, origin: Origin, reports: Sequence[DailyReport], now: datetime
) -> int:
    """Rate every still unrated report among `reports` normal (0); returns how many."""
    rated = 0
    for report in reports:
        if report.rating is None and may_rate(actor, report):
            report_rate(actor=actor, origin=origin, report=report, rating=0, now=now)
            rated += 1
    return rated


@transaction.atomic
def report_comment(
    *,
    actor: Any,
    origin: Origin,
    report: DailyReport,
    text: str,
    parent: ReportComment | None = None,
) -> ReportComment:
    """Comment on a report the actor may read (a reply names its parent on the same report)."""
    if not reports_visible(actor).filter(pk=report.pk, status=DailyReport.Status.SUBMITTED).exists():
        raise DailyReportError(_("Comments go on a submitted report you may read."))
    if not text.strip():
        raise DailyReportError(_("Write the comment first."), field="text")
    if parent is not None and parent.report_id != report.pk:
        raise DailyReportError(_("A reply answers a comment on the same report."))
    comment = ReportComment.objects.create(report=report, parent=parent, author=actor, text=text.strip()[:MAX_ANSWER])
    audit_record(actor=actor, origin=origin, instance=comment, before=None)
    return comment


# --- imports from DingTalk / Feishu / WeCom ----------------------------------------------


def _digest(values: Mapping[str, str]) -> str:
    import hashlib
    import json

    return hashlib.md5(json.dumps(dict(values), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _record_id_of(platform: str, values: Mapping[str, str]) -> str:
    from kpilib.dailyreports.platforms import COLUMNS

    return next((values[name].strip() for name in COLUMNS[platform]["record_id"] if values.get(name)), "")


@transaction.atomic
def reports_import(
    *,
    actor: Any,
    origin: Origin,
    data: bytes,
    file_name: str,
    platform: str,
    partial: bool = False,
    encoding: str | None = None,
) -> ImportReport:
    """Import a DingTalk 日志 / Feishu 汇报 / WeCom 汇报 export (CSV in UTF-8 or GBK, XLSX)
    as submitted reports (columns: `dailyreports.platforms`).

    Idempotent by the platform's record id: a record imported before is unchanged, or
    updated when its text changed. The person is found by 工号, else e-mail, else a name
    only one employee has. On time or late is decided by the template's deadline, as for
    a report written in kpilib, and becomes the same submission fact. All or nothing by
    default (an InputError lists every problem); with `partial`, the good rows are
    written and the bad ones kept as `QuarantinedReport`s with their problems."""
    from zoneinfo import ZoneInfo

    from kpilib.clock import time_zone_name
    from kpilib.dailyreports.platforms import PLATFORMS, header_problems, records
    from kpilib.engine.errors import InputError, Problem
    from kpilib.tabular import read_table_bytes

    if platform not in PLATFORMS:
        raise DailyReportError(
            _("Unknown platform %(platform)s: dingtalk, feishu or wecom.") % {"platform": platform},
            field="platform",
        )
    table = read_table_bytes(data, name=file_name, encoding=encoding)
    missing = header_problems(table, platform, file_name)
    if missing:
        raise InputError(missing)
    good, bad = records(table, platform, file=file_name, zone=ZoneInfo(time_zone_name()))

    people = Employee.objects.filter(
        Q(employee_id__in={r.employee_id for r in good if r.employee_id})
        | Q(email__in={r.email for r in good if r.email})
        | Q(name__in={r.name for r in good if r.name})
    ).select_related("position", "org_unit")
    by_id = {person.employee_id: person for person in people}
    by_email = {person.email.lower(): person for person in people if person.email}
    by_name: dict[str, list[Employee]] = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    earlier = {
        report.platform_record_id: report
        for report in DailyReport.objects.filter(
            platform=platform, platform_record_id__in=[r.record_id for r in good]
        )
    }
    writes: list[tuple[Any, Employee, DailyReport | None]] = []
    seen: set[tuple[int, date]] = set()
    seen_ids: set[str] = set()
    for record in good:
        problems: list[Problem] = []
        author = by_id.get(record.employee_id) if record.employee_id else None
        if author is None and record.email:
            author = by_email.get(record.email.lower())
        if author is None and record.name and not record.employee_id and not record.email:
            named = by_name.get(record.name, [])
            if len(named) > 1:
                problems.append(Problem(file_name, record.line, "name", f"{record.name}: {len(named)} employees have this name; export 工号"))
            author = named[0] if len(named) == 1 else None
        if author is None and not problems:
            who = record.employee_id or record.email or record.name
            problems.append(Problem(file_name, record.line, "employee", f"no employee {who}"))
        for key, text in record.answers.items():
            if len(text) > MAX_ANSWER:
                problems.append(Problem(file_name, record.line, key, f"longer than {MAX_ANSWER} characters"))
        if record.record_id in seen_ids:
            problems.append(Problem(file_name, record.line, "record id", f"{record.record_id} twice in the file"))
        before = earlier.get(record.record_id)
        if author is not None and not problems:
            if before is not None and (before.author_id, before.report_date) != (author.pk, record.report_date):
                problems.append(Problem(file_name, record.line, "record id", f"{record.record_id} was imported for another person or day"))
            elif before is None:
                kept = DailyReport.objects.filter(author=author, report_date=record.report_date).first()
                if (author.pk, record.report_date) in seen or (kept is not None and kept.status == DailyReport.Status.SUBMITTED):
                    problems.append(Problem(file_name, record.line, "report date", f"{author.name} already has a report for {record.report_date.isoformat()}"))
                before = kept
        if problems:
            bad.append((record.line, record.values, problems))
            continue
        assert author is not None
        seen.add((author.pk, record.report_date))
        seen_ids.add(record.record_id)
        writes.append((record, author, before))
    if bad and not partial:
        raise InputError([problem for _line, _values, problems in sorted(bad, key=lambda b: b[0]) for problem in problems])

    result = ImportReport()
    facts: list[dict[str, str]] = []
    for record, author, before in writes:
        if before is not None and before.status == DailyReport.Status.SUBMITTED:
            if before.answers == record.answers and before.submitted_at == record.submitted_at:
                result.unchanged += 1
                continue
            snapshot = audit_snapshot(before)
            before.answers = {**before.answers, **record.answers}
            before.submitted_at = record.submitted_at
            before.on_time = record.submitted_at <= before.deadline if before.deadline else before.on_time
            before.save()
            audit_record(actor=actor, origin=origin, instance=before, before=snapshot)
            facts.append(_submission_record(author, before.report_date, ON_TIME if before.on_time else LATE))
            result.updated += 1
            continue
        template = template_for(author)
        report = before or DailyReport(author=author, report_date=record.report_date)
        snapshot = audit_snapshot(report) if before is not None else None
        report.template = template
        report.fields = default_fields()
        report.answers = dict(record.answers)
        report.checklist_total, report.checklist_done = 0, []
        report.deadline = deadline_of(author, template, record.report_date)
        report.submitted_at = record.submitted_at
        report.on_time = record.submitted_at <= report.deadline
        report.status = DailyReport.Status.SUBMITTED
        report.platform, report.platform_record_id = platform, record.record_id
        report.save()
        if template is not None:
            report.cc.set(list(template.cc.exclude(pk=author.pk)))
        audit_record(actor=actor, origin=origin, instance=report, before=snapshot)
        facts.append(_submission_record(author, report.report_date, ON_TIME if report.on_time else LATE))
        result.imported += 1
    _facts(actor=actor, origin=origin, records=facts)
    imported_ids = [record.record_id for record, _author, _before in writes]
    for row in QuarantinedReport.objects.filter(
        platform=platform, record_id__in=imported_ids, is_resolved=False
    ):
        snapshot = audit_snapshot(row)
        row.is_resolved = True
        row.save(update_fields=["is_resolved"])
        audit_record(actor=actor, origin=origin, instance=row, before=snapshot)
    for line, values, problems in sorted(bad, key=lambda b: b[0]):
        row, created = QuarantinedReport.objects.get_or_create(
            platform=platform,
            digest=_digest(values),
            defaults={
                "record_id": _record_id_of(platform, values)[:100],
                "file_name": file_name[:255],
                "line": line,
                "values": dict(values),
                "problems": [str(problem) for problem in problems],
            },
        )
        if created:
            audit_record(actor=actor, origin=origin, instance=row, before=None)
        result.quarantined += 1
    return result
