"""A subject's 360 report as a PDF, and the trend across campaigns (issue 14, item 6).

The PDF is read back as text (its streams inflated, its glyph codes mapped through the
font's ToUnicode map: no PDF library is needed), so the tests check what a reader of
the file sees: the shown figures, never a withheld rater's score or comment."""

import datetime
import re
import zlib

import pytest
from django.test import Client

from kpilib.audit.origin import SYSTEM, Origin
from kpilib.feedback import selectors, services
from kpilib.feedback.models import Campaign, Nomination, Subject
from tests.factories import Org, make_employee, make_org, make_user
from tests.feedback.test_services import NOW, TODAY

pytestmark = pytest.mark.today("2026-11-02")


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


@pytest.fixture(autouse=True)
def _font() -> None:
    from kpilib.appraisal.exports import ExportError, cjk_font

    try:
        cjk_font()
    except ExportError:
        import os

        if os.environ.get("CI") == "true":
            raise  # .ci/run installs fonts-noto-cjk
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")


def client(user: object, language: str = "en") -> Client:
    c = Client(headers={"Accept-Language": language})
    c.force_login(user)
    return c


# --- reading a PDF's text -------------------------------------------------------------------


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """The PDF literal string opening at `data[start]` == '(' and the index after it."""
    out, depth, i = bytearray(), 1, start + 1
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash
            nxt = data[i + 1]
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4]).group()
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            elif nxt in (0x0A, 0x0D):
                i += 2
            else:
                out.append(nxt)
                i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise ValueError("unterminated string")


