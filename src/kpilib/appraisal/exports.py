"""Scorecards as files: XLSX for spreadsheets, PDF for filing (Chinese text embedded).

The PDF needs a font with Chinese glyphs. KPILIB_PDF_FONT names one (a .ttf, .otf or
.ttc, optionally `path#index` for a collection); otherwise the first of the usual
system fonts that exists is used (Noto CJK, Droid Sans Fallback, WenQuanYi, PingFang,
Microsoft YaHei).
"""

import datetime
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from kpilib.appraisal.errors import ExportError
from kpilib.appraisal.models import Appeal, Scorecard
from kpilib.appraisal.selectors import line_suffix, ranked_count
from kpilib.engine.distribution import Rounding, allowances
from kpilib.engine.explain import DISPLAY_DIGITS, excel_number_format, fixed_value
from kpilib.plans.fetch import effective_plan
from kpilib.tabular import Sheet, xlsx_bytes

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0",
    "/System/Library/Fonts/PingFang.ttc#0",
    "C:/Windows/Fonts/msyh.ttc#0",
)


def _status_label(status: str) -> str:
    return {"scored": _("scored"), "missing": _("missing"), "excluded": _("excluded")}.get(
        status, status
    )


def _card_status(scorecard: Scorecard) -> str:
    """Scored, no data (无数据) or scored by HR, in the reader's language."""
    return str(Scorecard.Status(scorecard.status).label)


def _line_rows(scorecard: Scorecard, language: str) -> list[list[object]]:
    suffix = line_suffix(language)
    return [
        [
            line[f"name_{suffix}"],
            line["code"],
            line["value"],
            line["points"],
            line["max_points"],
            _status_label(line["status"]),
            line[f"explanation_{suffix}"],
        ]
        for line in scorecard.lines
    ]


def _headers() -> list[str]:
    return [
        _("Indicator"),
        _("Code"),
        _("Measured"),
        _("Points"),
        _("Max points"),
        _("Status"),
        _("How it was scored"),
    ]


def _precision(scorecards: list[Scorecard]) -> int:
    """The plan's decimals when every card comes from one cycle (the usual export)."""
    cycles = {card.participant.cycle_id: card.participant.cycle for card in scorecards}
    digits = {cycle.precision for cycle in cycles.values()}
    return digits.pop() if len(digits) == 1 else DISPLAY_DIGITS


def _in_rank_order(scorecards: list[Scorecard]) -> list[Scorecard]:
    """By rank, the unranked (no data) last, then by employee number: the order people
    read a results list in."""
    return sorted(
        scorecards,
        key=lambda card: (
            card.rank is None,
            card.rank or 0,
            card.participant.employee.employee_id,
        ),
    )


def _appeals_by_participant(scorecards: list[Scorecard]) -> dict[int, list[Appeal]]:
    """Every appeal of the exported people in the cycle, newest first (one query)."""
    appeals: dict[int, list[Appeal]] = {}
    for appeal in Appeal.objects.filter(
        scorecard__participant__in=[card.participant_id for card in scorecards]
    ).order_by("-filed_at"):
        appeals.setdefault(appeal.scorecard.participant_id, []).append(appeal)
    return appeals


def calibration_note(card: Scorecard) -> str:
    """"B → A: reason" when calibration moved the grade, else empty."""
    if not card.calibrated_grade:
        return ""
    return f"{card.grade} → {card.calibrated_grade}: {card.calibration_reason}"


def appeal_note(card: Scorecard, appeals: list[Appeal]) -> str:
    """The person's appeals in the cycle and their answers, and the correction if any."""
    notes = [
        f"{Appeal.Status(appeal.status).label}: {appeal.text}"
        + (f" — {appeal.response}" if appeal.response else "")
        for appeal in appeals
    ]
    if card.corrected_on_appeal:
        notes.append(f"{_('corrected on appeal')}: {card.correction_reason}")
    return "; ".join(notes)


