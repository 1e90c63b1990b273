"""Import previews computed on the task worker, kept as files for the preview page to read.

A preview reads, maps and checks a bounded sample of the file (`selectors.batch_preview`):
on a large upload that is seconds of work and hundreds of MB, which must not happen inside
a web request. Saving the mapping (or the encoding, or uploading with a known mapping)
enqueues `tasks.batch_preview_task`; the task writes the result to
`DATA_DIR/ingest/previews/<batch>.json`, and the page (a GET, which never writes) shows it
once its key matches the batch's current file, encoding and mapping, or says it is being
prepared and polls. The database holds nothing new: a preview is a throw-away reading.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from kpilib.engine.errors import Problem
from kpilib.ingest.models import ImportBatch
from kpilib.ingest.pipeline import BadRow
from kpilib.ingest.progress import json_replace
from kpilib.ingest.selectors import Preview


def preview_key(batch: ImportBatch) -> str:
    """What the preview depends on: the file, its encoding, the mapping and the source's."""
    inputs = [
        batch.file_hash,
        batch.encoding,
        batch.mapping or batch.source.column_mapping,
        batch.source_id,
    ]
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _path(batch_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "ingest" / "previews"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{batch_id}.json"


def preview_store(batch: ImportBatch, preview: Preview) -> None:
    content = {"key": preview_key(batch), "preview": asdict(preview)}
    json_replace(_path(batch.pk), content)


def preview_stored(batch: ImportBatch) -> Preview | None:
    """The worker's preview of the batch as it is now; None while it is being prepared."""
    try:
        content = json.loads(_path(batch.pk).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if content.get("key") != preview_key(batch):
        return None  # a reading of an earlier mapping or encoding
    return _preview(content["preview"])


def _preview(stored: dict[str, Any]) -> Preview:
    def rows(key: str) -> list[BadRow]:
        return [
            BadRow(row["line"], row["values"], [tuple(pair) for pair in row["problems"]])
            for row in stored[key]
        ]

    sample = [
        {**fact, "occurred_on": date.fromisoformat(fact["occurred_on"])}
        if isinstance(fact.get("occurred_on"), str)
        else fact
        for fact in stored["sample"]
    ]
    return Preview(
        **{key: stored[key] for key in ("rows", "new", "updated", "unchanged", "skipped")},
        bad=rows("bad"),
        waiting=rows("waiting"),
        sample=sample,
        file_problems=[Problem(**problem) for problem in stored["file_problems"]],
        truncated=stored["truncated"],
        limit=stored["limit"],
    )
