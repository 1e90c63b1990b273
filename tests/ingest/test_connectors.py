"""Each connector turns its vendor's export (sample files built from the documented export
columns, tests/fixtures/connectors/) into the facts the presales plan reads."""

import datetime

import pytest

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.errors import InputError
from kpilib.ingest.connectors import CONNECTORS, GENERIC, slots_of
from kpilib.ingest.models import Fact, QuarantinedRow, Source
from kpilib.ingest.services import facts_import, owner_alias_set
from tests.ingest.conftest import Team, connector_file


def _import(team: Team, kind: str, file: str, *, partial: bool = False):
    Source.objects.get_or_create(name=kind.replace("_", "-"), defaults={"kind": kind})
    return facts_import(
        actor=team.hr, origin=Origin.WEB,
        data=connector_file(file),
        file_name=file,
        source=kind.replace("_", "-"),
        partial=partial,
    )


def _facts() -> list[tuple[str, str, str, float, str, str]]:
    return list(
        Fact.objects.order_by("line", "external_id").values_list(
            "employee__employee_id", "metric", "occurred_on", "value", "customer_id", "external_id"
        )
    )


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_zoho_deals_gbk_export_gives_won_and_lost_opportunities_and_explains_broken_rows(
    team: Team,
) -> None:
    # given a GBK Zoho CRM deals export with an open deal and three broken rows
    # when imported keeping the good rows
    report = _import(team, "zoho_deals", "zoho_deals_gbk.csv", partial=True)
    # then closed deals are facts, the open one is skipped (and said so), the broken ones wait
    assert report.summary_line() == "imported 3, updated 0, unchanged 0, quarantined 3"
    assert report.notes == [
        "1 row is not a fact for this connector (for example an open deal) and was skipped"
    ]
    assert _facts() == [
        (
            "E1001",
            "opportunity_won",
            _day("2025-03-05"),
            1.0,
            "华东银行",
            "zcrm_4876876000000123001",
        ),
        (
            "E1002",
            "opportunity_lost",
            _day("2025-03-12"),
            1.0,
            "申城证券",
            "zcrm_4876876000000123002",
        ),
        (
            "E1003",
            "opportunity_won",
            _day("2025-03-20"),
            1.0,
            "江南制造",
            "zcrm_4876876000000123003",
        ),
    ]
    assert Fact.objects.get(external_id="zcrm_4876876000000123001").attributes == {
        "Stage": "Closed Won",
        "Amount": "1200000",
    }
    reasons = {row.line: row.problems for row in QuarantinedRow.objects.all()}
    assert reasons == {
        6: [["occurred_on", "not a date YYYY-MM-DD or YYYY/MM/DD: '2025/13/01'"]],
        7: [["employee_id", "unknown owner 张三 (zhangsan@example.com)"]],
        8: [["occurred_on", "required value is empty"]],
    }


def test_zoho_cases_give_unresolved_resolved_and_complaints(team: Team) -> None:
    # given a Zoho cases export (UTF-8 with BOM) with one complaint still open
    # when imported
    _import(team, "zoho_cases", "zoho_cases.csv")
    # then open cases are unresolved, closed ones resolved, the complaint is both
    assert [(number, metric, customer) for number, metric, _, _, customer, _ in _facts()] == [
        ("E1001", "unresolved_customer", "华东银行"),
        ("E1002", "ticket_resolved", "申城证券"),
        ("E1003", "unresolved_customer", "江南制造"),
        ("E1003", "complaint", "江南制造"),
        ("E1001", "unresolved_customer", "杭州物流"),
    ]
    assert Fact.objects.get(metric="complaint").external_id == "zcrm_4876876000000201003:complaint"


def test_a_case_closed_later_updates_its_fact_instead_of_adding_one(team: Team) -> None:
    # given an imported open case
    _import(team, "zoho_cases", "zoho_cases.csv")
    # when the next export shows it closed
    data = connector_file("zoho_cases.csv").replace(b"Escalated", b"Closed")
    report = facts_import(actor=team.hr, origin=Origin.WEB, data=data, file_name="cases.csv", source="zoho-cases")
    # then the same fact now says resolved
    assert (report.imported, report.updated) == (0, 1)
    assert Fact.objects.get(external_id="zcrm_4876876000000201001").metric == "ticket_resolved"


def test_zoho_survey_scores_become_satisfaction_facts(team: Team) -> None:
    # when a Zoho Survey responses export is imported
    _import(team, "zoho_surveys", "zoho_surveys.csv")
    # then each response is a satisfaction score of the engineer, dated by submission
    assert [(n, m, str(d), v) for n, m, d, v, _, _ in _facts()] == [
        ("E1001", "satisfaction_score", "2025-03-15", 96.0),
        ("E1002", "satisfaction_score", "2025-03-18", 82.0),
    ]


def test_salesforce_opportunities_match_owner_email_or_the_owner_id_alias(team: Team) -> None:
    # given a Salesforce export (semicolons) whose last owner has no e-mail but a mapped OwnerId
    source = Source.objects.create(name="salesforce-opportunity", kind="salesforce_opportunity")
    owner_alias_set(
        actor=SYSTEM,
        origin=Origin.WEB,
        source=source,
        alias="0055g00000XyZ03AAB",
        employee=team.wang,
    )
    # when imported
    report = _import(team, "salesforce_opportunity", "salesforce_opportunity.csv")
    # then won and lost deals are facts of the right people; the open one is skipped
    assert [(n, m) for n, m, _, _, _, _ in _facts()] == [
        ("E1001", "opportunity_won"),
        ("E1002", "opportunity_lost"),
        ("E1003", "opportunity_won"),
    ]
    assert len(report.notes) == 1


