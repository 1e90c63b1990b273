"""Writing facts and everything around them, one module per way in (issue 12, item 7).

- `sources`: sources, owner mappings, API tokens;
- `files`: file imports, the draft batch the web maps, previews and commits;
- `receive`: facts received over HTTP, `POST /api/facts` and signed webhooks;
- `quarantine`: re-submitting or discarding the rows an import could not take;
- `kpilib.ingest.intake` (outside this package): the steps every intake shares and the
  worker's side (`batch_run`, `batches_fail_stale`), which `tasks` calls.

Callers use `from kpilib.ingest import services` and the names below.
"""

from kpilib.ingest.intake import batch_run, batches_fail_stale
from kpilib.ingest.services.files import (
    batch_commit,
    batch_map,
    batch_retry,
    batch_set_encoding,
    batch_upload,
    facts_import,
)
from kpilib.ingest.services.quarantine import quarantine_discard, quarantine_resubmit
from kpilib.ingest.services.receive import (
    MAX_API_FACTS,
    WEBHOOK_WINDOW,
    facts_receive,
    own_facts_write,
    webhook_accept,
    webhook_signature,
)
from kpilib.ingest.services.sources import (
    api_token_create,
    api_token_revoke,
    api_token_use,
    owner_alias_delete,
    owner_alias_set,
    source_create,
    source_named,
    source_update,
)

__all__ = [
    "MAX_API_FACTS",
    "WEBHOOK_WINDOW",
    "api_token_create",
    "api_token_revoke",
    "api_token_use",
    "batch_commit",
    "batch_map",
    "batch_retry",
    "batch_run",
    "batch_set_encoding",
    "batch_upload",
    "batches_fail_stale",
    "facts_import",
    "facts_receive",
    "own_facts_write",
    "owner_alias_delete",
    "owner_alias_set",
    "quarantine_discard",
    "quarantine_resubmit",
    "source_create",
    "source_named",
    "source_update",
    "webhook_accept",
    "webhook_signature",
]
