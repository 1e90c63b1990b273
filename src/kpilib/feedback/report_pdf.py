"""A subject's 360 report as a PDF (issue 14, item 6): the report page's figures on paper.

It is drawn from the page's own context (`web.views.feedback._report_context`, one
`selectors.report_for`), so it shows what the page shows and nothing more: group means,
the distribution per competency and the comments from shown groups only, the self–other
gap, the count of withheld raters, the trend across the person's closed campaigns (a
withheld figure as a word, never a number), and the anonymity rules in words. Text is in
the active language (zh-Hans or en); the document and its CJK font come from
`appraisal.exports.pdf_document`, shared with the scorecard PDF.
"""

from __future__ import annotations

import datetime
import itertools
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kpilib.appraisal.exports import pdf_document

if TYPE_CHECKING:
    from fpdf import FPDF


def anonymity_rules(min_group: int, *, split_comments: bool) -> str:
    """The §11 rules, as the report applies them, in the reader's language."""
    rules = _(
        "How anonymity is kept: the manager is named and shown with any number of raters; "
        "self is shown apart and never counts in the overall; any other group with fewer "
        "than %(minimum)s raters is pooled as “other”, shown when the pool reaches "
        "%(minimum)s raters, otherwise withheld. Every figure, the distribution and the "
        "comments come from shown groups only, so no withheld answer can be worked out from "
        "them; comments carry no names and are in no rater order."
    ) % {"minimum": min_group}
    if split_comments:
        rules += " " + _(
            "Comments are cut into sentences and shuffled, so that writing style gives nobody away."
        )
    return rules


