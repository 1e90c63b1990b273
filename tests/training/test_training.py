"""Exams, certifications and their facts (issue 13, items 8 and 9)."""

import datetime

import pytest

from kpilib.audit.origin import Origin
from kpilib.engine.errors import InputError
from kpilib.engine.periods import add_months
from kpilib.engine.training import Attempt, counted_attempt
from kpilib.ingest.models import Fact
from kpilib.org.models import Employee
from kpilib.training import selectors, services
from kpilib.training.errors import TrainingError
from kpilib.training.models import CertificationHeld, Exam
from tests.factories import Org, make_org

TODAY = datetime.date(2026, 10, 8)
pytestmark = pytest.mark.today(TODAY)
D = datetime.date


@pytest.mark.parametrize(
    ("counting", "score", "day"),
    [
        ("highest", 92.0, D(2026, 8, 2)),
        ("last", 75.0, D(2026, 8, 3)),
        ("first", 60.0, D(2026, 8, 1)),
        ("average", pytest.approx(75.666666), D(2026, 8, 3)),
    ],
)
def test_which_attempt_counts(counting: str, score: float, day: datetime.date) -> None:
    attempts = [Attempt(D(2026, 8, 3), 75.0), Attempt(D(2026, 8, 1), 60.0), Attempt(D(2026, 8, 2), 92.0)]
    counted = counted_attempt(attempts, counting)
    assert counted is not None
    assert (counted.score, counted.taken_on, counted.attempts) == (score, day, 3)


def test_no_attempt_counts_nothing_and_unknown_counting_is_refused() -> None:
    assert counted_attempt([], "highest") is None
    with pytest.raises(ValueError, match="unknown counting"):
        counted_attempt([Attempt(D(2026, 8, 3), 75.0)], "best")


def test_add_months_stays_in_the_month() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 2, 29), 24) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def exam(org: Org, counting: str = "highest") -> Exam:
    return services.exam_save(
        actor=org.hr, origin=Origin.WEB, code="product-q3", name="产品知识考试", name_en="Product exam",
        counting=counting,
    )


def exam_facts(employee: object) -> list[Fact]:
    return list(Fact.objects.filter(employee=employee, metric="training_exam"))


def test_an_attempt_entered_by_hr_becomes_the_counted_fact(org: Org) -> None:
    product = exam(org)
    for day, score in ((D(2026, 8, 1), 70.0), (D(2026, 8, 20), 88.0)):
        services.exam_attempt_record(
            actor=org.hr, origin=Origin.WEB, exam=product, employee=org.engineer,
            taken_on=day, score=score, today=TODAY,
        )
    [fact] = exam_facts(org.engineer)
    assert (fact.value, fact.occurred_on, fact.source) == (88.0, D(2026, 8, 20), "training")
    # counting the last attempt instead re-counts the fact, not a second one
    services.exam_save(
        actor=org.hr, origin=Origin.WEB, exam=product, code="product-q3", name="产品知识考试",
        counting="first",
    )
    [fact] = exam_facts(org.engineer)
    assert (fact.value, fact.occurred_on) == (70.0, D(2026, 8, 1))
    [result] = selectors.exam_results(product)
    assert result.passed is False


def test_only_hr_records_results_and_never_in_the_future(org: Org) -> None:
    product = exam(org)
    with pytest.raises(TrainingError):
        services.exam_attempt_record(
            actor=org.manager.user, origin=Origin.WEB, exam=product, employee=org.engineer,
            taken_on=TODAY, score=90, today=TODAY,
        )
    with pytest.raises(TrainingError, match="future"):
        services.exam_attempt_record(
            actor=org.hr, origin=Origin.WEB, exam=product, employee=org.engineer,
            taken_on=TODAY + datetime.timedelta(days=1), score=90, today=TODAY,
        )


LMS = (
    "工号,考试编码,成绩,考试日期,记录ID\n"
    "{engineer},product-q3,91,2026-08-05,R1\n"
    "{peer},product-q3,79.5,2026/08/06,R2\n"
)


def test_an_lms_export_imports_once_and_updates_by_record_id(org: Org) -> None:
    exam(org)
    text = LMS.format(engineer=org.engineer.employee_id, peer=org.peer.employee_id)
    first = services.exam_attempts_import(
        actor=org.hr, origin=Origin.WEB, data=text.encode("gbk"), file_name="lms.csv", today=TODAY
    )
    assert (first.imported, first.updated, first.unchanged) == (2, 0, 0)
    again = services.exam_attempts_import(
        actor=org.hr, origin=Origin.WEB, data=text.encode("gbk"), file_name="lms.csv", today=TODAY
    )
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    changed = text.replace(",91,", ",95,")
    third = services.exam_attempts_import(
        actor=org.hr, origin=Origin.WEB, data=changed.encode(), file_name="lms.csv", today=TODAY
    )
    assert (third.imported, third.updated) == (0, 1)
    assert [f.value for f in exam_facts(org.engineer)] == [95.0]
    assert [f.value for f in exam_facts(org.peer)] == [79.5]


