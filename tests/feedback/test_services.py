"""360 campaigns, nominations and answers (issue 14, items 1–3): the rules live in the
services — anonymity fixed at launch, groups within their limits (the refusal names the
group), the manager approves, declines go back to the subject, external customers answer
through a single-use link, and the trail never holds what a rater said."""

import datetime
import json

import pytest
from django.core import mail

from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback import services
from kpilib.feedback.errors import FeedbackError
from kpilib.feedback.models import Campaign, Nomination, Question, Response, Subject
from kpilib.feedback.selectors import forms_to_answer, response_rate
from tests.factories import Org, make_employee, make_org, make_user

WEB = Origin.WEB
TODAY = datetime.date(2026, 11, 2)
NOW = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
DEADLINE = datetime.date(2026, 11, 20)


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def _colleagues(org: Org, count: int) -> list:
    return [
        make_employee(f"同事{n}", org.team_a, manager=org.manager, user=make_user(f"colleague{n}"))
        for n in range(count)
    ]


def _campaign(org: Org, **settings) -> Campaign:
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    campaign = services.campaign_create(
        actor=org.hr, origin=WEB, name="2026 下半年 360", questionnaire=questionnaire,
        deadline=DEADLINE, today=TODAY, **settings,
    )
    services.campaign_add_subjects(actor=org.hr, origin=WEB, campaign=campaign, employees=[org.engineer])
    return services.campaign_launch(actor=org.hr, origin=WEB, campaign=campaign, today=TODAY, now=NOW)


def _subject(campaign: Campaign, org: Org) -> Subject:
    return campaign.subjects.get(employee=org.engineer)


SMALL_GROUPS = {"peer": [2, 4], "sales": [0, 2]}


def _answers(campaign: Campaign, score: int = 4) -> dict:
    answers = {
        q.code: {"score": score, "comment": ""}
        for q in campaign.questionnaire.questions.filter(kind=Question.Kind.RATING)
    }
    answers["keep_doing"] = {"text": "方案讲解清晰"}
    return answers


def test_the_default_questionnaire_is_installed_once(db: None) -> None:
    first = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    again = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    assert first == again
    assert first.competencies.count() == 4
    assert first.questions.filter(kind=Question.Kind.RATING).count() == 8
    assert list(first.questions.filter(kind=Question.Kind.OPEN).values_list("code", flat=True)) == [
        "keep_doing", "do_more",
    ]
    assert first.competencies.get(code="collaboration").name_en == "Cross-department collaboration"


def test_groups_under_three_are_refused_and_anonymity_is_fixed_at_launch(org: Org) -> None:
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    with pytest.raises(FeedbackError, match="at least 3"):
        services.campaign_create(
            actor=org.hr, origin=WEB, name="x", questionnaire=questionnaire,
            deadline=DEADLINE, today=TODAY, min_group=2,
        )
    with pytest.raises(FeedbackError, match="Only HR"):
        services.campaign_create(
            actor=org.manager.user, origin=WEB, name="x", questionnaire=questionnaire,
            deadline=DEADLINE, today=TODAY,
        )
    campaign = _campaign(org)
    with pytest.raises(FeedbackError, match="fixed when the campaign was launched"):
        services.campaign_change(actor=org.hr, origin=WEB, campaign=campaign, today=TODAY, min_group=5)
    with pytest.raises(FeedbackError, match="fixed when the campaign was launched"):
        services.campaign_change(actor=org.hr, origin=WEB, campaign=campaign, today=TODAY, split_comments=True)
    renamed = services.campaign_change(actor=org.hr, origin=WEB, campaign=campaign, today=TODAY, name="H2 360")
    assert (renamed.name, renamed.min_group, renamed.split_comments) == ("H2 360", 3, False)


def test_a_subject_starts_with_self_and_their_manager(org: Org) -> None:
    subject = _subject(_campaign(org), org)
    raters = {(n.relationship, n.rater, n.status) for n in subject.nominations.all()}
    assert raters == {
        ("self", org.engineer, Nomination.Status.APPROVED),
        ("manager", org.manager, Nomination.Status.APPROVED),
    }


def test_submitting_under_a_groups_minimum_names_the_group(org: Org) -> None:
    # given the default limits: three presales peers at least
    campaign = _campaign(org)
    subject = _subject(campaign, org)
    colleagues = _colleagues(org, 2)
    for colleague in colleagues:
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=colleague, now=NOW
        )
    # when the engineer submits two peers and no sales colleague
    with pytest.raises(FeedbackError) as refused:
        services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    # then the refusal names each group under its minimum
    assert refused.value.messages == [
        "presales peers needs at least 3 raters (2 nominated).",
        "sales needs at least 1 rater (0 nominated).",
    ]
    assert Subject.objects.get(pk=subject.pk).state == Subject.State.PROPOSING


