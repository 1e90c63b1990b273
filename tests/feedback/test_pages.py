"""360 pages end to end through Django's client (issue 14, items 1–3): HR creates and
launches a campaign, the engineer nominates (the page names the group short of its
minimum), the manager approves from the home page, a peer answers from their to-do list,
a customer answers once through the e-mailed link; nobody reads a form not theirs, and
HR's campaign page shows counts, never answers."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client

from kpilib.feedback.models import Campaign, Nomination, Response, Subject
from tests.factories import Org, make_employee, make_org, make_user

TODAY = "2026-11-02"
pytestmark = pytest.mark.today(TODAY)


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


def _launched(org: Org, hr: Client) -> Campaign:
    response = hr.post(
        "/feedback/campaigns/new/",
        {"name": "2026 下半年 360", "name_en": "H2 2026 360", "deadline": "2026-11-20", "min_group": 3},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert hr.post(f"/feedback/campaigns/{campaign.pk}/subjects/", {"employees": [org.engineer.pk]}).status_code == 302
    assert hr.post(f"/feedback/campaigns/{campaign.pk}/launch/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "open"
    return campaign


def test_a_campaign_from_creation_to_answers(org: Org) -> None:
    hr = client(org.hr)
    campaign = _launched(org, hr)
    subject = Subject.objects.get(campaign=campaign)
    # the engineer sees the groups; the page names those under their minimum
    engineer = client(org.engineer.user)
    page = engineer.get(f"/feedback/subjects/{subject.pk}/").content.decode()
    assert "presales peers needs at least 3 raters (0 nominated)." in page
    assert "sales needs at least 1 rater (0 nominated)." in page
    # they nominate three peers, a sales colleague and a customer, and send the list
    colleagues = [org.peer, org.other_team_engineer] + [
        make_employee(f"同事{n}", org.team_a, manager=org.manager, user=make_user(f"colleague{n}"))
        for n in range(2)
    ]
    for rater in colleagues[:3]:
        engineer.post(f"/feedback/subjects/{subject.pk}/nominate/", {"relationship": "peer", "rater": rater.pk})
    engineer.post(f"/feedback/subjects/{subject.pk}/nominate/", {"relationship": "sales", "rater": colleagues[3].pk})
    engineer.post(
        f"/feedback/subjects/{subject.pk}/nominate/",
        {"relationship": "customer", "external_name": "刘总", "external_email": "liu@customer.example"},
    )
    assert engineer.post(f"/feedback/subjects/{subject.pk}/submit/").status_code == 302
    assert Subject.objects.get(pk=subject.pk).state == "submitted"
    # the manager finds it on the home page and approves; the customer is e-mailed a link
    manager = client(org.manager.user)
    assert "Approve the raters of 张三" in manager.get("/").content.decode()
    assert manager.post(f"/feedback/subjects/{subject.pk}/approve/").status_code == 302
    [invitation] = mail.outbox
    link = re.search(r"http://testserver(/feedback/link/kpf_[\w-]+/)", invitation.body).group(1)
    # the peer has 张三 on their home page's to-do list and answers
    peer = client(org.peer.user)
    home = peer.get("/").content.decode()
    assert "360 feedback to give" in home
    assert "张三" in home
    nomination = Nomination.objects.get(subject=subject, rater=org.peer)
    form = peer.get(f"/feedback/forms/{nomination.pk}/").content.decode()
    assert "Your answers are shown only as part of a group of at least 3 raters" in form
    answers = {f"score-{code}": "4" for code in _rating_codes(campaign)}
    answers["comment-collab_responsive"] = "响应很快"
    assert peer.post(f"/feedback/forms/{nomination.pk}/", {**answers, "submit": "0"}).status_code == 302
    assert Response.objects.get(nomination=nomination).status == "draft"
    draft = peer.get(f"/feedback/forms/{nomination.pk}/").content.decode()
    assert "响应很快" in draft
    assert 'value="4" checked' in draft
    assert peer.post(f"/feedback/forms/{nomination.pk}/", {**answers, "submit": "1"}).status_code == 302
    assert Response.objects.get(nomination=nomination).status == "submitted"
    # the customer answers once, without an account
    customer = Client(headers={"Accept-Language": "en"})
    form = customer.get(link)
    assert form.status_code == 200
    assert "Who will see your answers" in form.content.decode()
    thanks = customer.post(link, {**answers, "submit": "1"})
    assert thanks.status_code == 200
    assert "This link no longer works." in thanks.content.decode()
    assert customer.get(link).status_code == 404
    # HR's campaign page: counts, never the answers
    page = hr.get(f"/feedback/campaigns/{campaign.pk}/").content.decode()
    assert "2 of 7 forms answered." in page  # self, manager, 3 peers, sales, customer
    assert "响应很快" not in page


def _rating_codes(campaign: Campaign) -> list[str]:
    return list(campaign.questionnaire.questions.filter(kind="rating").values_list("code", flat=True))


def test_an_unfinished_form_says_which_question_is_missing_and_keeps_the_answers(org: Org) -> None:
    hr = client(org.hr)
    campaign = _launched(org, hr)
    own = Nomination.objects.get(subject__campaign=campaign, relationship="self")
    engineer = client(org.engineer.user)
    response = engineer.post(
        f"/feedback/forms/{own.pk}/", {"score-collab_responsive": "5", "comment-collab_shares": "会主动分享", "submit": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "or choose “not able to rate”" in page
    assert "会主动分享" in page
    assert 'value="5" checked' in page
    assert not Response.objects.exists()


def test_only_the_rater_reads_a_form_and_only_hr_a_campaign(org: Org) -> None:
    hr = client(org.hr)
    campaign = _launched(org, hr)
    own = Nomination.objects.get(subject__campaign=campaign, relationship="self")
    subject = own.subject
    for user in (org.manager.user, org.peer.user, org.hr):
        assert client(user).get(f"/feedback/forms/{own.pk}/").status_code == 404
    assert client(org.engineer.user).get(f"/feedback/forms/{own.pk}/").status_code == 200
    assert client(org.manager.user).get(f"/feedback/campaigns/{campaign.pk}/").status_code == 404
    assert client(org.peer.user).get(f"/feedback/subjects/{subject.pk}/").status_code == 404
    assert client(org.manager.user).get(f"/feedback/subjects/{subject.pk}/").status_code == 200


def test_the_pages_read_in_chinese(org: Org) -> None:
    hr = client(org.hr, "zh-hans")
    campaign = _launched(org, hr)
    own = Nomination.objects.get(subject__campaign=campaign, relationship="self")
    page = client(org.engineer.user, "zh-hans").get(f"/feedback/forms/{own.pk}/").content.decode()
    assert "跨部门协作" in page
    assert "需要协作时" in page
    assert "无法评价" in page
    assert datetime.date(2026, 11, 20).isoformat() in page