def pdf_text(content: bytes) -> str:
    """Every shown string of the PDF, one per text operator, joined by newlines."""
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    cmap: dict[int, str] = {}
    for stream in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                cmap[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = ord(bytes.fromhex(target.decode()).decode("utf-16-be"))
                for code in range(int(low, 16), int(high, 16) + 1):
                    cmap[code] = chr(first + code - int(low, 16))
    lines = []
    for stream in streams:
        for segment in re.findall(rb"BT(.*?)ET", stream, re.S):
            i, parts = 0, []
            while (i := segment.find(b"(", i)) != -1:
                raw, i = _literal(segment, i)
                parts.append("".join(cmap.get(int.from_bytes(raw[k : k + 2], "big"), "?") for k in range(0, len(raw) - 1, 2)))
            if parts:
                lines.append("".join(parts))
    return "\n".join(lines)


def pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", content))


# --- campaigns ------------------------------------------------------------------------------


def _people(org: Org) -> tuple[list, object]:
    peers = [org.peer, org.other_team_engineer, make_employee("钱七", org.team_a, manager=org.manager, user=make_user("qian"))]
    sales = make_employee("孙销售", org.team_a, user=make_user("sales"))
    return peers, sales


def _run(
    org: Org, name: str, deadline: datetime.date, peers: list, peer_scores: tuple, *,
    sales=None, sales_score: int = 2, manager_answers: bool = True,
) -> Subject:  # fmt: skip
    """A closed campaign of 张三: self 5, manager 3 (when answering), the peers and
    optionally one sales colleague; each rater's comment names their group."""
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    campaign = services.campaign_create(
        actor=org.hr, origin=Origin.WEB, name=name, name_en=name, questionnaire=questionnaire,
        deadline=deadline, today=deadline - datetime.timedelta(days=30),
        group_limits={"peer": [1, 4], "sales": [0, 2]},
    )  # fmt: skip
    services.campaign_add_subjects(actor=org.hr, origin=Origin.WEB, campaign=campaign, employees=[org.engineer])
    services.campaign_launch(
        actor=org.hr, origin=Origin.WEB, campaign=campaign, today=deadline - datetime.timedelta(days=30), now=NOW
    )
    subject = campaign.subjects.get(employee=org.engineer)
    for rater in peers:
        services.nomination_add(actor=org.engineer.user, origin=Origin.WEB, subject=subject, relationship="peer", rater=rater, now=NOW)
    if sales is not None:
        services.nomination_add(actor=org.engineer.user, origin=Origin.WEB, subject=subject, relationship="sales", rater=sales, now=NOW)
    services.nominations_submit(actor=org.engineer.user, origin=Origin.WEB, subject=subject, now=NOW)
    services.nominations_approve(actor=org.manager.user, origin=Origin.WEB, subject=subject, now=NOW)
    questions = list(campaign.questionnaire.questions.all())
    for nomination in Nomination.objects.filter(subject=subject).select_related("rater"):
        relationship = nomination.relationship
        if relationship == "manager" and not manager_answers:
            continue
        score = {"self": 5, "manager": 3, "sales": sales_score}.get(relationship)
        if relationship == "peer":
            score = peer_scores[[p.pk for p in peers].index(nomination.rater_id)]
        answers = {q.code: {"score": score, "comment": ""} for q in questions if q.kind == "rating"}
        answers["collab_responsive"]["comment"] = f"来自{relationship}的评语"
        services.response_save(
            actor=nomination.rater.user, origin=Origin.WEB, nomination=nomination, answers=answers, submit=True, now=NOW
        )
    services.campaign_close(actor=org.hr, origin=Origin.WEB, campaign=campaign, now=NOW)
    return Subject.objects.get(pk=subject.pk)


# --- the PDF --------------------------------------------------------------------------------


def test_the_pdf_shows_the_report_and_never_a_withheld_rater(org: Org) -> None:
    # given 张三's closed campaign: manager 3, peers 4, 4, 5, and a lone sales rater (2) withheld
    peers, sales = _people(org)
    subject = _run(org, "2026 下半年 360", datetime.date(2026, 11, 20), peers, (4, 4, 5), sales=sales, sales_score=2)
    # when the manager downloads it in English
    response = client(org.manager.user).get(f"/feedback/subjects/{subject.pk}/report.pdf")
    # then it is a PDF whose text shows the shown figures, the rules and the withheld count
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert pages(response.content) >= 1
    text = pdf_text(response.content)
    assert "360 results" in text
    assert "张三" in text
    assert "4.00" in text  # overall = manager 3 + peers 4, 4, 5 (rater-weighted)
    assert "1 rater's answers are withheld" in text
    assert "How anonymity is kept" in text
    assert "来自peer的评语" in text
    assert "来自manager的评语" in text
    # the sales rater's score and comment appear nowhere
    assert "2.00" not in text
    assert "来自sales的评语" not in text
    # and the distribution counts shown groups only: nobody gave 2
    report = selectors.report_for(subject)
    assert report.distribution
    for row in report.distribution:
        assert row.counts[1] == 0
        assert row.counts[2] >= 1
        assert row.counts[3] >= 1


def test_the_pdf_follows_the_request_language(org: Org) -> None:
    peers, _sales = _people(org)
    subject = _run(org, "2026 下半年 360", datetime.date(2026, 11, 20), peers, (4, 4, 5))
    text = pdf_text(client(org.engineer.user, "zh-hans").get(f"/feedback/subjects/{subject.pk}/report.pdf").content)
    assert "360 results" not in text
    assert "4.00" in text


def test_the_pdf_is_refused_like_the_page(org: Org) -> None:
    peers, _sales = _people(org)
    subject = _run(org, "2026 下半年 360", datetime.date(2026, 11, 20), peers, (4, 4, 5))
    # a rater (the peer) and an unrelated user get 404, as on the page
    for user in (org.peer.user, org.outsider):
        assert client(user).get(f"/feedback/subjects/{subject.pk}/report/").status_code == 404
        assert client(user).get(f"/feedback/subjects/{subject.pk}/report.pdf").status_code == 404
    assert client(org.hr).get(f"/feedback/subjects/{subject.pk + 999}/report.pdf").status_code == 404
    # the page links to the PDF
    page = client(org.engineer.user).get(f"/feedback/subjects/{subject.pk}/report/").content.decode()
    assert f"/feedback/subjects/{subject.pk}/report.pdf" in page


# --- the trend ------------------------------------------------------------------------------


def test_the_trend_shows_each_campaign_as_its_report_and_withheld_as_a_word(org: Org) -> None:
    # given three closed campaigns of 张三, oldest first: one whose every group is withheld
    # (two peers, no manager answer), then two with shown groups
    peers, _sales = _people(org)
    withheld = _run(org, "2025 上半年", datetime.date(2025, 6, 30), peers[:2], (2, 3), manager_answers=False)
    first = _run(org, "2025 下半年", datetime.date(2025, 12, 20), peers, (4, 4, 5))
    latest = _run(org, "2026 上半年", datetime.date(2026, 6, 30), peers, (5, 5, 4))
    # when the engineer reads the latest report
    trend = selectors.trend_for(org.engineer.user, latest)
    # then the points are the three campaigns oldest to newest, each equal to its report
    assert [p.subject.pk for p in trend.points] == [withheld.pk, first.pk, latest.pk]
    for point in trend.points:
        report = selectors.report_for(point.subject)
        assert point.overall == report.summary.overall
        assert point.by_competency == {g.competency: g.others for g in report.gaps}
    assert trend.points[0].overall is None
    assert trend.points[1].overall == pytest.approx(4.0)
    assert trend.points[2].overall == pytest.approx((3 + 5 + 5 + 4) / 4)
    # an earlier report's trend stops at that campaign
    assert [p.subject.pk for p in selectors.trend_for(org.engineer.user, first).points] == [withheld.pk, first.pk]
    # the page and the PDF show "withheld" for the first, never its raters' numbers
    page = client(org.engineer.user).get(f"/feedback/subjects/{latest.pk}/report/").content.decode()
    trend_table = page[page.index('id="results-trend"') :]
    assert "2025 上半年</td><td>withheld</td>" in trend_table
    assert "<td>4.00</td>" in trend_table
    assert "<td>4.25</td>" in trend_table
    assert 'id="feedback-trend-data"' in page  # the chart's data (a withheld point is null)
    assert '"data": [null, 4.0, 4.25]' in page
    text = pdf_text(client(org.engineer.user).get(f"/feedback/subjects/{latest.pk}/report.pdf").content)
    assert "2025 上半年" in text
    assert "withheld" in text
    assert "2.50" not in text
    assert "2.00" not in text


def test_the_trend_leaves_out_open_campaigns_and_other_people(org: Org) -> None:
    peers, _sales = _people(org)
    closed = _run(org, "2025 下半年", datetime.date(2025, 12, 20), peers, (4, 4, 5))
    questionnaire = services.questionnaire_install(actor=SYSTEM, origin=Origin.TASK)
    running = services.campaign_create(
        actor=org.hr, origin=Origin.WEB, name="2026 上半年", questionnaire=questionnaire,
        deadline=datetime.date(2026, 11, 30), today=TODAY,
    )  # fmt: skip
    services.campaign_add_subjects(actor=org.hr, origin=Origin.WEB, campaign=running, employees=[org.engineer, org.peer])
    services.campaign_launch(actor=org.hr, origin=Origin.WEB, campaign=running, today=TODAY, now=NOW)
    mine = running.subjects.get(employee=org.engineer)
    running.refresh_from_db()
    assert running.status == Campaign.Status.OPEN
    # the open campaign's report trends the earlier closed one only
    assert [p.subject.pk for p in selectors.trend_for(org.engineer.user, mine).points] == [closed.pk]
    # the peer's own report shows none of 张三's campaigns
    theirs = running.subjects.get(employee=org.peer)
    assert selectors.trend_for(org.peer.user, theirs).points == []
