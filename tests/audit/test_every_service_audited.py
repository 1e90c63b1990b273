"""Every write is an audited service, with its actor and the origin it was given (issue 12, item 1).

`CALLS` holds one row per public service: a function of the world that makes the call
possible and returns the actor and the call's arguments. The walk calls each service
with an origin that is not the web (they rotate, so a service that writes an origin of
its own is caught) and checks that it recorded at least one audit event, and that every
event it recorded names that actor (no user for `SYSTEM`) and that origin.

A public service is any public function of a domain module (not the web, API or CLI)
that takes `actor` and `origin` (only writes take an origin; a rule such as `can_appeal`
takes just the actor): `test_every_service_has_a_row` finds them, so a new service
without a row fails the suite.
"""

import ast
import datetime
import hashlib
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.utils import timezone

import kpilib
from kpilib.appraisal import services as appraisal
from kpilib.appraisal.models import Appeal, Cycle, Evidence, Interview, PersonalGoal, Scorecard
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.ingest import services as ingest
from kpilib.ingest.models import ImportBatch, QuarantinedRow, Source
from kpilib.library import selectors as library_selectors
from kpilib.library.models import Indicator, Objective, PlanTemplate, Theme
from kpilib.notifications.models import Channel
from kpilib.notifications.services import Email, channel_create
from kpilib.org.models import OrgUnit, Position
from kpilib.plans import services as plans
from kpilib.plans.ahp import ahp_judgements_save, plan_hierarchy
from kpilib.plans.fetch import effective_plan
from kpilib.plans.models import PlanRevision
from tests.appraisal_fixtures import DAY, QUARTER, World, make_world
from tests.library.conftest import presales_pack_text
from tests.notifications.receiver import receiver

SRC = Path(kpilib.__file__).parent
# Interfaces call services; they are not services themselves.
INTERFACES = {"web", "api", "cli", "config", "migrations", "management"}
# The audit module itself: how services record, not something that acts.
NOT_SERVICES = {"kpilib.audit.services.audit_record", "kpilib.audit.services.audit_check"}
ORIGINS = [Origin.API, Origin.CLI, Origin.TASK, Origin.WEBHOOK, Origin.DEMO]
# Some services read "today" (a publication's SMART history, a deadline): one pinned day.
pytestmark = pytest.mark.today("2026-10-08")
CSV = "employee_id,metric,occurred_on,value\n{id},case_shared,2026-08-11,1\n"


@dataclass
class Call:
    actor: Any
    arguments: dict[str, Any]