def test_salesforce_cases_cut_timestamps_to_their_date(team: Team) -> None:
    # when a tab-separated Salesforce case export is imported
    _import(team, "salesforce_case", "salesforce_case.tsv")
    # then the cases are facts dated by CreatedDate
    assert [(n, m, str(d)) for n, m, d, _, _, _ in _facts()] == [
        ("E1001", "unresolved_customer", "2025-03-02"),
        ("E1002", "ticket_resolved", "2025-03-06"),
        ("E1003", "unresolved_customer", "2025-03-09"),
        ("E1003", "complaint", "2025-03-09"),
    ]


def test_ticket_export_counts_unresolved_issues_per_customer(team: Team) -> None:
    # when a Zendesk-style ticket export is imported
    _import(team, "tickets", "zendesk_tickets.csv")
    # then 张伟 has three unresolved tickets at two distinct customers
    unresolved = Fact.objects.filter(employee=team.zhang, metric="unresolved_customer")
    assert unresolved.count() == 3
    assert set(unresolved.values_list("customer_id", flat=True)) == {"华东银行", "江南制造"}
    assert Fact.objects.get(external_id="1202").metric == "ticket_resolved"


def test_jira_revisit_tasks_give_due_and_done_facts(team: Team) -> None:
    # given a Jira export whose assignees are display names mapped to employees
    source = Source.objects.create(name="jira", kind="jira")
    for name, employee in (("张伟", team.zhang), ("李娜", team.li)):
        owner_alias_set(
            actor=SYSTEM, origin=Origin.WEB, source=source, alias=name, employee=employee
        )
    # when imported
    report = facts_import(
        actor=team.hr, origin=Origin.WEB, data=connector_file("jira_issues.csv"), file_name="jira.csv", source="jira"
    )
    # then each revisit is due on its due date and done on its resolution date
    assert [(n, m, str(d), ext) for n, m, d, _, _, ext in _facts()] == [
        ("E1001", "revisit_done", "2025-03-10", "REV-101:done"),
        ("E1001", "revisit_due", "2025-03-15", "REV-101:due"),
        ("E1001", "revisit_due", "2025-03-20", "REV-102:due"),
    ]
    assert len(report.notes) == 1  # the delivery task is not a revisit


def test_survey_tool_reports_a_bad_score_by_line(team: Team) -> None:
    # when a survey export with a non-numeric score is imported all or nothing
    with pytest.raises(InputError) as raised:
        _import(team, "survey", "survey_responses.csv")
    # then the bad score is named by line and column, and nothing was written
    assert [str(problem) for problem in raised.value.problems] == [
        "survey_responses.csv:4: value: not a number: 'n/a'"
    ]
    assert not Fact.objects.exists()


def test_a_connector_export_without_a_required_column_says_which(team: Team) -> None:
    # given a deals export without its stage column
    data = connector_file("zoho_deals_gbk.csv").replace(b"Stage,", b"Phase,")
    Source.objects.create(name="zoho", kind="zoho_deals")
    # when imported
    with pytest.raises(InputError) as raised:
        facts_import(actor=SYSTEM, origin=Origin.WEB, data=data, file_name="deals.csv", source="zoho")
    # then the vendor column to map is named
    assert [str(problem) for problem in raised.value.problems] == [
        "deals.csv:1: Stage: required column is missing"
    ]


def test_every_connector_declares_the_metrics_and_columns_it_reads() -> None:
    # given the declared connectors
    # then each reads an owner and a date, documents its columns, and maps to known metrics
    known = {
        "unresolved_customer",
        "ticket_resolved",
        "complaint",
        "satisfaction_score",
        "revisit_due",
        "revisit_done",
        "opportunity_won",
        "opportunity_lost",
        "customer_health",
    }
    for connector in CONNECTORS.values():
        required, optional = slots_of(connector.kind)
        assert connector.owner in required
        assert set(connector.metrics) <= known
        assert set(required) <= set(connector.documented) | set(connector.assumed)
        assert not set(required) & set(optional)
    assert slots_of(GENERIC)[0] == ("employee_id", "metric", "occurred_on")


def test_gainsight_health_scores_become_customer_health_facts(team: Team) -> None:
    # when a Gainsight scorecard history export is imported
    _import(team, "gainsight_health", "gainsight_health.csv")
    # then each snapshot is a 0–100 health fact of the customer's CSM (higher is healthier)
    assert [(n, m, str(d), v, c) for n, m, d, v, c, _ in _facts()] == [
        ("E1001", "customer_health", "2025-03-31", 82.0, "华东银行"),
        ("E1002", "customer_health", "2025-03-31", 45.0, "申城证券"),
    ]


def test_churnzero_risk_is_inverted_so_health_always_reads_higher_is_better(team: Team) -> None:
    # given a ChurnZero export with a ChurnScore (higher healthier) and a churn risk
    # (higher riskier) on each row, one row without a ChurnScore
    report = _import(team, "churnzero_health", "churnzero_health.csv", partial=True)
    # then the score is kept, the risk becomes 100 − risk, each its own fact
    assert [(n, str(d), v, e) for n, _, d, v, _, e in _facts()] == [
        ("E1001", "2025-03-31", 70.0, "CZ-1:risk"),
        ("E1001", "2025-03-31", 76.0, "CZ-1:score"),
        ("E1003", "2025-03-31", 20.0, "CZ-2:risk"),
    ]
    assert report.summary_line().startswith("imported 3,")
