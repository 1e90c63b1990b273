"""The read-only SQL views for BI tools (Metabase, Superset, Excel over ODBC), one SQL text
per database vendor (PostgreSQL and SQLite).

- `kpilib_bi_facts`: the fact store, one row per fact, with the employee's number, name
  and (current) org unit; `attributes` is the fact's other columns as JSON text.
- `kpilib_bi_scorecard_lines`: the latest revision of every participant's scorecard in
  long form, one row per person × line (the JSON `Scorecard.lines` unnested).
- `kpilib_bi_indicators`: every published version of every indicator of the library.
- `kpilib_bi_org_units` and `kpilib_bi_employees`: the organisation tree and who works
  where, in which position, under which manager.

What they never show: user accounts, passwords, e-mail addresses, 360 nominations, forms
and answers, daily-report text, appeal text and the free-text reasons kept on scorecards
(interview notes, calibration, correction and manual-scoring reasons). The views are
organisation-wide: no per-viewer scope, so the database role that reads them is for
analysts whom HR trusts with every row (docs/deployment.md).

The migration `bi.0001_views` creates the views. Views pin the tables they read (SQLite
cannot rebuild such a table, PostgreSQL cannot alter a column a view uses), so every
`migrate` drops them first and creates them again at its end (`kpilib.bi.apps`), with the
grants they had on PostgreSQL; a change of the SQL here therefore needs no migration of
its own.
"""

from collections.abc import Callable

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

FACTS = "kpilib_bi_facts"
SCORECARD_LINES = "kpilib_bi_scorecard_lines"
INDICATORS = "kpilib_bi_indicators"
ORG_UNITS = "kpilib_bi_org_units"
EMPLOYEES = "kpilib_bi_employees"

#: Every view's columns, in order (docs/deployment.md lists them; tests hold them fixed).
COLUMNS: dict[str, tuple[str, ...]] = {
    FACTS: (
        "fact_id", "employee_id", "employee_name", "org_unit_id", "org_unit_name", "metric",
        "occurred_on", "value", "customer_id", "project_id", "source", "external_id",
        "attributes", "import_batch_id",
    ),
    SCORECARD_LINES: (
        "cycle_id", "cycle_name", "cycle_name_en", "period", "cycle_phase", "plan_code",
        "plan_revision", "employee_id", "employee_name", "org_unit_id", "org_unit_name",
        "scorecard_id", "revision", "scorecard_status", "total", "grade", "rank",
        "published", "published_at", "line_no", "indicator_code", "indicator_version",
        "name_zh_hans", "name_en", "value", "points", "max_points", "status",
    ),
    INDICATORS: (
        "indicator_code", "version", "is_latest", "indicator_status", "name_zh_hans",
        "name_en", "dimension_code", "dimension_name_zh_hans", "dimension_name_en",
        "dimension_layer", "direction", "leading_or_lagging", "data_source", "period",
        "published_at",
    ),
    ORG_UNITS: (
        "org_unit_id", "name", "name_en", "kind", "parent_org_unit_id", "parent_name",
        "path", "head_employee_id",
    ),
    EMPLOYEES: (
        "employee_id", "name", "org_unit_id", "org_unit_name", "org_unit_path",
        "position_code", "position_name_zh_hans", "position_name_en", "manager_employee_id",
        "manager_name", "region", "hire_date", "left_on",
    ),
}

VENDORS = ("postgresql", "sqlite")


def _text(vendor: str, column: str, *path: str) -> str:
    """A JSON member as text: `definition -> 'name' ->> 'en'` or `json_extract(…, '$.name.en')`."""
    if vendor == "postgresql":
        head = "".join(f" -> '{key}'" for key in path[:-1])
        return f"({column}{head} ->> '{path[-1]}')"
    keys = ".".join(f'"{key}"' for key in path)
    return f"json_extract({column}, '$.{keys}')"


def _number(vendor: str, column: str, key: str, sql_type: str) -> str:
    if vendor == "postgresql":
        pg_type = {"REAL": "double precision", "INTEGER": "integer"}[sql_type]
        return f"({column} ->> '{key}')::{pg_type}"
    return f"CAST(json_extract({column}, '$.{key}') AS {sql_type})"


