"""Named places in the GET-walk world, for route tables: `{peer_card}` → that scorecard's id."""

from axes.models import AccessAttempt

from kpilib.appraisal.models import Appeal, Cycle, Evidence, Participant, Scorecard
from kpilib.cases.models import Case
from kpilib.dailyreports.models import DailyReport
from kpilib.feedback.models import Campaign, Nomination
from kpilib.ingest.models import ImportBatch, Source
from kpilib.library.models import Indicator, Theme
from kpilib.validation.models import Solution, ValidationRound
from tests.appraisal_fixtures import World
from tests.web.test_get_never_writes import FEEDBACK_LINKS


def places(world: World) -> dict[str, object]:
    org = world.org
    published = Cycle.objects.get(name="2026 Q3")
    goal_setting = Cycle.objects.get(name="2026 Q4")

    def card(employee: object) -> int:
        return (
            Scorecard.objects.filter(participant__cycle=published, participant__employee=employee)
            .latest("revision")
            .pk
        )

    def participant(cycle: Cycle, employee: object) -> int:
        return Participant.objects.get(cycle=cycle, employee=employee).pk

    return {
        "engineer": org.engineer.pk,
        "peer": org.peer.pk,
        "other_team": org.other_team_engineer.pk,
        "manager": org.manager.pk,
        "plan": world.plan.pk,
        "cycle": published.pk,
        "goal_cycle": goal_setting.pk,
        "engineer_card": card(org.engineer),
        "peer_card": card(org.peer),
        "other_team_card": card(org.other_team_engineer),
        "engineer_q3": participant(published, org.engineer),
        "peer_q3": participant(published, org.peer),
        "engineer_goals": participant(goal_setting, org.engineer),
        "peer_goals": participant(goal_setting, org.peer),
        "other_team_goals": participant(goal_setting, org.other_team_engineer),
        "appeal": Appeal.objects.get().pk,
        "peer_evidence": Evidence.objects.get(participant__employee=org.peer).pk,
        "engineer_report": DailyReport.objects.get(author=org.engineer).pk,
        "peer_draft": DailyReport.objects.get(author=org.peer).pk,
        "other_team_report": DailyReport.objects.get(author=org.other_team_engineer).pk,
        "approved_case": Case.objects.get(status=Case.Status.APPROVED).pk,
        "peer_draft_case": Case.objects.get(author=org.peer).pk,
        "indicator": Indicator.objects.order_by("code").values_list("code", flat=True).first(),
        "scored_indicator": Scorecard.objects.get(pk=card(org.engineer)).lines[0]["code"],
        "theme": Theme.objects.order_by("code").values_list("code", flat=True).first(),
        "source": Source.objects.get(name="crm").name,
        "batch": ImportBatch.objects.filter(status="committed", source__name="crm").get().pk,
        "lockout": AccessAttempt.objects.get().pk,
        "feedback_campaign": Campaign.objects.get().pk,
        "feedback_subject": Campaign.objects.get().subjects.get().pk,
        "engineer_self_form": Nomination.objects.get(relationship="self").pk,
        "manager_form": Nomination.objects.get(relationship="manager").pk,
        "peer_form": Nomination.objects.get(relationship="peer").pk,
        "feedback_link": FEEDBACK_LINKS[0],
        "solution": Solution.objects.get(author=org.engineer).pk,
        "peer_solution": Solution.objects.get(author=org.peer).pk,
        "other_team_solution": Solution.objects.get(author=org.other_team_engineer).pk,
        "failed_round": ValidationRound.objects.get(solution__author=org.engineer, number=1).pk,
        "open_round": ValidationRound.objects.get(solution__author=org.engineer, number=2).pk,
        "missing": 999999,
    }
