"""Importing 360 answers collected in another survey tool (issue 14, item 10): the §11
columns, all or nothing with every bad row located, idempotent (a re-import replaces a
rater's imported form), customer raters as external ids, and the results of an imported
campaign follow the same §11 pooling as answers given in kpilib."""

import json

import pytest

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine import feedback as engine
from kpilib.engine.errors import InputError
from kpilib.feedback import services
from kpilib.feedback.errors import FeedbackError
from kpilib.feedback.models import Campaign, Nomination, Question, Response, Subject
from kpilib.feedback.selectors import forms_to_answer, report_for
from kpilib.ingest.models import Fact
from kpilib.tabular import Sheet, read_table_bytes, xlsx_bytes
from tests.factories import Org, make_employee, make_org, make_user
from tests.feedback.test_services import DEADLINE, NOW, TODAY, WEB, _campaign, _subject

pytestmark = pytest.mark.today("2026-11-02")

HEADER = "subject_id,rater_id,relationship,question,score,comment"


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def _raters(org: Org) -> dict[str, object]:
    peers = [org.peer, org.other_team_engineer, make_employee("钱七", org.team_a, user=make_user("qian"))]
    return {"peers": peers, "sales": make_employee("孙销售", org.team_a, user=make_user("sales"))}


def _rows(org: Org, raters: dict, *, peer_score: int = 4) -> list[list[str]]:
    """张三 rated by self 5, manager 3, three peers, one sales colleague 2 and two external
    customers 3 (sales and customers are small groups: pooled as other, 3 raters)."""
    engineer = org.engineer.employee_id
    questions = [q.code for q in Question.objects.filter(kind="rating")]
    raters_scores = [
        (engineer, "self", 5), (org.manager.employee_id, "manager", 3),
        *((p.employee_id, "peer", peer_score) for p in raters["peers"]),
        (raters["sales"].employee_id, "sales", 2), ("C-001", "customer", 3), ("C-002", "customer", 3),
    ]
    rows = []
    for rater, relationship, score in raters_scores:
        for code in questions:
            rows.append([engineer, rater, relationship, code, str(score), ""])
        rows.append([engineer, rater, relationship, "keep_doing", "", f"{relationship} 的评语"])
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    return ("\n".join([HEADER, *(",".join(row) for row in rows)]) + "\n").encode()


def _import(campaign: Campaign, data: bytes, name: str = "问卷星.csv", **kwargs):
    return services.responses_import(
        actor=kwargs.pop("actor", SYSTEM), origin=Origin.CLI, campaign=campaign, data=data,
        file_name=name, now=NOW, **kwargs,
    )


def test_a_good_file_imports_raters_and_answers_and_audits_no_answer(org: Org) -> None:
    campaign = _campaign(org)
    raters = _raters(org)
    report = _import(campaign, _csv(_rows(org, raters)))
    assert report.summary_line() == "imported 8, updated 0, unchanged 0, quarantined 0"
    assert report.notes == ["nominated 6 raters"]  # self and the manager were there already
    subject = _subject(campaign, org)
    assert Response.objects.filter(nomination__subject=subject, status="submitted").count() == 8
    customer = Nomination.objects.get(subject=subject, external_id="C-001")
    assert (customer.relationship, customer.rater, customer.token_hash) == ("customer", None, "")
    answers = Response.objects.get(nomination=customer).answers
    assert answers["collab_responsive"] == {"score": 3, "comment": ""}
    assert answers["keep_doing"] == {"text": "customer 的评语"}
    assert Response.objects.get(nomination=customer).imported_from == "问卷星.csv"
    # nobody gets a form to fill in kpilib because of an import
    assert not forms_to_answer(org.peer.user).exists()
    trail = json.dumps([e.changes for e in AuditEvent.objects.filter(object_type="feedback.response")])
    assert "score" not in trail
    assert "评语" not in trail