def _facts(vendor: str) -> str:
    attributes = "f.attributes::text" if vendor == "postgresql" else "f.attributes"
    return f"""
SELECT f.id AS fact_id, e.employee_id AS employee_id, e.name AS employee_name,
       u.id AS org_unit_id, u.name AS org_unit_name, f.metric AS metric,
       f.occurred_on AS occurred_on, f.value AS value, f.customer_id AS customer_id,
       f.project_id AS project_id, f.source AS source, f.external_id AS external_id,
       {attributes} AS attributes, f.batch_id AS import_batch_id
FROM ingest_fact f
JOIN org_employee e ON e.id = f.employee_id
JOIN org_orgunit u ON u.id = e.org_unit_id"""


def _scorecard_lines(vendor: str) -> str:
    if vendor == "postgresql":
        unnest = (
            "CROSS JOIN LATERAL jsonb_array_elements(s.lines) WITH ORDINALITY AS line(item, n)"
        )
        item, line_no = "line.item", "line.n"
    else:
        unnest = "JOIN json_each(s.lines) AS line"
        item, line_no = "line.value", "line.key + 1"
    return f"""
SELECT c.id AS cycle_id, c.name AS cycle_name, c.name_en AS cycle_name_en,
       c.period AS period, c.phase AS cycle_phase, p.code AS plan_code,
       r.number AS plan_revision, e.employee_id AS employee_id, e.name AS employee_name,
       u.id AS org_unit_id, u.name AS org_unit_name, s.id AS scorecard_id,
       s.revision AS revision, s.status AS scorecard_status, s.total AS total,
       COALESCE(NULLIF(s.corrected_grade, ''), NULLIF(s.calibrated_grade, ''), s.grade)
           AS grade,
       s.rank AS rank, (s.published_at IS NOT NULL) AS published,
       s.published_at AS published_at, {line_no} AS line_no,
       {_text(vendor, item, "code")} AS indicator_code,
       {_number(vendor, item, "version", "INTEGER")} AS indicator_version,
       {_text(vendor, item, "name_zh_hans")} AS name_zh_hans,
       {_text(vendor, item, "name_en")} AS name_en,
       {_number(vendor, item, "value", "REAL")} AS value,
       {_number(vendor, item, "points", "REAL")} AS points,
       {_number(vendor, item, "max_points", "REAL")} AS max_points,
       {_text(vendor, item, "status")} AS status
FROM appraisal_scorecard s
JOIN appraisal_participant pa ON pa.id = s.participant_id
JOIN appraisal_cycle c ON c.id = pa.cycle_id
JOIN plans_plan p ON p.id = c.plan_id
JOIN plans_planrevision r ON r.id = c.revision_id
JOIN org_employee e ON e.id = pa.employee_id
JOIN org_orgunit u ON u.id = e.org_unit_id
{unnest}
WHERE NOT EXISTS (
    SELECT 1 FROM appraisal_scorecard later
    WHERE later.participant_id = s.participant_id AND later.revision > s.revision
)"""


def _indicators(vendor: str) -> str:
    definition = "v.definition"
    return f"""
SELECT i.code AS indicator_code, v.number AS version,
       (v.number = (SELECT MAX(w.number) FROM library_indicatorversion w
                    WHERE w.indicator_id = v.indicator_id)) AS is_latest,
       i.status AS indicator_status,
       {_text(vendor, definition, "name", "zh-Hans")} AS name_zh_hans,
       {_text(vendor, definition, "name", "en")} AS name_en,
       {_text(vendor, definition, "dimension")} AS dimension_code,
       d.name_zh_hans AS dimension_name_zh_hans, d.name_en AS dimension_name_en,
       d.layer AS dimension_layer,
       {_text(vendor, definition, "direction")} AS direction,
       {_text(vendor, definition, "leading_or_lagging")} AS leading_or_lagging,
       {_text(vendor, definition, "data_source")} AS data_source,
       {_text(vendor, definition, "period")} AS period,
       v.published_at AS published_at
FROM library_indicatorversion v
JOIN library_indicator i ON i.id = v.indicator_id
LEFT JOIN library_dimension d ON d.code = {_text(vendor, definition, "dimension")}"""