def test_nominate_submit_approve_and_the_rater_gets_a_form(org: Org) -> None:
    campaign = _campaign(org, group_limits=SMALL_GROUPS)
    subject = _subject(campaign, org)
    services.nomination_add(
        actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=org.peer, now=NOW
    )
    # nobody rates themselves in another group, nor twice
    with pytest.raises(FeedbackError, match="themselves"):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=org.engineer, now=NOW
        )
    with pytest.raises(FeedbackError, match="nominated already"):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="sales", rater=org.peer, now=NOW
        )
    with pytest.raises(FeedbackError, match="Self and the manager"):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="manager", rater=org.peer, now=NOW
        )
    # the manager adds a second peer (from another team) before approval
    services.nomination_add(
        actor=org.manager.user, origin=WEB, subject=subject, relationship="peer",
        rater=org.other_team_engineer, now=NOW,
    )
    # a third would pass the group's maximum of 4 only after two more: the maximum holds
    extra = _colleagues(org, 3)
    for colleague in extra[:2]:
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=colleague, now=NOW
        )
    with pytest.raises(FeedbackError, match="maximum of 4"):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=extra[2], now=NOW
        )
    # the engineer cannot approve their own raters; the peer sees no form before approval
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    with pytest.raises(FeedbackError, match="approves the raters"):
        services.nominations_approve(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    assert not forms_to_answer(org.peer.user).exists()
    # after submitting, the engineer no longer changes the list; the manager still may
    with pytest.raises(FeedbackError, match="Only the person receiving feedback"):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="sales", rater=extra[2], now=NOW
        )
    services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    assert list(forms_to_answer(org.peer.user)) == [subject.nominations.get(rater=org.peer)]
    assert forms_to_answer(org.engineer.user).get().relationship == "self"
    assert response_rate(campaign).invited == 6  # self, manager, four peers


def test_answers_are_checked_kept_as_drafts_and_final_once_submitted(org: Org) -> None:
    campaign = _campaign(org, group_limits=SMALL_GROUPS)
    subject = _subject(campaign, org)
    for rater in (org.peer, org.other_team_engineer):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=rater, now=NOW
        )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    nomination = subject.nominations.get(rater=org.peer)
    # only the rater answers
    with pytest.raises(FeedbackError, match="Only the rater"):
        services.response_save(actor=org.manager.user, origin=WEB, nomination=nomination, answers={}, now=NOW)
    # a draft may be partial; a score outside 1–5 is refused
    draft = services.response_save(
        actor=org.peer.user, origin=WEB, nomination=nomination,
        answers={"collab_responsive": {"score": 5, "comment": "响应很快"}}, now=NOW,
    )
    assert (draft.status, draft.answers["collab_responsive"]) == ("draft", {"score": 5, "comment": "响应很快"})
    with pytest.raises(FeedbackError, match="1 to 5"):
        services.response_save(
            actor=org.peer.user, origin=WEB, nomination=nomination,
            answers={"collab_responsive": {"score": 6}}, now=NOW,
        )
    # submitting needs every rating question: a score or "not able to rate" (None)
    with pytest.raises(FeedbackError, match="not able to rate"):
        services.response_save(
            actor=org.peer.user, origin=WEB, nomination=nomination,
            answers={"collab_responsive": {"score": 5}}, submit=True, now=NOW,
        )
    answers = _answers(campaign)
    answers["solution_risk"] = {"score": None, "comment": ""}
    submitted = services.response_save(
        actor=org.peer.user, origin=WEB, nomination=nomination, answers=answers, submit=True, now=NOW
    )
    assert submitted.status == "submitted"
    assert submitted.answers["solution_risk"]["score"] is None
    with pytest.raises(FeedbackError, match="submitted this form already"):
        services.response_save(
            actor=org.peer.user, origin=WEB, nomination=nomination, answers=answers, submit=True, now=NOW
        )
    assert not forms_to_answer(org.peer.user).exists()
    assert (response_rate(campaign).invited, response_rate(campaign).submitted) == (4, 1)
    # and the trail records that it was submitted, never what was said
    events = AuditEvent.objects.filter(object_type="feedback.response")
    assert events.count() == 2
    trail = json.dumps([e.changes for e in events], ensure_ascii=False)
    assert "响应很快" not in trail
    assert "score" not in trail
    assert "方案讲解清晰" not in trail


def test_a_customer_answers_once_through_a_link_that_expires(org: Org) -> None:
    campaign = _campaign(org, group_limits={**SMALL_GROUPS, "peer": [0, 4]})
    subject = _subject(campaign, org)
    with pytest.raises(FeedbackError, match="external person"):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="customer", rater=org.peer, now=NOW
        )
    services.nomination_add(
        actor=org.engineer.user, origin=WEB, subject=subject, relationship="customer",
        external_name="刘总", external_email="Liu@Customer.example", now=NOW,
    )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    links = services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    [(nomination, raw)] = links
    assert nomination.external_email == "liu@customer.example"
    assert raw.startswith("kpf_")
    assert raw not in json.dumps(
        [e.changes for e in AuditEvent.objects.all()], ensure_ascii=False, default=str
    )
    # a guessed token and the real one before use
    with pytest.raises(FeedbackError, match="not valid"):
        services.external_nomination("kpf_guess", now=NOW)
    assert services.external_nomination(raw, now=NOW) == nomination
    # a draft keeps the link usable; submitting spends it
    services.external_response_save(
        actor=SYSTEM, origin=WEB, raw=raw, answers={"collab_responsive": {"score": 4}}, now=NOW
    )
    services.external_response_save(
        actor=SYSTEM, origin=WEB, raw=raw, answers=_answers(campaign, 5), submit=True, now=NOW
    )
    assert Response.objects.get(nomination=nomination).status == "submitted"
    with pytest.raises(FeedbackError, match="not valid"):
        services.external_response_save(actor=SYSTEM, origin=WEB, raw=raw, answers={}, now=NOW)


