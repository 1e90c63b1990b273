"""Moving facts between Polars frames and the fact table in bulk, without ORM objects per row.

A million facts must import in seconds, so the fact table is written and read set-based,
one statement per chunk, in whatever transaction the caller holds:

- `classified(facts)`: joins a chunk with the stored facts of the same (source,
  external_id), one query per source in the chunk (PostgreSQL `= ANY(array)`, SQLite
  `json_each`), and labels each row `new`, `updated` or `unchanged` (every stored field
  compared; attributes compared as JSON, since PostgreSQL normalises `jsonb` text).
- `insert(facts, batch_id)`: PostgreSQL `COPY … FROM STDIN (FORMAT csv)` of the CSV that
  Polars writes; SQLite `executemany` (faster than `bulk_create`, which builds a model
  instance per row).
- `update(facts, batch_id)`: one `executemany` UPDATE by id.
- `window(...)`: the facts of a date window as the engine's typed fact frame (PostgreSQL
  `COPY (SELECT …) TO STDOUT`, SQLite one cursor fetch).
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection
from datetime import date

import polars as pl
from django.db import connection

from kpilib.ingest.models import Fact
from kpilib.ingest.pipeline import EMPLOYEE_PK
from kpilib.org.models import Employee

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
CHANGE = "change"
FACT_ID = "fact_id"
TEXT_COLUMNS = ("customer_id", "project_id", "source", "external_id")
_WRITTEN = (
    "employee_id",
    "metric",
    "occurred_on",
    "value",
    "customer_id",
    "project_id",
    "source",
    "external_id",
    "attributes",
    "batch_id",
    "line",
)
_OLD = {
    "external_id": pl.String,
    FACT_ID: pl.Int64,
    "old_employee_pk": pl.Int64,
    "old_metric": pl.String,
    "old_occurred_on": pl.Date,
    "old_value": pl.Float64,
    "old_customer_id": pl.String,
    "old_project_id": pl.String,
    "old_attributes": pl.String,
}


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _table() -> str:
    return Fact._meta.db_table


def _existing_rows(source: str, external_ids: list[str]) -> list[tuple[object, ...]]:
    select = (
        "SELECT external_id, id, employee_id, metric, occurred_on, value, customer_id, project_id, "
        "{attributes} FROM {table} WHERE source = %s AND external_id {match}"
    )
    if _is_postgres():
        sql = select.format(
            attributes="attributes::text",
            table=_table(),
            match="= ANY(%s)",
        )
        params: list[object] = [source, external_ids]
    else:
        sql = select.format(
            attributes="attributes",
            table=_table(),
            match="IN (SELECT value FROM json_each(%s))",
        )
        params = [source, json.dumps(external_ids)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sources_with_facts(sources: Collection[str]) -> set[str]:
    """Which of these sources have stored facts (the others need no look-up at all)."""
    return set(
        Fact.objects.filter(source__in=list(sources)).values_list("source", flat=True).distinct()
    )


def classified(
    facts: pl.DataFrame, *, stored_sources: Collection[str] | None = None
) -> pl.DataFrame:
    """The chunk with `fact_id` (stored twin, if any) and `change`: new/updated/unchanged.

    `stored_sources`, when given, lists the only sources that may have stored twins: rows
    of other sources are new without a query (a first import of a source).
    """
    parts = []
    for (source,), group in facts.group_by("source", maintain_order=True):
        if stored_sources is not None and source not in stored_sources:
            rows: list[tuple[object, ...]] = []
        else:
            rows = _existing_rows(str(source), group.get_column("external_id").to_list())
        old = pl.DataFrame(rows, schema=_OLD, orient="row")
        parts.append(group.join(old, on="external_id", how="left", maintain_order="left"))
    joined = (
        pl.concat(parts)
        if parts
        else facts.with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in _OLD.items()
            if name != "external_id"
        )
    )
    same_fields = (
        (pl.col(EMPLOYEE_PK) == pl.col("old_employee_pk"))
        & (pl.col("metric") == pl.col("old_metric"))
        & (pl.col("occurred_on") == pl.col("old_occurred_on"))
        & (pl.col("value") == pl.col("old_value"))
        & (pl.col("customer_id") == pl.col("old_customer_id"))
        & (pl.col("project_id") == pl.col("old_project_id"))
    )
    joined = joined.with_columns(
        (same_fields & (pl.col("attributes") == pl.col("old_attributes"))).alias("__same__"),
        same_fields.alias("__same_fields__"),
    )
    unsure = joined.select(
        pl.col("__same_fields__") & ~pl.col("__same__") & pl.col(FACT_ID).is_not_null()
    ).to_series()
    if unsure.any():
        pairs = joined.filter(unsure).select("attributes", "old_attributes").iter_rows()
        equal = pl.Series([json.loads(new) == json.loads(old) for new, old in pairs])
        same = joined.get_column("__same__").scatter(unsure.arg_true(), equal)
        joined = joined.with_columns(same.alias("__same__"))
    return joined.with_columns(
        pl.when(pl.col(FACT_ID).is_null())
        .then(pl.lit(NEW))
        .when(pl.col("__same__"))
        .then(pl.lit(UNCHANGED))
        .otherwise(pl.lit(UPDATED))
        .alias(CHANGE)
    ).drop("__same__", "__same_fields__")


def _written(facts: pl.DataFrame, batch_id: int | None) -> pl.DataFrame:
    return facts.select(
        pl.col(EMPLOYEE_PK).alias("employee_id"),
        pl.col("metric"),
        pl.col("occurred_on"),
        pl.col("value"),
        pl.col("customer_id"),
        pl.col("project_id"),
        pl.col("source"),
        pl.col("external_id"),
        pl.col("attributes"),
        pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
        pl.col("line").cast(pl.Int64),
    )


def insert(facts: pl.DataFrame, *, batch_id: int | None) -> None:
    """Insert new facts (columns as `pipeline.STORED`)."""
    if facts.is_empty():
        return
    rows = _written(facts, batch_id)
    columns = ", ".join(_WRITTEN)
    with connection.cursor() as cursor:
        if _is_postgres():
            buffer = io.BytesIO()
            rows.write_csv(buffer, include_header=False)
            with cursor.copy(f"COPY {_table()} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getbuffer())
        else:
            placeholders = ", ".join(["%s"] * len(_WRITTEN))
            cursor.executemany(
                f"INSERT INTO {_table()} ({columns}) VALUES ({placeholders})",
                rows.with_columns(pl.col("occurred_on").dt.strftime("%Y-%m-%d")).rows(),
            )


def update(facts: pl.DataFrame, *, batch_id: int | None) -> None:
    """Overwrite stored facts (by `fact_id`) with the chunk's values and provenance."""
    if facts.is_empty():
        return
    rows = (
        _written(facts, batch_id)
        .drop("source", "external_id")
        .with_columns(pl.col("occurred_on").dt.strftime("%Y-%m-%d"), facts.get_column(FACT_ID))
    )
    attributes = "%s::jsonb" if _is_postgres() else "%s"
    sql = (
        f"UPDATE {_table()} SET employee_id = %s, metric = %s, occurred_on = %s, value = %s, "
        f"customer_id = %s, project_id = %s, attributes = {attributes}, batch_id = %s, "
        "line = %s WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows.rows())


FRAME_SCHEMA = {
    "employee_id": pl.String,
    "metric": pl.String,
    "occurred_on": pl.Date,
    "value": pl.Float64,
    "customer_id": pl.String,
    "project_id": pl.String,
    "source": pl.String,
    "external_id": pl.String,
}


def window(
    *,
    employee_ids: Collection[str] | None,
    start: date,
    end: date,
    attributes: Collection[str] = (),
    metrics: Collection[str] | None = None,
) -> pl.DataFrame:
    """Facts with `start <= occurred_on <= end` (of the listed employee numbers, or all;
    of the listed metrics, or all), in the columns of `engine.facts.typed_facts`, plus the
    named `attributes` that are not among those columns; blank ids are null as in a file."""
    attributes = sorted(set(attributes) - set(FRAME_SCHEMA))
    postgres = _is_postgres()
    extra = [
        "f.attributes ->> %s" if postgres else "json_extract(f.attributes, %s)" for _ in attributes
    ]
    params: list[object] = [name if postgres else f'$."{name}"' for name in attributes]
    sql = (
        "SELECT e.employee_id, f.metric, f.occurred_on, f.value, f.customer_id, f.project_id, "
        f"f.source, f.external_id{''.join(', ' + column for column in extra)} "
        f"FROM {_table()} f JOIN {Employee._meta.db_table} e ON e.id = f.employee_id "
        "WHERE f.occurred_on >= %s AND f.occurred_on <= %s"
    )
    params += [start.isoformat(), end.isoformat()]
    if employee_ids is not None:
        numbers = sorted(set(employee_ids))
        if postgres:
            sql += " AND e.employee_id = ANY(%s)"
            params.append(numbers)
        else:
            sql += " AND e.employee_id IN (SELECT j.value FROM json_each(%s) AS j)"
            params.append(json.dumps(numbers))
    if metrics is not None:
        if postgres:
            sql += " AND f.metric = ANY(%s)"
            params.append(sorted(set(metrics)))
        else:
            sql += " AND f.metric IN (SELECT m.value FROM json_each(%s) AS m)"
            params.append(json.dumps(sorted(set(metrics))))
    sql += " ORDER BY f.occurred_on, f.id"
    schema = {**FRAME_SCHEMA, **dict.fromkeys(attributes, pl.String)}
    with connection.cursor() as cursor:
        if postgres:
            buffer = io.BytesIO()
            with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                for block in copy:
                    buffer.write(block)
            table = pl.read_csv(
                buffer.getvalue(), has_header=False, new_columns=list(schema), schema=schema
            )
        else:
            cursor.execute(sql, params)
            table = pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")
    blank_is_null = [
        pl.when(pl.col(column) != "").then(pl.col(column)).alias(column)
        for column in (*TEXT_COLUMNS, *attributes)
    ]
    return table.with_columns(blank_is_null)
