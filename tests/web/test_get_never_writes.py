"""GET never writes: every route of the URL map, requested with GET as every role, leaves
every table as it was.

The world has a published cycle with an open appeal, a cycle still setting goals, a data
source with a finished batch, and an import whose worker died (running, silent for an
hour), which a page must not mark failed: that is the periodic task's job. Each route's
ids are filled from the database (`IDS`); a route the test cannot fill fails it, so a
new route is covered the day it is added.
"""

import datetime
import hashlib
import re
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from kpilib.accounts.models import PersonalAccessToken
from kpilib.accounts.services import personal_token_create
from kpilib.appraisal import services as appraisal_services
from kpilib.appraisal.models import Appeal, Cycle, Evidence, Participant, Scorecard
from kpilib.audit.origin import Origin
from kpilib.cases.models import Case, CaseAttachment
from kpilib.dailyreports import services as report_services
from kpilib.dailyreports.models import DailyReport
from kpilib.feedback.models import Campaign, Nomination, Subject
from kpilib.ingest.models import ImportBatch, Source
from kpilib.library.models import Indicator, Theme
from kpilib.org.models import Employee
from kpilib.plans.models import Plan
from kpilib.training.models import Exam
from kpilib.validation.models import Solution, ValidationRound
from tests.accounts.test_role_matrix import ROLES, client_for
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, make_world
from tests.browser.crawl import _walk

# Routes outside the application's own pages: the admin is walked model by model below.
NOT_APP = ("admin/", "static/", "media/")
FORMATS = ["xlsx", "pdf", "csv", "json", "yaml"]

Values = Callable[[], list[object]]


def _pks(model: type) -> Values:
    return lambda: list(model.objects.order_by("pk").values_list("pk", flat=True))


# (route prefix, parameter) -> the values it takes; the longest matching prefix wins.
IDS: dict[tuple[str, str], Values] = {
    ("people/", "pk"): _pks(Employee),
    ("plans/", "pk"): _pks(Plan),
    ("plans/", "plan_pk"): _pks(Plan),
    ("cycles/", "pk"): _pks(Cycle),
    ("participants/", "pk"): _pks(Participant),
    ("scorecards/", "pk"): _pks(Scorecard),
    ("monitor/meters/", "pk"): _pks(Participant),
    ("monitor/meters/", "code"): lambda: list(Indicator.objects.values_list("code", flat=True)[:3]),
    ("scorecards/", "code"): lambda: list(Indicator.objects.values_list("code", flat=True)),
    ("appeals/", "pk"): _pks(Appeal),
    ("evidence/", "pk"): _pks(Evidence),
    ("api/participants/", "pk"): _pks(Participant),
    ("reports/", "pk"): _pks(DailyReport),
    ("library/strategy/", "code"): lambda: list(Theme.objects.values_list("code", flat=True)),
    ("library/i/", "code"): lambda: list(Indicator.objects.values_list("code", flat=True)[:3]),
    ("ingest/sources/", "name"): lambda: list(Source.objects.values_list("name", flat=True)),
    ("ingest/batches/", "pk"): _pks(ImportBatch),
    ("api/employees/", "pk"): _pks(Employee),
    ("api/webhooks/", "source"): lambda: list(Source.objects.values_list("name", flat=True)),
    ("api/indicators/", "code"): lambda: list(Indicator.objects.values_list("code", flat=True)[:3]),
    ("api/cycles/", "pk"): _pks(Cycle),
    ("api/scorecards/", "pk"): _pks(Scorecard),
    ("accounts/lockouts/", "pk"): _pks(AccessAttempt),
    ("accounts/tokens/", "pk"): _pks(PersonalAccessToken),
    ("", "fmt"): lambda: FORMATS,
    ("training/exams/", "code"): lambda: list(Exam.objects.values_list("code", flat=True)),
    ("api/exams/", "code"): lambda: list(Exam.objects.values_list("code", flat=True)),
    ("cases/", "pk"): _pks(Case),
    ("cases/attachments/", "pk"): _pks(CaseAttachment),
    ("api/cases/", "pk"): _pks(Case),
    ("feedback/campaigns/", "pk"): _pks(Campaign),
    ("api/feedback/campaigns/", "pk"): _pks(Campaign),
    ("api/feedback/forms/", "pk"): _pks(Nomination),
    ("api/feedback/subjects/", "pk"): _pks(Subject),
    ("feedback/subjects/", "pk"): _pks(Subject),
    ("feedback/nominations/", "pk"): _pks(Nomination),
    ("feedback/forms/", "pk"): _pks(Nomination),
    ("feedback/link/", "token"): lambda: [*FEEDBACK_LINKS, "kpf_not-a-link"],
    ("validation/", "pk"): _pks(Solution),
    ("validation/rounds/", "pk"): _pks(ValidationRound),
    ("api/solutions/", "pk"): _pks(Solution),
    ("api/validation-rounds/", "pk"): _pks(ValidationRound),
}
# the customer's link token of the world (only its hash is stored)
FEEDBACK_LINKS: list[str] = []
FEEDBACK_DEADLINE = datetime.date(2026, 10, 30)
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _values(route: str, name: str) -> list[object]:
    matching = [key for key in IDS if key[1] == name and route.startswith(key[0])]
    if not matching:
        raise LookupError(f"/{route}: no ids for <{name}>; add them to IDS")
    return IDS[max(matching, key=lambda key: len(key[0]))]()


