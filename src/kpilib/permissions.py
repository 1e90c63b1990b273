"""Who may do what: the one module that decides every access in views, the API and the admin.

Roles: HR admin (everything), manager (reads their org subtree: units they head and
everyone reporting to them, directly or not, and the plans those people are measured by;
a director is the manager at the top, so reads everyone), employee (own data). Plan administrators
and 360 reviewers gain their rights from the objects that delegate them (plans, feedback
tasks) and are decided here too as those capabilities arrive.

Objects a user may not see are reported as missing (404), never as forbidden, so that
guessing ids reveals nothing; actions a user's role does not allow are forbidden (403).
"""

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from kpilib.appraisal.models import Cycle, Participant, Scorecard
from kpilib.org.models import Employee, OrgUnit
from kpilib.plans.models import Plan

HR_ADMIN_GROUP = "HR admin"


class Role(StrEnum):
    HR_ADMIN = "hr_admin"
    PLAN_ADMIN = "plan_admin"
    MANAGER = "manager"
    EMPLOYEE = "employee"
    REVIEWER = "reviewer"


class Action(StrEnum):
    VIEW_PEOPLE = "view_people"  # the people list (scoped to what the user may see)
    EDIT_ORG = "edit_org"  # create/change org units, positions, employees
    IMPORT_EMPLOYEES = "import_employees"
    IMPORT_FACTS = "import_facts"  # data sources, fact imports, the quarantine: HR
    VIEW_AUDIT = "view_audit"
    VIEW_ORG_TREE = "view_org_tree"
    CREATE_PLAN = "create_plan"  # from a template, and delegating plans: HR
    VIEW_LIBRARY = "view_library"  # everyone with an employee record, and HR
    EDIT_LIBRARY = "edit_library"  # indicators, strategy, packs: HR
    USE_ADMIN = "use_admin"
    UNLOCK_SIGN_IN = "unlock_sign_in"  # lift a brute-force lockout early: HR
    VIEW_TRAINING = "view_training"  # exams and certifications of the people one may see
    MANAGE_TRAINING = "manage_training"  # catalogues, results, certifications, imports: HR
    VALIDATE_SOLUTIONS = "validate_solutions"  # submit, review, read solutions (objects: validation.selectors)


def is_hr_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_kpilib_is_hr_admin", None)
    if cached is None:
        cached = user.groups.filter(name=HR_ADMIN_GROUP).exists()
        user._kpilib_is_hr_admin = cached
    return bool(cached)


def employee_of(user: Any) -> Employee | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee  # type: ignore[no-any-return]
    except Employee.DoesNotExist:
        return None


def managed_employee_ids(employee: Employee) -> set[int]:
    """Everyone below `employee`: members of the units they head and their report chains."""
    unit_paths = list(OrgUnit.objects.filter(head=employee).values_list("path", flat=True))
    in_units = Q(pk__in=[])
    for path in unit_paths:
        in_units |= Q(org_unit__path__startswith=path)
    below = set(Employee.objects.filter(in_units).values_list("pk", flat=True))
    frontier = {employee.pk} | below
    while frontier:
        reports = set(Employee.objects.filter(manager__in=frontier).values_list("pk", flat=True))
        frontier = reports - below
        below |= reports
    below.discard(employee.pk)
    return below


def roles_of(user: Any) -> set[Role]:
    roles: set[Role] = set()
    if is_hr_admin(user):
        roles.add(Role.HR_ADMIN)
    employee = employee_of(user)
    if employee is not None and employee.administered_plans.exists():
        roles.add(Role.PLAN_ADMIN)
    if employee is not None:
        roles.add(Role.EMPLOYEE)
        if employee.headed_units.exists() or employee.reports.exists():
            roles.add(Role.MANAGER)
    return roles


def visible_employees(user: Any) -> QuerySet[Employee]:
    """The employees whose records and results `user` may read."""
    employees = Employee.objects.all()
    if is_hr_admin(user):
        return employees
    employee = employee_of(user)
    if employee is None:
        return employees.none()
    return employees.filter(pk__in=managed_employee_ids(employee) | {employee.pk})


