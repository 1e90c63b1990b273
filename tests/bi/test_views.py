"""The kpilib_bi_* views (issue 15, item 6): created by the migration on SQLite and
PostgreSQL, equal to what the ORM holds, and never a column of 360 answers, daily-report
text, appeals or reasons."""

import datetime

import pytest
from django.db import ProgrammingError, connection, models
from django.db.migrations.executor import MigrationExecutor

from kpilib.appraisal.models import Appeal, Scorecard
from kpilib.bi import views
from kpilib.ingest.models import Fact
from kpilib.library.models import IndicatorVersion
from kpilib.org.models import Employee, OrgUnit
from tests.appraisal_fixtures import TODAY
from tests.bi.conftest import BiWorld, columns, rows

pytestmark = pytest.mark.today(TODAY)
MOMENT = datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=datetime.UTC)

EXPECTED_COLUMNS = {
    "kpilib_bi_facts": [
        "fact_id", "employee_id", "employee_name", "org_unit_id", "org_unit_name", "metric",
        "occurred_on", "value", "customer_id", "project_id", "source", "external_id",
        "attributes", "import_batch_id",
    ],
    "kpilib_bi_scorecard_lines": [
        "cycle_id", "cycle_name", "cycle_name_en", "period", "cycle_phase", "plan_code",
        "plan_revision", "employee_id", "employee_name", "org_unit_id", "org_unit_name",
        "scorecard_id", "revision", "scorecard_status", "total", "grade", "rank",
        "published", "published_at", "line_no", "indicator_code", "indicator_version",
        "name_zh_hans", "name_en", "value", "points", "max_points", "status",
    ],
    "kpilib_bi_indicators": [
        "indicator_code", "version", "is_latest", "indicator_status", "name_zh_hans",
        "name_en", "dimension_code", "dimension_name_zh_hans", "dimension_name_en",
        "dimension_layer", "direction", "leading_or_lagging", "data_source", "period",
        "published_at",
    ],
    "kpilib_bi_org_units": [
        "org_unit_id", "name", "name_en", "kind", "parent_org_unit_id", "parent_name",
        "path", "head_employee_id",
    ],
    "kpilib_bi_employees": [
        "employee_id", "name", "org_unit_id", "org_unit_name", "org_unit_path",
        "position_code", "position_name_zh_hans", "position_name_en", "manager_employee_id",
        "manager_name", "region", "hire_date", "left_on",
    ],
}

#: Words no BI column may carry: accounts, contact data, free text of people about people.
FORBIDDEN = (
    "email", "password", "user", "answer", "nomination", "rater", "response", "comment",
    "text", "reason", "note", "appeal", "self_assessment", "interview", "explanation",
)


def test_every_view_has_exactly_its_documented_columns(bi_world: BiWorld) -> None:
    assert set(EXPECTED_COLUMNS) == set(views.COLUMNS)
    for view, expected in EXPECTED_COLUMNS.items():
        assert columns(view) == expected, view
        assert list(views.COLUMNS[view]) == expected, view


def test_no_column_is_free_text_or_an_account() -> None:
    for view, names in EXPECTED_COLUMNS.items():
        for name in names:
            assert not any(word in name for word in FORBIDDEN), (view, name)


def test_facts_view_equals_the_fact_store(bi_world: BiWorld) -> None:
    facts = Fact.objects.select_related("employee__org_unit").order_by("id")
    found = rows(views.FACTS, "fact_id")
    assert len(found) == facts.count() > 0
    for fact, row in zip(facts, found, strict=True):
        assert row["fact_id"] == fact.pk
        assert row["employee_id"] == fact.employee.employee_id
        assert row["employee_name"] == fact.employee.name
        assert row["org_unit_name"] == fact.employee.org_unit.name
        assert (row["metric"], row["value"], row["source"]) == (fact.metric, fact.value, fact.source)
        assert str(row["occurred_on"]) == fact.occurred_on.isoformat()
        assert row["customer_id"] == fact.customer_id
    # the peer's unresolved customers keep their customer ids
    assert {r["customer_id"] for r in found if r["metric"] == "unresolved_customer"} == {"C1", "C2"}


