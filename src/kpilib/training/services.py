"""Writing training records: the exam and certification catalogues, exam attempts
(entered by HR or imported from a learning system's export), certifications earned,
and the facts they make. Every function is atomic, takes `actor` and `origin`, and is
audited; web, API, CLI and tasks all call these.

The facts go through the fact store's own intake (`ingest.services.own_facts_write`),
source `training`: a person's counted result in an exam is one `training_exam` fact
(external id `exam-<exam>-<person>`, updated when an attempt or the counting changes);
each certification earned is one `certification_earned` fact (external id
`certification-<holding>`). Published scorecards store their lines and never change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.engine.periods import add_months
from kpilib.importing import ImportReport
from kpilib.org.models import Employee
from kpilib.permissions import is_hr_admin
from kpilib.training.errors import TrainingError
from kpilib.training.models import Certification, CertificationHeld, Exam, ExamAttempt
from kpilib.training.selectors import exam_counted

SOURCE = "training"
EXAM_METRIC = "training_exam"
CERTIFICATION_METRIC = "certification_earned"
MAX_SCORE = 1000.0

# The columns of a learning system's export of exam results (first name wins).
EXAM_COLUMNS = {
    "employee_id": ("employee_id", "工号", "员工编号", "学员工号", "Employee ID"),
    "exam": ("exam", "考试编码", "考试代码", "考试", "Exam"),
    "score": ("score", "成绩", "分数", "得分", "Score"),
    "taken_on": ("taken_on", "考试日期", "考试时间", "完成时间", "Date"),
    "record_id": ("record_id", "记录ID", "记录编号", "成绩ID", "Record ID"),
}


def _require_hr(actor: Any) -> None:
    """HR, or `SYSTEM` (the command line, the demo loader, a task: no person, trusted)."""
    if actor is not SYSTEM and not is_hr_admin(actor):
        raise TrainingError(_("Only HR may change exams, certifications and their results."))


def _clean_code(code: str) -> str:
    from django.utils.text import slugify

    cleaned = slugify(code.strip())
    if not cleaned or cleaned != code.strip():
        raise TrainingError(
            _("The code %(code)s may hold only letters, digits, - and _.") % {"code": code},
            field="code",
        )
    return cleaned


# --- catalogues ---------------------------------------------------------------------------


@transaction.atomic
def exam_save(
    *,
    actor: Any,
    origin: Origin,
    exam: Exam | None = None,
    code: str,
    name: str,
    name_en: str = "",
    pass_line: float = 80.0,
    counting: str = Exam.Counting.HIGHEST,
    is_active: bool = True,
) -> Exam:
    """Create or change an exam (HR). Changing which attempt counts re-counts everyone's
    `training_exam` fact of that exam."""
    _require_hr(actor)
    if counting not in Exam.Counting.values:
        raise TrainingError(_("Unknown counting %(counting)s.") % {"counting": counting}, field="counting")
    if not 0 <= pass_line <= MAX_SCORE:
        raise TrainingError(_("The pass line must be between 0 and 1000."), field="pass_line")
    if not name.strip():
        raise TrainingError(_("Give the exam a name."), field="name")
    before = audit_snapshot(exam) if exam else None
    code = _clean_code(code)
    if Exam.objects.filter(code=code).exclude(pk=exam.pk if exam else None).exists():
        raise TrainingError(_("Another exam has the code %(code)s.") % {"code": code}, field="code")
    recount = exam is not None and exam.counting != counting
    exam = exam or Exam()
    exam.code, exam.name, exam.name_en = code, name.strip(), name_en.strip()
    exam.pass_line, exam.counting, exam.is_active = float(pass_line), counting, is_active
    exam.save()
    audit_record(actor=actor, origin=origin, instance=exam, before=before)
    if recount:
        _exam_facts(actor=actor, origin=origin, exam=exam, employee_ids=None)
    return exam


@transaction.atomic
def certification_save(
    *,
    actor: Any,
    origin: Origin,
    certification: Certification | None = None,
    code: str,
    name: str,
    name_en: str = "",
    issuer: str = "",
    validity_months: int | None = None,
    renewal_window_days: int = 90,
    is_active: bool = True,
) -> Certification:
    """Create or change a certification of the catalogue (HR). A new validity applies to
    certifications earned from then on; those held keep the expiry they were given."""
    _require_hr(actor)
    if not name.strip():
        raise TrainingError(_("Give the certification a name."), field="name")
    if validity_months is not None and not 1 <= validity_months <= 240:
        raise TrainingError(_("The validity must be between 1 and 240 months."), field="validity_months")
    if not 0 <= renewal_window_days <= 365:
        raise TrainingError(_("The renewal window must be between 0 and 365 days."), field="renewal_window_days")
    code = _clean_code(code)
    if Certification.objects.filter(code=code).exclude(pk=certification.pk if certification else None).exists():
        raise TrainingError(_("Another certification has the code %(code)s.") % {"code": code}, field="code")
    before = audit_snapshot(certification) if certification else None
    certification = certification or Certification()
    certification.code, certification.name, certification.name_en = code, name.strip(), name_en.strip()
    certification.issuer = issuer.strip()
    certification.validity_months = validity_months
    certification.renewal_window_days = renewal_window_days
    certification.is_active = is_active
    certification.save()
    audit_record(actor=actor, origin=origin, instance=certification, before=before)
    return certification


# --- exam attempts -------------------------------------------------------------------------


def _exam_external_id(exam: Exam, employee_pk: int) -> str:
    return f"exam-{exam.pk}-{employee_pk}"


def _exam_facts(*, actor: Any, origin: Origin, exam: Exam, employee_ids: Iterable[int] | None) -> None:
    """Write each person's counted result of `exam` as their `training_exam` fact."""
    from kpilib.ingest.services import own_facts_write

    attempts = exam.attempts.select_related("employee")
    if employee_ids is not None:
        attempts = attempts.filter(employee_id__in=list(employee_ids))
    by_person: dict[int, list[ExamAttempt]] = {}
    for attempt in attempts:
        by_person.setdefault(attempt.employee_id, []).append(attempt)
    records = []
    for person, rows in by_person.items():
        counted = exam_counted(exam, rows)
        if counted is None:
            continue
        records.append(
            {
                "employee_id": rows[0].employee.employee_id,
                "metric": EXAM_METRIC,
                "occurred_on": counted.taken_on.isoformat(),
                "value": repr(float(counted.score)),
                "external_id": _exam_external_id(exam, person),
                "project_id": exam.code,
            }
        )
    reasons = own_facts_write(actor=actor, origin=origin, source=SOURCE, records=records)
    if reasons:
        raise TrainingError(reasons)