def _org_units(vendor: str) -> str:
    return """
SELECT u.id AS org_unit_id, u.name AS name, u.name_en AS name_en, u.kind AS kind,
       u.parent_id AS parent_org_unit_id, parent.name AS parent_name, u.path AS path,
       head.employee_id AS head_employee_id
FROM org_orgunit u
LEFT JOIN org_orgunit parent ON parent.id = u.parent_id
LEFT JOIN org_employee head ON head.id = u.head_id"""


def _employees(vendor: str) -> str:
    return """
SELECT e.employee_id AS employee_id, e.name AS name, u.id AS org_unit_id,
       u.name AS org_unit_name, u.path AS org_unit_path, pos.code AS position_code,
       pos.name_zh_hans AS position_name_zh_hans, pos.name_en AS position_name_en,
       m.employee_id AS manager_employee_id, m.name AS manager_name, e.region AS region,
       e.hire_date AS hire_date, e.left_on AS left_on
FROM org_employee e
JOIN org_orgunit u ON u.id = e.org_unit_id
JOIN org_position pos ON pos.id = e.position_id
LEFT JOIN org_employee m ON m.id = e.manager_id"""


SQL: dict[str, Callable[[str], str]] = {
    FACTS: _facts,
    SCORECARD_LINES: _scorecard_lines,
    INDICATORS: _indicators,
    ORG_UNITS: _org_units,
    EMPLOYEES: _employees,
}


def view_sql(name: str, vendor: str) -> str:
    """The SELECT behind view `name` on `vendor` (postgresql or sqlite)."""
    return SQL[name](vendor).strip()


Grant = tuple[str, str, str]  # view, privilege, grantee (PUBLIC or a role)


def _grants(connection: BaseDatabaseWrapper) -> list[Grant]:
    """Who may read the views besides their owner (PostgreSQL): kept across a re-creation,
    so the read-only role of docs/deployment.md keeps its SELECT after every `migrate`."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
SELECT c.relname, a.privilege_type, COALESCE(r.rolname, 'PUBLIC')
FROM pg_class c
CROSS JOIN LATERAL aclexplode(c.relacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE c.relkind = 'v' AND c.relname = ANY(%s) AND a.grantee <> c.relowner
  AND c.relnamespace = to_regnamespace(current_schema())
ORDER BY 1, 2, 3""",
            [list(SQL)],
        )
        return [(view, privilege, grantee) for view, privilege, grantee in cursor.fetchall()]


def _grant(connection: BaseDatabaseWrapper, grants: list[Grant]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for view, privilege, grantee in grants:
            to = "PUBLIC" if grantee == "PUBLIC" else quote(grantee)
            cursor.execute(f"GRANT {privilege} ON {quote(view)} TO {to}")


def drop(connection: BaseDatabaseWrapper) -> list[Grant]:
    """Drop every kpilib_bi_* view that exists; returns the grants they had."""
    if connection.vendor not in VENDORS:
        return []
    grants = _grants(connection)
    with connection.cursor() as cursor:
        for name in reversed(SQL):
            cursor.execute(f"DROP VIEW IF EXISTS {name}")
    return grants


def create(connection: BaseDatabaseWrapper, grants: list[Grant] | None = None) -> None:
    """(Re)create every view with the grants it had (or `grants`); other databases than
    PostgreSQL and SQLite get none."""
    if connection.vendor not in VENDORS:
        return
    kept = drop(connection)
    with connection.cursor() as cursor:
        for name in SQL:
            cursor.execute(f"CREATE VIEW {name} AS {view_sql(name, connection.vendor)}")
    _grant(connection, sorted(set(kept) | set(grants or [])))


#: Database aliases with a `migrate` under way (the views wait for its end), with the
#: grants the views had at its start.
_migrating: dict[str, list[Grant]] = {}


def migrating(alias: str) -> bool:
    return alias in _migrating


def migrate_started(alias: str) -> None:
    from django.db import connections

    _migrating[alias] = drop(connections[alias])


def migrate_finished(alias: str) -> None:
    """At the end of `migrate` (and of a test's flush): the views again, when the BI
    migration is applied."""
    from django.db import connections

    grants = _migrating.pop(alias, [])
    connection = connections[alias]
    recorder = MigrationRecorder(connection)
    if recorder.has_table() and any(app == "bi" for app, _ in recorder.applied_migrations()):
        create(connection, grants)
