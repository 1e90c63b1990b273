"""Self-assessment, manager review and the performance interview (issue 11, item 8):
phases and actors in the services, audit, the phases' counters, reminders to those still
owing, the page and the API."""

import datetime
import json

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client, override_settings

from kpilib.appraisal import selectors, services
from kpilib.appraisal.errors import PhaseNotFinishedError
from kpilib.appraisal.models import Cycle, Evidence, Interview, Participant
from kpilib.appraisal.reminders import reminders_send
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from tests.appraisal_fixtures import DAY, QUARTER, TODAY, World, make_world

pytestmark = pytest.mark.today(TODAY)
HELD_ON = datetime.date(2026, 10, 7)


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    for employee in (world.org.engineer, world.org.peer, world.org.manager):
        employee.user.email = f"{employee.employee_id.lower()}@example.com"
        employee.user.save()
    return world


def cycle_in(world: World, phase: str, **options: object) -> Cycle:
    cycle = services.cycle_create(
        actor=world.org.hr, origin=Origin.WEB, plan=world.plan, name="2026 Q3",
        kind="quarterly", period=QUARTER, **options,
    )
    while cycle.phase != phase:
        cycle = services.cycle_advance(
            actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="test"
        )
    return cycle


def participant_of(cycle: Cycle, employee: object) -> Participant:
    return cycle.participants.get(employee=employee)


def client_for(user: object, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


# --- services: phase, actor, audit ----------------------------------------------------


def test_the_employee_comments_per_indicator_and_submits(world: World) -> None:
    # given 张三 in self-assessment
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    # when he saves a draft, then submits with a comment on complaints
    services.participant_self_assess(
        actor=world.org.engineer.user, origin=Origin.WEB, participant=participant,
        text="", lines={"complaints": "零投诉"}, submit=False,
    )
    assert Participant.objects.get(pk=participant.pk).self_submitted_at is None
    services.participant_self_assess(
        actor=world.org.engineer.user, origin=Origin.API, participant=participant,
        text="本季度完成三个项目", lines={"complaints": "零投诉", "daily_report": " "},
    )
    # then the comments are kept by code (empty ones dropped), submitted, and audited
    participant.refresh_from_db()
    assert participant.self_lines == {"complaints": "零投诉"}
    assert participant.self_submitted_at is not None
    event = AuditEvent.objects.filter(object_type="appraisal.participant").latest("pk")
    assert event.actor == world.org.engineer.user
    assert event.origin == Origin.API
    assert event.changes["self_assessment"]["after"] == "本季度完成三个项目"


def test_a_self_assessment_cannot_be_submitted_without_an_overall_comment(world: World) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    with pytest.raises(services.CycleError) as caught:
        services.participant_self_assess(
            actor=world.org.engineer.user, origin=Origin.WEB, participant=participant, text=" "
        )
    assert caught.value.field == "self_assessment"


def test_a_comment_on_a_line_the_scorecard_does_not_have_is_refused(world: World) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    with pytest.raises(services.CycleError) as caught:
        services.participant_self_assess(
            actor=world.org.engineer.user, origin=Origin.WEB, participant=participant,
            text="好", lines={"no_such_indicator": "?"},
        )
    assert "no_such_indicator" in caught.value.message


@pytest.mark.parametrize("phase", [Cycle.Phase.DATA_COLLECTION, Cycle.Phase.MANAGER_REVIEW])
def test_self_assessment_is_written_only_in_its_phase(world: World, phase: str) -> None:
    participant = participant_of(cycle_in(world, phase), world.org.engineer)
    with pytest.raises(services.CycleError):
        services.participant_self_assess(
            actor=world.org.engineer.user, origin=Origin.WEB, participant=participant, text="晚了"
        )


@pytest.mark.parametrize("who", ["engineer", "peer", "hr", "other_team"])
def test_only_a_manager_of_the_employee_reviews_them(world: World, who: str) -> None:
    # given 张三 in manager review
    participant = participant_of(cycle_in(world, Cycle.Phase.MANAGER_REVIEW), world.org.engineer)
    actor = {
        "engineer": world.org.engineer.user,
        "peer": world.org.peer.user,
        "hr": world.org.hr,
        "other_team": world.org.other_team_engineer.user,
    }[who]
    # when someone else (himself included) writes the review or the interview
    with pytest.raises(services.CycleError):
        services.participant_review(
            actor=actor, origin=Origin.WEB, participant=participant, text="好", rating=4
        )
    with pytest.raises(services.CycleError):
        services.interview_record(
            actor=actor, origin=Origin.WEB, participant=participant, held_on=HELD_ON,
            notes="谈过", today=TODAY,
        )
    # then nothing is written
    participant.refresh_from_db()
    assert participant.review_submitted_at is None
    assert not Interview.objects.exists()


def test_the_manager_reviews_with_a_rating_in_manager_review_only(world: World) -> None:
    # given 张三 in self-assessment: too early for the review
    cycle = cycle_in(world, Cycle.Phase.SELF_ASSESSMENT)
    participant = participant_of(cycle, world.org.engineer)
    with pytest.raises(services.CycleError):
        services.participant_review(
            actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
            text="好", rating=4,
        )
    services.cycle_advance(
        actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="test"
    )
    # when the manager submits without a rating, then with one and a line comment
    with pytest.raises(services.CycleError) as caught:
        services.participant_review(
            actor=world.org.manager.user, origin=Origin.WEB, participant=participant, text="好"
        )
    assert caught.value.field == "rating"
    services.participant_review(
        actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
        text="客户口碑好", rating=4, lines={"customer_satisfaction": "满意度高"},
    )
    # then the review is stored with its reviewer, and audited
    participant.refresh_from_db()
    assert (participant.manager_rating, participant.reviewed_by) == (4, world.org.manager.user)
    assert participant.manager_lines == {"customer_satisfaction": "满意度高"}
    assert participant.get_manager_rating_display() == "4 · exceeds expectations"
    assert AuditEvent.objects.filter(
        object_type="appraisal.participant", actor=world.org.manager.user
    ).exists()


def test_the_interview_is_confirmed_by_both_and_a_change_asks_the_employee_again(
    world: World,
) -> None:
    # given the manager records 张三's interview in manager review
    participant = participant_of(cycle_in(world, Cycle.Phase.MANAGER_REVIEW), world.org.engineer)
    interview = services.interview_record(
        actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
        held_on=HELD_ON, notes="回顾季度目标", today=TODAY,
    )
    assert interview.manager_confirmed_at is not None
    # when someone else confirms for 张三, then he confirms himself, twice
    with pytest.raises(services.CycleError):
        services.interview_confirm(
            actor=world.org.manager.user, origin=Origin.WEB, participant=participant
        )
    services.interview_confirm(
        actor=world.org.engineer.user, origin=Origin.WEB, participant=participant
    )
    with pytest.raises(services.CycleError):
        services.interview_confirm(
            actor=world.org.engineer.user, origin=Origin.WEB, participant=participant
        )
    assert Interview.objects.get().employee_confirmed_at is not None
    # then changing the notes asks him again; both steps are audited with their actors
    services.interview_record(
        actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
        held_on=HELD_ON, notes="回顾季度目标，约定改进计划", today=TODAY,
    )
    assert Interview.objects.get().employee_confirmed_at is None
    actors = set(
        AuditEvent.objects.filter(object_type="appraisal.interview").values_list(
            "actor__username", flat=True
        )
    )
    assert actors == {world.org.manager.user.username, world.org.engineer.user.username}


def test_an_interview_in_the_future_is_refused(world: World) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.MANAGER_REVIEW), world.org.engineer)
    with pytest.raises(services.CycleError) as caught:
        services.interview_record(
            actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
            held_on=TODAY + datetime.timedelta(days=1), notes="计划中", today=TODAY,
        )
    assert caught.value.field == "held_on"


