"""A closed 360 campaign's results as a spreadsheet for HR: one row per person with the
figures of their report, and their comments on a second sheet.

Every figure comes from `selectors.campaign_reports`, the reports' own §11 summaries, so
the export shows no more than the pages do: shown groups only (a withheld group's cells
stay empty), the overall from shown groups, comments without raters in the report's
order. No column names or counts a rater of a group that is not shown.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kpilib.engine.feedback import AGREE, OVER, UNDER
from kpilib.feedback import selectors
from kpilib.feedback.errors import FeedbackError
from kpilib.feedback.models import Campaign, Question, Relationship
from kpilib.feedback.services import question_text
from kpilib.tabular import Sheet, xlsx_bytes

#: The groups that may be shown, in the report's order; self has its own column.
SHOWN_GROUPS = [value for value in Relationship.values if value != Relationship.SELF]


def _gap_class(label: str | None) -> str:
    return {OVER: _("over-estimator"), UNDER: _("under-estimator"), AGREE: _("in agreement")}.get(label or "", "")


def campaign_results_xlsx(campaign: Campaign) -> bytes:
    """The results workbook; refused while the campaign is open (figures that moved with
    each answer would tell who just answered)."""
    if campaign.status != Campaign.Status.CLOSED:
        raise FeedbackError(_("Results appear when the campaign is closed."))
    reports = selectors.campaign_reports(campaign)
    competencies = list(campaign.questionnaire.competencies.order_by("order", "pk"))
    figures = [_("overall (others, of 5)"), _("self"), _("self − others")]
    header = [_("Employee ID"), _("Name"), _("Org unit"), *figures, _("Raters withheld")]
    for relationship in SHOWN_GROUPS:
        label = str(Relationship(relationship).label)
        mean = _("%(group)s: mean") % {"group": label}
        header += [_("%(group)s: raters") % {"group": label}, mean]
        figures.append(mean)
    for competency in competencies:
        name = competency.local_name
        others, own = _("%(competency)s: others") % {"competency": name}, _("%(competency)s: self") % {"competency": name}
        header += [others, own, _("%(competency)s: reading") % {"competency": name}]
        figures += [others, own]
    rows: list[list[object]] = []
    comments: list[list[object]] = []
    for report in reports:
        employee = report.subject.employee
        summary = report.summary
        groups = {group.relationship: group for group in (summary.groups if summary else ())}
        row: list[object] = [
            employee.employee_id, employee.name, employee.org_unit.local_name if employee.org_unit_id else "",
            summary.overall if summary else None, summary.self if summary else None,
            summary.gap if summary else None, summary.withheld_raters if summary else 0,
        ]
        for relationship in SHOWN_GROUPS:
            group = groups.get(relationship)
            row += [group.raters if group else None, group.mean if group else None]
        gaps = {gap.competency: gap for gap in report.gaps}
        for competency in competencies:
            gap = gaps.get(competency.code)
            row += [gap.others if gap else None, gap.self if gap else None, _gap_class(gap.label if gap else None)]
        rows.append(row)
        for comment in summary.comments if summary else ():
            question = report.questions.get(comment.question)
            comments.append([
                employee.employee_id, employee.name, str(Relationship(comment.relationship).label),
                question_text(question) if isinstance(question, Question) else comment.question, comment.text,
            ])
    return xlsx_bytes([
        Sheet(_("results"), header, rows, number_formats=dict.fromkeys(figures, "0.00")),
        Sheet(_("comments"), [_("Employee ID"), _("Name"), _("Rater group"), _("Question"), _("Comment")], comments),
    ])
