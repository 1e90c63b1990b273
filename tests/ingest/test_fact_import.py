"""`facts_import` on the database: idempotency, audited updates, all or nothing, quarantine,
owner matching, encodings and delimiters, provenance."""

import io

import pytest
from django.core.files.storage import default_storage
from openpyxl import Workbook

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.errors import InputError
from kpilib.ingest.models import Fact, ImportBatch, QuarantinedRow, Source
from kpilib.ingest.services import facts_import, owner_alias_set, quarantine_resubmit
from tests.ingest.conftest import FACTS_HEADER, Team

GOOD = (
    FACTS_HEADER
    + "E1001,complaint,2025-03-01,,华东银行,,ticket,T-1\n"
    + "E1002,satisfaction_score,2025/03/02,90,申城证券,P-9,survey,S-1\n"
)


def _import(text: str, *, source: str = "manual", partial: bool = False, name: str = "f.csv"):
    return facts_import(
        actor=SYSTEM, origin=Origin.WEB, data=text.encode("utf-8"), file_name=name, source=source, partial=partial
    )


def test_reimporting_the_same_file_changes_nothing(team: Team) -> None:
    # given a file already imported
    first = _import(GOOD)
    events = AuditEvent.objects.count()
    # when the same file is imported again
    second = _import(GOOD)
    # then nothing is new or changed, and no fact or audit event was added but the batch's
    assert (first.imported, first.unchanged) == (2, 0)
    assert second.summary_line() == "imported 0, updated 0, unchanged 2, quarantined 0"
    assert Fact.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(object_type="ingest.fact").count() == 0


def test_changed_row_with_the_same_id_is_an_audited_update(team: Team) -> None:
    # given an imported satisfaction score of 90
    _import(GOOD)
    # when the source re-exports it as 70 (same external id)
    report = _import(GOOD.replace(",90,", ",70,"))
    # then the fact is updated in place and the trail shows 90 → 70
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 1)
    fact = Fact.objects.get(source="survey", external_id="S-1")
    assert fact.value == 70
    event = AuditEvent.objects.get(object_type="ingest.fact", object_id=str(fact.pk))
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {"value": {"before": 90.0, "after": 70.0}}


def test_rows_without_external_id_are_still_idempotent_and_never_merged(team: Team) -> None:
    # given two identical complaints on one day with no ids
    text = FACTS_HEADER + "E1001,complaint,2025-03-01,,C1,,,\n" * 2
    # when the file is imported twice
    first = _import(text)
    second = _import(text)
    # then both complaints exist once each, with stable derived ids
    assert first.imported == 2
    assert second.unchanged == 2
    ids = sorted(Fact.objects.values_list("external_id", flat=True))
    assert ids[0].startswith("row:")
    assert ids[1] == ids[0] + "#1"


def test_one_bad_row_means_nothing_is_written(team: Team) -> None:
    # given a file with one bad date and one unknown employee
    text = GOOD + "E1003,complaint,2025-02-30,,C1,,,\nE9999,complaint,2025-03-03,,C1,,,\n"
    # when it is imported all or nothing
    with pytest.raises(InputError) as raised:
        _import(text)
    # then every problem is listed by line and column, and nothing was written
    assert [str(problem) for problem in raised.value.problems] == [
        "f.csv:4: occurred_on: not a date YYYY-MM-DD or YYYY/MM/DD: '2025-02-30'",
        "f.csv:5: employee_id: unknown owner E9999",
    ]
    assert not Fact.objects.exists()
    assert not ImportBatch.objects.exists()


def test_every_bad_row_is_found_even_beyond_the_engines_first_hundred(team: Team) -> None:
    # given 250 bad rows among good ones
    rows = [
        f"E1001,complaint,2025-03-{1 + i % 28:02d},{'oops' if i % 6 == 0 else ''},C{i},,,x-{i}\n"
        for i in range(300)
    ]
    rows += [f"E1002,complaint,2025-13-01,,C,,,bad-{i}\n" for i in range(200)]
    # when imported keeping the good rows
    report = _import(FACTS_HEADER + "".join(rows), partial=True)
    # then each bad row is quarantined and each good row imported
    assert (report.imported, report.quarantined) == (250, 250)
    assert QuarantinedRow.objects.count() == 250


def test_partial_import_quarantines_bad_rows_and_resubmission_imports_them(team: Team) -> None:
    # given a file with a bad date
    text = GOOD + "E1003,complaint,2025-13-01,,C7,,ticket,T-7\n"
    # when imported keeping the good rows
    report = _import(text, partial=True)
    # then the good rows are facts and the bad one waits with its reason
    assert report.summary_line() == "imported 2, updated 0, unchanged 0, quarantined 1"
    row = QuarantinedRow.objects.get()
    assert (row.line, row.problems) == (
        4,
        [["occurred_on", "not a date YYYY-MM-DD or YYYY/MM/DD: '2025-13-01'"]],
    )
    # when the date is fixed and the row re-submitted
    fixed = quarantine_resubmit(
        actor=team.hr, origin=Origin.WEB, rows=[row], edits={row.pk: {"occurred_on": "2025-01-13"}}
    )
    # then it is a fact, the row is resolved, and re-uploading the file changes nothing
    assert fixed.imported == 1
    row.refresh_from_db()
    assert row.status == QuarantinedRow.Status.RESOLVED
    assert Fact.objects.get(external_id="T-7").occurred_on.isoformat() == "2025-01-13"
    again = _import(text, partial=True)
    assert again.summary_line() == "imported 0, updated 0, unchanged 3, quarantined 0"
    assert QuarantinedRow.objects.count() == 1


