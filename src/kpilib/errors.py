"""The project's error base: every refusal a user can act on is a `KpilibError`.

Each app has one base under it (`PlanError`, `CycleError`, `OrgError`, `LibraryError`,
`IngestError`, `ExportError`, `AccountError`, and the engine's `EngineError`, whose
`InputError` lists located `Problem`s). A service raises its app's error with a message
written for the person who sees it (already translated where the caller's language is
known); optionally the form `field` and the file `line` it is about.

The interfaces turn it into the same answer everywhere, and nothing else:
- API (`kpilib.api.main`): 400 with `{"detail": message, "field": ..., "line": ...}`;
  an `InputError` is 422 with its `problems`.
- Web (`kpilib.web.errors`): `form_error(form, error)` puts it on the field or the
  form; an error a view does not catch becomes a message and a redirect back
  (`UserErrorMiddleware`), never a 500.
- CLI (`kpilib.cli.main.run`): the message on stderr (one line per problem), exit 2.

Framework-free (no Django import): the engine and the offline CLI use it.
Python's own exceptions (`KeyError`, `ValueError`, ...) are bugs, not domain signals.
"""

from __future__ import annotations

from collections.abc import Sequence


class KpilibError(Exception):
    """A request kpilib refuses, with the reasons for the user (and where, when known).

    `KpilibError("reason")` or `KpilibError(["reason", "another"])`; `messages` keeps
    each reason, `message` joins them with "; ".
    """

    def __init__(
        self,
        message: str | Sequence[str] = "",
        *,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.messages = [message] if isinstance(message, str) else [str(m) for m in message]
        self.message = "; ".join(self.messages)
        self.field = field
        self.line = line
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        """The reasons as the lines a terminal or a page shows, each with its place."""
        place = ": ".join(
            part for part in (f"line {self.line}" if self.line else "", self.field or "") if part
        )
        return [f"{place}: {message}" if place else message for message in self.messages]