def _number(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "—"


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("cjk", size=12)
    pdf.cell(text=text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)


def _table(pdf: FPDF, widths: tuple[int, ...], header: list[str], rows: list[list[str]]) -> None:
    from fpdf.fonts import FontFace

    # The CJK font has one weight: headings are set apart by a fill, not bold.
    headings = FontFace(emphasis="", fill_color=(238, 242, 247))
    with pdf.table(
        col_widths=widths, width=min(sum(widths), pdf.epw), align="LEFT", text_align="LEFT", headings_style=headings
    ) as table:
        table.row(header)
        for row in rows:
            table.row(row)


def report_pdf(context: dict[str, Any], *, today: datetime.date) -> bytes:
    """The report page's context as a portrait A4 PDF (raises `ExportError` without a CJK font)."""
    from kpilib.org.selectors import company_of

    subject = context["subject"]
    campaign = context["campaign"]
    employee = subject.employee
    company = company_of(employee.org_unit) if employee.org_unit_id else None
    pdf = pdf_document(company.local_name if company else "", today, orientation="portrait")
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(text=f"{_('360 results')} · {employee.name} ({employee.employee_id})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(
        text=f"{campaign.local_name} · {_('answers due by')} {campaign.deadline.isoformat()}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(0, text=context["rules"], new_x="LMARGIN", new_y="NEXT")
    report = context["report"]
    if not context["visible"]:
        pdf.ln(2)
        pdf.multi_cell(
            0,
            text=_("Results appear when the campaign is closed: figures that changed with each answer would show what each rater said."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    elif report is None or report.summary is None:
        pdf.ln(2)
        pdf.cell(text=_("Nobody answered."), new_x="LMARGIN", new_y="NEXT")
    else:
        _results(pdf, context)
    if context["trend"]:
        _trend(pdf, context)
    return bytes(pdf.output())


def _results(pdf: FPDF, context: dict[str, Any]) -> None:
    summary = context["report"].summary
    pdf.ln(2)
    pdf.set_font("cjk", size=11)
    pdf.cell(
        text=(
            f"{_('overall (others, of 5)')} {_number(summary.overall)} · {_('self')} "
            f"{_number(summary.self)} · {_('self − others')} {_number(summary.gap)}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=9)
    withheld = summary.withheld_raters
    pdf.multi_cell(
        0,
        text=(
            ngettext(
                "%(counter)s rater's answers are withheld: their group is too small to show.",
                "%(counter)s raters' answers are withheld: their group is too small to show.",
                withheld,
            )
            % {"counter": withheld}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, _("Rater groups"))
    _table(
        pdf, (70, 30, 30), [_("Rater group"), _("Raters"), _("Mean")],
        [[label, str(raters), _number(mean)] for label, raters, mean in context["groups"]],
    )  # fmt: skip
    _heading(pdf, _("Self and others by competency"))
    _table(
        pdf, (45, 18, 18, 109), [_("Competency"), _("self"), _("others"), _("Reading")],
        [[name, _number(own), _number(others), words] for name, own, others, words in context["gaps"]],
    )  # fmt: skip
    if context["distribution"]:
        _heading(pdf, _("Answers by score"))
        _table(
            pdf, (58, 18, 18, 18, 18, 18, 30), [_("Competency"), "1", "2", "3", "4", "5", _("Answers")],
            [[name, *(str(n) for n in counts), str(total)] for name, counts, total in context["distribution"]],
        )  # fmt: skip
    _heading(pdf, _("By question"))
    _table(
        pdf, (150, 20, 20), [_("Question"), _("others"), _("self")],
        [[text, _number(overall), _number(own)] for text, overall, own in context["questions"]],
    )  # fmt: skip
    _heading(pdf, _("Comments"))
    pdf.cell(text=_("Without names and in no rater order."), new_x="LMARGIN", new_y="NEXT")
    if not context["comments"]:
        pdf.cell(text=_("None."), new_x="LMARGIN", new_y="NEXT")
    for label, question, text in context["comments"]:
        pdf.multi_cell(0, text=f"[{label}] {question}: {text}", new_x="LMARGIN", new_y="NEXT")


def _trend(pdf: FPDF, context: dict[str, Any]) -> None:
    names = context["trend_competencies"]
    _heading(pdf, _("Across campaigns"))
    pdf.cell(text=_("Oldest first; each figure as that campaign's report shows it."), new_x="LMARGIN", new_y="NEXT")
    each = max(16, (190 - 50 - 24) // max(1, len(names)))
    _table(
        pdf, (50, 24, *([each] * len(names))), [_("Campaign"), _("overall (others, of 5)"), *names],
        [[name, overall, *cells] for name, _current, overall, cells in context["trend"]],
    )  # fmt: skip
    if context["trend_chart"]:
        _trend_line(pdf, context["trend_chart"], [overall for _n, _c, overall, _cells in context["trend"]])


def _trend_line(pdf: FPDF, chart: dict[str, Any], shown: list[str]) -> None:
    """The overall across campaigns as a line on a 1–5 scale, as on the page; a withheld
    campaign is a gap in the line, its word ("withheld") under its tick."""
    height, width = 45.0, 150.0
    if pdf.get_y() + height + 16 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    left, top = pdf.l_margin + 12, pdf.get_y()
    bottom = top + height
    campaigns = chart["campaigns"]
    values = chart["series"][0]["data"]
    step = width / max(1, len(campaigns) - 1)
    pdf.set_font("cjk", size=7)
    pdf.set_draw_color(200, 205, 212)
    for score in range(1, 6):  # the scale's grid lines and labels
        y = bottom - (score - 1) / 4 * height
        pdf.line(left, y, left + width, y)
        pdf.text(left - 6, y + 1, str(score))
    pdf.set_draw_color(31, 122, 77)
    pdf.set_line_width(0.6)
    points = [
        (left + i * step, bottom - (value - 1) / 4 * height if value is not None else None)
        for i, value in enumerate(values)
    ]
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        if y1 is not None and y2 is not None:
            pdf.line(x1, y1, x2, y2)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    for (x, y), value, name, words in zip(points, values, campaigns, shown, strict=True):
        if y is not None:
            pdf.circle(x=x, y=y, radius=0.9, style="F")
            pdf.text(x - 3, y - 2, f"{value:.2f}")
        label = name if y is not None else f"{name} ({words})"
        pdf.text(x - pdf.get_string_width(label) / 2, bottom + 5, label)
    pdf.set_y(bottom + 8)
