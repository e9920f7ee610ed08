"""Page furniture shared by every PDF: styles, tables, header and footer.

The footer says "第 N 页 共 M 页", so the total must be known while page 1
is drawn: ``numbered_canvas`` keeps each page's drawing state, and only on
``save`` — when the count is final — paints the header and footer on each.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import cjk_font

PAGE = A4
MARGIN = 16 * mm
TEXT_WIDTH = PAGE[0] - 2 * MARGIN
GRID = colors.HexColor("#9a9a9a")
HEAD_BG = colors.HexColor("#e8edf3")
MISS = colors.HexColor("#b22222")
CELL_PADDING = 3


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle
    note: ParagraphStyle


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    font = cjk_font().name
    if _styles is None or _styles.body.fontName != font:
        body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
        _styles = Styles(
            title=ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=TA_CENTER, spaceAfter=4 * mm),
            h2=ParagraphStyle(
                "h2",
                parent=body,
                fontSize=11.5,
                leading=16,
                spaceBefore=3.5 * mm,
                spaceAfter=1.5 * mm,
                textColor=colors.HexColor("#1f3b5a"),
                # A heading moves to the next page with its table, never
                # left alone at the bottom of a page.
                keepWithNext=1,
            ),
            body=body,
            small=ParagraphStyle("small", parent=body, fontSize=8, leading=10.5),
            cell=ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
            head=ParagraphStyle("head", parent=body, fontSize=8, leading=10, alignment=TA_CENTER),
            note=ParagraphStyle("note", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#555555")),
        )
    return _styles


def text(value) -> str:
    """Escape data for a Paragraph: names may contain '<' or '&'."""
    return escape("" if value is None else str(value))


def heading(value) -> Paragraph:
    return Paragraph(text(value), styles().h2)


def note(value) -> Paragraph:
    return Paragraph(text(value), styles().note)


def table(
    header: list, rows: list[list], widths: list[float], *, highlight: list[int] = (), font_size: float = 8
) -> Table:
    """A bordered table; ``highlight`` are row indexes (0-based, data rows)
    printed in red, e.g. a target that is missed.

    A cell whose text fits its column is drawn as a plain string; only
    longer text becomes a wrapping Paragraph. Paragraphs are most of the
    time of a dossier, and most cells are a date or a number.
    """
    s = styles()
    font = s.cell.fontName
    cell = (
        s.cell if font_size == 8 else ParagraphStyle("cellx", parent=s.cell, fontSize=font_size, leading=font_size + 2)
    )
    head = (
        s.head if font_size == 8 else ParagraphStyle("headx", parent=s.head, fontSize=font_size, leading=font_size + 2)
    )
    miss = ParagraphStyle("miss", parent=cell, textColor=MISS)
    padding = 2 * CELL_PADDING + 1

    def fits(value: str, width: float) -> bool:
        return "\n" not in value and stringWidth(value, font, font_size) <= width - padding

    highlight = set(highlight)
    data = [[str(h) if fits(str(h), w) else Paragraph(text(h), head) for h, w in zip(header, widths, strict=False)]]
    for index, row in enumerate(rows):
        style = miss if index in highlight else cell
        out = []
        for value, width in zip(row, widths, strict=False):
            if isinstance(value, Flowable):
                out.append(value)
            else:
                value = "" if value is None else str(value)
                out.append(value if fits(value, width) else Paragraph(text(value), style))
        data.append(out)
    t = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        # Table draws plain-string cells in its own font (Helvetica unless
        # told), which would also appear unembedded in the PDF.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 2),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    commands += [("TEXTCOLOR", (0, index + 1), (-1, index + 1), MISS) for index in highlight]
    t.setStyle(TableStyle(commands))
    return t


def empty(message: str | None = None) -> Paragraph:
    return note(message or _("None recorded."))


def spacer(height_mm: float = 2) -> Spacer:
    return Spacer(1, height_mm * mm)


@dataclass(frozen=True)
class PageFurniture:
    header_left: str  # the unit and the year
    header_right: str  # the internal-use marking
    generated: str  # who generated it and when


def numbered_canvas(furniture: PageFurniture):
    """A canvasmaker for ``doc.build`` that draws header and footer once the
    page count is known."""
    font = cjk_font().name

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # Without this every page names Helvetica, which is never
            # embedded, even though no text uses it.
            # (The doc template passes initialFontName=None explicitly.)
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int):
            width, height = PAGE
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.setFont(font, 8.5)
            self.setFillColor(colors.black)
            self.drawString(MARGIN, height - 11 * mm, furniture.header_left)
            self.setFillColor(MISS)
            self.drawRightString(width - MARGIN, height - 11 * mm, furniture.header_right)
            self.line(MARGIN, height - 12.5 * mm, width - MARGIN, height - 12.5 * mm)
            self.line(MARGIN, 12.5 * mm, width - MARGIN, 12.5 * mm)
            self.setFillColor(colors.black)
            self.setFont(font, 8)
            self.drawString(MARGIN, 8.5 * mm, furniture.generated)
            self.drawRightString(
                width - MARGIN, 8.5 * mm, _("Page %(page)s of %(pages)s") % {"page": number, "pages": total}
            )
            self.restoreState()

    return NumberedCanvas


def render(story: list, *, title: str, author: str, furniture: PageFurniture) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=17 * mm,
        bottomMargin=17 * mm,
        title=title,
        author=author,
        subject=title,
        creator="reports",
        invariant=False,
    )
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()
