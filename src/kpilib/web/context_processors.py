"""Navigation entries for the signed-in user, decided by the permissions module."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kpilib.permissions import (
    Action,
    Role,
    allowed,
    employee_of,
    is_plan_administrator,
    roles_of,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "user_roles": set(), "person_name": ""}
    items = [(reverse("home"), _("Home"))]
    roles = roles_of(user)
    # Managers read the plans their people are measured by (permissions.plans_readable_by).
    if allowed(user, Action.CREATE_PLAN) or is_plan_administrator(user) or Role.MANAGER in roles:
        items.append((reverse("plans"), _("Plans")))
    items.append((reverse("cycles"), _("Cycles")))
    if employee_of(user) is not None:
        items.append((reverse("report_write"), _("Daily report")))
    if Role.MANAGER in roles:
        items.append((reverse("report_review"), _("Report review")))
    if allowed(user, Action.VIEW_LIBRARY):
        items.append((reverse("library"), _("Indicator library")))
        items.append((reverse("strategy"), _("Strategy")))
    if allowed(user, Action.VIEW_TRAINING):
        # One entry for learning and growth: the training page links to the case library.
        items.append((reverse("training"), _("Training")))
    if allowed(user, Action.VIEW_PEOPLE):
        items.append((reverse("people"), _("People")))
    if allowed(user, Action.VIEW_ORG_TREE):
        items.append((reverse("org_tree"), _("Organisation")))
    # Importing employees is reached from the People page (and HR's home): one entry fewer
    # keeps HR's navigation on one line at 1366 px.
    if allowed(user, Action.IMPORT_FACTS):
        items.append((reverse("ingest"), _("Data")))
    if allowed(user, Action.VIEW_AUDIT):
        items.append((reverse("audit_log"), _("Audit trail")))
    if allowed(user, Action.USE_ADMIN):
        items.append((reverse("admin:index"), _("Administration")))
    # The deepest entry whose address starts the current path is the active one.
    matching = [url for url, _label in items if request.path.startswith(url)]
    active = max(matching, key=len, default="")
    return {
        "nav_items": [
            {"url": url, "label": label, "active": url == active} for url, label in items
        ],
        "user_roles": roles,
        "person_name": person_name(user),
    }


def person_name(user: Any) -> str:
    """The name the header shows: the person's employee name, else their account's name."""
    employee = getattr(user, "employee", None)
    if employee is not None:
        return employee.name
    return user.get_full_name() or user.username
