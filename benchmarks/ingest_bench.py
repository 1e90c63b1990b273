"""Ingestion benchmark (issue 4): `kpilib import facts` against a bare bulk write of the same rows.

Run from the repository root:

    .venv/bin/python benchmarks/ingest_bench.py run

1. Data: the first `--facts` (default 1,000,000) facts of the scoring benchmark's demo data
   (5,000 engineers, 2025; generated once with `kpilib demo-data` when missing), and its
   employees, under `benchmarks/data/ingest-<N>/`.
2. For SQLite (a fresh database file) and PostgreSQL (a scratch database, when `--postgres`
   answers), each as a whole child process, start-up included:
   - setup, not timed: `kpilib manage migrate`, `kpilib import employees`;
   - `kpilib import facts facts.csv --source bench`: read, check (engine), match owners,
     derive nothing (every row has an id), classify against stored facts, write;
   - the same command again: re-importing unchanged data (every row compared, none written);
   - the reference, on a second fresh database with the same schema and employees: the
     same rows, already resolved to employee ids and laid out as the fact table (prepared
     untimed), written with `executemany` (SQLite, in one transaction, the same pragmas
     as kpilib) or `COPY … FROM STDIN (FORMAT csv)` (PostgreSQL). No checking at all.
3. Wall time from the parent's clock, peak resident memory from the child's rusage
   (`os.wait4`). Every database must hold exactly N facts afterwards. Target: the import
   within 3× the reference's wall time. Results: `benchmarks/results/ingest_bench.{md,json}`.
"""

import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
DEMO = BENCHMARKS / "data" / "demo-5000x12-seed42-2025-01"
KPILIB = (sys.executable, "-m", "kpilib.cli.main")
DEMO_ARGUMENTS = ("--engineers", "5000", "--months", "12", "--seed", "42", "--start", "2025-01")
TARGET_VS_REFERENCE = 3.0
FACT_COLUMNS = (
    "employee_id, metric, occurred_on, value, customer_id, project_id, source, external_id, "
    "attributes, batch_id, line"
)


@dataclass(frozen=True)
class Measurement:
    """One step on one database: wall time, peak memory, rows per second."""

    database: str
    step: str
    rows: int
    wall_seconds: float
    peak_memory_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.wall_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(required=True)
    run = modes.add_parser("run", help="prepare data, measure, compare")
    run.add_argument("--facts", type=int, default=1_000_000)
    run.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    run.add_argument("--work-dir", type=Path, default=BENCHMARKS / "data" / "ingest-work")
    run.add_argument("--results-dir", type=Path, default=BENCHMARKS / "results")
    run.set_defaults(handler=_run)
    reference = modes.add_parser("reference", help="write prepared rows with a bare bulk write")
    reference.add_argument("--rows", type=Path, required=True)
    reference.add_argument("--sqlite", type=Path)
    reference.add_argument("--postgres")
    reference.set_defaults(handler=_reference)
    arguments = parser.parse_args()
    arguments.handler(arguments)


# --- the reference writers -----------------------------------------------------------


def _reference(arguments: argparse.Namespace) -> None:
    if arguments.sqlite:
        connection = sqlite3.connect(arguments.sqlite)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        with arguments.rows.open(newline="", encoding="utf-8") as file:
            rows = ([cell if cell != "" else None for cell in row] for row in csv.reader(file))
            placeholders = ", ".join("?" * len(FACT_COLUMNS.split(",")))
            with connection:
                connection.executemany(
                    f"INSERT INTO ingest_fact ({FACT_COLUMNS}) VALUES ({placeholders})",
                    ([row[0], *row[1:4], row[4] or "", row[5] or "", *row[6:]] for row in rows),
                )
        connection.close()
        return
    import psycopg

    copy_sql = f"COPY ingest_fact ({FACT_COLUMNS}) FROM STDIN (FORMAT csv)"
    with (
        psycopg.connect(arguments.postgres) as connection,
        connection.cursor() as cursor,
        cursor.copy(copy_sql) as copy,
        arguments.rows.open("rb") as file,
    ):
        while block := file.read(1 << 20):
            copy.write(block)


# --- the run ---------------------------------------------------------------------------


def _run(arguments: argparse.Namespace) -> None:
    data = _prepare_data(arguments.facts)
    work: Path = arguments.work_dir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    measurements: list[Measurement] = []
    databases = {"SQLite": _sqlite_env(work)}
    if _postgres_answers(arguments.postgres):
        databases["PostgreSQL"] = _postgres_env(work, arguments.postgres)
    else:
        print(f"PostgreSQL does not answer at {arguments.postgres}: measured on SQLite only")
    for database, make_env in databases.items():
        env = make_env("import")
        _setup(env, data)
        for step in ("import (new facts)", "re-import (unchanged)"):
            measured = _measure(
                [*KPILIB, "import", "facts", str(data / "facts.csv"), "--source", "bench"],
                env,
            )
            measurements.append(Measurement(database, step, arguments.facts, *measured))
        _check_count(database, env, arguments.facts)
        reference_env = make_env("reference")
        _setup(reference_env, data)
        rows = _prepared_rows(data, reference_env, work / f"{database}-rows.csv")
        target = (
            ["--sqlite", str(Path(reference_env["KPILIB_DATA_DIR"]) / "kpilib.sqlite3")]
            if database == "SQLite"
            else ["--postgres", reference_env["DATABASE_URL"]]
        )
        measured = _measure(
            [sys.executable, str(Path(__file__)), "reference", "--rows", str(rows), *target],
            reference_env,
        )
        reference_step = "reference (executemany)" if database == "SQLite" else "reference (COPY)"
        measurements.append(Measurement(database, reference_step, arguments.facts, *measured))
        _check_count(database, reference_env, arguments.facts)
    _report(measurements, arguments.results_dir, arguments.facts)