def test_evidence_is_size_limited_and_only_the_employee_attaches_it(world: World) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    # when the manager attaches a file for 张三
    with pytest.raises(services.CycleError):
        services.evidence_attach(
            actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
            upload=ContentFile(b"x", name="a.txt"),
        )
    # and 张三 attaches one over the limit, then one within it
    with override_settings(KPILIB_MAX_EVIDENCE_BYTES=1024 * 1024):
        with pytest.raises(services.CycleError) as caught:
            services.evidence_attach(
                actor=world.org.engineer.user, origin=Origin.WEB, participant=participant,
                upload=ContentFile(b"x" * (1024 * 1024 + 1), name="big.bin"),
            )
        assert "1 MB" in caught.value.message
        evidence = services.evidence_attach(
            actor=world.org.engineer.user, origin=Origin.WEB, participant=participant,
            upload=ContentFile(b"%PDF-1.4", name="方案评审.pdf"),
        )
    # then only the small file is kept under evidence/, audited without its content
    assert list(Evidence.objects.values_list("file_name", flat=True)) == ["方案评审.pdf"]
    assert evidence.file.name.startswith(f"evidence/{participant.pk}/")
    assert evidence.file.read() == b"%PDF-1.4"
    event = AuditEvent.objects.get(object_type="appraisal.evidence")
    assert event.changes["size"]["after"] == 8
    assert "sha256" in event.changes


# --- selectors: the phases' counters --------------------------------------------------