def test_resubmitting_a_row_that_is_still_bad_keeps_it_waiting(team: Team) -> None:
    # given a quarantined row
    _import(GOOD + "E1003,complaint,2025-13-01,,C7,,ticket,T-7\n", partial=True)
    row = QuarantinedRow.objects.get()
    # when it is re-submitted with another bad date
    report = quarantine_resubmit(actor=team.hr, origin=Origin.WEB, rows=[row], edits={row.pk: {"occurred_on": "soon"}})
    # then it still waits, with the new value and the new reason
    row.refresh_from_db()
    assert (report.imported, report.quarantined) == (0, 1)
    assert row.status == QuarantinedRow.Status.OPEN
    assert row.values["occurred_on"] == "soon"
    assert "soon" in row.problems[0][1]


def test_unknown_owner_goes_to_quarantine_never_to_someone_else(team: Team) -> None:
    # given two employees sharing an e-mail address and a row naming that address
    team.li.email = team.zhang.email
    team.li.save()
    text = FACTS_HEADER + "zhang.wei@example.com,complaint,2025-03-01,,C1,,,\n"
    # when imported keeping the good rows
    report = _import(text, partial=True)
    # then nobody gets the fact: it waits as an unknown owner
    assert report.quarantined == 1
    assert not Fact.objects.exists()
    assert QuarantinedRow.objects.get().problems == [
        ["employee_id", "unknown owner zhang.wei@example.com"]
    ]


def test_owners_match_by_number_email_or_the_sources_alias_table(team: Team) -> None:
    # given a CRM that names owners by e-mail, by number, and by a CRM user name
    source = Source.objects.create(name="crm")
    owner_alias_set(
        actor=SYSTEM, origin=Origin.WEB, source=source, alias="Fang W.", employee=team.wang
    )
    text = (
        FACTS_HEADER
        + "E1001,complaint,2025-03-01,,C1,,,a\n"
        + "LI.NA@example.com,complaint,2025-03-01,,C1,,,b\n"
        + "fang w.,complaint,2025-03-01,,C1,,,c\n"
    )
    # when imported
    _import(text, source="crm")
    # then each fact belongs to the right person
    owners = dict(Fact.objects.values_list("external_id", "employee__employee_id"))
    assert owners == {"a": "E1001", "b": "E1002", "c": "E1003"}


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("gb18030", "\t"), ("gbk", ",")],
)
def test_encodings_and_delimiters_are_recognised(team: Team, encoding: str, separator: str) -> None:
    # given the same facts written in an encoding with a delimiter
    text = (FACTS_HEADER + "E1001,complaint,2025-03-01,,华东银行,,,x\n").replace(",", separator)
    # when imported
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=text.encode(encoding), file_name="f.csv", source="manual")
    # then the Chinese customer name is read right
    assert Fact.objects.get().customer_id == "华东银行"


def test_xlsx_rows_keep_extra_columns_as_attributes(team: Team) -> None:
    # given a workbook with an extra column
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["employee_id", "metric", "occurred_on", "value", "区域"])
    sheet.append(["E1002", "training_exam", "2025-03-04", 85, "华东"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when imported
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=buffer.getvalue(), file_name="exams.xlsx", source="lms")
    # then the value is a number and the extra column an attribute
    fact = Fact.objects.get()
    assert (fact.value, fact.attributes, fact.line) == (85.0, {"区域": "华东"}, 2)


def test_each_fact_keeps_its_provenance_and_the_file_is_kept(team: Team) -> None:
    # given a file
    data = GOOD.encode()
    # when imported
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=data, file_name="march.csv", source="manual")
    # then each fact names its batch, line and source; the batch its file and hash
    fact = Fact.objects.get(external_id="S-1")
    batch = fact.batch
    assert (fact.line, fact.source, batch.source.name, batch.file_name) == (
        3,
        "survey",
        "manual",
        "march.csv",
    )
    assert len(batch.file_hash) == 64
    with default_storage.open(batch.file.name, "rb") as kept:
        assert kept.read() == data


def test_a_mapping_names_other_columns_and_is_saved_for_the_source(team: Team) -> None:
    # given a file whose columns have other names
    text = "工号,指标,日期\nE1001,complaint,2025-03-01\n"
    mapping = {"employee_id": "工号", "metric": "指标", "occurred_on": "日期"}
    # when imported with a mapping, and later without one
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=text.encode(), file_name="a.csv", source="hr", mapping=mapping)
    report = facts_import(actor=SYSTEM, origin=Origin.WEB, data=text.encode(), file_name="b.csv", source="hr")
    # then the mapping was remembered for the source and reused
    assert Source.objects.get(name="hr").column_mapping == mapping
    assert report.unchanged == 1


def test_missing_required_column_is_reported_on_line_one(team: Team) -> None:
    # given a file without a metric column
    text = "employee_id,occurred_on\nE1001,2025-03-01\n"
    # when imported
    with pytest.raises(InputError) as raised:
        _import(text)
    # then the missing column is the problem
    assert [str(problem) for problem in raised.value.problems] == [
        "f.csv:1: metric: required column is missing"
    ]


def test_the_same_id_twice_in_one_file_is_a_problem(team: Team) -> None:
    # given a file repeating an external id
    text = (
        FACTS_HEADER + "E1001,complaint,2025-03-01,,C1,,t,X\nE1002,complaint,2025-03-02,,C1,,t,X\n"
    )
    # when imported
    with pytest.raises(InputError) as raised:
        _import(text)
    # then the repeat is named with the line of the first
    assert (
        str(raised.value.problems[0]) == "f.csv:3: external_id: X appears again (first on line 2)"
    )
