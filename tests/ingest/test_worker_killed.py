"""A worker killed in the middle of an import leaves no partial batch, and the batch can be retried.

Runs the real `django-tasks-db` worker (`kpilib manage db_worker`) in a subprocess on a
scratch database (a SQLite file, or a scratch PostgreSQL database when DATABASE_URL names
PostgreSQL), kills it with SIGKILL once the import has written some chunks, then checks
from a fresh process that none of the batch's facts exist and that the batch is marked
failed once it is recognised as stale, and that a retry imports it whole.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

# Under `make test-shifted` libfaketime (0.9.10, Debian 12) leaves the monotonic clock real
# but still rewrites clock_nanosleep's absolute deadline, so time.sleep fails with EINVAL,
# and this test waits on subprocesses with timeouts (the worker polls with sleeps too). It
# reads no date: the shifted run skips it, the plain runs keep it.
pytestmark = pytest.mark.skipif(
    "libfaketime" in os.environ.get("LD_PRELOAD", ""),
    reason="time.sleep fails under libfaketime (EINVAL); this test reads no date",
)
EMPLOYEES = 50
FACTS = 400_000


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for subprocesses: base settings, a scratch data dir and database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kpilib.config.settings.base",
        "DEBUG": "true",
        "KPILIB_DATA_DIR": str(tmp_path / "data"),
    }
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    name = f"kpilib_kill_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kpilib(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kpilib.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _shell(env: dict[str, str], code: str) -> dict[str, object]:
    return json.loads(_kpilib(env, "manage", "shell", "-c", code).strip().splitlines()[-1])


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = ["manage", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(
        [sys.executable, "-m", "kpilib.cli.main", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


STATE = """
import json
from kpilib.ingest.models import Fact, ImportBatch
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.services import batches_fail_stale
from datetime import timedelta
batch = ImportBatch.objects.get()
before = (batch.status, Fact.objects.filter(batch=batch).count(), Fact.objects.count())
recover = {recover}
marked = (
    batches_fail_stale(actor=SYSTEM, origin=Origin.TASK, older_than=timedelta(0)) if recover else 0
)
batch.refresh_from_db()
print(json.dumps({{"before": before, "marked": marked, "status": batch.status}}))
"""


def test_killing_the_worker_mid_import_leaves_no_facts_and_a_retryable_batch(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    # given a database with employees and a large facts file committed for import
    _kpilib(scratch, "manage", "migrate", "--verbosity", "0")
    numbers = [f"E{i:04d}" for i in range(1, EMPLOYEES + 1)]
    people = tmp_path / "employees.csv"
    pl.DataFrame(
        {
            "employee_id": numbers,
            "name": [f"员工{i}" for i in range(EMPLOYEES)],
            "org_unit": "华东售前一组",
            "position": "售前工程师",
        }
    ).write_csv(people)
    _kpilib(scratch, "import", "employees", str(people))
    facts = tmp_path / "facts.csv"
    pl.DataFrame(
        {
            "employee_id": [numbers[i % EMPLOYEES] for i in range(FACTS)],
            "metric": "complaint",
            "occurred_on": "2025-03-01",
            "external_id": [f"t-{i}" for i in range(FACTS)],
        }
    ).write_csv(facts)
    queued = _shell(
        scratch,
        f"""
import json
from pathlib import Path
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.services import batch_commit, batch_upload, source_named
source = source_named(actor=SYSTEM, origin=Origin.CLI, name="tickets")
batch = batch_upload(actor=SYSTEM, origin=Origin.CLI, data=Path({str(facts)!r}).read_bytes(), file_name="facts.csv", source=source)
batch_commit(actor=SYSTEM, origin=Origin.CLI, batch=batch, partial=False)
print(json.dumps({{"batch": batch.pk}}))
""",
    )
    progress = Path(scratch["KPILIB_DATA_DIR"]) / "ingest" / "progress" / f"{queued['batch']}.json"
    # when the worker is killed after it has written some chunks but not all
    worker = _worker(scratch)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            state = json.loads(progress.read_text())
        except (OSError, ValueError):
            state = {"done": 0, "total": 1}
        if 0 < state["done"] < state["total"]:
            written = state["done"]
            os.kill(worker.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    worker.wait(timeout=30)
    assert written, "the worker finished or stalled before it could be killed mid-import"
    # then none of the batch's facts exist, and the stale batch is marked failed
    after = _shell(scratch, STATE.format(recover=True))
    assert after["before"] == ["running", 0, 0]
    assert (after["marked"], after["status"]) == (1, "failed")
    # when the batch is retried and a worker runs it to the end
    _shell(
        scratch,
        """
import json
from kpilib.ingest.models import ImportBatch
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest.services import batch_retry
batch_retry(actor=SYSTEM, origin=Origin.CLI, batch=ImportBatch.objects.get())
print(json.dumps({}))
""",
    )
    assert _worker(scratch).wait(timeout=240) == 0
    # then every fact is there, once
    final = _shell(scratch, STATE.format(recover=False))
    assert final["before"] == ["committed", FACTS, FACTS]