def allowed(user: Any, action: Action) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action == Action.VIEW_PEOPLE:
        return bool(roles_of(user) & {Role.HR_ADMIN, Role.MANAGER})
    if action in (Action.VIEW_LIBRARY, Action.VIEW_TRAINING, Action.VALIDATE_SOLUTIONS):
        # Engineers see what they are measured on; managers run the quarterly review.
        return bool(roles_of(user) & {Role.HR_ADMIN, Role.EMPLOYEE})
    # Changing the organisation, importing people, reading the trail and the admin are HR's.
    return is_hr_admin(user)


def require(user: Any, action: Action) -> None:
    """Raise PermissionDenied (403) unless `user` may perform `action`."""
    if not allowed(user, action):
        raise PermissionDenied(action.value)


def employee_for(user: Any, pk: int) -> Employee:
    """The employee with id `pk` if `user` may see them; otherwise 404, as if it did not exist."""
    try:
        return visible_employees(user).select_related("org_unit", "position", "manager").get(pk=pk)
    except Employee.DoesNotExist:
        raise Http404("No such employee") from None


# --- plans: HR and the plan's delegated administrators --------------------------------


class PlanRight(StrEnum):
    """What a plan's delegated administrator may do with it (and with its regional variants).

    `PLAN_ADMINISTRATOR_RIGHTS` is the list the plan page shows; each right is granted by the
    function named beside it, and tests/accounts/test_plan_administration.py checks that the
    two agree. Delegating administration (`Action.CREATE_PLAN`) stays HR's.
    """

    EDIT = "edit"  # plan_for: drafts, weights, AHP, publishing, regional variants
    RUN_CYCLES = "run_cycles"  # can_manage_cycle: start, advance, calibrate, answer appeals
    SEE_RESULTS = "see_results"  # participants_visible / scorecard_for: every participant


PLAN_ADMINISTRATOR_RIGHTS: tuple[PlanRight, ...] = (
    PlanRight.EDIT,
    PlanRight.RUN_CYCLES,
    PlanRight.SEE_RESULTS,
)

# How the plan page says each right (for a plan, and for a regional variant's parent).
PLAN_RIGHT_TEXT = {
    PlanRight.EDIT: gettext_lazy(
        "change the plan's drafts, weights (also by AHP) and regional variants, and publish them"
    ),
    PlanRight.RUN_CYCLES: gettext_lazy(
        "start and run its cycles: move phases, recompute, calibrate, answer appeals"
    ),
    PlanRight.SEE_RESULTS: gettext_lazy("see every participant's results in its cycles"),
}


def administrators_of_plan(plan: Plan) -> tuple[list[Employee], list[Employee]]:
    """Who administers `plan` besides HR: (delegated to this plan, administering its parent).

    The parent's administrators administer its variants too (see `plans_administered_by`).
    """
    own = list(plan.administrators.order_by("employee_id"))
    inherited = (
        [e for e in plan.parent.administrators.order_by("employee_id") if e not in own]
        if plan.parent_id
        else []
    )
    return own, inherited


def plans_administered_by(user: Any) -> QuerySet[Plan]:
    """Plans `user` may edit: all for HR, else those delegated to them (and their variants)."""
    plans = Plan.objects.filter(is_archived=False)
    if is_hr_admin(user):
        return plans
    employee = employee_of(user)
    if employee is None:
        return plans.none()
    return plans.filter(Q(administrators=employee) | Q(parent__administrators=employee)).distinct()


def plan_for(user: Any, pk: int) -> Plan:
    """The plan with id `pk` if `user` administers it; otherwise 404."""
    try:
        return plans_administered_by(user).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None


def is_plan_administrator(user: Any) -> bool:
    return plans_administered_by(user).exists()


def plans_readable_by(user: Any) -> QuerySet[Plan]:
    """Plans `user` may read: those they administer, and for managers (a director
    included) every plan that covers or appraises someone they may see, read-only.

    A manager reads the rules their people are measured by; changing them stays with
    HR and the plan's administrators (`plan_for`).
    """
    from kpilib.plans.selectors import plan_members

    administered = plans_administered_by(user)
    if is_hr_admin(user) or Role.MANAGER not in roles_of(user):
        return administered
    seen = visible_employees(user)
    plans = Plan.objects.filter(is_archived=False)
    covering = [plan.pk for plan in plans if plan_members(plan).filter(pk__in=seen).exists()]
    appraising = Q(cycles__participants__employee__in=seen)
    return plans.filter(
        Q(pk__in=administered.values("pk")) | Q(pk__in=covering) | appraising
    ).distinct()


