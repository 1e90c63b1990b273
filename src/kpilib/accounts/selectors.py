"""Reading accounts: the sign-in lockouts now in force (django-axes' failed attempts), and a
person's own personal access tokens."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from kpilib.accounts.models import PersonalAccessToken


@dataclass(frozen=True)
class Lockout:
    """A username or an address refused at sign-in until `until` (or HR unlocks it)."""

    attempt: AccessAttempt
    username: str
    ip_address: str
    failures: int
    until: datetime
    by_username: bool
    by_address: bool


def lockouts_active(*, now: datetime | None = None) -> list[Lockout]:
    """Every recorded attempt whose username or address is locked out now, newest first.

    Locked out means `AXES_FAILURE_LIMIT` failures or more for the username (from any
    address) or from the address (for any username) since the cool-off began.
    """
    now = now or timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gt=since)
    limit = settings.AXES_FAILURE_LIMIT
    by_username = {
        row["username"]: row["failures"]
        for row in recent.values("username").annotate(failures=Sum("failures_since_start"))
    }
    by_address = {
        row["ip_address"]: row["failures"]
        for row in recent.values("ip_address").annotate(failures=Sum("failures_since_start"))
    }
    lockouts = []
    for attempt in recent.order_by("-attempt_time", "-id"):
        user_locked = by_username.get(attempt.username, 0) >= limit
        address_locked = by_address.get(attempt.ip_address, 0) >= limit
        if user_locked or address_locked:
            lockouts.append(
                Lockout(
                    attempt=attempt,
                    username=attempt.username or "",
                    ip_address=attempt.ip_address or "",
                    failures=attempt.failures_since_start,
                    until=attempt.attempt_time + settings.AXES_COOLOFF_TIME,
                    by_username=user_locked,
                    by_address=address_locked,
                )
            )
    return lockouts


def personal_tokens(user: object) -> list[PersonalAccessToken]:
    """The user's own tokens, newest first (revoked ones too, marked so)."""
    return list(PersonalAccessToken.objects.filter(user=user))
