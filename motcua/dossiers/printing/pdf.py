# SPDX-License-Identifier: AGPL-3.0-or-later
"""PDF of forms 01–05 (ReportLab platypus): A5 portrait for 01–04, A4 for 05.

ReportLab's Helvetica cannot draw Vietnamese; DejaVu Sans (vendored in motcua/documents/fonts) can,
and is registered once per process. Every text comes from `forms.form_context`, is escaped for
ReportLab's paragraph markup and wraps within its frame; the signature block never splits across pages.
"""

import functools
from dataclasses import dataclass
from importlib import resources
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .forms import form_context
from .qr import qr_drawing

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with ReportLab, once; italic falls back to the upright faces
    (no oblique face is vendored)."""
    fonts = resources.files("motcua.documents").joinpath("fonts")
    pdfmetrics.registerFont(TTFont(FONT, str(fonts.joinpath("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts.joinpath("DejaVuSans-Bold.ttf"))))
    registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    return FONT, FONT_BOLD


@dataclass(frozen=True)
class Layout:
    pagesize: tuple[float, float]
    margin_x: float
    margin_top: float
    margin_bottom: float
    size: float          # body font size
    header_size: float   # issuer and national header
    qr: float            # QR side, quiet zone included
    sign_space: float    # room for a handwritten signature


LAYOUTS = {
    "A5": Layout(A5, 10 * mm, 9 * mm, 13 * mm, 8.5, 7, 24 * mm, 16 * mm),
    "A4": Layout(A4, 16 * mm, 13 * mm, 15 * mm, 10, 8.5, 28 * mm, 20 * mm),
}


class _Styles:
    def __init__(self, layout: Layout):
        size, head = layout.size, layout.header_size
        leading = round(size * 1.38, 1)

        def style(name, **kw):
            base = {"fontName": FONT, "fontSize": size, "leading": leading, "alignment": TA_LEFT}
            return ParagraphStyle(name, **{**base, **kw})

        self.superior = style("superior", fontSize=head, leading=head * 1.3, alignment=TA_CENTER)
        self.issuer = style("issuer", fontName=FONT_BOLD, fontSize=head, leading=head * 1.3, alignment=TA_CENTER)
        self.national = style("national", fontName=FONT_BOLD, fontSize=head + 0.5, leading=head * 1.35,
                              alignment=TA_CENTER)
        self.motto = style("motto", fontName=FONT_BOLD, fontSize=head + 1, leading=head * 1.4, alignment=TA_CENTER)
        self.place = style("place", fontSize=head + 0.5, leading=head * 1.4, alignment=TA_CENTER)
        self.title = style("title", fontName=FONT_BOLD, fontSize=size + 2.5, leading=(size + 2.5) * 1.3,
                           alignment=TA_CENTER, spaceBefore=size * 0.9)
        self.code = style("code", fontName=FONT_BOLD, alignment=TA_CENTER, spaceBefore=2, spaceAfter=size * 0.6)
        self.addressee = style("addressee", fontName=FONT_BOLD, alignment=TA_CENTER, spaceAfter=size * 0.4)
        self.field = style("field", spaceAfter=1)
        self.body = style("body", alignment=TA_JUSTIFY, spaceBefore=size * 0.25, spaceAfter=size * 0.25)
        self.item = style("item", alignment=TA_JUSTIFY, leftIndent=size * 1.6, firstLineIndent=-size * 1.2,
                          spaceAfter=1)
        self.subitem = style("subitem", alignment=TA_JUSTIFY, leftIndent=size * 3.2, firstLineIndent=-size * 0.9,
                             spaceAfter=0.5)
        self.emphasis = style("emphasis", fontName=FONT_BOLD, alignment=TA_CENTER, spaceBefore=2, spaceAfter=4)
        self.sign_title = style("sign_title", fontName=FONT_BOLD, alignment=TA_CENTER)
        self.sign_hint = style("sign_hint", fontSize=size - 1, leading=(size - 1) * 1.3, alignment=TA_CENTER)
        self.sign_name = style("sign_name", fontName=FONT_BOLD, alignment=TA_CENTER)
        self.recipients_title = style("recipients_title", fontName=FONT_BOLD, fontSize=size - 1,
                                      leading=(size - 1) * 1.3)
        self.recipients = style("recipients", fontSize=size - 1.5, leading=(size - 1.5) * 1.3)
        self.cell = style("cell", fontSize=size - 2, leading=(size - 2) * 1.3)
        self.cell_head = style("cell_head", fontName=FONT_BOLD, fontSize=size - 2, leading=(size - 2) * 1.3,
                               alignment=TA_CENTER)
        self.cell_center = style("cell_center", fontSize=size - 2, leading=(size - 2) * 1.3, alignment=TA_CENTER)


def _t(text) -> str:
    """Plain text → paragraph markup: escaped, line breaks kept."""
    return escape(str(text)).replace("\n", "<br/>")


def _header(context: dict, layout: Layout, styles: _Styles, width: float) -> Table:
    issuer = context["issuer"]
    left = []
    if issuer["superior"]:
        left.append(Paragraph(_t(issuer["superior"]), styles.superior))
    left += [Paragraph(_t(issuer["name"]), styles.issuer),
             HRFlowable(width="30%", thickness=0.6, color=colors.black, spaceBefore=2.5, spaceAfter=3),
             qr_drawing(context["qr_value"], layout.qr, font_name=FONT)]
    right = [Paragraph(_t(context["national_name"]), styles.national),
             Paragraph(_t(context["national_motto"]), styles.motto),
             HRFlowable(width="45%", thickness=0.6, color=colors.black, spaceBefore=2.5, spaceAfter=4)]
    if context["place_date"]:
        right.append(Paragraph(_t(context["place_date"]), styles.place))
    table = Table([[left, right]], colWidths=[width * 0.46, width * 0.54])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT),  # cells hold paragraphs; without it Table declares Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _field(label: str, value: str, styles: _Styles) -> Paragraph:
    return Paragraph(f"{_t(label)}: {_t(value)}", styles.field)


def _items(context: dict, styles: _Styles) -> list:
    story = []
    for index, item in enumerate(context["items"], start=1):
        marker = f"{index}." if context["items_numbered"] else "-"
        text = _t(item["label"]) + (": " + _t(item["value"]) if item["value"] else (":" if item["list"] else ""))
        story.append(Paragraph(f"{marker}&nbsp;{text}", styles.item))
        for sub in item["list"]:
            story.append(Paragraph(f"-&nbsp;{_t(sub)}", styles.subitem))
    return story


def _steps_table(context: dict, styles: _Styles, width: float) -> Table:
    heads = ["TT", "Bước xử lý,\ncơ quan, đơn vị", "Người xử lý", "Hạn xử lý", "Nhận hồ sơ",
             "Hoàn thành,\nchuyển tiếp", "Kết quả\n(trước hạn/ đúng hạn/ quá hạn)"]
    rows = [[Paragraph(_t(head), styles.cell_head) for head in heads]]
    for step in context["steps"]:
        what = f"<b>{_t(step['name'])}</b><br/>{_t(step['unit'])}"
        if step["allowance"]:
            what += f"<br/>({_t(step['allowance'])})"
        rows.append([
            Paragraph(str(step["order"]), styles.cell_center),
            Paragraph(what, styles.cell),
            Paragraph(_t(step["official"]), styles.cell),
            Paragraph(_t(step["due"]), styles.cell),
            Paragraph(_t(step["started"]), styles.cell),
            Paragraph(_t(step["finished"]), styles.cell),
            Paragraph(_t(step["result"]), styles.cell_center),
        ])
    fractions = [0.05, 0.215, 0.15, 0.15, 0.15, 0.15, 0.135]
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _signatures(context: dict, layout: Layout, styles: _Styles, width: float):
    def block(signature):
        return [Paragraph(_t(signature["title"]), styles.sign_title),
                Paragraph(_t(signature["hint"]), styles.sign_hint),
                Spacer(1, layout.sign_space),
                Paragraph(_t(signature["name"]), styles.sign_name)]

    signatures = context["signatures"]
    if len(signatures) >= 2:
        cells = [block(signature) for signature in signatures[:2]]
    else:
        left = []
        if context["recipients"]:
            left.append(Paragraph("Nơi nhận:", styles.recipients_title))
            left += [Paragraph(f"-&nbsp;{_t(line)}", styles.recipients) for line in context["recipients"]]
        cells = [left, block(signatures[0]) if signatures else []]
    table = Table([cells], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT),  # cells hold paragraphs; without it Table declares Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
    ]))
    return KeepTogether([Spacer(1, layout.size * 0.8), table])


def _story(context: dict, layout: Layout, styles: _Styles, width: float) -> list:
    story = [_header(context, layout, styles, width),
             Paragraph(_t(context["title"]), styles.title),
             Paragraph(f"Mã hồ sơ: {_t(context['code'])}", styles.code)]
    if context["addressee"]:
        story.append(Paragraph(_t(context["addressee"]), styles.addressee))
    story += [_field(field["label"], field["value"], styles) for field in context["fields"]]
    if context["intro"]:
        story.append(Paragraph(_t(context["intro"]), styles.body))
    story += _items(context, styles)
    story += [Paragraph(_t(paragraph), styles.body) for paragraph in context["paragraphs"]]
    if context["emphasis"]:
        story.append(Paragraph(_t(context["emphasis"]), styles.emphasis))
    if context["closing"]:
        story.append(Paragraph(_t(context["closing"]), styles.body))
    if context["steps"]:
        story += [Spacer(1, layout.size * 0.6), _steps_table(context, styles, width)]
    if context["notes"]:
        story += [CondPageBreak(layout.size * 4), Paragraph("<b>Ghi chú:</b>", styles.body)]
        story += [Paragraph(f"-&nbsp;{_t(note)}", styles.subitem) for note in context["notes"]]
    story.append(_signatures(context, layout, styles, width))
    return story


def _footer(context: dict, layout: Layout):
    text = f"Mẫu số {context['number']} – {context['name']} ({context['circular']})"

    def draw(canvas, doc):
        canvas.saveState()
        width = layout.pagesize[0] - 2 * layout.margin_x
        page = f"Trang {doc.page}"
        size = 6.5
        while size > 5 and (pdfmetrics.stringWidth(text, FONT, size)
                            + pdfmetrics.stringWidth(page, FONT, size) + 4 * mm) > width:
            size -= 0.25
        canvas.setFont(FONT, size)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        y = layout.margin_bottom - 7 * mm
        canvas.drawString(layout.margin_x, y, text)
        canvas.drawRightString(layout.pagesize[0] - layout.margin_x, y, page)
        canvas.restoreState()

    return draw


def render_context_pdf(context: dict) -> bytes:
    """The PDF of an already built form context (see `forms.form_context`)."""
    register_fonts()
    layout = LAYOUTS[context["page_size"]]
    styles = _Styles(layout)
    width = layout.pagesize[0] - 2 * layout.margin_x
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=layout.pagesize, leftMargin=layout.margin_x, rightMargin=layout.margin_x,
        topMargin=layout.margin_top, bottomMargin=layout.margin_bottom,
        title=f"{context['name']} – {context['code']}", author=context["issuer"]["name"],
        subject=f"Mẫu số {context['number']}, {context['circular']}", creator="motcua", lang="vi",
        initialFontName=FONT, initialFontSize=layout.size,
    )
    footer = _footer(context, layout)
    doc.build(_story(context, layout, styles, width), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def render_form_pdf(dossier, number) -> bytes:
    """PDF of form `number` ("01".."05") for `dossier`: A5 portrait for 01–04, A4 for 05.

    Raises what `form_context` raises: NotFound for an unknown form, Conflict when it does not apply.
    """
    return render_context_pdf(form_context(dossier, number))
