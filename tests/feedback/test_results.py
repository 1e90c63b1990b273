"""360 results (issue 14, items 4, 6, 7): shown once the campaign is closed, by the §11
rules on every page — a lone sales rater is withheld, not dropped silently nor shown —
and written as `feedback_360` facts per competency (plus the overall), which the facts
page links to the report, never to a rater."""

import pytest
from django.test import Client

from kpilib.feedback import services
from kpilib.feedback.models import Nomination
from kpilib.ingest.models import Fact
from tests.factories import Org, make_employee, make_org, make_user
from tests.feedback.test_services import NOW, _campaign, _subject

pytestmark = pytest.mark.today("2026-11-02")


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def client(user: object) -> Client:
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def _answered(org: Org, peer_scores=(4, 4, 5), sales_score=2):
    """张三's campaign: self 5, manager 3, three peers and one sales colleague answered."""
    from kpilib.audit.origin import Origin

    campaign = _campaign(org, group_limits={"peer": [3, 4], "sales": [1, 2]})
    subject = _subject(campaign, org)
    peers = [org.peer, org.other_team_engineer, make_employee("钱七", org.team_a, manager=org.manager, user=make_user("qian"))]
    sales = make_employee("孙销售", org.team_a, user=make_user("sales"))
    for rater in peers:
        services.nomination_add(actor=org.engineer.user, origin=Origin.WEB, subject=subject, relationship="peer", rater=rater, now=NOW)
    services.nomination_add(actor=org.engineer.user, origin=Origin.WEB, subject=subject, relationship="sales", rater=sales, now=NOW)
    services.nominations_submit(actor=org.engineer.user, origin=Origin.WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=Origin.WEB, subject=subject, now=NOW)
    scores = {"self": 5, "manager": 3}
    questions = list(campaign.questionnaire.questions.all())
    for nomination in Nomination.objects.filter(subject=subject).select_related("rater"):
        if nomination.relationship == "peer":
            score = peer_scores[[p.pk for p in peers].index(nomination.rater_id)]
        elif nomination.relationship == "sales":
            score = sales_score
        else:
            score = scores[nomination.relationship]
        answers = {q.code: {"score": score, "comment": ""} for q in questions if q.kind == "rating"}
        answers["collab_responsive"]["comment"] = f"来自{nomination.relationship}的评语"
        services.response_save(
            actor=nomination.rater.user, origin=Origin.WEB, nomination=nomination, answers=answers, submit=True, now=NOW
        )
    return campaign, subject


def test_results_wait_for_the_close_then_follow_the_rules_everywhere(org: Org) -> None:
    from kpilib.audit.origin import Origin

    campaign, subject = _answered(org)
    engineer = client(org.engineer.user)
    # while the campaign is open nobody sees figures
    assert "Results appear when the campaign is closed" in engineer.get(f"/feedback/subjects/{subject.pk}/report/").content.decode()
    services.campaign_close(actor=org.hr, origin=Origin.WEB, campaign=campaign, now=NOW)
    for user in (org.engineer.user, org.manager.user, org.hr):
        page = client(user).get(f"/feedback/subjects/{subject.pk}/report/").content.decode()
        # overall = manager 3 + peers 4, 4, 5 (rater-weighted) = 4.00; the lone sales rater is withheld
        assert ">4.00<" in page
        assert "1 rater's answers are withheld" in page
        assert "来自sales的评语" not in page  # a withheld group's comments stay out
        assert "来自peer的评语" in page
        assert ">2.00<" not in page  # the sales rater's score appears nowhere
    # a rater cannot read the subject's report
    assert client(org.peer.user).get(f"/feedback/subjects/{subject.pk}/report/").status_code == 404


def test_closing_writes_the_results_as_facts_per_competency(org: Org) -> None:
    from kpilib.audit.origin import Origin

    campaign, subject = _answered(org)
    services.campaign_close(actor=org.hr, origin=Origin.WEB, campaign=campaign, now=NOW)
    facts = Fact.objects.filter(source="feedback", employee=org.engineer)
    by_competency = {f.attributes["competency"]: f.value for f in facts.filter(metric="feedback_360")}
    assert set(by_competency) == {"collaboration", "solution_quality", "customer_focus", "knowledge_sharing"}
    assert by_competency["collaboration"] == pytest.approx(4.0)
    overall = facts.get(metric="feedback_360_overall")
    assert overall.value == pytest.approx(4.0)
    assert overall.occurred_on == campaign.deadline
    assert overall.attributes["subject"] == str(subject.pk)
    assert not Fact.objects.filter(source="feedback").exclude(employee=org.engineer).exists()


def test_a_reader_with_every_permission_cannot_learn_a_withheld_answer(org: Org) -> None:
    """HR (and a superuser) reads the 360 pages, every admin page, the audit trail and the
    API: the lone sales rater's comment and score appear nowhere."""
    from kpilib.audit.origin import Origin
    from tests.web.test_get_never_writes import admin_addresses

    campaign, subject = _answered(org, sales_score=2)
    sales = Nomination.objects.get(subject=subject, relationship="sales")
    response = sales.response
    response.answers["collab_responsive"]["comment"] = "只有销售知道的评语XYZ"
    response.save()
    services.campaign_close(actor=org.hr, origin=Origin.WEB, campaign=campaign, now=NOW)
    org.hr.is_superuser = True
    org.hr.save()
    reader = client(org.hr)
    addresses = [
        *admin_addresses(),
        "/", "/feedback/", f"/feedback/subjects/{subject.pk}/", f"/feedback/subjects/{subject.pk}/report/",
        f"/feedback/campaigns/{campaign.pk}/", "/audit/", "/audit/?object_type=feedback.response",
        "/api/feedback/campaigns", f"/api/feedback/subjects/{subject.pk}",
        f"/api/feedback/subjects/{subject.pk}/report", f"/api/feedback/campaigns/{campaign.pk}/results",
    ]
    for address in addresses:
        page = reader.get(address).content.decode("utf-8", "replace")
        assert "只有销售知道的评语XYZ" not in page, address
    report = reader.get(f"/feedback/subjects/{subject.pk}/report/").content.decode()
    assert ">2.00<" not in report