def _addresses(route: str) -> list[str]:
    """Every address of a route with each of its parameters' values (all combinations)."""
    addresses = [route]
    for name in PARAMETER.findall(route):
        values = _values(route, name)
        assert values, f"/{route}: the world has no value for <{name}>"
        addresses = [
            re.sub(rf"<(?:\w+:)?{name}>", str(value), address, count=1)
            for address in addresses
            for value in values
        ]
    return ["/" + address for address in addresses]


def app_addresses() -> list[str]:
    """Every route of the URL map outside the admin, filled with real ids."""
    found = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(NOT_APP):
            continue
        found.extend(_addresses(route))
    return found


def admin_addresses() -> list[str]:
    """The admin's index and, per registered model, its list, add and first object's pages."""
    found = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        found += [reverse("admin:app_list", args=[meta.app_label])]
        found += [reverse(f"{base}_changelist"), reverse(f"{base}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            found += [reverse(f"{base}_{page}", args=[first.pk]) for page in ("change", "history", "delete")]
    return sorted(set(found))


def database_state() -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of all its rows, in primary-key order."""
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # table names from the schema
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            state[table] = (len(rows), digest)
    return state


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    hr = world.org.hr

    def start(name: str, period: str) -> Cycle:
        return appraisal_services.cycle_create(
            actor=hr, origin=Origin.WEB, plan=world.plan, name=name, kind="quarterly",
            period=period,
        )

    published = start("2026 Q3", QUARTER)
    while published.phase != Cycle.Phase.PUBLICATION:
        published = appraisal_services.cycle_advance(actor=hr, origin=Origin.WEB, cycle=published, today=DAY, early_reason="fast-forward in a test")
    card = Scorecard.objects.filter(
        participant__cycle=published, participant__employee=world.org.peer
    ).latest("revision")
    appraisal_services.appeal_file(
        actor=world.org.peer.user, origin=Origin.WEB, scorecard=card, text="缺少一份满意度调查"
    )
    start("2026 Q4", "2026-Q4")
    # evidence the peer attached to the published cycle's self-assessment (the download route)
    Evidence(
        participant=published.participants.get(employee=world.org.peer),
        file_name="方案评审.pdf",
        size=8,
        file=ContentFile(b"%PDF-1.4", name="evidence.pdf"),
    ).save()
    # daily reports: the engineer's waits in the manager's queue (with a comment), the
    # other team's waits for nobody (no manager), the peer's is a draft
    submitted_at = datetime.datetime.combine(DAY, datetime.time(18), tzinfo=datetime.UTC)
    for author, answers in (
        (world.org.engineer, {"done": "拜访客户，部署 POC 环境", "plan": "整理报告\n跟进投标"}),
        (world.org.other_team_engineer, {"done": "开会"}),
        (world.org.peer, {"done": "草稿"}),
    ):
        report = report_services.report_save_draft(
            actor=author.user, origin=Origin.WEB, report_date=DAY, answers=answers, today=DAY
        )
        if author != world.org.peer:
            report_services.report_submit(
                actor=author.user, origin=Origin.WEB, report=report, now=submitted_at
            )
    report_services.report_comment(
        actor=world.org.manager.user, origin=Origin.WEB,
        report=DailyReport.objects.get(author=world.org.engineer), text="好",
    )
    source = Source.objects.create(name="crm", kind="generic")
    ImportBatch.objects.create(source=source, channel="file", status="committed")
    # an import whose worker died an hour ago: only the periodic task may mark it failed
    stale = ImportBatch.objects.create(source=source, channel="file", status="running")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=an_hour_ago, started_at=an_hour_ago)
    # training: an exam with an attempt, a certification held
    from kpilib.training import services as training

    exam = training.exam_save(actor=hr, origin=Origin.WEB, code="product-q3", name="产品知识考试")
    training.exam_attempt_record(
        actor=hr, origin=Origin.WEB, exam=exam, employee=world.org.engineer, taken_on=DAY,
        score=88, today=TODAY,
    )
    hcie = training.certification_save(
        actor=hr, origin=Origin.WEB, code="hcie", name="华为 HCIE", validity_months=24
    )
    training.certification_record(
        actor=hr, origin=Origin.WEB, certification=hcie, employee=world.org.engineer,
        earned_on=DAY, today=TODAY,
    )
    # cases: one approved with an attachment, one draft (GET never decides or reuses)
    from kpilib.cases import services as cases

    approved = cases.case_save(
        actor=world.org.engineer.user, origin=Origin.WEB, title="容器化迁移", problem="扩容慢",
        solution="分批迁移",
    )
    cases.case_attach(
        actor=world.org.engineer.user, origin=Origin.WEB, case=approved,
        upload=ContentFile(b"slides", name="方案.pptx"),
    )
    cases.case_submit(actor=world.org.engineer.user, origin=Origin.WEB, case=approved, now=submitted_at)
    cases.case_decide(
        actor=world.org.manager.user, origin=Origin.WEB, case=approved, approve=True, now=submitted_at
    )
    cases.case_save(
        actor=world.org.peer.user, origin=Origin.WEB, title="草稿案例", problem="p", solution="s"
    )
    # 360: an open campaign; the engineer's raters approved (the peer, a customer with a
    # link), the peer's answers a draft (GET never answers, approves or declines)
    from kpilib.audit.origin import SYSTEM
    from kpilib.feedback import services as feedback

    campaign = feedback.campaign_create(
        actor=hr, origin=Origin.WEB, name="2026 下半年 360",
        questionnaire=feedback.questionnaire_install(actor=SYSTEM, origin=Origin.WEB),
        deadline=FEEDBACK_DEADLINE, today=TODAY, group_limits={"peer": [1, 4], "sales": [0, 2]},
    )
    feedback.campaign_add_subjects(actor=hr, origin=Origin.WEB, campaign=campaign, employees=[world.org.engineer])
    feedback.campaign_launch(actor=hr, origin=Origin.WEB, campaign=campaign, today=TODAY, now=submitted_at)
    subject = campaign.subjects.get()
    peer_rates = feedback.nomination_add(
        actor=world.org.engineer.user, origin=Origin.WEB, subject=subject, relationship="peer",
        rater=world.org.peer, now=submitted_at,
    )
    feedback.nomination_add(
        actor=world.org.engineer.user, origin=Origin.WEB, subject=subject, relationship="customer",
        external_name="刘总", external_email="liu@customer.example", now=submitted_at,
    )
    feedback.nominations_submit(actor=world.org.engineer.user, origin=Origin.WEB, subject=subject, now=submitted_at)
    [(_customer, raw)] = feedback.nominations_approve(
        actor=world.org.manager.user, origin=Origin.WEB, subject=subject, now=submitted_at
    )
    FEEDBACK_LINKS[:] = [raw]
    feedback.response_save(
        actor=world.org.peer.user, origin=Origin.WEB, nomination=peer_rates,
        answers={"collab_responsive": {"score": 4, "comment": "响应快"}}, now=submitted_at,
    )
    # validation: the engineer's solution, failed in round 1 (with a file) and open in round 2,
    # reviewed by 李四 (product) and 赵六 (delivery); GET never records a verdict
    from kpilib.validation import services as validation

    reviewers = [(world.org.peer, "product"), (world.org.other_team_engineer, "delivery")]
    first = validation.solution_submit(
        actor=world.org.engineer.user, origin=Origin.WEB, title="容器化方案", summary="分批迁移",
        reviewers=reviewers, now=submitted_at, attachment=ContentFile(b"slides", name="方案.pptx"),
    )
    validation.verdict_record(
        actor=world.org.peer.user, origin=Origin.WEB, validation_round=first, verdict="pass", now=submitted_at
    )
    validation.verdict_record(
        actor=world.org.other_team_engineer.user, origin=Origin.WEB, validation_round=first, verdict="fail",
        reasons=["risks"], now=submitted_at,
    )
    validation.solution_submit(
        actor=world.org.engineer.user, origin=Origin.WEB, solution=first.solution, title="容器化方案",
        summary="分批迁移，补充风险", reviewers=reviewers, now=submitted_at,
    )
    # 李四's solution reviewed by the manager and 张三; 赵六's by the manager and 李四
    for author, named in (
        (world.org.peer, [(world.org.manager, "product"), (world.org.engineer, "delivery")]),
        (world.org.other_team_engineer, [(world.org.manager, "product"), (world.org.peer, "delivery")]),
    ):
        validation.solution_submit(
            actor=author.user, origin=Origin.WEB, title=f"{author.name}的方案", summary="概述",
            reviewers=named, now=submitted_at,
        )
    # a personal access token (GET on its revoke address must not revoke it)
    personal_token_create(actor=world.org.engineer.user, origin=Origin.WEB, name="快捷指令")
    # a sign-in lockout HR could lift (GET on its unlock address must not lift it)
    AccessAttempt.objects.create(
        username="guesser", ip_address="198.51.100.9", user_agent="", http_accept="",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=9,
    )
    return world


def test_every_route_has_ids_in_the_world(world: World) -> None:
    # when every route of the URL map is filled with the world's ids
    addresses = app_addresses()
    # then each parameterised route became at least one real address
    assert not [address for address in addresses if "<" in address]
    assert "/ingest/batches/" in "".join(addresses)


@pytest.mark.today(TODAY)
@pytest.mark.parametrize("role", ROLES)
def test_get_on_every_route_changes_no_row(world: World, role: str) -> None:
    # given a role signed in (signing in writes; it happens first) and the database's state
    client: Client = client_for(world.org, role)
    addresses = app_addresses() + admin_addresses()
    before = database_state()
    # when the role requests every route with GET
    served = {}
    for address in addresses:
        served[address] = client.get(address).status_code
    # then no page failed, and not one row of any table changed
    assert not {address: status for address, status in served.items() if status >= 500}
    after = database_state()
    changed = sorted(table for table in before if before[table] != after.get(table))
    assert not changed, f"GET as {role} changed {changed}"


def test_the_periodic_task_fails_the_stale_import_as_the_system(world: World) -> None:
    # given the import whose worker died an hour ago
    from kpilib.audit.models import AuditEvent
    from kpilib.ingest.tasks import fail_stale_imports_task

    stale = ImportBatch.objects.get(status="running")
    # when the periodic task runs (the worker calls it like this)
    marked = fail_stale_imports_task.call()
    # then the batch is failed, and the change is audited as the system, origin task
    stale.refresh_from_db()
    event = AuditEvent.objects.filter(
        object_type="ingest.importbatch", object_id=str(stale.pk)
    ).latest("pk")
    assert (marked, stale.status) == (1, "failed")
    assert (event.actor, event.origin) == (None, Origin.TASK)
    assert event.changes["status"] == {"before": "running", "after": "failed"}


def test_the_cron_command_fails_the_stale_import(world: World) -> None:
    # given the import whose worker died an hour ago
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    # when cron runs the command
    call_command("fail_stale_imports", stdout=out)
    # then it is failed and the command says how many it marked
    assert ImportBatch.objects.filter(status="running").count() == 0
    assert out.getvalue().strip() == "stale imports marked failed: 1"
