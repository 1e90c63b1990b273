"""Scorecards as files: XLSX for spreadsheets, PDF for filing (Chinese text embedded).

The PDF needs a font with Chinese glyphs. KPILIB_PDF_FONT names one (a .ttf, .otf or
.ttc, optionally `path#index` for a collection); otherwise the first of the usual
system fonts that exists is used (Noto CJK, Droid Sans Fallback, WenQuanYi, PingFang,
Microsoft YaHei).
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from kpilib.appraisal.errors import ExportError
from kpilib.appraisal.models import Scorecard
from kpilib.appraisal.selectors import line_suffix, ranked_count
from kpilib.engine.explain import DISPLAY_DIGITS, excel_number_format, fixed_value
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


def scorecards_xlsx(scorecards: list[Scorecard], language: str) -> bytes:
    """One sheet with every scorecard's lines (unrounded numbers shown at the plan's
    decimals), one summary sheet."""
    shown = excel_number_format(_precision(scorecards))
    summary_rows = []
    line_rows = []
    for card in scorecards:
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


def scorecards_pdf(scorecards: list[Scorecard], language: str) -> bytes:
    """A PDF with one section per scorecard (a new page each), every line explained."""
    from fpdf import FPDF

    font, index = cjk_font()
    pdf = FPDF(orientation="landscape")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("cjk", fname=str(font), collection_font_number=index)
    ranked = {
        cycle.pk: ranked_count(cycle) for cycle in {card.participant.cycle for card in scorecards}
    }
    for scorecard in scorecards:
        pdf.add_page()
        _pdf_scorecard(pdf, scorecard, language, ranked=ranked[scorecard.participant.cycle_id])
    return bytes(pdf.output())


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
