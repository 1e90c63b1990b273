"""The demo's 360 feedback (issue 14, item 11): closed quarterly campaigns whose reports
pool or withhold small groups by the §11 rules and whose facts feed `collaboration_360`,
and this quarter's campaign in progress, with a form for the demo engineer to answer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from kpilib.accounts.models import User
from kpilib.appraisal.models import Scorecard
from kpilib.feedback import selectors
from kpilib.feedback.models import Campaign, Nomination, Relationship, Response, Subject
from kpilib.ingest.models import Fact

pytestmark = [pytest.mark.today("2026-12-01"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo() -> None:
    call_command("demo_setup", engineers=8, months=6, seed=7, stdout=StringIO())


def test_the_engineer_has_a_form_to_answer_in_the_open_campaign(demo: None) -> None:
    engineer = User.objects.get(username="engineer")
    campaign = Campaign.objects.get(status=Campaign.Status.OPEN)
    assert campaign.deadline > campaign.launched_at.date()
    forms = list(selectors.forms_to_answer(engineer))
    # a colleague's form (approved) besides their own self-assessment
    assert any(
        f.relationship == "peer" and f.subject.employee_id != engineer.employee.pk for f in forms
    )
    assert any(f.relationship == "self" for f in forms)
    # and as a subject some of their raters have answered, some not yet
    subject = Subject.objects.get(campaign=campaign, employee=engineer.employee)
    assert subject.state == Subject.State.APPROVED
    answered = Response.objects.filter(
        nomination__subject=subject, status=Response.Status.SUBMITTED
    ).count()
    approved = subject.nominations.filter(status=Nomination.Status.APPROVED).count()
    assert 0 < answered < approved
    # the home page shows the form
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(engineer)
    assert f"/feedback/forms/{forms[0].pk}/" in client.get("/").content.decode()
    # the manager has team members' forms to answer and raters to approve
    manager = User.objects.get(username="manager")
    assert selectors.forms_to_answer(manager).filter(relationship="manager").exists()
    assert selectors.subjects_to_approve(manager).exists()


def test_closed_reports_pool_and_withhold_small_groups(demo: None) -> None:
    engineer = User.objects.get(username="engineer").employee
    closed = Campaign.objects.filter(status=Campaign.Status.CLOSED).order_by("-deadline").first()
    report = selectors.report_for(Subject.objects.get(campaign=closed, employee=engineer))
    groups = {group.relationship: group.raters for group in report.summary.groups}
    assert groups["other"] >= 3  # sales and delivery pooled, shown as "other"
    assert "sales" not in groups
    assert "manager" in groups
    withheld = [selectors.report_for(s).summary for s in closed.subjects.all()]
    assert any(summary and summary.withheld_raters for summary in withheld)
    # the report page shows it to the engineer (in their language, zh-Hans)
    client = Client()
    client.force_login(engineer.user)
    page = client.get(f"/feedback/subjects/{report.subject.pk}/report/").content.decode()
    with translation.override("zh-hans"):
        assert str(Relationship.OTHER.label) in page
    # and their 360 page lists their reports
    assert (
        f"/feedback/subjects/{report.subject.pk}/report/"
        in client.get("/feedback/").content.decode()
    )


def test_feedback_facts_come_from_the_records_and_score_collaboration(demo: None) -> None:
    facts = Fact.objects.filter(metric__in=("feedback_360", "feedback_360_overall"))
    assert facts.exists()
    assert set(facts.values_list("source", flat=True)) == {"feedback"}
    fact = facts.filter(metric="feedback_360").first()
    subject = Subject.objects.get(pk=int(fact.attributes["subject"]))
    assert subject.campaign.status == Campaign.Status.CLOSED
    assert subject.employee_id == fact.employee_id
    # the architects' and managers' plans score a collaboration_360 line from them
    for code in ("solution-architect", "presales-manager"):
        lines = [
            line
            for card in Scorecard.objects.filter(participant__cycle__plan__code=code)
            for line in card.lines
            if line["code"] == "collaboration_360"
        ]
        assert lines, code
        assert all(line["status"] != "missing" for line in lines), code


def test_the_demo_360_is_the_same_every_time() -> None:
    def answers() -> list[object]:
        return list(
            Response.objects.order_by(
                "nomination__subject__employee__employee_id",
                "nomination__relationship",
                "nomination__rater__employee_id",
                "nomination__external_email",
            ).values_list("nomination__relationship", "answers", "status")
        )

    call_command("demo_setup", engineers=8, months=6, seed=7, stdout=StringIO())
    first = answers()
    assert first
    call_command("flush", interactive=False, verbosity=0)
    call_command("demo_setup", engineers=8, months=6, seed=7, stdout=StringIO())
    assert answers() == first
