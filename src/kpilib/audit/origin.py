"""Where a write came from (`Origin`) and who acts when no person does (`SYSTEM`).

Every public service takes `actor` and `origin` keyword arguments and passes both to
`audit_record`: the interface that calls a service says where the call came from —
`Origin.WEB` in views and the admin, `API` in API routers, `CLI` in commands, `TASK` in
background tasks and management commands run by a schedule, `WEBHOOK` for signed
deliveries, `DEMO` for the demo loader. A service that calls another passes its own
`origin` on; it never writes an origin of its own.

`actor` is the signed-in user who acts, or `SYSTEM` where no person does (a scheduled
task, the demo loader, a webhook, a command line run without a user). `audit_record`
refuses anything else (`None`, an anonymous user), so a forgotten actor fails loudly;
events of `SYSTEM` are stored without a user and shown as "system".

Framework-free: the CLI imports it before Django is set up.
"""

from enum import StrEnum
from typing import Final


class Origin(StrEnum):
    """The interface a write came through (stored on its audit event)."""

    WEB = "web"
    API = "api"
    CLI = "cli"
    TASK = "task"
    WEBHOOK = "webhook"
    DEMO = "demo"


class SystemActor:
    """The actor of writes no person makes (tasks, the demo, webhooks, a CLI run)."""

    is_authenticated: Final = False
    is_active: Final = False
    pk: Final = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"


SYSTEM: Final = SystemActor()