def test_facts_attributes_are_json_text(bi_world: BiWorld) -> None:
    import json

    fact = Fact.objects.first()
    assert fact is not None
    fact.attributes = {"Stage": "赢单", "Amount": "12"}
    fact.save()
    row = next(r for r in rows(views.FACTS) if r["fact_id"] == fact.pk)
    assert json.loads(row["attributes"]) == {"Stage": "赢单", "Amount": "12"}


def test_scorecard_lines_are_the_latest_revisions_lines(bi_world: BiWorld) -> None:
    cards = {
        card.participant.employee.employee_id: card
        for card in Scorecard.objects.filter(participant__cycle=bi_world.cycle).select_related(
            "participant__employee"
        )
    }
    assert cards
    # when 张三's scorecard gets a second revision with other points
    engineer = bi_world.world.org.engineer
    first = cards[engineer.employee_id]
    second_lines = [{**line, "points": 1.0} for line in first.lines]
    second = Scorecard.objects.create(
        participant=first.participant, revision=2, lines=second_lines, total=6.0,
        grade="D", computed_at=MOMENT, published_at=MOMENT,
    )
    cards[engineer.employee_id] = second
    found = rows(views.SCORECARD_LINES, "employee_id, line_no")
    # then the view has one row per person × line, of the latest revision only
    assert len(found) == sum(len(card.lines) for card in cards.values())
    for row in found:
        card = cards[row["employee_id"]]
        line = card.lines[row["line_no"] - 1]
        assert row["scorecard_id"] == card.pk
        assert row["revision"] == card.revision
        assert row["indicator_code"] == line["code"]
        assert row["indicator_version"] == line["version"]
        assert (row["name_zh_hans"], row["name_en"]) == (line["name_zh_hans"], line["name_en"])
        assert row["value"] == line["value"]
        assert row["points"] == line["points"]
        assert row["max_points"] == line["max_points"]
        assert row["status"] == line["status"]
        assert bool(row["published"]) == (card.published_at is not None)
        assert row["period"] == "2026-Q3"
        assert row["cycle_id"] == bi_world.cycle.pk
        assert row["plan_code"] == "pe-2026"
        assert row["total"] == card.total
    assert {r["points"] for r in found if r["employee_id"] == engineer.employee_id} == {1.0}
    codes = [r["indicator_code"] for r in found if r["employee_id"] == engineer.employee_id]
    assert "tech_resolution" in codes


def test_indicators_view_lists_every_published_version(bi_world: BiWorld) -> None:
    found = rows(views.INDICATORS)
    versions = IndicatorVersion.objects.select_related("indicator")
    assert len(found) == versions.count() > 0
    by_code = {(r["indicator_code"], r["version"]): r for r in found}
    for version in versions:
        row = by_code[(version.indicator.code, version.number)]
        assert row["name_zh_hans"] == version.definition["name"]["zh-Hans"]
        assert row["name_en"] == version.definition["name"]["en"]
        assert row["dimension_code"] == version.definition["dimension"]
        assert row["direction"] == version.definition.get("direction")
    tech = by_code[("tech_resolution", 1)]
    assert (tech["dimension_code"], tech["direction"], tech["leading_or_lagging"], tech["data_source"]) == (
        "customer_value", "lower_better", "lagging", "project_tool"
    )
    assert tech["dimension_name_en"]
    assert bool(tech["is_latest"])