def plan_readable_for(user: Any, pk: int) -> tuple[Plan, bool]:
    """The plan with id `pk` and whether `user` may change it; 404 if they may not read it."""
    try:
        plan = plans_readable_by(user).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None
    return plan, plans_administered_by(user).filter(pk=pk).exists()


# --- appraisal cycles and scorecards ---------------------------------------------------


def can_manage_cycle(user: Any, cycle: Cycle) -> bool:
    """Run the cycle (advance, recompute, calibrate, answer appeals): HR or the plan's admins."""
    return plans_administered_by(user).filter(pk=cycle.plan_id).exists()


def cycles_visible_to(user: Any) -> QuerySet[Cycle]:
    """HR and plan admins see their plans' cycles; managers and employees those they are in."""
    cycles = Cycle.objects.select_related("plan", "revision")
    if is_hr_admin(user):
        return cycles
    managed = Q(plan__in=plans_administered_by(user))
    visible = Q(participants__employee__in=visible_employees(user))
    return cycles.filter(managed | visible).distinct()


def cycle_for(user: Any, pk: int) -> Cycle:
    try:
        return cycles_visible_to(user).get(pk=pk)
    except Cycle.DoesNotExist:
        raise Http404("No such cycle") from None


def participants_visible(user: Any, cycle: Cycle) -> QuerySet[Participant]:
    """Whose results in `cycle` the user may see: all for those who run it, else their scope."""
    participants = cycle.participants.select_related("employee", "employee__org_unit")
    if can_manage_cycle(user, cycle):
        return participants
    return participants.filter(employee__in=visible_employees(user))


def scorecard_for(user: Any, pk: int) -> Scorecard:
    """A scorecard the user may read; otherwise 404.

    The employee sees their own once published; managers see their people's at any time;
    HR and the plan's administrators see every scorecard of the plan.
    """
    try:
        scorecard = Scorecard.objects.select_related(
            "participant__employee", "participant__cycle__plan"
        ).get(pk=pk)
    except Scorecard.DoesNotExist:
        raise Http404("No such scorecard") from None
    participant = scorecard.participant
    own = employee_of(user) == participant.employee
    if own and scorecard.published_at is not None:
        return scorecard
    if can_manage_cycle(user, participant.cycle):
        return scorecard
    if not own and visible_employees(user).filter(pk=participant.employee_id).exists():
        return scorecard
    raise Http404("No such scorecard")


def participant_role(user: Any, participant: Participant) -> str | None:
    """ "owner" for the appraised employee, "reviewer" for their managers and those who run
    the cycle, None for anyone else (who then gets a 404)."""
    if employee_of(user) == participant.employee:
        return "owner"
    if can_manage_cycle(user, participant.cycle):
        return "reviewer"
    if visible_employees(user).filter(pk=participant.employee_id).exists():
        return "reviewer"
    return None


def may_review(user: Any, participant: Participant) -> bool:
    """Write the manager review and the interview record of `participant`: their assigned
    reviewer or a manager above them (not HR or a plan administrator as such, and never the
    employee themselves)."""
    employee = employee_of(user)
    if employee is None or employee.pk == participant.employee_id:
        return False
    if participant.reviewer_id == employee.pk:
        return True
    return participant.employee_id in managed_employee_ids(employee)


def may_read_evidence(user: Any, participant: Participant) -> bool:
    """Download the evidence attached to a self-assessment: the employee, their managers
    (anyone above them) and HR; nobody else, plan administrators included."""
    if is_hr_admin(user):
        return True
    employee = employee_of(user)
    if employee is None:
        return False
    if employee.pk == participant.employee_id:
        return True
    return participant.employee_id in managed_employee_ids(employee)


def participant_for(user: Any, pk: int) -> tuple[Participant, str]:
    participant = Participant.objects.select_related("cycle", "employee").filter(pk=pk).first()
    role = participant_role(user, participant) if participant else None
    if participant is None or role is None:
        raise Http404("No such participant")
    return participant, role


def scorecards_visible(user: Any, cards: dict[int, Scorecard]) -> dict[int, Scorecard]:
    """The given scorecards (by participant) minus the user's own while unpublished:
    people see their own result only once it is published."""
    employee = employee_of(user)
    return {
        participant_id: card
        for participant_id, card in cards.items()
        if card.published_at is not None
        or employee is None
        or card.participant.employee_id != employee.pk
    }
