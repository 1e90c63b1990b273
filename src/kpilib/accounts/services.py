"""Changing accounts: roles, language preference, linking users to employees. Audited."""

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from kpilib.accounts.models import User
from kpilib.accounts.permissions import HR_ADMIN_GROUP
from kpilib.audit.origin import Origin
from kpilib.audit.services import audit_record


@transaction.atomic
def user_create(
    *, actor: Any, origin: Origin, username: str, password: str, email: str = "", language: str = ""
) -> User:
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
@transaction.atomic
def user_set_language(*, actor: Any, origin: Origin, user: User, language: str) -> None:
    """A personal preference, audited like any change of an account."""
    before = {"language": user.language}
    user.language = language
    user.save(update_fields=["language"])
    audit_record(
        actor=actor, origin=origin, instance=user, before=before, after={"language": language}
    )
