# SPDX-License-Identifier: AGPL-3.0-or-later
"""QR code of the dossier code (Circular 01/2018 art. 19: printed on the receipt), with ReportLab's own
encoder — no extra dependency. The PDF draws `qr_drawing`; the printable page inlines `qr_svg`, so it
needs no external asset."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

LEVEL = "M"   # 15 % error correction: survives a smudged print
BORDER = 4    # quiet zone, in modules, as the standard asks


def qr_modules(value: str) -> list[list[bool]]:
    """The QR matrix of `value`: rows of dark (True) / light modules, without the quiet zone."""
    widget = QrCodeWidget(value, barLevel=LEVEL)
    widget.qr.make()
    return [[bool(module) for module in row] for row in widget.qr.modules]


def qr_drawing(value: str, size: float, *, font_name: str | None = None) -> Drawing:
    """A square ReportLab drawing of `size` points (quiet zone included), for a platypus story.
    `font_name` replaces the drawing's default Helvetica, which would otherwise be declared in the PDF."""
    widget = QrCodeWidget(value, barLevel=LEVEL, barBorder=BORDER, barWidth=size, barHeight=size)
    drawing = Drawing(size, size, initialFontName=font_name)
    drawing.add(widget)
    return drawing


def qr_svg(value: str, *, size_mm: float = 22) -> SafeString:
    """Inline SVG of the QR of `value`: one path of dark runs, crisp at any print resolution."""
    modules = qr_modules(value)
    count = len(modules) + 2 * BORDER
    runs = []
    for y, row in enumerate(modules):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + BORDER} {y + BORDER}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    label = escape(f"Mã QR của hồ sơ {value}")
    return mark_safe(  # noqa: S308 — numbers and an escaped label only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="{label}" '
        f'viewBox="0 0 {count} {count}" width="{size_mm:g}mm" height="{size_mm:g}mm" shape-rendering="crispEdges">'
        f'<title>{label}</title><rect width="{count}" height="{count}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>')