def test_importing_again_is_idempotent_and_a_changed_form_replaces_the_old(org: Org) -> None:
    campaign = _campaign(org)
    raters = _raters(org)
    _import(campaign, _csv(_rows(org, raters)))
    again = _import(campaign, _csv(_rows(org, raters)))
    assert again.summary_line() == "imported 0, updated 0, unchanged 8, quarantined 0"
    assert Response.objects.count() == 8
    assert Nomination.objects.filter(subject__campaign=campaign).count() == 8
    events = AuditEvent.objects.filter(object_type="feedback.response").count()
    changed = _import(campaign, _csv(_rows(org, raters, peer_score=2)), name="问卷星-更正.csv")
    assert changed.summary_line() == "imported 0, updated 3, unchanged 5, quarantined 0"
    assert Response.objects.count() == 8
    peer = Response.objects.get(nomination__rater=org.peer)
    assert peer.answers["collab_responsive"]["score"] == 2
    assert peer.imported_from == "问卷星-更正.csv"
    updates = AuditEvent.objects.filter(object_type="feedback.response").order_by("pk")[events:]
    assert len(updates) == 3
    assert "score" not in json.dumps([e.changes for e in updates])


def test_bad_rows_are_all_reported_with_their_lines_and_nothing_is_written(org: Org) -> None:
    campaign = _campaign(org)
    engineer = org.engineer.employee_id
    data = _csv([
        [engineer, org.peer.employee_id, "peer", "collab_responsive", "4", ""],
        [engineer, org.peer.employee_id, "peer", "no_such_question", "4", ""],
        ["E9999", org.peer.employee_id, "peer", "collab_responsive", "4", ""],
        [engineer, org.peer.employee_id, "friend", "collab_shares", "4", ""],
        [engineer, org.peer.employee_id, "peer", "solution_fit", "6", ""],
        [engineer, org.peer.employee_id, "peer", "solution_risk", "3.5", ""],
        [engineer, "X-1", "sales", "collab_responsive", "4", ""],
        [engineer, org.peer.employee_id, "peer", "keep_doing", "4", "好"],
        [engineer, org.manager.employee_id, "peer", "collab_responsive", "4", ""],
    ])
    before = Nomination.objects.count()
    with pytest.raises(InputError) as caught:
        _import(campaign, data, name="bad.csv")
    found = [(p.line, p.column) for p in caught.value.problems]
    assert (3, "question") in found
    assert (4, "subject_id") in found
    assert (5, "relationship") in found
    assert (6, "score") in found
    assert (7, "score") in found
    assert (8, "rater_id") in found
    assert (9, "score") in found
    assert (10, "relationship") in found  # 王经理 is 张三's manager already, not a peer
    assert [p.line for p in caught.value.problems] == sorted(p.line for p in caught.value.problems)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "bad.csv:3: question: not a question of the questionnaire presales-360: 'no_such_question'" in text
    assert "bad.csv:4: subject_id: no employee 'E9999'" in text
    assert "bad.csv:7: score: 3.5 is not a whole number" in text
    assert Nomination.objects.count() == before
    assert not Response.objects.exists()


def test_a_gbk_csv_with_question_texts_and_an_xlsx_both_import(org: Org) -> None:
    campaign = _campaign(org)
    engineer = org.engineer.employee_id
    question = Question.objects.get(code="collab_responsive")
    gbk = (
        f"{HEADER}\n{engineer},{org.peer.employee_id},peer,{question.text_zh_hans},5,响应及时\n"
        f"{engineer},{org.peer.employee_id},peer,\"{question.text_en.upper()}\",,\n"
    ).encode("gbk")
    with pytest.raises(InputError, match="second answer"):
        _import(campaign, gbk, name="导出.csv")
    gbk = f"{HEADER}\n{engineer},{org.peer.employee_id},peer,{question.text_zh_hans},5,响应及时\n".encode("gbk")
    assert _import(campaign, gbk, name="导出.csv").imported == 1
    answers = Response.objects.get(nomination__rater=org.peer).answers
    assert answers == {"collab_responsive": {"score": 5, "comment": "响应及时"}}
    xlsx = xlsx_bytes([Sheet("responses", HEADER.split(","), [
        [engineer, org.other_team_engineer.employee_id, "peer", "solution_fit", 4, "方案可落地"],
        [engineer, org.other_team_engineer.employee_id, "peer", "solution_risk", None, None],
    ])])
    assert _import(campaign, xlsx, name="导出.xlsx").imported == 1
    answers = Response.objects.get(nomination__rater=org.other_team_engineer).answers
    assert answers == {"solution_fit": {"score": 4, "comment": "方案可落地"}, "solution_risk": {"score": None, "comment": ""}}


