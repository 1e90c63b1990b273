"""Progress of a running import, readable by the web pages while the import's transaction is open.

An import writes its facts in one transaction, so nothing it does is visible to other
database connections until it commits (and SQLite lets no one else write meanwhile).
Progress therefore goes to a small JSON file per batch under `DATA_DIR/ingest/progress/`,
replaced atomically; its modification time is the import's heartbeat, from which a batch
whose worker died is recognised (see `services.batches_fail_stale`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Progress:
    """How far an import is: `done` of `total` rows written, as of `at` (epoch seconds)."""

    done: int
    total: int
    at: float

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "ingest" / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def json_replace(path: Path, content: object) -> None:
    """Write JSON to `path` atomically: readers see the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(content, file, ensure_ascii=False, default=str)
    os.replace(temporary, path)


def progress_write(batch_id: int, done: int, total: int) -> None:
    json_replace(_folder() / f"{batch_id}.json", {"done": done, "total": total})


def progress_read(batch_id: int) -> Progress | None:
    path = _folder() / f"{batch_id}.json"
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return Progress(int(content["done"]), int(content["total"]), path.stat().st_mtime)
    except (OSError, ValueError, KeyError):
        return None


def progress_clear(batch_id: int) -> None:
    (_folder() / f"{batch_id}.json").unlink(missing_ok=True)


def seconds_since(progress: Progress) -> float:
    return time.time() - progress.at
