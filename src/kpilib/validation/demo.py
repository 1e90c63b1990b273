"""The demo's solution validations: every solution the generator submits becomes a kpilib
solution reviewed by one product and one delivery reviewer (the demo's 产品部 and 交付部,
created here), decided within a few working days inside its quarter; a failed one is mostly
resubmitted and reviewed again (at most three rounds), so `solution_submitted` and the
`solution_validation_passed` / `_failed` / `_days` facts come from kpilib's own records. One
solution of the demo engineer waits in the queue of the demo's delivery reviewer (login
`reviewer`).

Written in bulk (a year of a large demo holds thousands of rounds), each row audited, the
facts built by the services' own functions and written through the fact store's intake.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import polars as pl

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.audit.services import audit_record
from kpilib.clock import time_zone_name
from kpilib.engine.periods import parse_period
from kpilib.engine.workdays import is_workday
from kpilib.org.models import Employee, OrgUnit, Position
from kpilib.org.services import employee_create, org_unit_create
from kpilib.validation import services
from kpilib.validation.models import DEFAULT_ITEMS, ReviewerVerdict, Solution, ValidationRound

OWN_METRICS = (services.SUBMITTED, services.PASSED, services.FAILED)
REVIEWER_LOGIN = "reviewer"
PRODUCT_PEOPLE = ("产品经理 周宁", "产品经理 吴越", "产品经理 郑岚")
DELIVERY_PEOPLE = ("交付经理 冯涛", "交付经理 陈默", "交付经理 褚衡")
TOPICS = (
    ("核心系统容器化方案", "云原生平台"), ("数据库国产化替换方案", "分布式数据库"),
    ("产线防错设计方案", "MES 系统"), ("数据中台建设方案", "数据中台"), ("多云成本治理方案", "云管平台"),
)
FAIL_COMMENTS = ("交付排期不可行，请补充人力计划", "与产品路线不一致，需改用新版本", "报价低于成本，请重新核算",
                 "关键依赖未确认，请补充风险清单")
MAX_ROUNDS = 3


def _reviewers() -> tuple[list[Employee], list[Employee]]:
    """The demo's product and delivery reviewers, in units of their own under the company."""
    company = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    delivery_position = Position.objects.get(code="delivery-engineer")
    product_position = Position.objects.filter(code="product-manager").first() or Position.objects.create(
        code="product-manager", name_zh_hans="产品经理", name_en="Product manager"
    )
    pools: list[list[Employee]] = []
    for unit_name, unit_en, people, position, prefix in (
        ("产品部", "Product", PRODUCT_PEOPLE, product_position, "P"),
        ("交付部", "Delivery", DELIVERY_PEOPLE, delivery_position, "D"),
    ):
        unit = org_unit_create(
            actor=SYSTEM, origin=Origin.DEMO, name=unit_name, name_en=unit_en, kind=OrgUnit.Kind.TEAM, parent=company
        )
        pools.append([
            employee_create(
                actor=SYSTEM, origin=Origin.DEMO, employee_id=f"{prefix}{number:03d}", name=name.split()[-1],
                org_unit=unit, position=position,
            )
            for number, name in enumerate(people, start=1)
        ])
    return pools[0], pools[1]


def _later_workday(day: datetime.date, workdays: int, last: datetime.date) -> datetime.date:
    """`workdays` working days after `day`, but never after `last`."""
    while workdays > 0 and day < last:
        day += datetime.timedelta(days=1)
        workdays -= is_workday(day)
    return min(day, last)