def scorecards_xlsx(scorecards: list[Scorecard], language: str) -> bytes:
    """One summary sheet in rank order with org unit, manager, calibration and appeal
    columns, one sheet with every scorecard's lines (unrounded numbers shown at the plan's
    decimals, headers frozen and filterable)."""
    shown = excel_number_format(_precision(scorecards))
    ordered = _in_rank_order(scorecards)
    appeals = _appeals_by_participant(ordered)
    summary_rows = []
    line_rows = []
    for card in ordered:
        employee = card.participant.employee
        summary_rows.append(
            (
                employee.employee_id,
                employee.name,
                card.participant.cycle.local_name,
                card.total,
                card.final_grade,
                card.rank,
                _card_status(card),
                card.revision,
                employee.org_unit.local_name if employee.org_unit_id else "",
                employee.manager.name if employee.manager_id else "",
                card.grade,
                calibration_note(card),
                appeal_note(card, appeals.get(card.participant_id, [])),
                card.acknowledged_at.date() if card.acknowledged_at else None,
            )
        )
        line_rows += [(employee.employee_id, *row) for row in _line_rows(card, language)]
    summary_header = [
        _("Employee number"),
        _("Name"),
        _("Cycle"),
        _("Total"),
        _("Grade"),
        _("Rank"),
        _("Scoring status"),
        _("Revision"),
        _("Org unit"),
        _("Manager"),
        _("Grade from the total"),
        _("Calibration"),
        _("Appeals"),
        _("Acknowledged on"),
    ]
    return xlsx_bytes(
        [
            Sheet(_("Summary"), summary_header, summary_rows, {_("Total"): shown}),
            Sheet(
                _("Lines"),
                [_("Employee number"), *_headers()],
                line_rows,
                {_("Points"): shown, _("Max points"): shown},
            ),
        ]
    )


def cjk_font() -> tuple[Path, int]:
    """The font file (and collection index) used for Chinese text in PDFs."""
    configured = os.environ.get("KPILIB_PDF_FONT")
    for candidate in [configured] if configured else FONT_CANDIDATES:
        path, _sep, index = candidate.partition("#")
        if Path(path).is_file():
            return Path(path), int(index or 0)
    raise ExportError(
        _(
            "No font with Chinese characters was found for the PDF. Install one "
            "(apt-get install fonts-noto-cjk) or set KPILIB_PDF_FONT to a .ttf/.ttc file."
        )
    )


def _company_name(scorecards: list[Scorecard]) -> str:
    """The company the people belong to, for the page header (empty when none is set up)."""
    from kpilib.org.selectors import company_of

    for card in scorecards:
        company = company_of(card.participant.employee.org_unit)
        if company is not None:
            return company.local_name
    return ""


