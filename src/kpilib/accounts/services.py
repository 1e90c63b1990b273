"""Changing accounts: roles, language preference, linking users to employees, sign-in
lockouts (recorded and lifted), personal access tokens (made and revoked by their owner).
Audited."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from kpilib.accounts.errors import AccountError
from kpilib.accounts.models import PersonalAccessToken, User
from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record, audit_snapshot
from kpilib.permissions import HR_ADMIN_GROUP


@transaction.atomic
def user_create(
    *, actor: Any, origin: Origin, username: str, password: str, email: str = "", language: str = ""
) -> User:
    """A new account; the password must pass `AUTH_PASSWORD_VALIDATORS` (AccountError)."""
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from None
    user = User.objects.create_user(
        username=username, password=password, email=email, language=language
    )
    audit_record(actor=actor, origin=origin, instance=user, before=None)
    return user


@transaction.atomic
def user_set_hr_admin(*, actor: Any, origin: Origin, user: User, hr_admin: bool) -> None:
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    before = {"hr_admin": user.groups.filter(pk=group.pk).exists()}
    if hr_admin:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    user.__dict__.pop("_kpilib_is_hr_admin", None)
    audit_record(
        actor=actor, origin=origin, instance=user, before=before, after={"hr_admin": hr_admin}
    )


@transaction.atomic
def user_set_language(*, actor: Any, origin: Origin, user: User, language: str) -> None:
    """A personal preference, audited like any change of an account."""
    before = {"language": user.language}
    user.language = language
    user.save(update_fields=["language"])
    audit_record(
        actor=actor, origin=origin, instance=user, before=before, after={"language": language}
    )


def _attempt_state(attempt: AccessAttempt, *, locked_out: bool) -> dict[str, Any]:
    return {
        "username": attempt.username,
        "ip_address": attempt.ip_address,
        "failures": attempt.failures_since_start,
        "locked_out": locked_out,
    }


@transaction.atomic
def lockout_record(*, actor: Any, origin: Origin, username: str | None, ip_address: str | None) -> None:
    """Audit that a username or address was just locked out of sign-in (django-axes)."""
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .first()
    )
    if attempt is None:
        return
    audit_record(
        actor=actor,
        origin=origin,
        instance=attempt,
        before=_attempt_state(attempt, locked_out=False),
        after=_attempt_state(attempt, locked_out=True),
    )


@transaction.atomic
def lockout_clear(*, actor: Any, origin: Origin, attempt: AccessAttempt) -> int:
    """Lift a lockout: forget the failed sign-ins of its username and of its address.

    Returns how many attempt records were removed; each removal is audited.
    """
    matching = AccessAttempt.objects.filter(
        Q(username=attempt.username) | Q(ip_address=attempt.ip_address)
    ).order_by("id")
    removed = 0
    for each in matching:
        audit_record(
            actor=actor,
            origin=origin,
            instance=each,
            before=_attempt_state(each, locked_out=True),
            deleted=True,
        )
        each.delete()
        removed += 1
    return removed


# --- personal access tokens -------------------------------------------------------------

TOKEN_PREFIX = "kpp_"
MAX_ACTIVE_TOKENS = 10


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_snapshot(token: PersonalAccessToken) -> dict[str, Any]:
    snapshot = audit_snapshot(token)
    snapshot.pop("token_hash", None)  # never keep credentials in the trail
    return snapshot


@transaction.atomic
def personal_token_create(*, actor: Any, origin: Origin, name: str) -> tuple[PersonalAccessToken, str]:
    """A new token for the actor themselves; the raw token is returned this once only."""
    name = name.strip()
    if not name:
        raise AccountError(gettext("Give the token a name, e.g. the tool that will use it."), field="name")
    if len(name) > 100:
        raise AccountError(gettext("A token's name is at most 100 characters."), field="name")
    active = PersonalAccessToken.objects.filter(user=actor, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise AccountError(
            gettext("You have %(count)d active tokens: revoke one first.") % {"count": MAX_ACTIVE_TOKENS}
        )
    raw = f"{TOKEN_PREFIX}{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken.objects.create(
        user=actor, name=name, prefix=raw[:12], token_hash=token_hash(raw)
    )
    audit_record(actor=actor, origin=origin, instance=token, before=None, after=_token_snapshot(token))
    return token, raw


@transaction.atomic
def personal_token_revoke(
    *, actor: Any, origin: Origin, token: PersonalAccessToken, now: datetime
) -> PersonalAccessToken:
    """Revoke one of the actor's own tokens: it is refused from now on."""
    token = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise AccountError(gettext("Only its owner revokes a token."))
    if token.revoked_at is not None:
        raise AccountError(gettext("This token was already revoked."))
    before = _token_snapshot(token)
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, origin=origin, instance=token, before=before, after=_token_snapshot(token))
    return token


def personal_token_use(*, raw: str, now: Callable[[], datetime]) -> PersonalAccessToken | None:
    """The active token whose hash matches `raw`, of an active user (its last use
    recorded at `now()`, read only when there is one), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now())
    return token
