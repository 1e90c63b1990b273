"""360 team view and fairness aids (issue 14, items 5 and 6): the manager's team page, and
the parts the 360 pages add beside the raw figures — the corrected overall on a report, the
anonymous rater-severity distribution on HR's campaign page, and the rater's own severity
on their 360 home page. Reads through `feedback.team` and `feedback.fairness`; no rater's
name or answer reaches these pages."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy

from kpilib.feedback import fairness, team
from kpilib.feedback.models import Campaign, Subject

GAP_LABELS = {
    "over-estimator": gettext_lazy("over-estimator"),
    "under-estimator": gettext_lazy("under-estimator"),
    "in agreement": gettext_lazy("in agreement"),
}
SEVERITY_LABELS = {
    "lenient": gettext_lazy("lenient"),
    "severe": gettext_lazy("severe"),
    "typical": gettext_lazy("typical"),
}


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


@login_required
def team_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager's team in one campaign (a director's: their org; HR's: everyone)."""
    try:
        campaign, subjects = team.team_for(request.user, pk)
    except Campaign.DoesNotExist:
        raise Http404("Not found") from None
    competencies = list(campaign.questionnaire.competencies.order_by("order", "pk"))
    codes = [c.code for c in competencies]
    rows = []
    for row in team.team_rows(campaign, subjects):
        summary = row.report.summary if row.report else None
        label = row.gap_label
        rows.append(
            {
                "subject": row.subject,
                "invited": row.invited,
                "submitted": row.submitted,
                "closed": row.report is not None,
                "answered": summary is not None,
                "overall": summary.overall if summary else None,
                "self": summary.self if summary else None,
                "gap": summary.gap if summary else None,
                "gap_label": str(GAP_LABELS[label]) if label else "",
                "withheld": summary.withheld_raters if summary else 0,
                "competencies": row.competency_means(codes),
            }
        )
    context = {
        "campaign": campaign,
        "competencies": competencies,
        "rows": rows,
        "closed": campaign.status == Campaign.Status.CLOSED,
    }
    return render(request, "feedback/team.html", context)


# --- parts of the other 360 pages ---------------------------------------------------------


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The 360 home page's team-view links (managers) and the reader's own severity."""
    language = _language()
    return {
        "team_campaigns": list(team.team_campaigns(request.user)),
        "own_severity": [
            (campaign, severity.explanation(language))
            for campaign, severity in fairness.own_severity(request.user)
        ],
    }


def report_context(subject: Subject) -> dict[str, Any]:
    """The corrected overall beside the raw one on a subject's report."""
    corrected = fairness.corrected_for(subject)
    return {
        "corrected": corrected,
        "corrected_words": corrected.explanation(_language()) if corrected else "",
    }


def campaign_context(campaign: Campaign) -> dict[str, Any]:
    """HR's campaign page: the distribution of rater severity, anonymous."""
    distribution = fairness.severity_distribution(campaign)
    rows = []
    if distribution is not None:
        rows = [
            (row.mean, row.difference, str(SEVERITY_LABELS[row.label])) for row in distribution.rows
        ]
    return {
        "severity": distribution,
        "severity_rows": rows,
        "severity_counts": (
            [(str(SEVERITY_LABELS[label]), distribution.count(label)) for label in SEVERITY_LABELS]
            if distribution is not None
            else []
        ),
    }