def demo_validation_load(*, events: pl.DataFrame, today: datetime.date, seed: int) -> int:
    """Create the demo's solutions and rounds from the generated `solution_submitted`
    events; returns how many rounds."""
    from kpilib.ingest.services import own_facts_write

    rng = random.Random(seed)
    zone = ZoneInfo(time_zone_name())
    product, delivery = _reviewers()
    people = {e.employee_id: e for e in Employee.objects.all()}
    codes = [item["code"] for item in DEFAULT_ITEMS]
    skill: dict[int, float] = {}
    rows = events.filter(pl.col("metric") == services.SUBMITTED).sort("employee_id", "occurred_on")
    plans: list[tuple[Solution, list[dict[str, object]]]] = []
    for row in rows.iter_rows(named=True):
        author = people.get(row["employee_id"])
        day = row["occurred_on"]
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
        if author is None or day > today:
            continue
        quarter_end = parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}").end
        last = min(quarter_end, today)
        chance = skill.setdefault(author.pk, rng.uniform(0.55, 0.95))
        topic, product_name = rng.choice(TOPICS)
        customer = str(row.get("customer_id") or "")
        solution = Solution(
            title=f"{customer or '客户'}{topic}", summary=f"{product_name}：现状评估、目标架构、迁移步骤与交付计划",
            customer_id=customer, customer_name=customer, project_id=str(row.get("project_id") or ""),
            product=product_name, author=author,
        )
        rounds: list[dict[str, object]] = []
        submitted = datetime.datetime.combine(day, datetime.time(10), tzinfo=zone)
        for number in range(1, MAX_ROUNDS + 1):
            decided_day = _later_workday(submitted.date(), rng.randint(0, 4), last)
            decided = datetime.datetime.combine(decided_day, datetime.time(17), tzinfo=zone)
            passed = rng.random() < min(chance + 0.15 * (number - 1), 0.98)
            rounds.append({"number": number, "submitted": submitted, "decided": decided, "passed": passed})
            resubmit_day = _later_workday(decided_day, rng.randint(1, 3), last)
            if passed or resubmit_day <= decided_day or rng.random() < 0.15:
                break
            submitted = datetime.datetime.combine(resubmit_day, datetime.time(10), tzinfo=zone)
        plans.append((solution, rounds))
    Solution.objects.bulk_create([solution for solution, _rounds in plans], batch_size=2000)
    round_rows: list[ValidationRound] = []
    for solution, rounds in plans:
        for spec in rounds:
            round_rows.append(ValidationRound(
                solution=solution, number=spec["number"], submitted_at=spec["submitted"],
                state=ValidationRound.State.PASSED if spec["passed"] else ValidationRound.State.FAILED,
                decided_at=spec["decided"],
                notes="" if spec["number"] == 1 else "已按上一轮意见修改",
            ))
    for validation_round in round_rows:
        workdays, hours = services.time_to_verdict(validation_round, validation_round.decided_at, {})  # type: ignore[arg-type]
        validation_round.workdays_to_verdict, validation_round.hours_to_verdict = workdays, hours
    ValidationRound.objects.bulk_create(round_rows, batch_size=2000)
    verdicts: list[ReviewerVerdict] = []
    chosen: dict[int, tuple[Employee, Employee]] = {}
    for validation_round in round_rows:
        pair = chosen.setdefault(validation_round.solution.pk, (rng.choice(product), rng.choice(delivery)))
        failing = -1 if validation_round.state == ValidationRound.State.PASSED else rng.randrange(2)
        for index, (reviewer, function) in enumerate(((pair[0], "product"), (pair[1], "delivery"))):
            fails = index == failing
            verdicts.append(ReviewerVerdict(
                round=validation_round, reviewer=reviewer, function=function,
                verdict=ReviewerVerdict.Verdict.FAIL if fails else ReviewerVerdict.Verdict.PASS,
                reasons=sorted(rng.sample(codes, rng.randint(1, 2))) if fails else [],
                comment=rng.choice(FAIL_COMMENTS) if fails else "",
                decided_at=validation_round.decided_at,
            ))
    ReviewerVerdict.objects.bulk_create(verdicts, batch_size=2000)
    facts: list[dict[str, str]] = []
    for solution, _rounds in plans:
        audit_record(actor=SYSTEM, origin=Origin.DEMO, instance=solution, before=None)
    for validation_round in round_rows:
        audit_record(
            actor=SYSTEM, origin=Origin.DEMO, instance=validation_round, before=None,
            after=services._round_snapshot(validation_round),
        )
        if validation_round.number == 1:
            facts.append(services.submitted_record(validation_round.solution, validation_round.submitted_at))
        facts.extend(services.decided_records(validation_round))
    for row in verdicts:
        audit_record(actor=SYSTEM, origin=Origin.DEMO, instance=row, before=None)
    for start in range(0, len(facts), 10_000):
        reasons = own_facts_write(
            actor=SYSTEM, origin=Origin.DEMO, source=services.SOURCE, records=facts[start : start + 10_000]
        )
        if reasons:
            raise RuntimeError(f"demo validations' facts refused: {reasons[:3]}")
    _waiting(delivery[0], product[0], today, zone)
    return len(round_rows)


def _waiting(reviewer: Employee, product_reviewer: Employee, today: datetime.date, zone: ZoneInfo) -> None:
    """One solution of the demo engineer waits for the demo reviewer's verdict."""
    engineer = Employee.objects.filter(user__username="engineer").first()
    if engineer is None:
        return
    services.solution_submit(
        actor=SYSTEM, origin=Origin.DEMO, author=engineer, title="长江保险理赔系统微服务拆分方案",
        summary="按理赔环节拆成 6 个服务，接口契约测试先行，分三批上线", customer_name="长江保险",
        product="微服务治理平台", reviewers=[(product_reviewer, "product"), (reviewer, "delivery")],
        now=datetime.datetime.combine(today, datetime.time(9), tzinfo=zone),
    )