def test_self_assessment_counts_submissions_not_drafts(world: World) -> None:
    # given a cycle in self-assessment (3 people) due 2026-10-10: one draft, one submission
    cycle = cycle_in(world, Cycle.Phase.SELF_ASSESSMENT, phase_deadlines={"self_assessment": "2026-10-10"})
    services.participant_self_assess(
        actor=world.org.engineer.user, origin=Origin.WEB,
        participant=participant_of(cycle, world.org.engineer), text="草稿", submit=False,
    )
    services.participant_self_assess(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant_of(cycle, world.org.peer), text="已完成",
    )
    # when the completion is read, then HR moves on before the deadline without a reason
    completion = selectors.phase_completion(cycle, today=TODAY)
    assert (completion.done, completion.total) == (1, 3)
    with pytest.raises(PhaseNotFinishedError) as caught:
        services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY)
    # then the refusal says 1 of 3
    assert "1 of 3 self-assessed" in caught.value.messages[0]


def test_manager_review_counts_submitted_reviews_and_moves_on_when_all_are_in(
    world: World,
) -> None:
    cycle = cycle_in(world, Cycle.Phase.MANAGER_REVIEW, phase_deadlines={"manager_review": "2026-10-20"})
    for employee in (world.org.engineer, world.org.peer):
        services.participant_review(
            actor=world.org.manager.user, origin=Origin.WEB,
            participant=participant_of(cycle, employee), text="好", rating=3,
        )
    assert selectors.phase_completion(cycle, today=TODAY).summary.startswith(
        "2 of 3 reviewed by their manager"
    )
    # when 赵六 (who has no manager) is done too, the phase is complete: it moves on without a reason
    other = participant_of(cycle, world.org.other_team_engineer)
    Participant.objects.filter(pk=other.pk).update(review_submitted_at=other.cycle.created_at)
    cycle = services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=TODAY)
    assert cycle.phase == Cycle.Phase.CALIBRATION


# --- reminders: only those still owing ------------------------------------------------


def test_self_assessment_reminders_skip_those_who_submitted(world: World) -> None:
    # given 李四 submitted; 张三 did not; due in two days
    cycle = cycle_in(world, Cycle.Phase.SELF_ASSESSMENT, phase_deadlines={"self_assessment": "2026-10-10"})
    services.participant_self_assess(
        actor=world.org.peer.user, origin=Origin.WEB,
        participant=participant_of(cycle, world.org.peer), text="已完成",
    )
    # when reminders run
    sent = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=TODAY)
    # then only 张三 is reminded
    assert sent == 1
    assert [message.to[0] for message in mail.outbox] == [
        f"{world.org.engineer.employee_id.lower()}@example.com"
    ]


def test_manager_review_reminders_go_to_managers_still_owing(world: World) -> None:
    cycle = cycle_in(world, Cycle.Phase.MANAGER_REVIEW, phase_deadlines={"manager_review": "2026-10-10"})
    for employee in (world.org.engineer, world.org.peer):
        services.participant_review(
            actor=world.org.manager.user, origin=Origin.WEB,
            participant=participant_of(cycle, employee), text="好", rating=3,
        )
    # when reminders run after the manager reviewed both of his people
    sent = reminders_send(actor=SYSTEM, origin=Origin.TASK, today=TODAY)
    # then nobody is reminded (赵六 has no manager to remind)
    assert sent == 0
    assert mail.outbox == []


def test_an_unreviewed_report_puts_the_manager_on_the_reminder(world: World) -> None:
    cycle_in(world, Cycle.Phase.MANAGER_REVIEW, phase_deadlines={"manager_review": "2026-10-10"})
    assert reminders_send(actor=SYSTEM, origin=Origin.TASK, today=TODAY) == 1
    assert mail.outbox[0].to == [f"{world.org.manager.employee_id.lower()}@example.com"]


# --- the page and the download ----------------------------------------------------------


def test_the_employee_self_assesses_on_the_page_with_evidence_in_chinese(world: World) -> None:
    # given 张三 on his assessment page in self-assessment
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    client = client_for(world.org.engineer.user, "zh-Hans")
    url = f"/participants/{participant.pk}/assessment/"
    page = client.get(url).content.decode()
    assert "提交自评" in page
    assert 'name="self_complaints"' in page
    # when he attaches a file and submits
    client.post(url, {"action": "evidence_add", "file": ContentFile(b"pdf", name="案例.pdf")})
    response = client.post(
        url, {"action": "self_submit", "self_assessment": "完成三个项目", "self_complaints": "零投诉"}
    )
    # then he is back on the page, which shows it submitted
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "已于" in page
    assert "案例.pdf" in page
    assert Participant.objects.get(pk=participant.pk).self_lines == {"complaints": "零投诉"}


def test_a_refused_submission_is_a_message_not_an_error(world: World) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    client = client_for(world.org.engineer.user)
    url = f"/participants/{participant.pk}/assessment/"
    response = client.post(url, {"action": "self_submit", "self_assessment": ""}, follow=True)
    assert "write an overall comment before submitting" in response.content.decode()


