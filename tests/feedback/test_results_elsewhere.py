"""360 results outside the report page (issue 14, item 4: "the same rules hold on every
page, export and API answer, including the HR views"): the API's report and HR's campaign
results, and HR's spreadsheet, carry the report's own figures — the lone sales rater's
score and comment nowhere, the overall from shown groups only."""

import io

import pytest
from openpyxl import load_workbook

from kpilib.audit.origin import Origin
from kpilib.feedback import selectors, services
from kpilib.feedback.models import Nomination
from tests.factories import Org, make_org
from tests.feedback.test_results import _answered, client
from tests.feedback.test_services import NOW

pytestmark = pytest.mark.today("2026-11-02")
SECRET = "只有销售知道的评语XYZ"


@pytest.fixture
def org(db: None) -> Org:
    return make_org()


def _closed(org: Org):
    campaign, subject = _answered(org, sales_score=2)
    response = Nomination.objects.get(subject=subject, relationship="sales").response
    response.answers["collab_responsive"]["comment"] = SECRET
    response.save()
    services.campaign_close(actor=org.hr, origin=Origin.WEB, campaign=campaign, now=NOW)
    return campaign, subject


def test_the_api_report_waits_for_the_close(org: Org) -> None:
    campaign, subject = _answered(org)
    answer = client(org.engineer.user).get(f"/api/feedback/subjects/{subject.pk}/report")
    assert answer.status_code == 409
    assert answer.json()["detail"] == "Results appear when the campaign is closed."
    assert client(org.hr).get(f"/api/feedback/campaigns/{campaign.pk}/results").status_code == 409


def test_the_api_report_is_the_report_pages_figures(org: Org) -> None:
    _campaign, subject = _closed(org)
    for reader in (org.engineer.user, org.manager.user, org.hr):
        report = client(reader).get(f"/api/feedback/subjects/{subject.pk}/report").json()
        assert report["subject_id"] == org.engineer.employee_id
        assert report["overall"] == pytest.approx(4.0)  # manager 3, peers 4, 4, 5
        assert report["self"] == pytest.approx(5.0)
        assert report["gap"] == pytest.approx(1.0)
        assert [(g["relationship"], g["raters"]) for g in report["groups"]] == [("manager", 1), ("peer", 3)]
        assert report["withheld_raters"] == 1
        assert all(g["mean"] != pytest.approx(2.0) for g in report["groups"])
        assert {c["relationship"] for c in report["comments"]} == {"self", "manager", "peer"}
        assert SECRET not in str(report)
        collaboration = next(c for c in report["competencies"] if c["competency"] == "collaboration")
        assert collaboration["label"] == "over-estimator"
        assert "over-estimator" in collaboration["explanation"]
    # a rater, or anyone outside the circle, finds no report
    assert client(org.peer.user).get(f"/api/feedback/subjects/{subject.pk}/report").status_code == 404
    assert client(org.outsider).get(f"/api/feedback/subjects/{subject.pk}/report").status_code == 404


def test_hr_lists_every_report_of_a_campaign_and_nobody_else_can(org: Org) -> None:
    campaign, subject = _closed(org)
    listed = client(org.hr).get(f"/api/feedback/campaigns/{campaign.pk}/results").json()
    single = client(org.hr).get(f"/api/feedback/subjects/{subject.pk}/report").json()
    assert listed == [single]
    assert client(org.manager.user).get(f"/api/feedback/campaigns/{campaign.pk}/results").status_code == 404


def test_the_campaign_reports_are_the_single_reports(org: Org) -> None:
    campaign, subject = _closed(org)
    [together] = selectors.campaign_reports(campaign)
    alone = selectors.report_for(subject)
    assert together.summary == alone.summary
    assert together.gaps == alone.gaps


def test_hr_exports_the_results_with_the_reports_figures_only(org: Org) -> None:
    campaign, _subject = _closed(org)
    answer = client(org.hr).get(f"/feedback/campaigns/{campaign.pk}/results.xlsx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(answer.content), read_only=True)
    results, comments = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    header, row = results
    figures = dict(zip(header, row, strict=True))
    assert figures["Employee ID"] == org.engineer.employee_id
    assert figures["overall (others, of 5)"] == pytest.approx(4.0)
    assert figures["Raters withheld"] == 1
    assert (figures["manager: raters"], figures["presales peers: raters"]) == (1, 3)
    assert figures["sales: raters"] is None
    assert figures["sales: mean"] is None
    assert figures["Cross-department collaboration: reading"] == "over-estimator"
    texts = [line[4] for line in comments[1:]]
    assert "来自peer的评语" in texts
    assert SECRET not in texts
    assert "来自sales的评语" not in texts
    assert all(value != 2.0 for line in results[1:] for value in line if isinstance(value, float))


def test_the_export_waits_for_the_close_and_is_hrs_alone(org: Org) -> None:
    campaign, _ = _answered(org)
    page = client(org.hr).get(f"/feedback/campaigns/{campaign.pk}/results.xlsx", follow=True)
    assert "Results appear when the campaign is closed." in page.content.decode()
    services.campaign_close(actor=org.hr, origin=Origin.WEB, campaign=campaign, now=NOW)
    assert client(org.manager.user).get(f"/feedback/campaigns/{campaign.pk}/results.xlsx").status_code == 404
    assert 'id="results-export"' in client(org.hr).get(f"/feedback/campaigns/{campaign.pk}/").content.decode()
