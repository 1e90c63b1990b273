"""Signal receivers of accounts: a sign-in lockout (django-axes) becomes an audit event."""

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver

from kpilib.audit.origin import SYSTEM, Origin


@receiver(user_locked_out, dispatch_uid="kpilib-audit-lockout")
def audit_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Record the lockout once, at the failure that reached the limit (not at every later
    refused try). Nobody signed in made it: the actor is the system, the origin the web."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != settings.AXES_FAILURE_LIMIT:
        return
    from kpilib.accounts.services import lockout_record

    lockout_record(actor=SYSTEM, origin=Origin.WEB, username=username, ip_address=ip_address)