def pdf_document(
    company: str, generated: datetime.date, *, orientation: str = "landscape"
) -> "FPDF":
    """An A4 document (landscape unless told) with the CJK font as "cjk", the company in
    the header and "page 2 / 7" below; every kpilib PDF starts from it."""
    from fpdf import FPDF

    class Document(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font("cjk", size=8)
            self.set_text_color(90, 98, 110)
            self.cell(self.epw / 2, 5, text=company, align="L")
            self.cell(0, 5, text=f"{_('Generated on')} {generated.isoformat()}", align="R")
            self.ln(7)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("cjk", size=8)
            self.cell(
                0,
                5,
                text=_("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"},
                align="C",
            )

    font, index = cjk_font()
    pdf = Document(orientation=orientation)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_font("cjk", fname=str(font), collection_font_number=index)
    return pdf


def scorecards_pdf(
    scorecards: list[Scorecard],
    language: str,
    *,
    today: datetime.date,
    cover: bool = False,
) -> bytes:
    """A PDF to hand on: with `cover` (a cycle's export) a first page with the grade
    distribution and the ranking; then one section per scorecard (a new page each, in rank
    order) with every line explained, its calibration and appeal notes, and the lines for
    the performance interview and both signatures. Each page has the company header and
    its page number."""
    ordered = _in_rank_order(scorecards)
    pdf = pdf_document(_company_name(ordered), today)
    ranked = {
        cycle.pk: ranked_count(cycle) for cycle in {card.participant.cycle for card in ordered}
    }
    appeals = _appeals_by_participant(ordered)
    if cover and ordered:
        pdf.add_page()
        _pdf_cover(pdf, ordered, ranked, appeals)
    for scorecard in ordered:
        pdf.add_page()
        _pdf_scorecard(pdf, scorecard, language, ranked=ranked[scorecard.participant.cycle_id])
        _pdf_notes(pdf, scorecard, appeals.get(scorecard.participant_id, []))
        _pdf_signatures(pdf)
    return bytes(pdf.output())


def _pdf_cover(
    pdf: "FPDF",
    ordered: list[Scorecard],
    ranked: dict[int, int],
    appeals: dict[int, list[Appeal]],
) -> None:
    """The cycle's results on one page: the distribution against its targets, the ranking."""
    from fpdf.fonts import FontFace

    cycle = ordered[0].participant.cycle
    # The distribution of the people exported, never of the whole cycle: a manager's
    # export counts only the results that manager may read.
    counts = Counter(card.final_grade for card in ordered if card.final_grade and not card.no_data)
    distribution = allowances(
        counts,
        {grade: float(share) for grade, share in cycle.grade_targets.items()},
        [band["grade"] for band in effective_plan(cycle.revision).grade_bands],
        Rounding(cycle.distribution_rounding),
    )
    headings = FontFace(emphasis="", fill_color=(238, 242, 247))
    pdf.set_font("cjk", size=18)
    pdf.cell(text=f"{cycle.local_name} · {_('Appraisal results')}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.cell(
        text=(
            f"{cycle.plan.name} r{cycle.revision.number} · {cycle.period} · "
            f"{cycle.start.isoformat()} – {cycle.end.isoformat()} · {cycle.get_phase_display()}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font("cjk", size=12)
    pdf.cell(text=_("Grade distribution"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    with pdf.table(
        col_widths=(30, 30, 30, 40, 40), text_align="LEFT", headings_style=headings, width=170,
        align="LEFT",
    ) as table:
        table.row([_("Grade"), _("People"), _("Share"), _("Target (at most)"), _("Allowed")])
        for row in distribution:
            table.row(
                [
                    row.grade,
                    str(row.count),
                    f"{row.share * 100:.0f}%",
                    f"{row.target * 100:g}%" if row.target is not None else "—",
                    str(row.allowed) if row.allowed is not None else "—",
                ]
            )
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    pdf.cell(text=_("Ranking"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    digits = cycle.precision
    with pdf.table(
        col_widths=(16, 22, 30, 40, 18, 14, 127), text_align="LEFT", headings_style=headings
    ) as table:
        table.row(
            [_("Rank"), _("Employee number"), _("Name"), _("Org unit"), _("Total"), _("Grade"),
             _("Notes")]
        )
        for card in ordered:
            employee = card.participant.employee
            notes = "; ".join(
                note
                for note in (
                    calibration_note(card),
                    appeal_note(card, appeals.get(card.participant_id, [])),
                )
                if note
            )
            table.row(
                [
                    f"{card.rank} / {ranked[card.participant.cycle_id]}" if card.rank else "—",
                    employee.employee_id,
                    employee.name,
                    employee.org_unit.local_name if employee.org_unit_id else "",
                    _("no data") if card.no_data else fixed_value(card.total, digits),
                    card.final_grade or "—",
                    notes,
                ]
            )


def _pdf_notes(pdf: "FPDF", scorecard: Scorecard, appeals: list[Appeal]) -> None:
    """Calibration and appeal notes under a person's lines."""
    pdf.set_font("cjk", size=9)
    for label, note in (
        (_("Calibration"), calibration_note(scorecard)),
        (_("Appeals"), appeal_note(scorecard, appeals)),
    ):
        if note:
            pdf.ln(2)
            pdf.multi_cell(0, text=f"{label}: {note}", new_x="LMARGIN", new_y="NEXT")


def _pdf_signatures(pdf: "FPDF") -> None:
    """Blank lines for the performance interview (绩效面谈) and both signatures."""
    pdf.ln(6)
    pdf.set_font("cjk", size=10)
    blank = "_" * 28
    pdf.cell(
        text=f"{_('Performance interview held on')} {blank}    {_('Interview notes')} {blank * 2}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    pdf.cell(
        text=(
            f"{_('Employee signature')} {blank}  {_('Date')} {'_' * 14}      "
            f"{_('Manager signature')} {blank}  {_('Date')} {'_' * 14}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _pdf_scorecard(pdf: "FPDF", scorecard: Scorecard, language: str, *, ranked: int) -> None:
    from fpdf.fonts import FontFace

    employee = scorecard.participant.employee
    cycle = scorecard.participant.cycle
    pdf.set_font("cjk", size=16)
    pdf.cell(
        text=f"{_('Scorecard')} · {employee.name} ({employee.employee_id})",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=11)
    digits = cycle.precision
    total = _("no data") if scorecard.no_data else fixed_value(scorecard.total, digits)
    summary = (
        f"{cycle.local_name} · {cycle.period} · {_('Total')} {total} · "
        f"{_('Grade')} {scorecard.final_grade or '—'} · {_('Rank')} {f'{scorecard.rank} / {ranked}' if scorecard.rank else '—'}"
    )
    if scorecard.status == Scorecard.Status.MANUAL:
        summary += f" · {_('scored by HR')}: {scorecard.manual_reason}"
    pdf.cell(text=summary, new_x="LMARGIN", new_y="NEXT")
    if scorecard.correction_reason:
        pdf.multi_cell(
            0,
            text=f"{_('Corrected')}: {scorecard.correction_reason}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(3)
    pdf.set_font("cjk", size=9)
    # The CJK font has one weight: headings are set apart by a fill, not bold.
    headings = FontFace(emphasis="", fill_color=(238, 242, 247))
    with pdf.table(
        col_widths=(42, 34, 18, 18, 18, 16, 122), text_align="LEFT", headings_style=headings
    ) as table:
        table.row(_headers())
        for name, code, value, points, max_points, status, explanation in _line_rows(
            scorecard, language
        ):
            table.row(
                [
                    str(name),
                    str(code),
                    fixed_value(value),
                    fixed_value(points, digits),
                    fixed_value(max_points, digits),
                    str(status),
                    str(explanation),
                ]
            )
