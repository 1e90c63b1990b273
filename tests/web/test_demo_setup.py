"""`make demo`'s loader: a small demo organisation end to end, loaded once."""

import itertools
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.demo.organisation import DEMO_PLANS
from kpilib.ingest.models import Fact
from kpilib.library.models import Indicator
from kpilib.org.models import Employee
from kpilib.plans.models import Plan, PlanRevision


# (2026-12-01: the day a fresh clone first failed here, issue 10)
@pytest.mark.today("2026-12-01")
@pytest.mark.django_db(transaction=True)
def test_demo_setup_loads_people_facts_plans_and_published_cycles_once() -> None:
    # when the demo is set up twice with a small organisation
    first, second = StringIO(), StringIO()
    call_command("demo_setup", engineers=8, months=6, seed=7, stdout=first)
    call_command("demo_setup", engineers=8, months=6, seed=7, stdout=second)
    # then people, facts, a published cycle with scorecards and the logins exist, once
    assert Employee.objects.count() > 8
    assert Fact.objects.exists()
    published = Cycle.objects.filter(phase=Cycle.Phase.PUBLICATION).get()
    engineer = Employee.objects.get(user__username="engineer")
    assert Scorecard.objects.filter(
        participant__cycle=published, participant__employee=engineer, published_at__isnull=False
    ).exists()
    assert "engineer" in first.getvalue()
    assert second.getvalue().strip() == "Demo organisation already loaded."


# The demo's facts are built back from "today"; a date must never decide whether the
# demo works (issue 10). The first and last day of a quarter, and a day half a year on.
@pytest.mark.parametrize("day", ["2027-01-01", "2027-03-31", "2027-07-15"])
@pytest.mark.django_db(transaction=True)
def test_demo_publishes_every_plan_on_any_day(day: str) -> None:
    with time_machine.travel(f"{day} 09:00 +08:00", tick=False):
        call_command("demo_setup", engineers=8, months=6, seed=7, stdout=StringIO())
    plans = Plan.objects.all()
    assert set(plans.values_list("code", flat=True)) == set(DEMO_PLANS.values())
    for plan in plans:
        assert plan.revisions.filter(status=PlanRevision.Status.PUBLISHED).exists(), plan.code
    # and the architects' and managers' plans score real lines from the demo's facts
    for code in ("solution-architect", "presales-manager"):
        cards = Scorecard.objects.filter(participant__cycle__plan__code=code)
        assert cards.exists(), code
        missing = [
            (card.participant.employee.employee_id, line["code"])
            for card in cards.select_related("participant__employee")
            for line in card.lines
            if line["status"] == "missing"
        ]
        assert missing == [], code
    # and no indicator of the pack was left a draft by the SMART check
    assert not Indicator.objects.filter(draft__isnull=False, versions__isnull=True).exists()


@pytest.mark.today("2026-12-01")
@pytest.mark.django_db(transaction=True)
def test_the_learning_and_report_lines_are_fed_by_kpilibs_own_records() -> None:
    from kpilib.cases.models import Case
    from kpilib.dailyreports.models import DailyReport
    from kpilib.dailyreports.selectors import review_queue
    from kpilib.training.models import CertificationHeld, ExamAttempt

    call_command("demo_setup", engineers=8, months=6, seed=7, stdout=StringIO())
    # (issue 13, item 11) reports, exams, certifications and cases are records, and the
    # facts of their metrics come only from them
    assert DailyReport.objects.filter(rating=-1).exists()
    assert DailyReport.objects.filter(rating=1).exists()
    assert ExamAttempt.objects.exists()
    assert CertificationHeld.objects.exists()
    assert Case.objects.filter(status=Case.Status.APPROVED).exists()
    sources = {
        metric: set(Fact.objects.filter(metric=metric).values_list("source", flat=True))
        for metric in ("daily_report", "training_exam", "certification_earned", "case_shared")
    }
    assert sources == {
        "daily_report": {"daily-reports"},
        "training_exam": {"training"},
        "certification_earned": {"training"},
        "case_shared": {"cases"},
    }
    # a rating fact points at its report
    fact = Fact.objects.filter(metric="daily_report").first()
    assert DailyReport.objects.get(pk=int(fact.external_id)).rating == fact.value
    # copied-forward reports exist (the near-copy hint has something to find)
    texts = list(DailyReport.objects.order_by("author_id", "report_date").values_list("author_id", "answers"))
    assert any(a == b for a, b in itertools.pairwise(texts))
    # and the demo manager has recent reports waiting in the review queue
    from kpilib.accounts.models import User

    assert review_queue(User.objects.get(username="manager"))
    # (issue 14, item 8) validations are records too: solutions, rounds (failed ones
    # resubmitted), and one waiting in the demo reviewer's queue
    from kpilib.validation import selectors as validation
    from kpilib.validation.models import ValidationRound

    validation_sources = {
        metric: set(Fact.objects.filter(metric=metric).values_list("source", flat=True))
        for metric in ("solution_submitted", "solution_validation_passed", "solution_validation_failed")
    }
    assert validation_sources == {
        "solution_submitted": {"validation"},
        "solution_validation_passed": {"validation"},
        "solution_validation_failed": {"validation"},
    }
    assert ValidationRound.objects.filter(number=2).exists()
    assert validation.review_queue(User.objects.get(username="reviewer"))