def _prepare_data(count: int) -> Path:
    folder = BENCHMARKS / "data" / f"ingest-{count}"
    if (folder / "facts.csv").exists():
        return folder
    if not (DEMO / "facts.csv").exists():
        subprocess.run(
            [*KPILIB, "demo-data", *DEMO_ARGUMENTS, "--output-dir", str(DEMO)],
            check=True,
        )
    folder.mkdir(parents=True, exist_ok=True)
    pl.read_csv(DEMO / "facts.csv", n_rows=count, infer_schema=False).write_csv(
        folder / "facts.csv"
    )
    shutil.copy(DEMO / "employees.csv", folder / "employees.csv")
    return folder


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kpilib.config.settings.base",
        "DEBUG": "true",
        "KPILIB_DATA_DIR": str(data_dir),
    }
    env.pop("DATABASE_URL", None)
    return env


def _sqlite_env(work: Path) -> Callable[[str], dict[str, str]]:
    return lambda role: _base_env(work / f"sqlite-{role}")


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return False
    return True


def _postgres_env(work: Path, admin_url: str) -> Callable[[str], dict[str, str]]:
    import psycopg

    def make(role: str) -> dict[str, str]:
        name = f"kpilib_ingest_bench_{role}"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        env = _base_env(work / f"postgres-{role}")
        env["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + "/" + name
        return env

    return make


def _kpilib(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [*KPILIB, *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _setup(env: dict[str, str], data: Path) -> None:
    _kpilib(env, "manage", "migrate", "--verbosity", "0", "--skip-checks")
    _kpilib(env, "import", "employees", str(data / "employees.csv"))


def _measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of a child process, which must succeed."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024


def _query(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as connection:
            return connection.execute(sql).fetchall()
    connection = sqlite3.connect(Path(env["KPILIB_DATA_DIR"]) / "kpilib.sqlite3")
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _check_count(database: str, env: dict[str, str], expected: int) -> None:
    count = _query(env, "SELECT count(*) FROM ingest_fact")[0][0]
    if count != expected:
        raise SystemExit(f"{database}: {count} facts stored, expected {expected}")


def _prepared_rows(data: Path, env: dict[str, str], path: Path) -> Path:
    """The facts as fact-table rows (employee ids resolved), written as CSV: untimed."""
    employees = pl.DataFrame(
        _query(env, "SELECT id, employee_id FROM org_employee"),
        schema={"pk": pl.Int64, "employee_id": pl.String},
        orient="row",
    )
    facts = pl.read_csv(data / "facts.csv", infer_schema=False).with_row_index("line", offset=2)
    facts.join(employees, on="employee_id", how="left", maintain_order="left").select(
        pl.col("pk"),
        pl.col("metric"),
        pl.col("occurred_on"),
        pl.col("value").fill_null("1"),
        pl.col("customer_id").fill_null(""),
        pl.col("project_id").fill_null(""),
        pl.col("source"),
        pl.col("external_id"),
        pl.lit("{}").alias("attributes"),
        pl.lit(None, dtype=pl.Int64).alias("batch_id"),
        pl.col("line"),
    ).write_csv(path, include_header=False)
    return path


def _report(measurements: list[Measurement], folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Importing {count:,} facts (`kpilib import facts`, whole process) against a bare "
        "bulk write of the same rows.",
        "",
        "| database | step | wall time | rows per second | peak memory | vs reference |",
        "|---|---|---:|---:|---:|---:|",
    ]
    misses = []
    for measurement in measurements:
        reference = next(
            m for m in measurements if m.database == measurement.database and "reference" in m.step
        )
        ratio = measurement.wall_seconds / reference.wall_seconds
        lines.append(
            f"| {measurement.database} | {measurement.step} | {measurement.wall_seconds:.1f} s "
            f"| {measurement.rows_per_second:,.0f} | {measurement.peak_memory_mb:,.0f} MB "
            f"| {ratio:.2f}× |"
        )
        if measurement.step.startswith("import") and ratio > TARGET_VS_REFERENCE:
            misses.append(f"{measurement.database}: {ratio:.2f}× the reference")
    table = "\n".join(lines) + "\n"
    (folder / "ingest_bench.md").write_text(table, encoding="utf-8")
    (folder / "ingest_bench.json").write_text(
        json.dumps(
            [{**asdict(m), "rows_per_second": m.rows_per_second} for m in measurements],
            indent=2,
        ),
        encoding="utf-8",
    )
    print(table)
    if misses:
        raise SystemExit(f"target (≤ {TARGET_VS_REFERENCE}× the reference) missed: {misses}")


if __name__ == "__main__":
    main()
