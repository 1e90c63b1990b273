"""The home page: one section per role the signed-in user holds."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from kpilib import clock
from kpilib.appraisal.selectors import appeals_due_for, my_cycles, phases_due_for, team_overview
from kpilib.audit.selectors import audit_events
from kpilib.feedback.selectors import forms_to_answer, subjects_to_approve
from kpilib.monitor.selectors import own_meters, team_growth, team_off_track
from kpilib.org.selectors import org_counts
from kpilib.permissions import Role, employee_of, roles_of, visible_employees
from kpilib.validation.selectors import review_queue

HOME_TEAM_ROWS = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    employee = employee_of(request.user)
    context: dict[str, object] = {
        "roles": roles,
        "employee": employee,
        "display_name": employee.name
        if employee
        else request.user.get_full_name() or request.user.get_username(),
        "is_hr_admin": Role.HR_ADMIN in roles,
        "is_manager": Role.MANAGER in roles,
        "is_employee": Role.EMPLOYEE in roles,
    }
    if Role.HR_ADMIN in roles:
        context["counts"] = org_counts()
        context["recent_events"] = audit_events()[:8]
    context["feedback_forms"] = forms_to_answer(request.user)
    context["feedback_to_approve"] = subjects_to_approve(request.user)
    context["due"] = phases_due_for(request.user)
    context["appeals_due"] = appeals_due_for(request.user)
    context["validations_due"] = review_queue(request.user)
    if employee is not None:
        context["my_cycles"] = my_cycles(employee)
        context["meters"] = own_meters(employee, today=clock.today, language=get_language() or "en")
    if Role.MANAGER in roles and employee is not None:
        team = visible_employees(request.user).exclude(pk=employee.pk)
        # The home page lists the first HOME_TEAM_ROWS and says how many there are; the
        # People page has them all, paginated: never a list silently cut short.
        context["teams"] = team_overview(request.user)
        context["growth"] = team_growth(request.user)
        context["off_track"] = team_off_track(request.user, today=clock.today, language=get_language() or "en")
        context["team_count"] = team.count()
        context["team"] = team.select_related("position", "org_unit")[:HOME_TEAM_ROWS]
    return render(request, "web/home.html", context)
