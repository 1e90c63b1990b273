"""`make demo`'s loader: a small demo organisation end to end, loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from kpilib.appraisal.models import Cycle, Scorecard
from kpilib.ingest.models import Fact
from kpilib.org.models import Employee


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