def test_a_form_submitted_in_kpilib_is_never_replaced(org: Org) -> None:
    campaign = _campaign(org)
    self_nomination = Nomination.objects.get(subject=_subject(campaign, org), relationship="self")
    answers = {q.code: {"score": 4, "comment": ""} for q in Question.objects.filter(kind="rating")}
    services.response_save(actor=org.engineer.user, origin=WEB, nomination=self_nomination,
                           answers=answers, submit=True, now=NOW)
    engineer = org.engineer.employee_id
    data = _csv([[engineer, engineer, "self", "collab_responsive", "1", ""]])
    with pytest.raises(InputError, match=r"submitted their answers for \w+ in kpilib"):
        _import(campaign, data)
    assert Response.objects.get(nomination=self_nomination).answers["collab_responsive"]["score"] == 4


def test_a_dry_run_writes_nothing_and_only_hr_imports(org: Org) -> None:
    campaign = _campaign(org)
    data = _csv(_rows(org, _raters(org)))
    events = AuditEvent.objects.count()
    assert _import(campaign, data, dry_run=True).imported == 8
    assert not Response.objects.exists()
    assert AuditEvent.objects.count() == events
    with pytest.raises(FeedbackError, match="Only HR"):
        _import(campaign, data, actor=org.engineer.user)
    assert _import(campaign, data, actor=org.hr).imported == 8


def test_an_imported_campaign_follows_the_pooling_rules_and_a_closed_one_is_refused(org: Org) -> None:
    """A draft campaign with nobody in it: the import adds the subject; after launch and
    close, the report and the facts are those of `kpilib feedback summarize` on the file."""
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    campaign = services.campaign_create(
        actor=org.hr, origin=WEB, name="2026 外部问卷 360", questionnaire=questionnaire,
        deadline=DEADLINE, today=TODAY,
    )
    data = _csv(_rows(org, _raters(org)))
    report = _import(campaign, data)
    assert report.notes[0] == "added 1 people receiving feedback to 2026 外部问卷 360"
    subject = Subject.objects.get(campaign=campaign)
    assert subject.state == Subject.State.APPROVED
    services.campaign_launch(actor=org.hr, origin=WEB, campaign=campaign, today=TODAY, now=NOW)
    services.campaign_close(actor=org.hr, origin=WEB, campaign=campaign, now=NOW)

    offline = engine.summarize(read_table_bytes(data, name="x.csv"), min_group=3)[0]
    summary = report_for(subject).summary
    groups = [(g.relationship, g.raters, g.mean) for g in summary.groups]
    assert groups == [(g.relationship, g.raters, g.mean) for g in offline.groups]
    assert ("other", 3, pytest.approx(8 / 3)) in groups  # 1 sales + 2 customers, pooled
    assert (summary.overall, summary.self, summary.withheld_raters) == (
        offline.overall, offline.self, offline.withheld_raters,
    )
    overall = Fact.objects.get(metric="feedback_360_overall", employee=org.engineer)
    assert overall.value == pytest.approx(offline.overall)

    with pytest.raises(FeedbackError, match="is closed"):
        _import(campaign, data)
