"""The manager's 360 team view and the fairness aids (issue 14, items 5 and 6).

Four people receive feedback: 张三, 李四 and 钱七 (王经理's team) and 赵六 (another region).
Three peers rate all four — one lenient (5), one typical (4), one severe (2), each one
less to 李四 — 王经理 rates his three (3), and a lone sales colleague rates 张三 (1): a group below the minimum, so
withheld. The team view shows a manager their people only (a director their org), counts
while the campaign runs and the report's figures once it is closed; the report shows the
corrected overall beside the raw one; HR's campaign page shows rater severity without names,
and each rater sees only their own line."""

import html
import re

import pytest
from django.test import Client

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.engine.feedback import corrected_overall, rater_severity
from kpilib.feedback import fairness, selectors, services, team
from kpilib.feedback.models import Campaign, Nomination, Question
from tests.factories import Org, make_employee, make_org, make_user
from tests.feedback.test_services import DEADLINE, NOW, TODAY

pytestmark = pytest.mark.today("2026-11-02")
WEB = Origin.WEB
PEER_SCORES = (5, 4, 2)
WITHHELD_SCORE = 1


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


class World:
    def __init__(self, org: Org) -> None:
        self.org = org
        self.qian = make_employee("钱七", org.team_a, manager=org.manager, user=make_user("qian"))
        self.peers = [
            make_employee(name, org.team_b, user=make_user(f"rater{n}"))
            for n, name in enumerate(("宽松甲", "适中乙", "严格丙"))
        ]
        self.sales = make_employee("孙销售", org.team_b, user=make_user("sales"))
        questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
        campaign = services.campaign_create(
            actor=org.hr, origin=WEB, name="2026 下半年 360", questionnaire=questionnaire,
            deadline=DEADLINE, today=TODAY, group_limits={"peer": [3, 4], "sales": [0, 2], "manager": [0, 1]},
        )  # fmt: skip
        self.people = [org.engineer, org.peer, self.qian, org.other_team_engineer]
        services.campaign_add_subjects(actor=org.hr, origin=WEB, campaign=campaign, employees=self.people)
        self.campaign = services.campaign_launch(actor=org.hr, origin=WEB, campaign=campaign, today=TODAY, now=NOW)
        self.subjects = {s.employee_id: s for s in self.campaign.subjects.all()}

    def subject(self, employee):
        return self.campaign.subjects.select_related("campaign", "employee").get(pk=self.subjects[employee.pk].pk)

    def answer(self) -> None:
        org = self.org
        for employee in self.people:
            subject = self.subject(employee)
            for rater in self.peers:
                services.nomination_add(actor=employee.user, origin=WEB, subject=subject, relationship="peer", rater=rater, now=NOW)
            if employee == org.engineer:
                services.nomination_add(actor=employee.user, origin=WEB, subject=subject, relationship="sales", rater=self.sales, now=NOW)
            services.nominations_submit(actor=employee.user, origin=WEB, subject=subject, now=NOW)
            approver = org.manager.user if employee.manager_id else org.hr
            services.nominations_approve(actor=approver, origin=WEB, subject=subject, now=NOW)
        org = self.org
        rating = list(self.campaign.questionnaire.questions.filter(kind=Question.Kind.RATING))
        for nomination in Nomination.objects.filter(subject__campaign=self.campaign).select_related("rater"):
            if nomination.relationship == "peer":
                score = PEER_SCORES[[p.pk for p in self.peers].index(nomination.rater_id)]
                score -= nomination.subject.employee_id == org.peer.pk  # 李四 gets one less
            elif nomination.relationship == "sales":
                score = WITHHELD_SCORE
            else:
                score = {"self": 4, "manager": 3}[nomination.relationship]
            answers = {q.code: {"score": score, "comment": ""} for q in rating}
            services.response_save(
                actor=nomination.rater.user, origin=WEB, nomination=nomination, answers=answers, submit=True, now=NOW
            )

    def close(self) -> None:
        self.campaign = services.campaign_close(actor=self.org.hr, origin=WEB, campaign=self.campaign, now=NOW)


@pytest.fixture
def world(org: Org) -> World:
    return World(org)


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', page, re.S)
    assert match, anchor
    return match.group(1)


