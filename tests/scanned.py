"""Scanned PDFs for the OCR tests and benchmark: text rendered with a CJK font (reportlab), rasterized (pypdfium2),
and saved as images only (Pillow), so no text layer is left."""

import io
import unicodedata
from pathlib import Path

FONTS = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]


def cjk_font() -> str | None:
    return next((f for f in FONTS if Path(f).exists()), None)


def scanned_pdf(text: str, dpi: int = 150, per_line: int = 34, lines_per_page: int = 38) -> bytes:
    """`text` typeset at 14 pt on A4 pages, then kept only as page images."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("cjk", cjk_font(), subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y, n = A4[1] - 60, 0
    c.setFont("cjk", 14)
    for para in text.split("\n"):
        for i in range(0, max(1, len(para)), per_line):
            c.drawString(50, y, para[i:i + per_line])
            y, n = y - 19, n + 1
            if n % lines_per_page == 0:
                c.showPage()
                c.setFont("cjk", 14)
                y = A4[1] - 60
    c.save()
    pages = [p.render(scale=dpi / 72).to_pil().convert("L") for p in pdfium.PdfDocument(buf.getvalue())]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def _chars(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def character_accuracy(recognized: str, original: str) -> float:
    """1 − the edit distance between the two texts' letters, digits and characters (no spaces or punctuation),
    over the original's length."""
    a, b = _chars(recognized), _chars(original)
    prev = list(range(len(a) + 1))
    for j, cb in enumerate(b, start=1):
        cur = [j] + [0] * len(a)
        for i, ca in enumerate(a, start=1):
            cur[i] = min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (ca != cb))
        prev = cur
    return 1 - prev[len(a)] / max(1, len(b))


def table_pdf(header: list[str], rows: list[list[str]], repeat_header: bool = True, title: str = "") -> bytes:
    """A ruled table long enough to run over pages, its header repeated on each page or not."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    pdfmetrics.registerFont(TTFont("cjk", cjk_font(), subfontIndex=0))
    buf = io.BytesIO()
    table = LongTable([header] + rows, repeatRows=1 if repeat_header else 0)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "cjk"), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story = [Paragraph(title, ParagraphStyle("t", fontName="cjk", fontSize=12, leading=16))] if title else []
    SimpleDocTemplate(buf, pagesize=A4).build(story + [table])
    return buf.getvalue()
