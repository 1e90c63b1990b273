"""The demo's 360 feedback: one campaign a quarter, closed at the quarter's end, for every
quarter of the demo before today's, and this quarter's campaign in progress.

- Subjects are the presales people the generator gave `feedback_360` events in the
  quarter; each one's raters are themselves, their manager, peers from their team (or,
  for a manager, the other managers), their direct reports, and sales, delivery,
  product and customer-success colleagues (the demo's 销售部 and 客户成功部 are created
  here, 产品部 and 交付部 come from the validation demo), plus now and then an external
  customer. Most groups are small, and some raters decline or never answer, so reports
  show small groups pooled as `other` or withheld by the §11 rules.
- Answers keep the generator's signal: each rater's ratings scatter around the mean of
  the subject's generated events, moved by the rater's own leniency, the subject's
  strengths per competency, and (self) the subject's self-image.
- The closed campaigns' `feedback_360` / `feedback_360_overall` facts are built by
  `services.results_facts` from the records and written through the fact store's intake,
  so `collaboration_360` scores from kpilib's own records.
- In the open campaign the demo engineer (login `engineer`) rates a colleague and still
  owes their own self-assessment, some of their raters have answered and some not; the
  demo manager has team members' forms to answer and one team member's raters to approve.

Written in bulk (a large demo has thousands of nominations), each row audited (answers
never: the trail holds a response's status only), every random choice seeded.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record
from kpilib.clock import time_zone_name
from kpilib.demo.names import draw_person_names
from kpilib.engine.periods import parse_period
from kpilib.feedback import services
from kpilib.feedback.models import (
    DEFAULT_GROUP_LIMITS,
    Campaign,
    Nomination,
    Question,
    Relationship,
    Response,
    Subject,
)
from kpilib.feedback.selectors import ACTIVE
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.org.services import employee_create, org_unit_create

OWN_METRICS = (services.METRIC,)
CAMPAIGN_DAYS = 20  # launched this long before the deadline
OPEN_DAYS_LEFT = 14  # the open campaign's deadline, after today
OPEN_DAYS_RUN = 10  # it was launched this long before today
CUSTOMER_SUCCESS_PEOPLE = 2
CUSTOMERS = ("招商银行", "华东证券", "江南制造", "申城医院", "华北电网", "长江保险", "西部物流")
DECLINE_REASONS = (
    "本季度与他/她没有合作过项目",
    "长期出差，无法按时填写",
    "合作太少，难以客观评价",
)
HIGH = (
    "响应很快，承诺的事情都按时完成",
    "方案讲得清楚，客户很认可",
    "主动同步客户信息，协作很顺畅",
    "POC 期间给了交付很多支持",
)
MIDDLE = (
    "整体配合不错，个别事项跟进稍慢",
    "方案基本可以落地，细节还可以再打磨",
    "沟通顺畅，文档可以更完整",
)
LOW = ("需求变更时沟通不及时，交付比较被动", "方案对实施难度估计不足", "承诺的材料多次延期")
KEEP = (
    "保持对客户业务的深入理解",
    "继续在 POC 中主动分享技术细节",
    "保持响应速度",
    "继续把案例沉淀到知识库",
    "保持和销售一起拜访客户的节奏",
)
MORE = (
    "多提前和交付对齐实施范围",
    "多和产品部同步客户的新需求",
    "方案评审前多留时间给销售确认报价",
    "多带新人参加客户交流",
    "遇到分歧时早点拉上相关部门一起讨论",
)
#: How many raters a subject nominates per group (drawn), before declines and silence.
GROUP_DRAWS: dict[str, tuple[int, ...]] = {
    Relationship.PEER: (3, 3, 4, 4, 5),
    Relationship.DIRECT_REPORT: (3, 4, 5),
    Relationship.SALES: (1, 1, 2, 2, 3),
    Relationship.DELIVERY: (0, 1, 1, 2),
    Relationship.PRODUCT: (0, 0, 1, 1, 2),
    Relationship.CUSTOMER_SUCCESS: (0, 0, 0, 1),
    Relationship.CUSTOMER: (0, 0, 1, 1, 2),
}
#: The demo engineer's raters in the last closed campaign: sales and delivery too few to
#: be shown alone, pooled as `other` (3 raters: shown); the second engineer's lone sales
#: colleague and customer are pooled and withheld (2 raters).
POOLED = {Relationship.PEER: 4, Relationship.SALES: 2, Relationship.DELIVERY: 1}
WITHHELD = {Relationship.PEER: 3, Relationship.SALES: 1, Relationship.CUSTOMER: 1}
SUBMITTED, DRAFT, SILENT = "submitted", "draft", "silent"


@dataclass
class _Rater:
    relationship: str
    employee: Employee | None = None
    external: tuple[str, str] | None = None
    status: str = Nomination.Status.APPROVED
    answer: str = SUBMITTED
    reason: str = ""


@dataclass
class _Plan:
    employee: Employee
    base: float
    state: str = Subject.State.APPROVED
    raters: list[_Rater] = field(default_factory=list)


def _quarter(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _colleagues(seed: int, subjects: int) -> dict[str, list[Employee]]:
    """The sales, delivery, product and customer-success people who rate presales: the
    validation demo's 产品部 and 交付部, and a 销售部 and 客户成功部 made here (one sales
    colleague for about every eight presales people)."""
    company = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    pools: dict[str, list[Employee]] = {
        Relationship.PRODUCT: list(
            Employee.objects.filter(org_unit__name="产品部").order_by("employee_id")
        ),
        Relationship.DELIVERY: list(
            Employee.objects.filter(org_unit__name="交付部").order_by("employee_id")
        ),
    }
    sales_position = Position.objects.filter(
        code="account-manager"
    ).first() or Position.objects.create(
        code="account-manager", name_zh_hans="客户经理", name_en="Account manager"
    )
    success_position = Position.objects.get(code="customer-success-manager")
    sales_count = max(4, math.ceil(subjects / 8))
    names = draw_person_names(
        np.random.default_rng([seed, 360]), sales_count + CUSTOMER_SUCCESS_PEOPLE
    )
    for relationship, unit_name, unit_en, position, prefix, people in (
        (Relationship.SALES, "销售部", "Sales", sales_position, "S", names[:sales_count]),
        (
            Relationship.CUSTOMER_SUCCESS,
            "客户成功部",
            "Customer success",
            success_position,
            "CS",
            names[sales_count:],
        ),
    ):
        unit = OrgUnit.objects.filter(name=unit_name).first() or org_unit_create(
            actor=SYSTEM,
            origin=Origin.DEMO,
            name=unit_name,
            name_en=unit_en,
            kind=OrgUnit.Kind.TEAM,
            parent=company,
        )
        pools[relationship] = [
            employee_create(
                actor=SYSTEM,
                origin=Origin.DEMO,
                employee_id=f"{prefix}{number:03d}",
                name=person.name,
                org_unit=unit,
                position=position,
            )
            for number, person in enumerate(people, start=1)
        ]
    return pools


def _active(employee: Employee, day: datetime.date) -> bool:
    return (employee.hire_date is None or employee.hire_date <= day) and (
        employee.left_on is None or employee.left_on > day
    )


class _Builder:
    """Raters and answers for the demo's campaigns, from one seeded generator."""

    def __init__(
        self, seed: int, pools: dict[str, list[Employee]], questions: list[Question]
    ) -> None:
        self.rng = random.Random(seed)
        self.pools = pools
        self.questions = questions
        self.leniency: dict[int, float] = {}
        self.self_image: dict[int, float] = {}
        self.strengths: dict[tuple[int, str], float] = {}

    def raters(
        self,
        employee: Employee,
        manager: Employee | None,
        team: list[Employee],
        reports: list[Employee],
        *,
        counts: dict[str, int] | None = None,
        closed: bool,
        force: tuple[Employee, ...] = (),
    ) -> list[_Rater]:
        """Self, the manager, and the nominated groups (`counts` fixes them, all answering)."""
        rng = self.rng
        chosen = [_Rater(Relationship.SELF, employee)]
        if manager is not None:
            chosen.append(_Rater(Relationship.MANAGER, manager))
        candidates = {
            Relationship.PEER: [e for e in team if e.pk != employee.pk],
            Relationship.DIRECT_REPORT: reports,
            **self.pools,
        }
        for group, draws in GROUP_DRAWS.items():
            wanted = (counts or {}).get(group, 0) if counts is not None else rng.choice(draws)
            if group == Relationship.CUSTOMER:
                for _ in range(wanted):
                    customer = rng.choice(CUSTOMERS)
                    surname = rng.choice("王李张刘陈杨赵黄周吴")
                    number = rng.randint(1, 999)
                    chosen.append(
                        _Rater(
                            group,
                            external=(
                                f"{customer} {surname}经理",
                                f"it{number}@c{CUSTOMERS.index(customer)}.example",
                            ),
                        )
                    )
                continue
            pool = candidates[group]
            forced = [e for e in force if group == Relationship.PEER and e in pool]
            rest = [e for e in pool if e not in forced]
            picked = forced + rng.sample(rest, max(0, min(wanted, len(pool)) - len(forced)))
            chosen.extend(_Rater(group, person) for person in picked)
        if counts is None:
            for rater in chosen:
                if rater.relationship in (Relationship.SELF, Relationship.MANAGER):
                    rater.answer = SUBMITTED if closed or rng.random() < 0.5 else SILENT
                elif rng.random() < 0.04 and rater.employee is not None:
                    rater.status, rater.answer = Nomination.Status.DECLINED, SILENT
                    rater.reason = rng.choice(DECLINE_REASONS)
                else:
                    draw = rng.random()
                    rater.answer = (
                        (SUBMITTED if draw < 0.88 else SILENT)
                        if closed
                        else SUBMITTED
                        if draw < 0.45
                        else DRAFT
                        if draw < 0.55
                        else SILENT
                    )
        return chosen

    def answers(self, plan: _Plan, rater: _Rater, *, draft: bool) -> dict[str, dict[str, object]]:
        """Ratings around the subject's generated mean; comments now and then."""
        rng = self.rng
        subject = plan.employee.pk
        key = rater.employee.pk if rater.employee is not None else -1
        lenient = (
            self.leniency.setdefault(key, rng.gauss(0, 0.35)) if key != -1 else rng.gauss(0.2, 0.3)
        )
        if rater.relationship == Relationship.SELF:
            lenient = self.self_image.setdefault(subject, rng.gauss(0.3, 0.45))
        answers: dict[str, dict[str, object]] = {}
        ratings = [q for q in self.questions if q.kind == Question.Kind.RATING]
        if draft:
            ratings = ratings[: max(1, len(ratings) // 2)]
        for question in ratings:
            competency = question.competency.code if question.competency else ""
            strength = self.strengths.setdefault((subject, competency), rng.gauss(0, 0.3))
            unable = (
                0.35
                if (
                    competency == "knowledge_sharing"
                    and rater.relationship
                    in (Relationship.SALES, Relationship.CUSTOMER, Relationship.CUSTOMER_SUCCESS)
                )
                else 0.03
            )
            score: int | None = None
            if rater.relationship == Relationship.SELF or rng.random() >= unable:
                score = min(5, max(1, round(plan.base + lenient + strength + rng.gauss(0, 0.5))))
            comment = ""
            if score is not None and rng.random() < 0.12:
                comment = rng.choice(HIGH if score >= 4 else LOW if score <= 2 else MIDDLE)
            answers[question.code] = {"score": score, "comment": comment}
        if not draft:
            for question in self.questions:
                if question.kind == Question.Kind.OPEN and rng.random() < 0.5:
                    answers[question.code] = {
                        "text": rng.choice(KEEP if question.code == "keep_doing" else MORE)
                    }
        return answers


def demo_feedback_load(*, events: pl.DataFrame, today: datetime.date, seed: int) -> int:
    """Create the demo's 360 campaigns from the generated `feedback_360` events; returns
    how many responses (drafts included)."""
    from kpilib.ingest.services import own_facts_write

    zone = ZoneInfo(time_zone_name())
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.DEMO)
    questions = list(questionnaire.questions.select_related("competency").order_by("order", "pk"))
    people = {e.employee_id: e for e in Employee.objects.select_related("manager__user")}
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in events.filter(pl.col("metric") == services.METRIC).iter_rows(named=True):
        day = row["occurred_on"]
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
        if row["employee_id"] in people and day <= today:
            scores[_quarter(day)][row["employee_id"]].append(float(row["value"]))
    current = _quarter(today)
    closed = sorted(q for q in scores if parse_period(q).end < today)
    population = scores.get(current) or (scores[closed[-1]] if closed else {})
    pools = _colleagues(seed, len(population))
    builder = _Builder(seed, pools, questions)
    engineer = Employee.objects.filter(user__username="engineer").first()
    second = Employee.objects.filter(user__username="engineer_en").first()
    campaigns: list[tuple[Campaign, list[_Plan]]] = []
    for quarter in closed:
        deadline = parse_period(quarter).end
        subjects = [people[e] for e in sorted(scores[quarter]) if _active(people[e], deadline)]
        means = {people[e].pk: sum(v) / len(v) for e, v in scores[quarter].items()}
        layouts = {}
        if quarter == closed[-1]:
            layouts = {getattr(engineer, "pk", None): POOLED, getattr(second, "pk", None): WITHHELD}
        plans = _plans(builder, subjects, means, deadline, layouts=layouts, closed=True)
        campaign = Campaign(
            name=f"{quarter} 季度 360 度反馈",
            name_en=f"{quarter} 360-degree feedback",
            questionnaire=questionnaire,
            status=Campaign.Status.CLOSED,
            deadline=deadline,
            launched_at=datetime.datetime.combine(
                deadline - datetime.timedelta(days=CAMPAIGN_DAYS), datetime.time(9), tzinfo=zone
            ),
            closed_at=datetime.datetime.combine(
                deadline + datetime.timedelta(days=1), datetime.time(9), tzinfo=zone
            ),
        )
        campaigns.append((campaign, plans))
    if population:
        deadline = today + datetime.timedelta(days=OPEN_DAYS_LEFT)
        fallback = {
            people[e].pk: sum(v) / len(v)
            for quarter in (*closed, current)
            for e, v in scores.get(quarter, {}).items()
        }  # each person's latest quarter's mean
        subjects = [people[e] for e in sorted(population) if _active(people[e], today)]
        plans = _plans(
            builder,
            subjects,
            fallback,
            today,
            layouts={},
            closed=False,
            engineer=engineer,
            second=second,
        )
        campaigns.append(
            (
                Campaign(
                    name=f"{current} 季度 360 度反馈",
                    name_en=f"{current} 360-degree feedback",
                    questionnaire=questionnaire,
                    status=Campaign.Status.OPEN,
                    deadline=deadline,
                    launched_at=datetime.datetime.combine(
                        today - datetime.timedelta(days=OPEN_DAYS_RUN),
                        datetime.time(9),
                        tzinfo=zone,
                    ),
                ),
                plans,
            )
        )
    responses = _write(builder, campaigns, zone)
    facts: list[dict[str, str]] = []
    for campaign, _subjects in campaigns:
        if campaign.status == Campaign.Status.CLOSED:
            facts.extend(services.results_facts(campaign))
    for start in range(0, len(facts), 10_000):
        reasons = own_facts_write(
            actor=SYSTEM,
            origin=Origin.DEMO,
            source=services.SOURCE,
            records=facts[start : start + 10_000],
        )
        if reasons:
            raise RuntimeError(f"demo 360 facts refused: {reasons[:3]}")
    return responses


def _plans(
    builder: _Builder,
    subjects: list[Employee],
    means: dict[int, float],
    day: datetime.date,
    *,
    layouts: dict[int | None, dict[str, int]],
    closed: bool,
    engineer: Employee | None = None,
    second: Employee | None = None,
) -> list[_Plan]:
    """Each subject's raters: their team is the other subjects under the same manager."""
    teams: dict[int | None, list[Employee]] = defaultdict(list)
    for employee in subjects:
        teams[employee.manager_id].append(employee)
    plans = []
    rng = builder.rng
    waiting: int | None = None  # one of the demo manager's team waits for their approval
    if not closed and engineer is not None:
        waiting = next(
            (
                e.pk
                for e in teams[engineer.manager_id]
                if e.pk not in (engineer.pk, getattr(second, "pk", None))
            ),
            None,
        )
    for employee in subjects:
        manager = (
            employee.manager
            if employee.manager is not None and _active(employee.manager, day)
            else None
        )
        team = [e for e in teams[employee.manager_id] if _active(e, day)]
        reports = teams.get(employee.pk, [])
        plan = _Plan(employee=employee, base=means.get(employee.pk, 3.9))
        force: tuple[Employee, ...] = ()
        if not closed and second is not None and engineer is not None and employee.pk == second.pk:
            force = (engineer,)  # the demo engineer has a colleague's form to answer
        plan.raters = builder.raters(
            employee,
            manager,
            team,
            reports,
            counts=layouts.get(employee.pk),
            closed=closed,
            force=force,
        )
        if not closed:
            draw = rng.random()
            plan.state = (
                Subject.State.APPROVED
                if employee.pk in (getattr(engineer, "pk", None), getattr(second, "pk", None))
                else Subject.State.SUBMITTED
                if employee.pk == waiting or draw < 0.15
                else Subject.State.PROPOSING
                if draw < 0.3
                else Subject.State.APPROVED
            )
            _shape_open(plan, engineer, second)
        plans.append(plan)
    return plans


def _shape_open(plan: _Plan, engineer: Employee | None, second: Employee | None) -> None:
    """States of an open campaign's nominations: nominated raters wait for the manager's
    approval (self and the manager answer from launch); the demo engineer owes their self
    assessment and a colleague's form, and has about half their raters' answers in."""
    auto = (Relationship.SELF, Relationship.MANAGER)
    for rater in plan.raters:
        if plan.state != Subject.State.APPROVED and rater.relationship not in auto:
            rater.status, rater.answer = Nomination.Status.PROPOSED, SILENT
    if engineer is not None and plan.employee.pk == engineer.pk:
        others = [r for r in plan.raters if r.relationship not in auto]
        for rater in plan.raters:
            if rater.relationship in auto:
                rater.answer = SILENT if rater.relationship == Relationship.SELF else SUBMITTED
        for index, rater in enumerate(others):
            rater.status, rater.reason = Nomination.Status.APPROVED, ""
            rater.answer = SUBMITTED if index % 2 == 0 else DRAFT if index % 4 == 1 else SILENT
    if second is not None and plan.employee.pk == second.pk:
        for rater in plan.raters:
            if rater.status == Nomination.Status.DECLINED:
                rater.status, rater.answer, rater.reason = Nomination.Status.APPROVED, SILENT, ""
            if (
                engineer is not None
                and rater.employee is not None
                and rater.employee.pk == engineer.pk
            ):
                rater.answer = SILENT  # the demo engineer's form to answer
            elif rater.relationship == Relationship.MANAGER:
                rater.answer = SILENT  # the demo manager still owes this form
    active = Counter(r.relationship for r in plan.raters if r.status in ACTIVE)
    if plan.state != Subject.State.PROPOSING and any(
        active[group] < DEFAULT_GROUP_LIMITS[group][0] for group in Relationship.values
    ):
        # a group under its minimum (a decline, a small team): back to nominating
        plan.state = Subject.State.PROPOSING
        for rater in plan.raters:
            if rater.relationship not in auto and rater.status == Nomination.Status.APPROVED:
                rater.status, rater.answer = Nomination.Status.PROPOSED, SILENT


def _write(builder: _Builder, campaigns: list[tuple[Campaign, list[_Plan]]], zone: ZoneInfo) -> int:
    """Everything in bulk, then one audit event per row."""
    rng = builder.rng
    Campaign.objects.bulk_create([campaign for campaign, _plans in campaigns])
    subjects: list[Subject] = []
    nominations: list[tuple[Nomination, _Plan, _Rater]] = []
    for campaign, plans in campaigns:
        launched = campaign.launched_at
        assert launched is not None
        for plan in plans:
            manager = next(
                (r.employee for r in plan.raters if r.relationship == Relationship.MANAGER), None
            )
            manager_user = manager.user if manager is not None else None
            subject = Subject(
                campaign=campaign,
                employee=plan.employee,
                state=plan.state,
                submitted_at=launched + datetime.timedelta(days=2)
                if plan.state != Subject.State.PROPOSING
                else None,
                approved_at=launched + datetime.timedelta(days=4)
                if plan.state == Subject.State.APPROVED
                else None,
                approved_by=manager_user if plan.state == Subject.State.APPROVED else None,
            )
            subjects.append(subject)
            for rater in plan.raters:
                external = rater.external or ("", "")
                nominations.append(
                    (
                        Nomination(
                            subject=subject,
                            relationship=rater.relationship,
                            rater=rater.employee,
                            external_name=external[0],
                            external_email=external[1],
                            status=rater.status,
                            decline_reason=rater.reason,
                            token_expires_at=(
                                datetime.datetime.combine(
                                    campaign.deadline + datetime.timedelta(days=1),
                                    datetime.time(0),
                                    tzinfo=zone,
                                )
                                if rater.external
                                else None
                            ),
                            # a customer's link (the token, seeded, is never shown: they got it by e-mail),
                            # spent once they submitted
                            token_hash=services.token_hash(
                                f"{services.EXTERNAL_TOKEN_PREFIX}demo-{rng.getrandbits(128):032x}"
                            )
                            if rater.external
                            and rater.answer != SUBMITTED
                            and rater.status == Nomination.Status.APPROVED
                            else "",
                        ),
                        plan,
                        rater,
                    )
                )
    Subject.objects.bulk_create(subjects, batch_size=2000)
    for nomination, _plan, _rater in nominations:
        nomination.subject = nomination.subject  # the subject's primary key, now it has one
    Nomination.objects.bulk_create([n for n, _plan, _rater in nominations], batch_size=2000)
    responses: list[Response] = []
    for nomination, plan, rater in nominations:
        if rater.answer == SILENT:
            continue
        campaign = nomination.subject.campaign
        launched = campaign.launched_at
        assert launched is not None
        end = (
            datetime.datetime.combine(campaign.deadline, datetime.time(18), tzinfo=zone)
            if campaign.status == Campaign.Status.CLOSED
            else launched + datetime.timedelta(days=OPEN_DAYS_RUN - 1)
        )
        start = launched + datetime.timedelta(
            days=0 if rater.relationship in (Relationship.SELF, Relationship.MANAGER) else 4
        )
        saved = start + datetime.timedelta(
            seconds=rng.randint(0, max(0, int((end - start).total_seconds())))
        )
        draft = rater.answer == DRAFT
        responses.append(
            Response(
                nomination=nomination,
                answers=builder.answers(plan, rater, draft=draft),
                status=Response.Status.DRAFT if draft else Response.Status.SUBMITTED,
                saved_at=saved,
                submitted_at=None if draft else saved,
            )
        )
    Response.objects.bulk_create(responses, batch_size=2000)
    for campaign, _plans in campaigns:
        audit_record(actor=SYSTEM, origin=Origin.DEMO, instance=campaign, before=None)
    for subject in subjects:
        audit_record(actor=SYSTEM, origin=Origin.DEMO, instance=subject, before=None)
    for nomination, _plan, _rater in nominations:
        audit_record(
            actor=SYSTEM,
            origin=Origin.DEMO,
            instance=nomination,
            before=None,
            after=services._nomination_snapshot(nomination),
        )
    for response in responses:
        # the status only: what the rater said never goes into the trail
        audit_record(
            actor=SYSTEM,
            origin=Origin.DEMO,
            instance=response,
            before=None,
            after={"status": response.status, "nomination": response.nomination.pk},
        )
    return len(responses)
