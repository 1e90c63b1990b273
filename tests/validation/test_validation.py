"""Cross-department solution validation (issue 14, item 8): named reviewers from product
and delivery, a fail needs checklist reasons, the last verdict decides the round, a failed
solution is resubmitted as the next round (every round kept), and the facts the presales
pack's `solution_validation_pass_rate` reads."""

import datetime

import pytest

from kpilib.audit.origin import Origin
from kpilib.engine.workdays import workdays_between
from kpilib.ingest.models import Fact
from kpilib.validation import selectors, services
from kpilib.validation.errors import SolutionError
from kpilib.validation.models import ReviewerVerdict, Solution, ValidationRound
from tests.factories import Org, make_org

TODAY = datetime.date(2026, 10, 8)
# Thursday 8 October 2026, 10:00 in Shanghai
SUBMITTED = datetime.datetime(2026, 10, 8, 2, 0, tzinfo=datetime.UTC)
# Monday 12 October 2026, 18:00 in Shanghai: Friday 9, Saturday 10 (a make-up working day
# after the National Day holiday, 调休) and Monday 12 are working days
DECIDED = datetime.datetime(2026, 10, 12, 10, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def submit(org: Org, solution: Solution | None = None, **extra: object) -> ValidationRound:
    arguments: dict[str, object] = {
        "title": "招商银行核心系统容器化方案", "summary": "分批迁移到 Kubernetes，灰度发布",
        "customer_id": "C-CMB", "customer_name": "招商银行", "project_id": "P-2026-17",
        "product": "云原生平台",
        "reviewers": [(org.peer, "product"), (org.other_team_engineer, "delivery")],
        "now": SUBMITTED,
    } | extra
    return services.solution_submit(actor=org.engineer.user, origin=Origin.WEB, solution=solution, **arguments)  # type: ignore[arg-type]


def verdict(org_user: object, validation_round: ValidationRound, value: str, reasons: list[str] | None = None,
            now: datetime.datetime = DECIDED) -> ReviewerVerdict:
    return services.verdict_record(
        actor=org_user, origin=Origin.WEB, validation_round=validation_round, verdict=value,
        reasons=reasons or [], now=now,
    )


def facts(metric: str) -> list[Fact]:
    return list(Fact.objects.filter(metric=metric, source="validation").order_by("pk"))


def test_a_first_submission_names_reviewers_and_writes_solution_submitted(org: Org) -> None:
    # when the engineer submits a solution to a product and a delivery reviewer
    validation_round = submit(org)
    # then round 1 is open with both reviewers pending, and the solution_submitted fact is written
    assert (validation_round.number, validation_round.state) == (1, "open")
    assert sorted((v.reviewer.name, v.function, v.verdict) for v in validation_round.verdicts.all()) == [
        ("李四", "product", ""), ("赵六", "delivery", ""),
    ]
    [fact] = facts("solution_submitted")
    assert (fact.employee, fact.occurred_on, fact.external_id, fact.customer_id, fact.project_id) == (
        org.engineer, TODAY, f"solution-{validation_round.solution_id}", "C-CMB", "P-2026-17"
    )


def test_reviewers_must_come_from_product_and_delivery(org: Org) -> None:
    with pytest.raises(SolutionError, match="from delivery"):
        submit(org, reviewers=[(org.peer, "product")])
    with pytest.raises(SolutionError, match="from product"):
        submit(org, reviewers=[(org.peer, "delivery")])
    with pytest.raises(SolutionError, match="own solution"):
        submit(org, reviewers=[(org.engineer, "product"), (org.peer, "delivery")])
    with pytest.raises(SolutionError, match="twice"):
        submit(org, reviewers=[(org.peer, "product"), (org.peer, "delivery")])
    assert not Solution.objects.exists()


def test_the_checklist_may_waive_a_function(org: Org) -> None:
    # given HR's checklist requires only a product reviewer
    services.checklist_save(
        actor=org.hr, origin=Origin.WEB, items=[{"code": "fit", "zh-Hans": "匹配", "en": "Fit"}],
        require_delivery=False,
    )
    # when the engineer names a product reviewer only, then the round opens
    validation_round = submit(org, reviewers=[(org.peer, "product")])
    assert validation_round.verdicts.count() == 1
    # and a fail is checked against HR's items, not the default ones
    with pytest.raises(SolutionError, match="Not on the checklist"):
        verdict(org.peer.user, validation_round, "fail", ["feasibility"])
    verdict(org.peer.user, validation_round, "fail", ["fit"])
    with pytest.raises(SolutionError, match="Only HR"):
        services.checklist_save(actor=org.manager.user, origin=Origin.WEB, items=[{"code": "x", "en": "X"}])


def test_only_a_named_reviewer_records_a_verdict_once_and_a_fail_needs_reasons(org: Org) -> None:
    validation_round = submit(org)
    for outsider in (org.engineer.user, org.manager.user, org.hr):
        with pytest.raises(SolutionError, match="named on this round"):
            verdict(outsider, validation_round, "pass")
    with pytest.raises(SolutionError, match="at least one checklist item"):
        verdict(org.peer.user, validation_round, "fail")
    with pytest.raises(SolutionError, match="A pass has no failing items"):
        verdict(org.peer.user, validation_round, "pass", ["cost"])
    verdict(org.peer.user, validation_round, "pass")
    with pytest.raises(SolutionError, match="already"):
        verdict(org.peer.user, validation_round, "fail", ["cost"])
    validation_round.refresh_from_db()
    assert validation_round.state == "open"
    assert not facts("solution_validation_passed")
    assert selectors.review_queue(org.peer.user) == []
    assert [v.round for v in selectors.review_queue(org.other_team_engineer.user)] == [validation_round]


def test_one_fail_fails_the_round_and_a_resubmission_opens_round_two(org: Org) -> None:
    # given round 1 failed by delivery on deliverability and risks
    first = submit(org)
    verdict(org.peer.user, first, "pass")
    verdict(org.other_team_engineer.user, first, "fail", ["deliverability", "risks"])
    first.refresh_from_db()
    assert (first.state, first.workdays_to_verdict) == ("failed", 3)
    assert first.hours_to_verdict == pytest.approx(104.0)
    [failed] = facts("solution_validation_failed")
    assert (failed.employee, failed.occurred_on, failed.external_id) == (
        org.engineer, datetime.date(2026, 10, 12), f"validation-round-{first.pk}"
    )
    assert failed.attributes["workdays_to_verdict"] == "3"
    [days] = facts("solution_validation_days")
    assert days.value == 3.0
    # when the author resubmits (with a note) and both reviewers pass round 2
    with pytest.raises(SolutionError, match="Only the author"):
        services.solution_submit(
            actor=org.peer.user, origin=Origin.WEB, solution=first.solution, title="x", summary="y",
            reviewers=[(org.manager, "product"), (org.other_team_engineer, "delivery")], now=DECIDED,
        )
    second = submit(org, first.solution, notes="补充了交付排期与风险清单", now=DECIDED)
    with pytest.raises(SolutionError, match="waiting"):
        submit(org, first.solution, now=DECIDED)
    later = DECIDED + datetime.timedelta(hours=3)
    verdict(org.peer.user, second, "pass", now=later)
    verdict(org.other_team_engineer.user, second, "pass", now=later)
    # then both rounds are kept, round 2 passed, and one fact per decided round
    solution = selectors.solution_for(org.engineer.user, first.solution_id)
    assert [(r.number, r.state) for r in solution.rounds.all()] == [(1, "failed"), (2, "passed")]
    assert [v.reasons for v in solution.rounds.all()[0].verdicts.all() if v.verdict == "fail"] == [
        ["deliverability", "risks"]
    ]
    assert len(facts("solution_validation_passed")) == 1
    assert len(facts("solution_validation_failed")) == 1
    assert len(facts("solution_submitted")) == 1  # the first submission only
    assert second.__class__.objects.get(pk=second.pk).workdays_to_verdict == 0
    with pytest.raises(SolutionError, match="passed validation"):
        submit(org, first.solution, now=later)


def test_who_may_read_a_solution(org: Org) -> None:
    validation_round = submit(org)
    solution = validation_round.solution
    for reader in (org.engineer.user, org.manager.user, org.hr, org.peer.user, org.other_team_engineer.user):
        assert selectors.may_read(reader, solution)
    assert not selectors.may_read(org.outsider, solution)
    assert list(selectors.solutions_visible(org.manager.user)) == [solution]
    assert list(selectors.solutions_visible(org.outsider)) == []
    # only the named, still pending reviewer gets the verdict form
    assert selectors.pending_verdict_of(org.peer.user, validation_round) is not None
    assert selectors.pending_verdict_of(org.manager.user, validation_round) is None
    assert selectors.pending_verdict_of(org.engineer.user, validation_round) is None


def test_working_days_follow_the_chinese_calendar_and_company_exceptions() -> None:
    day = datetime.date
    # Wednesday 30 September to Thursday 8 October 2026: the National Day holiday, then the 8th
    assert workdays_between(day(2026, 9, 30), day(2026, 10, 8)) == 1
    # Friday 9 to Monday 12 October: the make-up Saturday counts, Sunday does not
    assert workdays_between(day(2026, 10, 9), day(2026, 10, 12)) == 2
    assert workdays_between(day(2026, 10, 9), day(2026, 10, 9)) == 0
    # a company that gives the make-up Saturday off
    assert workdays_between(day(2026, 10, 9), day(2026, 10, 12), {day(2026, 10, 10): False}) == 1