def test_a_bad_lms_row_names_file_line_and_column_and_nothing_is_written(org: Org) -> None:
    exam(org)
    text = (
        "工号,考试编码,成绩,考试日期,记录ID\n"
        f"{org.engineer.employee_id},product-q3,91,2026-08-05,R1\n"
        "E9999,product-q3,abc,2026-13-01,R2\n"
        f"{org.peer.employee_id},nope,80,2026-08-05,R3\n"
    )
    with pytest.raises(InputError) as caught:
        services.exam_attempts_import(
            actor=org.hr, origin=Origin.WEB, data=text.encode(), file_name="lms.csv", today=TODAY
        )
    messages = [str(p) for p in caught.value.problems]
    assert "lms.csv:3: 工号: no employee 'E9999'" in messages
    assert any(m.startswith("lms.csv:3: 成绩:") for m in messages)
    assert any(m.startswith("lms.csv:3: 考试日期:") for m in messages)
    assert any(m.startswith("lms.csv:4: 考试编码:") for m in messages)
    assert not Fact.objects.filter(metric="training_exam").exists()


def test_a_missing_column_is_named(org: Org) -> None:
    with pytest.raises(InputError, match="missing column: one of score"):
        services.exam_attempts_import(
            actor=org.hr, origin=Origin.WEB, data=b"employee_id,exam,taken_on,record_id\n",
            file_name="lms.csv", today=TODAY,
        )


def certification(org: Org, months: int | None = 24):  # type: ignore[no-untyped-def]
    return services.certification_save(
        actor=org.hr, origin=Origin.WEB, code="hcie", name="华为 HCIE", name_en="Huawei HCIE",
        issuer="Huawei", validity_months=months,
    )


def test_certifications_keep_their_history_and_each_is_a_fact(org: Org) -> None:
    hcie = certification(org)
    first = services.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=hcie, employee=org.engineer,
        earned_on=D(2024, 9, 1), today=TODAY,
    )
    assert first.expires_on == D(2026, 9, 1)
    assert first.state_on(TODAY) == CertificationHeld.State.EXPIRED
    cover = selectors.coverage(Employee.objects.filter(org_unit=org.team_a), today=TODAY)
    states = {person.name: [cell.state for cell in cells] for person, cells in cover.rows}
    assert states[org.engineer.name] == ["expired"]
    assert states[org.peer.name] == ["never"]
    renewed = services.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=hcie, employee=org.engineer,
        earned_on=D(2026, 9, 20), today=TODAY,
    )
    assert renewed.state_on(TODAY) == CertificationHeld.State.VALID
    assert CertificationHeld.objects.filter(employee=org.engineer).count() == 2
    assert Fact.objects.filter(employee=org.engineer, metric="certification_earned").count() == 2
    with pytest.raises(TrainingError, match="already has"):
        services.certification_record(
            actor=org.hr, origin=Origin.WEB, certification=hcie, employee=org.engineer,
            earned_on=D(2026, 9, 20), today=TODAY,
        )


@pytest.mark.parametrize(
    ("left", "threshold"), [(120, None), (90, 90), (61, 90), (60, 60), (12, 30), (7, 7), (0, 7), (-1, None)]
)
def test_reminder_thresholds(org: Org, left: int, threshold: int | None) -> None:
    hcie = certification(org)
    held = CertificationHeld(certification=hcie, employee=org.engineer, earned_on=D(2024, 1, 1),
                             expires_on=TODAY + datetime.timedelta(days=left))
    assert selectors.reminder_threshold(held, TODAY) == threshold


def test_reminders_go_out_at_each_threshold_once(org: Org, mailoutbox: list) -> None:
    from kpilib.training.reminders import certifications_send_reminders

    org.engineer.email = "zhangsan@example.com"
    org.engineer.save()
    org.manager.email = "wang@example.com"
    org.manager.save()
    hcie = certification(org, months=12)
    # earned so that it expires in 30 days
    services.certification_record(
        actor=org.hr, origin=Origin.WEB, certification=hcie, employee=org.engineer,
        earned_on=add_months(TODAY + datetime.timedelta(days=30), -12), today=TODAY,
    )
    assert certifications_send_reminders(actor=org.hr, origin=Origin.TASK, today=TODAY) == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["wang@example.com", "zhangsan@example.com"]
    # the same day again, and the next days above 7 days left: nobody twice
    assert certifications_send_reminders(actor=org.hr, origin=Origin.TASK, today=TODAY) == 0
    later = TODAY + datetime.timedelta(days=10)
    assert certifications_send_reminders(actor=org.hr, origin=Origin.TASK, today=later) == 0
    # 7 days before expiry, the last reminder
    last = TODAY + datetime.timedelta(days=23)
    assert certifications_send_reminders(actor=org.hr, origin=Origin.TASK, today=last) == 1
    assert len(mailoutbox) == 4