def test_the_manager_sees_the_submitted_self_assessment_and_reviews_on_the_scorecard(
    world: World,
) -> None:
    # given 张三 submitted his self-assessment, and the cycle is in manager review
    cycle = cycle_in(world, Cycle.Phase.SELF_ASSESSMENT)
    participant = participant_of(cycle, world.org.engineer)
    services.participant_self_assess(
        actor=world.org.engineer.user, origin=Origin.WEB, participant=participant,
        text="完成三个项目", lines={"complaints": "零投诉"},
    )
    services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="t")
    card = participant.scorecards.latest("revision")
    client = client_for(world.org.manager.user)
    # when the manager opens the scorecard
    page = client.get(f"/scorecards/{card.pk}/").content.decode()
    # then it shows the self-assessment beside the review form and the interview form
    assert "零投诉" in page
    assert 'id="review-form"' in page
    assert 'id="interview-form"' in page
    # when he reviews and records the interview from there
    client.post(
        f"/participants/{participant.pk}/assessment/",
        {"action": "review_submit", "manager_comment": "稳定", "rating": "3",
         "review_complaints": "保持", "next": f"/scorecards/{card.pk}/"},
    )
    response = client.post(
        f"/participants/{participant.pk}/assessment/",
        {"action": "interview_record", "held_on": "2026-10-07", "notes": "谈目标",
         "confirm": "on", "next": f"/scorecards/{card.pk}/"},
    )
    # then he is back on the scorecard and both are stored
    assert response["Location"] == f"/scorecards/{card.pk}/"
    participant.refresh_from_db()
    assert participant.review_submitted_at is not None
    assert Interview.objects.get(participant=participant).held_on == HELD_ON


def test_the_employee_does_not_see_a_draft_review(world: World) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.MANAGER_REVIEW), world.org.engineer)
    services.participant_review(
        actor=world.org.manager.user, origin=Origin.WEB, participant=participant,
        text="草稿评语", rating=2, submit=False,
    )
    page = client_for(world.org.engineer.user).get(
        f"/participants/{participant.pk}/assessment/"
    ).content.decode()
    assert "草稿评语" not in page
    assert 'id="review-form"' not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("engineer", 200), ("manager", 200), ("hr", 200), ("peer", 404), ("other_team", 404)],
)
def test_evidence_is_downloaded_only_by_the_employee_managers_and_hr(
    world: World, who: str, status: int
) -> None:
    participant = participant_of(cycle_in(world, Cycle.Phase.SELF_ASSESSMENT), world.org.engineer)
    evidence = services.evidence_attach(
        actor=world.org.engineer.user, origin=Origin.WEB, participant=participant,
        upload=ContentFile(b"secret", name="客户回访.xlsx"),
    )
    user = {
        "engineer": world.org.engineer.user,
        "manager": world.org.manager.user,
        "hr": world.org.hr,
        "peer": world.org.peer.user,
        "other_team": world.org.other_team_engineer.user,
    }[who]
    response = client_for(user).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"secret"


# --- the API ----------------------------------------------------------------------------


def test_the_api_self_assessment_review_and_interview(world: World) -> None:
    cycle = cycle_in(world, Cycle.Phase.SELF_ASSESSMENT)
    participant = participant_of(cycle, world.org.engineer)
    engineer, manager = client_for(world.org.engineer.user), client_for(world.org.manager.user)
    base = f"/api/participants/{participant.pk}"
    # the employee self-assesses
    answer = engineer.put(
        f"{base}/self-assessment",
        json.dumps({"overall": "完成三个项目", "lines": {"complaints": "零投诉"}}),
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["self_submitted_at"] is not None
    # the manager may not review yet: 400 with the reason
    refused = manager.put(
        f"{base}/review", json.dumps({"overall": "好", "rating": 4}), content_type="application/json"
    )
    assert refused.status_code == 400
    services.cycle_advance(actor=world.org.hr, origin=Origin.WEB, cycle=cycle, today=DAY, early_reason="t")
    assert manager.put(
        f"{base}/review", json.dumps({"overall": "好", "rating": 4}), content_type="application/json"
    ).status_code == 200
    assert manager.post(
        f"{base}/interview", json.dumps({"held_on": "2026-10-07", "notes": "谈目标"}),
        content_type="application/json",
    ).status_code == 200
    confirmed = engineer.post(f"{base}/interview/confirm")
    # then the employee reads it all back
    body = confirmed.json()
    assert body["manager_rating"] == 4
    assert body["interview"]["employee_confirmed_at"] is not None
    assert {line["code"]: line["self_comment"] for line in body["lines"]}["complaints"] == "零投诉"