def _names(world: World) -> list[str]:
    return [p.name for p in (*world.peers, world.sales, world.org.manager)]


# --- the team view -----------------------------------------------------------------------


def test_a_manager_sees_their_team_with_counts_while_the_campaign_runs(world: World) -> None:
    org = world.org
    address = f"/feedback/campaigns/{world.campaign.pk}/team/"
    manager = client(org.manager.user)
    assert f'href="{address}"' in manager.get("/feedback/").content.decode()  # linked from the 360 home
    page = manager.get(address).content.decode()
    rows = _section(page, "team-subjects")
    assert "张三" in rows
    assert "李四" in rows
    assert "钱七" in rows
    assert "赵六" not in rows  # another region's engineer is not his
    assert "0 / 2" in rows  # self and the manager are approved at launch
    world.answer()
    rows = _section(manager.get(address).content.decode(), "team-subjects")
    assert "6 / 6" in rows  # 张三: self, manager, three peers, one sales (counts only)
    assert "5 / 5" in rows
    assert "raters approved" in rows
    assert "Results appear when the campaign is closed" in manager.get(address).content.decode()
    assert ">3.50<" not in rows
    for name in _names(world):
        assert name not in rows
    # an engineer (no team), another region's engineer and a rater get a 404
    for user in (org.engineer.user, org.other_team_engineer.user, world.peers[0].user, org.outsider):
        assert client(user).get(address).status_code == 404
    assert client(org.manager.user).get("/feedback/campaigns/999999/team/").status_code == 404
    zh = client(org.manager.user, "zh-hans").get(address).content.decode()
    assert "团队视图" in zh
    assert "团队的 360 反馈" in client(org.manager.user, "zh-hans").get("/feedback/").content.decode()


def test_once_closed_the_team_view_shows_each_report_figures_and_withheld_as_withheld(world: World) -> None:
    org = world.org
    world.answer()
    world.close()
    address = f"/feedback/campaigns/{world.campaign.pk}/team/"
    page = client(org.manager.user).get(address).content.decode()
    rows = _section(page, "team-subjects")
    subjects = [world.subject(e) for e in (org.engineer, org.peer, world.qian)]
    team_rows = team.team_rows(world.campaign, subjects)
    for subject, row in zip(subjects, team_rows, strict=True):
        report = selectors.report_for(subject)
        assert row.report.summary == report.summary  # the figures are report_for's
        assert row.report.gaps == report.gaps
        assert f'href="/feedback/subjects/{subject.pk}/report/"' in rows
    # 张三: manager 3 and peers 5, 4, 2 → 3.50; self 4 → gap +0.50: over-estimator at ±0.50;
    # the lone sales rater (1) is withheld, on the team view as on the report
    row = re.search(rf'data-subject="{subjects[0].pk}">(.*?)</tr>', rows, re.S).group(1)
    assert ">3.50<" in row
    assert ">4.00<" in row
    assert ">0.50<" in row
    assert "over-estimator" in row
    assert ">1.00<" not in page
    for name in _names(world):
        assert name not in rows

    # a director sees their org: 赵六 (no manager, so his raters were approved by HR) too
    director = make_employee("周总监", org.company, user=make_user("director"))
    org.company.head = director
    org.company.save()
    rows = _section(client(director.user).get(address).content.decode(), "team-subjects")
    assert all(name in rows for name in ("张三", "李四", "钱七", "赵六"))
    # HR sees everyone, and the team view is linked from the campaign page
    rows = _section(client(org.hr).get(address).content.decode(), "team-subjects")
    assert "赵六" in rows
    assert f'href="{address}"' in client(org.hr).get(f"/feedback/campaigns/{world.campaign.pk}/").content.decode()


