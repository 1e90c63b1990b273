"""Changing accounts: roles, language preference, linking users to employees. Audited."""

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from kpilib.accounts.models import User
from kpilib.accounts.permissions import HR_ADMIN_GROUP
from kpilib.audit.services import audit_record


@transaction.atomic
def user_create(
    *, actor: Any, source: str, username: str, password: str, email: str = "", language: str = ""
) -> User:
    user = User.objects.create_user(
        username=username, password=password, email=email, language=language
    )
    audit_record(actor=actor, source=source, instance=user, before=None)
    return user


@transaction.atomic
def user_set_hr_admin(*, actor: Any, source: str, user: User, hr_admin: bool) -> None:
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    before = {"hr_admin": user.groups.filter(pk=group.pk).exists()}
    if hr_admin:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    user.__dict__.pop("_kpilib_is_hr_admin", None)
    audit_record(
        actor=actor, source=source, instance=user, before=before, after={"hr_admin": hr_admin}
    )


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """A personal preference: saved, not audited."""
    user.language = language
    user.save(update_fields=["language"])
