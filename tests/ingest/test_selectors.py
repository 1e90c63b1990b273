"""Reading facts back: the engine's fact frame (scoring from the database) and drill-down."""

import datetime

import polars as pl

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.facts import typed_facts
from kpilib.engine.packs import builtin_pack
from kpilib.engine.periods import parse_period
from kpilib.engine.scorecard import score_plan
from kpilib.ingest.selectors import facts_for, facts_frame
from kpilib.ingest.services import facts_import
from kpilib.tabular import LINE, read_table_bytes
from tests.ingest.conftest import FACTS_HEADER, Team

MARCH = (
    FACTS_HEADER
    + "E1001,unresolved_customer,2025-03-03,,华东银行,,ticket,t-1\n"
    + "E1001,satisfaction_score,2025-03-05,96,华东银行,P-1,survey,s-1\n"
    + "E1002,complaint,2025-03-07,,申城证券,,ticket,t-2\n"
    + "E1002,daily_report,2025-03-08,1,,,app,d-1\n"
    + "E1003,complaint,2025-04-01,,江南制造,,ticket,t-3\n"
)
START, END = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)


def test_fact_frame_has_the_columns_and_types_of_a_checked_facts_file(team: Team) -> None:
    # given facts imported from a file
    data = MARCH.encode()
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=data, file_name="march.csv", source="manual")
    # when the window's facts are read back
    frame = facts_frame(employee_ids=None, start=START, end=END)
    # then they equal the engine's own reading of the file, April excluded
    expected = (
        typed_facts(read_table_bytes(data, name="march.csv"), file="march.csv")
        .filter(pl.col("occurred_on") <= END)
        .drop(LINE)
    )
    assert frame.schema == expected.select(frame.columns).schema
    assert frame.to_dicts() == expected.select(frame.columns).to_dicts()


def test_fact_frame_limits_to_the_listed_employee_numbers_and_reads_attributes(
    team: Team,
) -> None:
    # given facts with an extra column
    text = "employee_id,metric,occurred_on,stage\nE1001,complaint,2025-03-01,won\nE1002,complaint,2025-03-02,\n"
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=text.encode(), file_name="x.csv", source="manual")
    # when one employee's facts are read with that attribute
    frame = facts_frame(employee_ids=["E1001"], start=START, end=END, attributes=["stage"])
    # then only theirs come back, with the attribute as text
    assert frame.select("employee_id", "stage").rows() == [("E1001", "won")]


def test_the_presales_plan_scores_from_stored_facts_as_from_the_file(team: Team) -> None:
    # given the facts in the database and the same facts as a file
    data = MARCH.encode()
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=data, file_name="march.csv", source="manual")
    pack = builtin_pack("presales")
    plan, period = pack.plan("presales-engineer"), parse_period("2025-03")
    from_file = typed_facts(read_table_bytes(data, name="march.csv"), file="march.csv")
    # when the plan is scored from each
    stored = score_plan(facts_frame(employee_ids=None, start=START, end=END), plan, pack, period)
    reference = score_plan(from_file, plan, pack, period, employees=["E1001", "E1002"])
    # then the scorecards are the same
    assert stored.to_json() == reference.to_json()


def test_drill_down_lists_an_employees_facts_of_some_metrics_with_provenance(team: Team) -> None:
    # given imported facts
    facts_import(actor=SYSTEM, origin=Origin.WEB, data=MARCH.encode(), file_name="march.csv", source="manual")
    # when 张伟's unresolved-customer facts of March are listed
    facts = list(
        facts_for(employee=team.zhang, metric_codes=["unresolved_customer"], start=START, end=END)
    )
    # then the one fact comes with the file and line it came from
    assert [(fact.external_id, fact.batch.file_name, fact.line) for fact in facts] == [
        ("t-1", "march.csv", 2)
    ]