def test_a_group_withheld_everywhere_shows_withheld_on_the_team_view(world: World) -> None:
    """With a minimum of 5 the three peers are pooled and withheld: only the manager shows."""
    Campaign.objects.filter(pk=world.campaign.pk).update(min_group=5)
    world.campaign.refresh_from_db()
    world.answer()
    world.close()
    other = world.subject(world.org.other_team_engineer)  # no manager: nothing shown
    [row] = team.team_rows(world.campaign, [other])
    assert row.report.summary.overall is None
    assert row.competency_means(["collaboration"]) == [None]
    page = client(world.org.hr).get(f"/feedback/campaigns/{world.campaign.pk}/team/").content.decode()
    cells = re.search(rf'data-subject="{other.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "withheld" in cells
    assert ">3.67<" not in cells  # the peers' mean (5+4+2)/3 stays out


# --- the corrected overall ---------------------------------------------------------------


def test_the_report_shows_the_corrected_overall_beside_the_raw_one_from_shown_groups_only(world: World) -> None:
    org = world.org
    world.answer()
    world.close()
    subject = world.subject(org.engineer)
    corrected = fairness.corrected_for(subject)
    report = selectors.report_for(subject)
    assert corrected.raw == pytest.approx(report.summary.overall) == pytest.approx(3.5)
    assert corrected.corrected != pytest.approx(corrected.raw)
    page = client(org.engineer.user).get(f"/feedback/subjects/{subject.pk}/report/").content.decode()
    section = _section(page, "results-corrected")
    assert f">{corrected.corrected:.2f}<" in section
    assert ">3.50<" in section
    assert "standardised against that rater's own mean and spread" in html.unescape(section)
    assert ">3.50<" in _section(page, "results-overall")  # the raw figure stays where it was
    zh = client(org.engineer.user, "zh-hans").get(f"/feedback/subjects/{subject.pk}/report/").content.decode()
    assert "校正后" in _section(zh, "results-corrected")
    # the withheld sales rater's answers change nothing in it
    sales = Nomination.objects.get(subject=subject, relationship="sales").response
    sales.answers = {code: {"score": 5, "comment": ""} for code in sales.answers}
    sales.save()
    assert fairness.corrected_for(subject) == corrected
    # and the engine uses the rows as given: shown groups only
    rows = fairness.person_rows(world.campaign)
    assert [c for c in corrected_overall(rows, min_group=3) if c.subject_id == str(subject.pk)] == [corrected]


def test_nothing_corrected_while_the_campaign_runs(world: World) -> None:
    world.answer()
    subject = world.subject(world.org.engineer)
    assert fairness.corrected_for(subject) is None
    assert fairness.severity_distribution(world.campaign) is None
    page = client(world.org.hr).get(f"/feedback/campaigns/{world.campaign.pk}/").content.decode()
    assert 'id="campaign-severity"' not in page


# --- rater severity ----------------------------------------------------------------------


def test_hr_sees_the_severity_distribution_without_any_rater_name(world: World) -> None:
    org = world.org
    world.answer()
    world.close()
    org.hr.is_superuser = True
    org.hr.save()
    page = client(org.hr).get(f"/feedback/campaigns/{world.campaign.pk}/").content.decode()
    section = _section(page, "campaign-severity")
    everybody = [*world.people, *world.peers, world.sales, org.manager]
    for person in everybody:
        assert person.name not in section
        assert person.employee_id not in section
        assert person.user.username not in section
    table = re.search(r'<table id="severity-rows">(.*?)</table>', section, re.S).group(1)
    differences = [float(d) for d in re.findall(r"<td>([+-]?\d+\.\d\d)</td><td>[a-z]", table)]
    assert differences == sorted(differences)  # sorted by difference, not by name or id
    # lenient 宽松甲, typical 适中乙, severe 严格丙 and 王经理 (3 against 3.33): four rows;
    # the lone sales rater rated one subject (and was withheld): not a row
    assert len(differences) == 4
    severities = rater_severity(fairness.person_rows(world.campaign), min_group=3, min_subjects=3)
    assert sorted(round(s.difference, 2) for s in severities if s.difference is not None) == differences
    assert "lenient: 1" in section
    assert "severe: 1" in section
    assert "typical: 2" in section
    # HR's other pages hold no severity figure next to a name either
    for address in ("/feedback/", f"/feedback/campaigns/{world.campaign.pk}/team/"):
        assert "How you rate" not in client(org.hr).get(address).content.decode()


def test_each_rater_sees_their_own_severity_only(world: World) -> None:
    world.answer()
    world.close()
    lenient, typical, severe = world.peers
    words = {}
    for rater in world.peers:
        page = client(rater.user).get("/feedback/").content.decode()
        words[rater.pk] = _section(page, "feedback-own-severity")
    assert "lenient: rates +1.42 above the campaign mean (4.75 against 3.33)" in words[lenient.pk]
    assert "typical" in words[typical.pk]
    assert "3.75 against 3.33" in words[typical.pk]
    assert "severe: rates -1.58 below the campaign mean (1.75 against 3.33)" in words[severe.pk]
    for rater in world.peers:
        others = [p for p in world.peers if p != rater]
        for other in others:
            assert other.name not in words[rater.pk]
        assert words[rater.pk].count("against 3.33") == 1  # one line: their own
    # the lone sales rater's answers were withheld: they count nowhere, not even here
    assert 'id="feedback-own-severity"' not in client(world.sales.user).get("/feedback/").content.decode()
    # someone who rated nobody has no such box
    assert 'id="feedback-own-severity"' not in client(world.org.outsider).get("/feedback/").content.decode()
    zh = client(severe.user, "zh-hans").get("/feedback/").content.decode()
    assert "偏严格" in _section(zh, "feedback-own-severity")


# --- the API -----------------------------------------------------------------------------


def test_the_team_api_answers_as_the_page(world: World) -> None:
    org = world.org
    address = f"/api/feedback/campaigns/{world.campaign.pk}/team"
    world.answer()
    rows = client(org.manager.user).get(address).json()
    assert [r["employee"] for r in rows] == ["张三", "李四", "钱七"]
    assert rows[0]["invited"] == rows[0]["submitted"] == 6
    assert rows[0]["results"] is None  # while the campaign runs
    world.close()
    rows = client(org.manager.user).get(address).json()
    engineer = rows[0]["results"]
    assert engineer["overall"] == pytest.approx(3.5)
    assert engineer["gap"] == pytest.approx(0.5)
    assert engineer["gap_class"] == "over-estimator"
    assert engineer["withheld_raters"] == 1
    assert {c["code"] for c in engineer["competencies"]} >= {"collaboration"}
    text = client(org.manager.user).get(address).content.decode()
    for person in (*world.peers, world.sales):
        assert person.name not in text
    assert client(org.engineer.user).get(address).status_code == 404
    assert len(client(org.hr).get(address).json()) == 4


def test_the_campaigns_api_counts_in_one_query(world: World, django_assert_max_num_queries) -> None:
    org = world.org
    world.answer()
    hr = client(org.hr)
    hr.get("/api/feedback/campaigns")  # warm the session
    for n in range(3):
        services.campaign_create(
            actor=org.hr, origin=WEB, name=f"另一个 {n}", questionnaire=world.campaign.questionnaire,
            deadline=DEADLINE, today=TODAY,
        )  # fmt: skip
    with django_assert_max_num_queries(8):
        listed = hr.get("/api/feedback/campaigns").json()
    [ours] = [c for c in listed if c["id"] == world.campaign.pk]
    rate = selectors.response_rate(world.campaign)
    assert (ours["subjects"], ours["invited"], ours["submitted"]) == (4, rate.invited, rate.submitted)
    assert rate.submitted == rate.invited == 6 + 5 + 5 + 4


def test_no_severity_row_while_fewer_raters_than_the_minimum_have_a_mean(world: World, monkeypatch) -> None:
    """Two rows could be told apart by who rated most: none is shown, both are counted."""
    from kpilib.engine.feedback import RaterSeverity

    world.answer()
    world.close()
    two = [
        RaterSeverity("e1", 3, 30, 4.5, 3.5, 1.0, "lenient", 0.5, 3),
        RaterSeverity("e2", 4, 40, 2.5, 3.5, -1.0, "severe", 0.5, 3),
        RaterSeverity("e3", 1, 10, None, 3.5, None, None, 0.5, 3),
    ]
    monkeypatch.setattr(fairness, "_severities", lambda campaign: two)
    distribution = fairness.severity_distribution(world.campaign)
    assert distribution.rows == []
    assert distribution.hidden == 3
    section = _section(client(world.org.hr).get(f"/feedback/campaigns/{world.campaign.pk}/").content.decode(), "campaign-severity")
    assert "3 raters not shown" in section
    assert "4.50" not in section
    assert "2.50" not in section