def test_a_link_is_refused_after_the_deadline(org: Org) -> None:
    campaign = _campaign(org, group_limits={**SMALL_GROUPS, "peer": [0, 4]})
    subject = _subject(campaign, org)
    services.nomination_add(
        actor=org.engineer.user, origin=WEB, subject=subject, relationship="customer",
        external_name="刘总", external_email="liu@customer.example", now=NOW,
    )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    [(_nomination, raw)] = services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    after_deadline = datetime.datetime(2026, 11, 21, 1, tzinfo=datetime.UTC)  # 09:00 the next day in Shanghai
    with pytest.raises(FeedbackError, match="not valid"):
        services.external_nomination(raw, now=after_deadline)


def test_a_rater_declines_with_a_reason_and_the_subject_nominates_again(org: Org) -> None:
    org.engineer.email = "zhangsan@example.com"
    org.engineer.save()
    campaign = _campaign(org, group_limits=SMALL_GROUPS)
    subject = _subject(campaign, org)
    for rater in (org.peer, org.other_team_engineer):
        services.nomination_add(
            actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=rater, now=NOW
        )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    nomination = subject.nominations.get(rater=org.other_team_engineer)
    with pytest.raises(FeedbackError, match="Only the rater"):
        services.nomination_decline(actor=org.peer.user, origin=WEB, nomination=nomination, reason="x", now=NOW)
    with pytest.raises(FeedbackError, match="Say why"):
        services.nomination_decline(
            actor=org.other_team_engineer.user, origin=WEB, nomination=nomination, reason=" ", now=NOW
        )
    services.nomination_decline(
        actor=org.other_team_engineer.user, origin=WEB, nomination=nomination,
        reason="本季度没有和他合作过", now=NOW,
    )
    # then the peer group is under its minimum again: back to the subject, who is told
    subject.refresh_from_db()
    assert subject.state == Subject.State.PROPOSING
    assert [message.to for message in mail.outbox] == [["zhangsan@example.com"]]
    assert "本季度没有和他合作过" in mail.outbox[0].body
    replacement = make_employee("钱七", org.team_a, manager=org.manager, user=make_user("qian"))
    services.nomination_add(
        actor=org.engineer.user, origin=WEB, subject=subject, relationship="peer", rater=replacement, now=NOW
    )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    assert forms_to_answer(replacement.user).exists()
    assert not forms_to_answer(org.other_team_engineer.user).exists()


def test_a_closed_campaign_takes_no_answers(org: Org) -> None:
    campaign = _campaign(org, group_limits={"peer": [0, 4], "sales": [0, 2]})
    subject = _subject(campaign, org)
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=WEB, subject=subject, now=NOW)
    services.campaign_close(actor=org.hr, origin=WEB, campaign=campaign, now=NOW)
    own = subject.nominations.get(relationship="self")
    with pytest.raises(FeedbackError, match="not open"):
        services.response_save(actor=org.engineer.user, origin=WEB, nomination=own, answers={}, now=NOW)


def test_the_customer_is_mailed_the_link_and_the_record_does_not_keep_it(org: Org) -> None:
    from kpilib.notifications.models import Notification

    campaign = _campaign(org, group_limits={**SMALL_GROUPS, "peer": [0, 4]})
    subject = _subject(campaign, org)
    services.nomination_add(
        actor=org.engineer.user, origin=WEB, subject=subject, relationship="customer",
        external_name="刘总", external_email="liu@customer.example", now=NOW,
    )
    services.nominations_submit(actor=org.engineer.user, origin=WEB, subject=subject, now=NOW)
    [(_nomination, raw)] = services.nominations_approve(
        actor=org.manager.user, origin=WEB, subject=subject, now=NOW,
        link_base="https://kpilib.example/feedback/link/",
    )
    [message] = mail.outbox
    assert message.to == ["liu@customer.example"]
    assert f"https://kpilib.example/feedback/link/{raw}/" in message.body
    assert "张三" in message.body
    assert "at least 2 others" in message.body  # both languages: the customer's is unknown
    record = Notification.objects.get(topic="feedback_customer_link")
    assert raw not in record.text
    assert "https://kpilib.example/feedback/link/…" in record.text