def test_org_views_equal_the_org(bi_world: BiWorld) -> None:
    org = bi_world.world.org
    units = {r["org_unit_id"]: r for r in rows(views.ORG_UNITS)}
    assert set(units) == set(OrgUnit.objects.values_list("pk", flat=True))
    team = units[org.team_a.pk]
    assert (team["parent_org_unit_id"], team["parent_name"], team["path"]) == (
        org.east.pk, "华东", OrgUnit.objects.get(pk=org.team_a.pk).path
    )
    assert team["head_employee_id"] == org.manager.employee_id
    people = {r["employee_id"]: r for r in rows(views.EMPLOYEES)}
    assert set(people) == set(Employee.objects.values_list("employee_id", flat=True))
    engineer = people[org.engineer.employee_id]
    assert (engineer["name"], engineer["org_unit_name"], engineer["manager_employee_id"]) == (
        "张三", "华东售前一组", org.manager.employee_id
    )
    assert engineer["position_code"] == "presales-engineer"


def test_no_view_shows_reasons_appeals_or_e_mail(bi_world: BiWorld) -> None:
    # given free text on a scorecard, an appeal and an e-mail address
    card = Scorecard.objects.filter(participant__cycle=bi_world.cycle).first()
    assert card is not None
    card.calibration_reason = "SECRET calibration"
    card.manual_reason = "SECRET manual"
    card.save()
    Appeal.objects.create(scorecard=card, text="SECRET appeal")
    Employee.objects.filter(pk=bi_world.world.org.engineer.pk).update(email="secret@example.com")
    # then no view's row carries any of it
    for view in views.COLUMNS:
        for row in rows(view):
            for value in row.values():
                assert "SECRET" not in str(value), view
                assert "secret@" not in str(value), view


@pytest.mark.django_db(transaction=True)
def test_the_migration_creates_and_drops_the_views() -> None:
    def present() -> set[str]:
        names = set(connection.introspection.table_names(include_views=True))
        return names & set(views.COLUMNS)

    assert present() == set(views.COLUMNS)
    executor = MigrationExecutor(connection)
    executor.migrate([("bi", None)])
    assert present() == set()
    executor = MigrationExecutor(connection)
    executor.migrate([("bi", "0001_views")])
    assert present() == set(views.COLUMNS)
    # and each view answers
    for view in views.COLUMNS:
        assert rows(view) == []


@pytest.mark.django_db(transaction=True)
def test_a_later_migration_may_rebuild_a_table_the_views_read() -> None:
    # given a migration run (the views are dropped at its start, kpilib.bi.apps)
    views.migrate_started(connection.alias)
    try:
        assert not set(connection.introspection.table_names(include_views=True)) & set(views.COLUMNS)
        # when it alters a column a view reads (SQLite rebuilds the table; PostgreSQL
        # refuses to alter a column a view uses)
        old = Fact._meta.get_field("metric")
        new = models.CharField(max_length=80)
        new.set_attributes_from_name("metric")
        new.model = Fact
        with connection.schema_editor() as editor:
            editor.alter_field(Fact, old, new)
            editor.alter_field(Fact, new, old)
    finally:
        views.migrate_finished(connection.alias)
    # then the views are back at its end
    assert set(connection.introspection.table_names(include_views=True)) >= set(views.COLUMNS)


@pytest.mark.django_db(transaction=True)
def test_a_read_only_role_keeps_its_grants_across_migrate() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    role = f"kpilib_bi_probe_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'GRANT SELECT ON kpilib_bi_facts TO "{role}"')
        # when a migrate runs (the views are dropped and created again)
        views.migrate_started(connection.alias)
        views.migrate_finished(connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(%s, 'kpilib_bi_facts', 'SELECT'),"
                " has_table_privilege(%s, 'kpilib_bi_employees', 'SELECT'),"
                " has_table_privilege(%s, 'ingest_fact', 'SELECT')",
                [role, role, role],
            )
            # then the role still reads the facts view, and nothing it was not given
            assert cursor.fetchone() == (True, False, False)
            # and as that role, the view answers while its table refuses
            cursor.execute(f'SET ROLE "{role}"')
            try:
                cursor.execute("SELECT count(*) FROM kpilib_bi_facts")
                assert cursor.fetchone() == (0,)
                with pytest.raises(ProgrammingError, match="permission denied"):
                    cursor.execute("SELECT count(*) FROM ingest_fact")
            finally:
                cursor.execute("RESET ROLE")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