def _check_score(score: float) -> float:
    if not 0 <= score <= MAX_SCORE:
        raise TrainingError(_("A score is between 0 and 1000."), field="score")
    return float(score)


@transaction.atomic
def exam_attempt_record(
    *,
    actor: Any,
    origin: Origin,
    exam: Exam,
    employee: Employee,
    taken_on: datetime.date,
    score: float,
    today: datetime.date,
) -> ExamAttempt:
    """HR enters one attempt; the person's `training_exam` fact is counted again."""
    _require_hr(actor)
    if taken_on > today:
        raise TrainingError(_("An exam cannot be taken in the future."), field="taken_on")
    attempt = ExamAttempt.objects.create(
        exam=exam,
        employee=employee,
        taken_on=taken_on,
        score=_check_score(score),
        source=ExamAttempt.Source.ENTERED,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, origin=origin, instance=attempt, before=None)
    _exam_facts(actor=actor, origin=origin, exam=exam, employee_ids=[employee.pk])
    return attempt


def _column(table: Any, meaning: str) -> str | None:
    return next((name for name in EXAM_COLUMNS[meaning] if name in table.columns), None)


@transaction.atomic
def exam_attempts_import(
    *,
    actor: Any,
    origin: Origin,
    data: bytes,
    file_name: str,
    today: datetime.date,
    encoding: str | None = None,
) -> ImportReport:
    """Import a learning system's export of exam results (CSV in UTF-8 or GBK, or XLSX;
    columns `EXAM_COLUMNS`: 工号, 考试编码, 成绩, 考试日期, 记录ID). Idempotent by the
    record id: a row imported before is unchanged, or updated when its score or day
    changed. All or nothing: an `InputError` lists every problem by file, line and column,
    and nothing is written."""
    from kpilib.engine.errors import InputError, Problem
    from kpilib.tabular import LINE, read_table_bytes

    _require_hr(actor)
    table = read_table_bytes(data, name=file_name, encoding=encoding)
    columns = {meaning: _column(table, meaning) for meaning in EXAM_COLUMNS}
    problems = [
        Problem(file_name, 1, names[0], f"missing column: one of {', '.join(names)}")
        for meaning, names in EXAM_COLUMNS.items()
        if columns[meaning] is None
    ]
    if problems:
        raise InputError(problems)
    rows = list(table.iter_rows(named=True))

    def text(row: dict[str, Any], meaning: str) -> str:
        value = row.get(columns[meaning] or "")
        return "" if value is None else str(value).strip()

    people = {
        e.employee_id: e
        for e in Employee.objects.filter(employee_id__in={text(r, "employee_id") for r in rows})
    }
    exams = {e.code: e for e in Exam.objects.filter(code__in={text(r, "exam") for r in rows})}
    earlier = {
        (a.exam_id, a.record_id): a
        for a in ExamAttempt.objects.filter(
            exam__in=exams.values(), record_id__in={text(r, "record_id") for r in rows}
        )
    }
    seen: set[tuple[str, str]] = set()
    checked = []
    for row in rows:
        line = int(row[LINE])
        row_problems = []
        person = people.get(text(row, "employee_id"))
        if person is None:
            row_problems.append(Problem(file_name, line, columns["employee_id"], f"no employee {text(row, 'employee_id')!r}"))
        exam = exams.get(text(row, "exam"))
        if exam is None:
            row_problems.append(Problem(file_name, line, columns["exam"], f"no exam {text(row, 'exam')!r} in the catalogue"))
        try:
            score = float(text(row, "score"))
            if not 0 <= score <= MAX_SCORE:
                raise ValueError
        except ValueError:
            score = 0.0
            row_problems.append(Problem(file_name, line, columns["score"], f"not a score from 0 to 1000: {text(row, 'score')!r}"))
        day_text = text(row, "taken_on")[:10].replace("/", "-")
        try:
            taken_on = datetime.date.fromisoformat(day_text)
            if taken_on > today:
                row_problems.append(Problem(file_name, line, columns["taken_on"], f"in the future: {day_text}"))
        except ValueError:
            taken_on = today
            row_problems.append(Problem(file_name, line, columns["taken_on"], f"not a date: {text(row, 'taken_on')!r}"))
        record_id = text(row, "record_id")
        if not record_id:
            row_problems.append(Problem(file_name, line, columns["record_id"], "empty record id"))
        elif (text(row, "exam"), record_id) in seen:
            row_problems.append(Problem(file_name, line, columns["record_id"], f"{record_id} twice in the file"))
        seen.add((text(row, "exam"), record_id))
        if exam is not None and person is not None:
            before = earlier.get((exam.pk, record_id))
            if before is not None and before.employee_id != person.pk:
                row_problems.append(Problem(file_name, line, columns["record_id"], f"{record_id} was imported for another person"))
        problems += row_problems
        if not row_problems:
            checked.append((exam, person, taken_on, score, record_id))
    if problems:
        raise InputError(problems)

    report = ImportReport()
    touched: dict[int, set[int]] = {}
    for exam, person, taken_on, score, record_id in checked:
        assert exam is not None
        assert person is not None
        before = earlier.get((exam.pk, record_id))
        if before is not None:
            if (before.taken_on, before.score) == (taken_on, score):
                report.unchanged += 1
                continue
            snapshot = audit_snapshot(before)
            before.taken_on, before.score = taken_on, score
            before.save()
            audit_record(actor=actor, origin=origin, instance=before, before=snapshot)
            report.updated += 1
        else:
            attempt = ExamAttempt.objects.create(
                exam=exam, employee=person, taken_on=taken_on, score=score,
                source=ExamAttempt.Source.LMS, record_id=record_id,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            audit_record(actor=actor, origin=origin, instance=attempt, before=None)
            report.imported += 1
        touched.setdefault(exam.pk, set()).add(person.pk)
    for exam_pk, people_pks in touched.items():
        _exam_facts(actor=actor, origin=origin, exam=Exam.objects.get(pk=exam_pk), employee_ids=people_pks)
    return report


# --- certifications held -------------------------------------------------------------------


@transaction.atomic
def certification_record(
    *,
    actor: Any,
    origin: Origin,
    certification: Certification,
    employee: Employee,
    earned_on: datetime.date,
    today: datetime.date,
    certificate_number: str = "",
) -> CertificationHeld:
    """HR records that `employee` earned (or renewed) `certification` on `earned_on`.
    Its expiry follows from the catalogue's validity; the earlier holdings stay as
    history. The holding is one `certification_earned` fact on the day it was earned."""
    from kpilib.ingest.services import own_facts_write

    _require_hr(actor)
    if earned_on > today:
        raise TrainingError(_("A certification cannot be earned in the future."), field="earned_on")
    if CertificationHeld.objects.filter(
        certification=certification, employee=employee, earned_on=earned_on
    ).exists():
        raise TrainingError(
            _("%(name)s already has %(certification)s earned on %(day)s.")
            % {"name": employee.name, "certification": certification.local_name, "day": earned_on.isoformat()},
            field="earned_on",
        )
    expires_on = (
        add_months(earned_on, certification.validity_months)
        if certification.validity_months
        else None
    )
    held = CertificationHeld.objects.create(
        certification=certification,
        employee=employee,
        earned_on=earned_on,
        expires_on=expires_on,
        certificate_number=certificate_number.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, origin=origin, instance=held, before=None)
    reasons = own_facts_write(
        actor=actor,
        origin=origin,
        source=SOURCE,
        records=[
            {
                "employee_id": employee.employee_id,
                "metric": CERTIFICATION_METRIC,
                "occurred_on": earned_on.isoformat(),
                "value": "1",
                "external_id": f"certification-{held.pk}",
                "project_id": certification.code,
            }
        ],
    )
    if reasons:
        raise TrainingError(reasons)
    return held