def public_services() -> list[str]:
    """`module.function` of every public domain function that takes `actor` and `origin`."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if INTERFACES & set(parts) or parts[0] == "engine":
            continue
        module = ".".join(("kpilib", *parts)).removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
                writes = {"actor", "origin"} <= set(names)
                if writes and f"{module}.{node.name}" not in NOT_SERVICES:
                    found.append(f"{module}.{node.name}")
    return found


# --- the world each row starts from -------------------------------------------------


def _round(w: World):  # type: ignore[no-untyped-def]
    from kpilib.validation import services as validation

    return validation.solution_submit(
        actor=w.org.engineer.user, origin=Origin.TASK, title="容器化方案", summary="分批迁移",
        reviewers=[(w.org.peer, "product"), (w.org.other_team_engineer, "delivery")], now=REPORT_EVENING,
    )


def _case(w: World, *, submitted: bool = False, approved: bool = False):  # type: ignore[no-untyped-def]
    from kpilib.cases import services as cases

    case = cases.case_save(
        actor=w.org.engineer.user, origin=Origin.TASK, title="容器化迁移", problem="扩容慢", solution="分批迁移"
    )
    if submitted or approved:
        case = cases.case_submit(actor=w.org.engineer.user, origin=Origin.TASK, case=case, now=REPORT_EVENING)
    if approved:
        case = cases.case_decide(
            actor=w.org.manager.user, origin=Origin.TASK, case=case, approve=True, now=REPORT_EVENING
        )
    return case


def _exam(w: World):  # type: ignore[no-untyped-def]
    from kpilib.training.services import exam_save

    return exam_save(actor=w.org.hr, origin=Origin.TASK, code="product-q3", name="产品知识考试")


def _certification(w: World):  # type: ignore[no-untyped-def]
    from kpilib.training.services import certification_save

    return certification_save(
        actor=w.org.hr, origin=Origin.TASK, code="hcie", name="华为 HCIE", validity_months=12
    )


def _certification_expiring(w: World) -> None:
    from kpilib.engine.periods import add_months
    from kpilib.training.services import certification_record

    certification_record(
        actor=w.org.hr, origin=Origin.TASK, certification=_certification(w), employee=w.org.engineer,
        earned_on=add_months(DAY + datetime.timedelta(days=20), -12), today=DAY,
    )



def _cycle(w: World, phase: str, *, period: str = QUARTER, **extra: Any) -> Cycle:
    cycle = appraisal.cycle_create(
        actor=SYSTEM, origin=Origin.TASK, plan=w.plan, name=f"{phase} {period}",
        kind="quarterly", period=period, **extra,
    )
    while cycle.phase != phase:
        cycle = appraisal.cycle_advance(
            actor=SYSTEM, origin=Origin.TASK, cycle=cycle, today=DAY, early_reason="walk"
        )
    return cycle


def _card(w: World, phase: str) -> Scorecard:
    cycle = _cycle(w, phase)
    return Scorecard.objects.filter(
        participant__cycle=cycle, participant__employee=w.org.peer
    ).latest("revision")


def _personal(w: World) -> None:
    draft = plans.revision_draft(actor=SYSTEM, origin=Origin.TASK, plan=w.plan)
    plans.revision_update(
        actor=SYSTEM, origin=Origin.TASK, revision=draft, personal_mode="pbc", personal_share=30.0
    )
    plans.revision_publish(actor=SYSTEM, origin=Origin.TASK, revision=draft)


def _goal(w: World) -> PersonalGoal:
    _personal(w)
    participant = _cycle(w, Cycle.Phase.GOAL_SETTING).participants.get(employee=w.org.peer)
    return appraisal.goal_save(
        actor=w.org.peer.user, origin=Origin.TASK, participant=participant, title="目标",
        weight=1.0,
    )


def _appeal(w: World) -> Appeal:
    card = _card(w, Cycle.Phase.PUBLICATION)
    return appraisal.appeal_file(
        actor=w.org.peer.user, origin=Origin.TASK, scorecard=card, text="缺少一份满意度调查"
    )


def _evidence(w: World) -> Evidence:
    participant = _cycle(w, Cycle.Phase.SELF_ASSESSMENT).participants.get(employee=w.org.peer)
    return appraisal.evidence_attach(
        actor=w.org.peer.user, origin=Origin.TASK, participant=participant,
        upload=ContentFile(b"evidence", name="evidence.txt"),
    )


def _interview(w: World) -> Interview:
    participant = _cycle(w, Cycle.Phase.MANAGER_REVIEW).participants.get(employee=w.org.peer)
    return appraisal.interview_record(
        actor=w.org.manager.user, origin=Origin.TASK, participant=participant,
        held_on=datetime.date(2026, 10, 8), notes="谈了下季度目标", today=datetime.date(2026, 10, 8),
    )


def _source(name: str = "crm", **fields: Any) -> Source:
    return ingest.source_create(actor=SYSTEM, origin=Origin.TASK, name=name, **fields)


def _batch(w: World, status: str = ImportBatch.Status.DRAFT) -> ImportBatch:
    data = CSV.format(id=w.org.engineer.employee_id).encode()
    batch = ingest.batch_upload(
        actor=SYSTEM, origin=Origin.TASK, data=data, file_name="facts.csv", source=_source()
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=status)
    batch.refresh_from_db()
    return batch


def _quarantined(w: World) -> QuarantinedRow:
    source = _source()
    ingest.facts_receive(
        actor=SYSTEM, origin=Origin.TASK, source=source, channel=ImportBatch.Channel.API,
        records=[{"employee_id": "NOBODY", "metric": "case_shared", "occurred_on": "2026-08-11",
                  "value": 1}],
        partial=True,
    )
    return QuarantinedRow.objects.get(source=source)


# The local robot receiver of the running test (`tests.notifications.receiver`).
robot_url = ""


def _robot() -> Channel:
    return channel_create(
        actor=SYSTEM, origin=Origin.TASK, name="robot", kind="wecom",
        webhook_url=f"{robot_url}/cgi-bin/webhook/send?key=k",
    )


def _answered(w: World) -> None:
    levels, _definitions = plan_hierarchy(w.plan, {})
    for level in levels:
        judgements = {f"{a},{b}": 1.0 for a, b in level.pairs()}
        if judgements:
            ahp_judgements_save(
                actor=w.org.hr, origin=Origin.TASK, plan=w.plan, level=level.key,
                judgements=judgements,
            )


def _document(code: str) -> dict[str, Any]:
    indicator = Indicator.objects.get(code=code)
    return json.loads(json.dumps(indicator.latest_version().definition))  # type: ignore[no-any-return]


def _webhook(w: World) -> dict[str, Any]:
    source = _source("hook", webhook_secret="s3cret")
    body = b'{"facts": []}'
    timestamp = str(int(timezone.now().timestamp()))
    return {
        "source": source, "timestamp": timestamp, "body": body,
        "signature": ingest.webhook_signature("s3cret", timestamp, body),
    }


def _lockout() -> AccessAttempt:
    return AccessAttempt.objects.create(
        username="guesser", ip_address="198.51.100.9", user_agent="", http_accept="",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=9,
    )


def _reminders(w: World) -> Call:
    w.org.engineer.user.email = "engineer@example.com"
    w.org.engineer.user.save()
    cycle = appraisal.cycle_create(
        actor=SYSTEM, origin=Origin.TASK, plan=w.plan, name="Q3", kind="quarterly",
        period=QUARTER, phase_deadlines={"self_assessment": "2026-10-10"},
    )
    for _ in range(2):
        cycle = appraisal.cycle_advance(
            actor=SYSTEM, origin=Origin.TASK, cycle=cycle, today=DAY, early_reason="walk"
        )
    return Call(SYSTEM, {"today": datetime.date(2026, 10, 8)})


def _digest(w: World) -> Call:
    cycle = appraisal.cycle_create(
        actor=SYSTEM, origin=Origin.TASK, plan=w.plan, name="Q3", kind="quarterly", period=QUARTER
    )
    while cycle.phase != Cycle.Phase.DATA_COLLECTION:
        cycle = appraisal.cycle_advance(
            actor=SYSTEM, origin=Origin.TASK, cycle=cycle, today=DAY, early_reason="walk"
        )
    return Call(SYSTEM, {"day": datetime.date(2026, 10, 8)})


def _strategy(w: World) -> Call:
    theme = Theme.objects.first()
    theme.adjustment_profile = "quality_stage"
    theme.save()
    proposals = library_selectors.strategy_proposal(theme)
    return Call(w.org.hr, {"theme": theme, "proposals": proposals})


def _template_revision(w: World) -> Call:
    template = PlanTemplate.objects.get(code="presales-engineer")
    definition = json.loads(json.dumps(template.definition))
    definition["name"] = {"zh-Hans": "售前工程师（新）", "en": "Presales engineer (new)"}
    return Call(w.org.hr, {"template": template, "definition": definition})


def _weights(w: World) -> Call:
    draft = plans.revision_draft(actor=SYSTEM, origin=Origin.TASK, plan=w.plan)
    weights: dict[str, float | None] = dict(effective_plan(draft).weights)
    first, second = sorted(weights)[:2]
    weights[first], weights[second] = weights[second] + 1, weights[first] - 1
    return Call(w.org.hr, {"revision": draft, "weights": weights})


# --- one row per service: its actor and arguments -----------------------------------

Row = Callable[[World], Call]
CALLS: dict[str, Row] = {
    # accounts
    "kpilib.accounts.services.user_create": lambda w: Call(
        w.org.hr, {"username": "new", "password": "a-long-Passphrase-2026"}
    ),
    "kpilib.accounts.services.user_set_hr_admin": lambda w: Call(
        w.org.hr, {"user": w.org.outsider, "hr_admin": True}
    ),
    "kpilib.accounts.services.user_set_language": lambda w: Call(
        w.org.engineer.user, {"user": w.org.engineer.user, "language": "zh-hans"}
    ),
    "kpilib.accounts.services.lockout_record": lambda w: (
        _lockout(),
        Call(SYSTEM, {"username": "guesser", "ip_address": "198.51.100.9"}),
    )[1],
    "kpilib.accounts.services.lockout_clear": lambda w: Call(w.org.hr, {"attempt": _lockout()}),
    "kpilib.accounts.services.personal_token_create": lambda w: Call(
        w.org.engineer.user, {"name": "快捷指令"}
    ),
    "kpilib.accounts.services.personal_token_revoke": lambda w: Call(
        w.org.engineer.user, {"token": _personal_token(w), "now": REPORT_EVENING}
    ),
    # appraisal
    "kpilib.appraisal.services.cycle_create": lambda w: Call(
        w.org.hr, {"plan": w.plan, "name": "Q3", "kind": "quarterly", "period": QUARTER}
    ),
    "kpilib.appraisal.services.cycle_score": lambda w: Call(
        w.org.manager.user, {"cycle": _cycle(w, Cycle.Phase.DATA_COLLECTION)}
    ),
    "kpilib.appraisal.services.scorecard_calibrate": lambda w: Call(
        w.org.hr, {"scorecard": _card(w, Cycle.Phase.CALIBRATION), "grade": "A", "reason": "r"}
    ),
    "kpilib.appraisal.services.scorecard_score_manually": lambda w: Call(
        w.org.hr,
        {
            "scorecard": Scorecard.objects.filter(
                participant__cycle=_cycle(w, Cycle.Phase.DATA_COLLECTION),
                participant__employee=w.org.other_team_engineer,
            ).latest("revision"),
            "total": 75.0,
            "reason": "joined in September; rated from the onboarding review",
        },
    ),
    "kpilib.appraisal.services.cycle_advance": lambda w: Call(
        w.org.hr,
        {"cycle": _cycle(w, Cycle.Phase.GOAL_SETTING), "today": DAY, "early_reason": "walk"},
    ),
    "kpilib.appraisal.services.scorecard_acknowledge": lambda w: Call(
        w.org.peer.user, {"scorecard": _card(w, Cycle.Phase.PUBLICATION)}
    ),
    "kpilib.appraisal.services.appeal_file": lambda w: Call(
        w.org.peer.user, {"scorecard": _card(w, Cycle.Phase.PUBLICATION), "text": "为什么"}
    ),
    "kpilib.appraisal.services.scorecard_correct": lambda w: Call(
        w.org.hr, {"scorecard": _card(w, Cycle.Phase.PUBLICATION), "reason": "late facts"}
    ),
    "kpilib.appraisal.services.appeal_answer": lambda w: Call(
        w.org.hr, {"appeal": _appeal(w), "uphold": False, "response": "the data is complete"}
    ),
    "kpilib.appraisal.services.participant_self_assess": lambda w: Call(
        w.org.peer.user,
        {
            "participant": _cycle(w, Cycle.Phase.SELF_ASSESSMENT).participants.get(
                employee=w.org.peer
            ),
            "text": "我完成了",
        },
    ),
    "kpilib.appraisal.services.evidence_attach": lambda w: Call(
        w.org.peer.user,
        {
            "participant": _cycle(w, Cycle.Phase.SELF_ASSESSMENT).participants.get(
                employee=w.org.peer
            ),
            "upload": ContentFile(b"%PDF-1.4 evidence", name="方案评审.pdf"),
        },
    ),
    "kpilib.appraisal.services.evidence_remove": lambda w: Call(
        w.org.peer.user, {"evidence": _evidence(w)}
    ),
    "kpilib.appraisal.services.participant_review": lambda w: Call(
        w.org.manager.user,
        {
            "participant": _cycle(w, Cycle.Phase.MANAGER_REVIEW).participants.get(
                employee=w.org.peer
            ),
            "text": "稳步提升",
            "rating": 3,
        },
    ),
    "kpilib.appraisal.services.interview_record": lambda w: Call(
        w.org.manager.user,
        {
            "participant": _cycle(w, Cycle.Phase.MANAGER_REVIEW).participants.get(
                employee=w.org.peer
            ),
            "held_on": datetime.date(2026, 10, 8),
            "notes": "谈了下季度目标",
            "today": datetime.date(2026, 10, 8),
        },
    ),
    "kpilib.appraisal.services.interview_confirm": lambda w: Call(
        w.org.peer.user, {"participant": _interview(w).participant}
    ),
    "kpilib.appraisal.services.goal_save": lambda w: Call(
        w.org.peer.user, {"participant": _goal(w).participant, "title": "新目标", "weight": 1.0}
    ),
    "kpilib.appraisal.services.goal_delete": lambda w: Call(w.org.peer.user, {"goal": _goal(w)}),
    "kpilib.appraisal.reminders.reminders_send": _reminders,
    # daily reports
    "kpilib.dailyreports.services.template_save": lambda w: Call(
        w.org.hr, {"position": Position.objects.get(code="presales-engineer"), "name": "日报"}
    ),
    "kpilib.dailyreports.services.workday_exception_set": lambda w: Call(
        w.org.hr, {"company": w.org.company, "day": REPORT_DAY, "is_workday": False, "note": "团建"}
    ),
    "kpilib.dailyreports.services.report_save_draft": lambda w: Call(
        w.org.engineer.user,
        {"report_date": REPORT_DAY, "answers": REPORT_ANSWERS, "today": REPORT_DAY},
    ),
    "kpilib.dailyreports.services.report_submit": lambda w: Call(
        w.org.engineer.user, {"report": _report_draft(w), "now": REPORT_EVENING}
    ),
    "kpilib.dailyreports.services.reports_record_missing": lambda w: (
        _report_template(w),
        Call(
            SYSTEM,
            {"since": REPORT_DAY, "now": datetime.datetime(2026, 10, 9, 6, tzinfo=datetime.UTC)},
        ),
    )[1],
    "kpilib.dailyreports.reminders.reports_send_reminders": lambda w: (
        _report_template(w),
        Call(SYSTEM, {"day": REPORT_DAY, "now": REPORT_EVENING}),
    )[1],
    "kpilib.dailyreports.services.report_post": lambda w: Call(
        w.org.engineer.user,
        {"report_date": REPORT_DAY, "answers": REPORT_ANSWERS, "today": REPORT_DAY, "now": REPORT_EVENING},
    ),
    "kpilib.dailyreports.services.reports_import": lambda w: Call(
        SYSTEM,
        {
            "data": (
                "日志ID,工号,创建时间,今日完成工作\n"
                f"DT-1,{w.org.engineer.employee_id},2026-10-08 18:00,拜访客户\n"
                "DT-2,E9999,2026-10-08 18:00,拜访客户\n"
            ).encode("gbk"),
            "file_name": "日志.csv",
            "platform": "dingtalk",
            "partial": True,
        },
    ),
    "kpilib.dailyreports.services.report_rate": lambda w: Call(
        w.org.manager.user, {"report": _report(w), "rating": 1, "now": REPORT_EVENING}
    ),
    "kpilib.dailyreports.services.reports_rate_rest_normal": lambda w: Call(
        w.org.manager.user, {"reports": [_report(w)], "now": REPORT_EVENING}
    ),
    "kpilib.dailyreports.services.reports_default_unrated": lambda w: (
        _report(w),
        Call(SYSTEM, {"now": datetime.datetime(2026, 10, 20, 6, tzinfo=datetime.UTC)}),
    )[1],
    "kpilib.dailyreports.services.report_comment": lambda w: Call(
        w.org.manager.user, {"report": _report(w), "text": "很好"}
    ),
    # 360 feedback
    "kpilib.feedback.services.questionnaire_install": lambda w: Call(SYSTEM, {}),
    "kpilib.feedback.services.campaign_create": lambda w: Call(
        w.org.hr,
        {"name": "360", "questionnaire": _questionnaire(), "deadline": FEEDBACK_DEADLINE, "today": DAY},
    ),
    "kpilib.feedback.services.campaign_change": lambda w: Call(
        w.org.hr, {"campaign": _campaign(w), "today": DAY, "name": "下半年 360"}
    ),
    "kpilib.feedback.services.campaign_add_subjects": lambda w: Call(
        w.org.hr, {"campaign": _campaign(w), "employees": [w.org.engineer]}
    ),
    "kpilib.feedback.services.campaign_launch": lambda w: Call(
        w.org.hr, {"campaign": _campaign(w, subjects=True), "today": DAY, "now": REPORT_EVENING}
    ),
    "kpilib.feedback.services.campaign_close": lambda w: Call(
        w.org.hr, {"campaign": _feedback_subject(w).campaign, "now": REPORT_EVENING}
    ),
    "kpilib.feedback.services.nomination_add": lambda w: Call(
        w.org.engineer.user,
        {"subject": _feedback_subject(w), "relationship": "peer", "rater": w.org.peer, "now": REPORT_EVENING},
    ),
    "kpilib.feedback.services.nomination_remove": lambda w: Call(
        w.org.engineer.user, {"nomination": _peer_nomination(w)}
    ),
    "kpilib.feedback.services.nominations_submit": lambda w: Call(
        w.org.engineer.user, {"subject": _feedback_subject(w), "now": REPORT_EVENING}
    ),
    "kpilib.feedback.services.nominations_approve": lambda w: Call(
        w.org.manager.user, {"subject": _feedback_subject(w, submitted=True), "now": REPORT_EVENING}
    ),
    "kpilib.feedback.services.nomination_decline": lambda w: Call(
        w.org.peer.user,
        {"nomination": _peer_nomination(w, approved=True), "reason": "没有合作过", "now": REPORT_EVENING},
    ),
    "kpilib.feedback.services.response_save": lambda w: Call(
        w.org.peer.user,
        {"nomination": _peer_nomination(w, approved=True), "answers": {}, "now": REPORT_EVENING},
    ),
    "kpilib.feedback.reminders.feedback_send_reminders": lambda w: (
        _feedback_subject(w),
        Call(SYSTEM, {"day": FEEDBACK_DEADLINE - datetime.timedelta(days=7)}),
    )[1],
    "kpilib.feedback.services.responses_import": lambda w: Call(
        w.org.hr,
        {
            "campaign": _campaign(w, subjects=True),
            "data": (
                "subject_id,rater_id,relationship,question,score,comment\n"
                f"{w.org.engineer.employee_id},{w.org.peer.employee_id},peer,collab_responsive,4,\n"
                f"{w.org.engineer.employee_id},C-1,customer,collab_responsive,,\n"
            ).encode("gbk"),
            "file_name": "360.csv",
            "now": REPORT_EVENING,
        },
    ),
    "kpilib.feedback.services.external_response_save": lambda w: Call(
        SYSTEM, {"raw": _customer_link(w), "answers": {}, "now": REPORT_EVENING}
    ),
    # validation
    "kpilib.validation.services.solution_submit": lambda w: Call(
        w.org.engineer.user,
        {"title": "容器化方案", "summary": "分批迁移", "now": REPORT_EVENING,
         "reviewers": [(w.org.peer, "product"), (w.org.other_team_engineer, "delivery")]},
    ),
    "kpilib.validation.services.verdict_record": lambda w: Call(
        w.org.peer.user, {"validation_round": _round(w), "verdict": "pass", "now": REPORT_EVENING}
    ),
    "kpilib.validation.services.checklist_save": lambda w: Call(
        w.org.hr, {"items": [{"code": "fit", "zh-Hans": "匹配", "en": "Fit"}], "require_delivery": False}
    ),
    # cases
    "kpilib.cases.services.case_save": lambda w: Call(
        w.org.engineer.user, {"title": "容器化迁移", "problem": "扩容慢", "solution": "分批迁移"}
    ),
    "kpilib.cases.services.case_attach": lambda w: Call(
        w.org.engineer.user, {"case": _case(w), "upload": ContentFile(b"slides", name="方案.pptx")}
    ),
    "kpilib.cases.services.case_submit": lambda w: Call(
        w.org.engineer.user, {"case": _case(w), "now": REPORT_EVENING}
    ),
    "kpilib.cases.services.case_decide": lambda w: Call(
        w.org.manager.user, {"case": _case(w, submitted=True), "approve": True, "now": REPORT_EVENING}
    ),
    "kpilib.cases.services.case_reuse": lambda w: Call(
        w.org.peer.user, {"case": _case(w, approved=True), "today": DAY}
    ),
    # training
    "kpilib.training.services.exam_save": lambda w: Call(
        w.org.hr, {"code": "product-q3", "name": "产品知识考试"}
    ),
    "kpilib.training.services.certification_save": lambda w: Call(
        w.org.hr, {"code": "hcie", "name": "华为 HCIE", "validity_months": 24}
    ),
    "kpilib.training.services.exam_attempt_record": lambda w: Call(
        w.org.hr,
        {"exam": _exam(w), "employee": w.org.engineer, "taken_on": DAY, "score": 88.0, "today": DAY},
    ),
    "kpilib.training.services.exam_attempts_import": lambda w: (
        _exam(w),
        Call(
            w.org.hr,
            {
                "data": (
                    f"工号,考试编码,成绩,考试日期,记录ID\n{w.org.engineer.employee_id},product-q3,91,2026-08-05,R1\n"
                ).encode("gbk"),
                "file_name": "lms.csv",
                "today": DAY,
            },
        ),
    )[1],
    "kpilib.training.services.certification_record": lambda w: Call(
        w.org.hr,
        {"certification": _certification(w), "employee": w.org.engineer, "earned_on": DAY, "today": DAY},
    ),
    "kpilib.training.reminders.certifications_send_reminders": lambda w: (
        _certification_expiring(w),
        Call(SYSTEM, {"today": DAY}),
    )[1],
    "kpilib.ingest.services.receive.own_facts_write": lambda w: Call(
        SYSTEM,
        {
            "source": "training",
            "records": [
                {
                    "employee_id": w.org.engineer.employee_id, "metric": "training_exam",
                    "occurred_on": "2026-08-05", "value": "90", "external_id": "walk-1",
                }
            ],
        },
    ),
    # ingest
    "kpilib.ingest.services.sources.source_create": lambda w: Call(w.org.hr, {"name": "erp"}),
    "kpilib.ingest.services.sources.source_update": lambda w: Call(
        w.org.hr, {"source": _source(), "webhook_secret": "new-secret"}
    ),
    "kpilib.ingest.services.sources.source_named": lambda w: Call(w.org.hr, {"name": "erp"}),
    "kpilib.ingest.services.sources.owner_alias_set": lambda w: Call(
        w.org.hr, {"source": _source(), "alias": "zhangsan", "employee": w.org.engineer}
    ),
    "kpilib.ingest.services.sources.owner_alias_delete": lambda w: Call(
        w.org.hr,
        {
            "alias": ingest.owner_alias_set(
                actor=SYSTEM, origin=Origin.TASK, source=_source(), alias="zhangsan",
                employee=w.org.engineer,
            )
        },
    ),
    "kpilib.ingest.services.sources.api_token_create": lambda w: Call(
        w.org.hr, {"name": "crm", "user": w.org.hr, "source": _source()}
    ),
    "kpilib.ingest.services.sources.api_token_revoke": lambda w: Call(
        w.org.hr,
        {
            "token": ingest.api_token_create(
                actor=SYSTEM, origin=Origin.TASK, name="crm", user=w.org.hr, source=_source()
            )[0]
        },
    ),
    "kpilib.ingest.services.files.facts_import": lambda w: Call(
        w.org.hr,
        {
            "data": CSV.format(id=w.org.engineer.employee_id).encode(),
            "file_name": "facts.csv",
            "source": "crm",
        },
    ),
    "kpilib.ingest.services.files.batch_upload": lambda w: Call(
        w.org.hr,
        {
            "data": CSV.format(id=w.org.engineer.employee_id).encode(),
            "file_name": "facts.csv",
            "source": _source(),
        },
    ),
    "kpilib.ingest.services.files.batch_set_encoding": lambda w: Call(
        w.org.hr, {"batch": _batch(w), "encoding": "gb18030"}
    ),
    "kpilib.ingest.services.files.batch_map": lambda w: Call(
        w.org.hr, {"batch": _batch(w), "mapping": {"employee_id": "employee_id"}}
    ),
    "kpilib.ingest.services.files.batch_commit": lambda w: Call(
        w.org.hr, {"batch": _batch(w), "partial": False}
    ),
    "kpilib.ingest.services.files.batch_retry": lambda w: Call(
        w.org.hr, {"batch": _batch(w, ImportBatch.Status.FAILED)}
    ),
    "kpilib.ingest.intake.batches_fail_stale": lambda w: Call(
        SYSTEM, {"older_than": datetime.timedelta(0), **_stale(w)}
    ),
    "kpilib.ingest.services.receive.facts_receive": lambda w: Call(
        w.org.hr,
        {
            "source": _source(),
            "channel": ImportBatch.Channel.API,
            "records": [
                {"employee_id": w.org.engineer.employee_id, "metric": "case_shared",
                 "occurred_on": "2026-08-11", "value": 1}
            ],
        },
    ),
    "kpilib.ingest.services.receive.webhook_accept": lambda w: Call(SYSTEM, _webhook(w)),
    "kpilib.ingest.services.quarantine.quarantine_resubmit": lambda w: Call(
        w.org.hr,
        {"rows": [row := _quarantined(w)], "edits": {row.pk: {"employee_id": w.org.peer.employee_id}}},
    ),
    "kpilib.ingest.services.quarantine.quarantine_discard": lambda w: Call(
        w.org.hr, {"rows": [_quarantined(w)]}
    ),
    # monitor
    "kpilib.monitor.digest.weekly_digest_send": _digest,
    # library
    "kpilib.library.services.pack_import": lambda w: Call(
        w.org.hr,
        {"text": presales_pack_text().replace("points: -5", "points: -4"), "file_name": "v2.yaml"},
    ),
    "kpilib.library.services.plan_template_revise": _template_revision,
    "kpilib.library.services.indicator_create": lambda w: Call(
        w.org.hr, {"document": {**_document("complaints"), "code": "complaints_2"}}
    ),
    "kpilib.library.services.indicator_save_draft": lambda w: Call(
        w.org.hr,
        {
            "indicator": Indicator.objects.get(code="complaints"),
            "document": _edited("complaints"),
        },
    ),
    "kpilib.library.services.indicator_set_details": lambda w: Call(
        w.org.hr,
        {
            "indicator": Indicator.objects.get(code="complaints"),
            "owner": w.org.manager,
            "purpose_zh_hans": "减少投诉",
            "purpose_en": "Fewer complaints",
        },
    ),
    "kpilib.library.services.indicator_publish": lambda w: Call(
        w.org.hr, {"indicator": _drafted("complaints"), "change_note": "-4"}
    ),
    "kpilib.library.services.indicator_retire": lambda w: Call(
        w.org.hr, {"indicator": Indicator.objects.get(code="complaints"), "reason": "merged"}
    ),
    "kpilib.library.services.contribution_set": lambda w: Call(
        w.org.hr,
        {
            "indicator": Indicator.objects.get(code="complaints"),
            "objective": Objective.objects.first(),
            "note": "quality",
        },
    ),
    "kpilib.library.services.theme_activate": lambda w: Call(
        w.org.hr, {"theme": Theme.objects.exclude(is_active=True).first()}
    ),
    "kpilib.library.services.strategy_apply": _strategy,
    "kpilib.library.services.library_file_import": lambda w: Call(
        w.org.hr,
        {
            "data": presales_pack_text().replace("points: -5", "points: -4").encode(),
            "file_name": "v2.yaml",
        },
    ),
    # notifications
    "kpilib.notifications.services.channel_create": lambda w: Call(
        w.org.hr, {"name": "mail", "kind": "email"}
    ),
    "kpilib.notifications.services.channel_update": lambda w: Call(
        w.org.hr, {"channel": _robot(), "is_active": False}
    ),
    "kpilib.notifications.services.notify": lambda w: Call(
        SYSTEM,
        {"topic": "walk", "emails": [Email(recipient=None, address="a@example.com",
                                           subject="s", body="b")]},
    ),
    "kpilib.notifications.services.channel_test": lambda w: Call(
        w.org.hr, {"channel": _robot()}
    ),
    # org
    "kpilib.org.services.org_unit_create": lambda w: Call(
        w.org.hr, {"name": "华南", "kind": OrgUnit.Kind.REGION, "parent": w.org.company}
    ),
    "kpilib.org.services.org_unit_update": lambda w: Call(
        w.org.hr, {"unit": w.org.team_b, "name": "华北售前二组"}
    ),
    "kpilib.org.services.org_unit_delete": lambda w: Call(
        w.org.hr,
        {"unit": OrgUnit.objects.create(name="空", kind=OrgUnit.Kind.TEAM, parent=w.org.east)},
    ),
    "kpilib.org.services.position_create": lambda w: Call(
        w.org.hr, {"name_zh_hans": "测试工程师", "name_en": "Test engineer"}
    ),
    "kpilib.org.services.employee_create": lambda w: Call(
        w.org.hr,
        {
            "employee_id": "E9999",
            "name": "钱七",
            "org_unit": w.org.team_a,
            "position": Position.objects.get(code="presales-engineer"),
        },
    ),
    "kpilib.org.services.employee_update": lambda w: Call(
        w.org.hr, {"employee": w.org.engineer, "region": "华南"}
    ),
    "kpilib.org.services.employee_delete": lambda w: Call(
        w.org.hr, {"employee": w.org.other_team_engineer}
    ),
    "kpilib.org.services.employees_import": lambda w: Call(
        w.org.hr,
        {
            "data": (
                "employee_id,name,org_unit,position\n"
                f"{w.org.engineer.employee_id},张三丰,华东售前一组,presales-engineer\n"
            ).encode(),
            "file_name": "employees.csv",
        },
    ),
    "kpilib.org.services.position_update": lambda w: Call(
        w.org.hr, {"position": Position.objects.get(code="presales-engineer"), "name_en": "PE"}
    ),
    "kpilib.org.services.position_delete": lambda w: Call(
        w.org.hr,
        {"position": Position.objects.create(code="unused", name_zh_hans="无", name_en="None")},
    ),
    "kpilib.org.services.positions_ensure_standard": lambda w: (
        Position.objects.filter(code="presales-director").delete(),
        Call(w.org.hr, {}),
    )[1],
    # plans
    "kpilib.plans.services.plan_create_from_template": lambda w: Call(
        w.org.hr,
        {
            "template": PlanTemplate.objects.get(code="presales-engineer"),
            "code": "pe-2027",
            "name_zh_hans": "售前工程师考核 2027",
            "name_en": "Presales engineers 2027",
            "positions": [Position.objects.get(code="presales-engineer")],
        },
    ),
    "kpilib.plans.services.plan_clone": lambda w: Call(
        w.org.hr, {"plan": w.plan, "code": "pe-copy", "name_zh_hans": "副本", "name_en": "Copy"}
    ),
    "kpilib.plans.services.plan_variant_create": lambda w: Call(
        w.org.hr,
        {"parent": w.plan, "code": "pe-east", "name_zh_hans": "华东", "name_en": "East",
         "regions": ["华东"]},
    ),
    "kpilib.plans.services.revision_draft": lambda w: Call(w.org.hr, {"plan": w.plan}),
    "kpilib.plans.services.revision_update": lambda w: Call(
        w.org.hr, {"revision": _draft(w), "note": "walk"}
    ),
    "kpilib.plans.services.revision_set_weights": _weights,
    "kpilib.plans.services.revision_add_indicator": lambda w: Call(
        w.org.hr, {"revision": _draft(w), "code": _not_in_plan(w)}
    ),
    "kpilib.plans.services.revision_remove_indicator": lambda w: Call(
        w.org.hr, {"revision": _draft(w), "code": "complaints"}
    ),
    "kpilib.plans.services.revision_publish": lambda w: Call(
        w.org.hr, {"revision": _draft(w, note="walk")}
    ),
    "kpilib.plans.services.plan_set_administrator": lambda w: Call(
        w.org.hr, {"plan": w.plan, "employee": w.org.manager, "admin": True}
    ),
    "kpilib.plans.services.plan_update_scope": lambda w: Call(
        w.org.hr, {"plan": w.plan, "regions": ["华东"]}
    ),
    "kpilib.plans.services.revision_repin": lambda w: Call(
        w.org.hr, {"revision": _outdated_draft(w)}
    ),
    "kpilib.plans.services.draft_save": lambda w: Call(
        w.org.hr,
        {"plan": w.plan, "weights": {**effective_plan(w.plan.revisions.get()).weights, "complaints": 10.0}},
    ),
    "kpilib.plans.services.draft_add_indicator": lambda w: Call(
        w.org.hr, {"plan": w.plan, "code": _not_in_plan(w)}
    ),
    "kpilib.plans.services.draft_remove_indicator": lambda w: Call(
        w.org.hr, {"plan": w.plan, "code": "complaints"}
    ),
    "kpilib.plans.services.draft_repin": lambda w: Call(
        w.org.hr, {"plan": (_outdated_draft(w), w.plan)[1]}
    ),
    "kpilib.plans.ahp.ahp_judgements_save": lambda w: Call(w.org.hr, _first_level(w)),
    "kpilib.plans.ahp.ahp_profiles_save": lambda w: Call(
        w.org.hr, {"plan": w.plan, "profiles": ["quality_stage"]}
    ),
    "kpilib.plans.ahp.ahp_apply": lambda w: (_answered(w), Call(w.org.hr, {"plan": w.plan}))[1],
}


REPORT_DAY = datetime.date(2026, 10, 8)
REPORT_EVENING = datetime.datetime(2026, 10, 8, 18, tzinfo=datetime.UTC)
REPORT_ANSWERS = {
    "done": "拜访招商银行客户，完成 POC 环境部署，测试 3 个接口",
    "findings": "发现数据库连接池在并发 200 时超时，建议调大连接池并加监控",
    "plan": "1. 整理 POC 报告\n2. 跟进投标文件",
}


FEEDBACK_DEADLINE = datetime.date(2026, 10, 30)
NO_MINIMUMS = {"peer": [0, 4], "sales": [0, 2]}


def _questionnaire() -> Any:
    from kpilib.feedback.services import questionnaire_install

    return questionnaire_install(actor=SYSTEM, origin=Origin.TASK)


def _campaign(w: World, *, subjects: bool = False) -> Any:
    from kpilib.feedback.services import campaign_add_subjects, campaign_create

    campaign = campaign_create(
        actor=w.org.hr, origin=Origin.TASK, name="360", questionnaire=_questionnaire(),
        deadline=FEEDBACK_DEADLINE, today=DAY, group_limits=NO_MINIMUMS,
    )
    if subjects:
        campaign_add_subjects(actor=w.org.hr, origin=Origin.TASK, campaign=campaign, employees=[w.org.engineer])
    return campaign


def _feedback_subject(w: World, *, submitted: bool = False) -> Any:
    """The engineer receiving feedback in a launched campaign (no group minimums)."""
    from kpilib.feedback.services import campaign_launch, nominations_submit

    campaign = campaign_launch(
        actor=w.org.hr, origin=Origin.TASK, campaign=_campaign(w, subjects=True), today=DAY,
        now=REPORT_EVENING,
    )
    subject = campaign.subjects.get()
    if submitted:
        nominations_submit(actor=w.org.engineer.user, origin=Origin.TASK, subject=subject, now=REPORT_EVENING)
    return subject


def _peer_nomination(w: World, *, approved: bool = False) -> Any:
    from kpilib.feedback.services import nomination_add, nominations_approve, nominations_submit

    subject = _feedback_subject(w)
    nomination = nomination_add(
        actor=w.org.engineer.user, origin=Origin.TASK, subject=subject, relationship="peer",
        rater=w.org.peer, now=REPORT_EVENING,
    )
    if approved:
        nominations_submit(actor=w.org.engineer.user, origin=Origin.TASK, subject=subject, now=REPORT_EVENING)
        nominations_approve(actor=w.org.manager.user, origin=Origin.TASK, subject=subject, now=REPORT_EVENING)
        nomination.refresh_from_db()
    return nomination


def _customer_link(w: World) -> str:
    from kpilib.feedback.services import nomination_add, nominations_approve, nominations_submit

    subject = _feedback_subject(w)
    nomination_add(
        actor=w.org.engineer.user, origin=Origin.TASK, subject=subject, relationship="customer",
        external_name="刘总", external_email="liu@customer.example", now=REPORT_EVENING,
    )
    nominations_submit(actor=w.org.engineer.user, origin=Origin.TASK, subject=subject, now=REPORT_EVENING)
    [(_nomination, raw)] = nominations_approve(
        actor=w.org.manager.user, origin=Origin.TASK, subject=subject, now=REPORT_EVENING
    )
    return raw


def _report_template(w: World) -> Any:
    """Engineers must write daily reports (an active template for their position)."""
    from kpilib.dailyreports.services import template_save

    return template_save(
        actor=w.org.hr, origin=Origin.TASK,
        position=Position.objects.get(code="presales-engineer"), name="日报",
    )


def _personal_token(w: World) -> Any:
    from kpilib.accounts.services import personal_token_create

    return personal_token_create(actor=w.org.engineer.user, origin=Origin.TASK, name="旧令牌")[0]


def _report_draft(w: World) -> Any:
    from kpilib.dailyreports.services import report_save_draft

    return report_save_draft(
        actor=w.org.engineer.user, origin=Origin.TASK, report_date=REPORT_DAY,
        answers=REPORT_ANSWERS, today=REPORT_DAY,
    )


def _report(w: World) -> Any:
    from kpilib.dailyreports.services import report_submit

    return report_submit(
        actor=w.org.engineer.user, origin=Origin.TASK, report=_report_draft(w), now=REPORT_EVENING
    )


def _stale(w: World) -> dict[str, Any]:
    batch = _batch(w, ImportBatch.Status.RUNNING)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=an_hour_ago, started_at=an_hour_ago)
    return {}


def _edited(code: str) -> dict[str, Any]:
    document = _document(code)
    document["rule"]["events"][0]["points"] = -4
    return document


def _drafted(code: str) -> Indicator:
    from kpilib.library.services import indicator_save_draft

    indicator = Indicator.objects.get(code=code)
    indicator_save_draft(actor=SYSTEM, origin=Origin.TASK, indicator=indicator, document=_edited(code))
    indicator.refresh_from_db()
    return indicator


def _draft(w: World, **changes: Any) -> PlanRevision:
    draft = plans.revision_draft(actor=SYSTEM, origin=Origin.TASK, plan=w.plan)
    if changes:
        plans.revision_update(actor=SYSTEM, origin=Origin.TASK, revision=draft, **changes)
    return draft


def _not_in_plan(w: World) -> str:
    draft = _draft(w)
    pinned = set(draft.pinned_versions or {}) | set(draft.weights or {})
    return next(
        code
        for code in Indicator.objects.order_by("code").values_list("code", flat=True)
        if code not in pinned and Indicator.objects.get(code=code).versions.exists()
    )


def _outdated_draft(w: World) -> PlanRevision:
    """A draft pinned to an indicator version that a newer one replaced."""
    from kpilib.library.services import indicator_publish

    indicator_publish(actor=SYSTEM, origin=Origin.TASK, indicator=_drafted("complaints"))
    return _draft(w)


def _first_level(w: World) -> dict[str, Any]:
    levels, _definitions = plan_hierarchy(w.plan, {})
    level = next(level for level in levels if list(level.pairs()))
    judgements = {f"{a},{b}": 3.0 for a, b in level.pairs()}
    return {"plan": w.plan, "level": level.key, "judgements": judgements}


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def test_every_service_has_a_row() -> None:
    # given every public domain function that takes an actor
    found = set(public_services())
    # then each has a row in the walk, and no row names a service that is gone
    assert found - CALLS.keys() == set(), "add a row to CALLS for each new service"
    assert CALLS.keys() - found == set()


def _service(name: str) -> Callable[..., Any]:
    module, function = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_service_records_its_actor_and_the_origin_it_was_given(
    world: World, name: str
) -> None:
    # given the world the service needs and an origin that is not the web
    origin = ORIGINS[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(ORIGINS)]
    global robot_url
    with receiver() as robot:
        robot_url = robot.url
        call = CALLS[name](world)
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # when the service is called
        _service(name)(actor=call.actor, origin=origin, **call.arguments)
    # then it recorded events, each with that actor and that origin
    events = list(AuditEvent.objects.filter(pk__gt=last).values_list("actor_id", "origin"))
    assert events, f"{name} recorded no audit event"
    actor_id = None if call.actor is SYSTEM else call.actor.pk
    assert set(events) == {(actor_id, origin.value)}
