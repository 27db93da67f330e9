"""Chinese PDF documents (notices, reports, meeting packs) from a small, layout-free description.

A caller builds a ``Document`` (title, meta lines, sections of paragraphs and tables) and ``render_pdf``
lays it out on A4 portrait pages with fpdf2: an embedded subset of a Chinese TrueType font with a ToUnicode
map (the text can be searched, copied and read back by pypdf), tables whose header row repeats on every page,
numbers right-aligned, long text wrapped, and "第 1 页 共 3 页" in the footer.

The font: the ``GRIDWATCH_PDF_FONT`` setting (a path, ``path#N`` for face N of a .ttc collection), else the
first installed of ``DEFAULT_FONTS``. It must have TrueType outlines: fpdf2 embeds the CFF outlines of Noto
Sans CJK through an encoding CMap that renders well but that pypdf cannot read back, so the set-up installs
WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, scripts/ensure_pdf_font.sh). A document with rare
characters that font lacks (生僻字 in names) also embeds them from ``FALLBACK_FONTS`` when one is installed.

Reading it back: ``pypdf.PdfReader(io.BytesIO(data)).pages[i].extract_text()`` gives each table row as one
line, its cells separated by spaces (see gridwatch/core/tests/test_pdf.py).
"""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, TextMode, WrapMode, XPos, YPos

from gridwatch.core.errors import DomainError

logger = logging.getLogger(__name__)
# fontTools logs every subsetting step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Looked for in this order when GRIDWATCH_PDF_FONT is not set (TrueType outlines only, see above).
DEFAULT_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# For the rare characters (生僻字 of names, CJK extensions) the main font lacks: tried in this order, and
# loaded only for a document that needs them (reading a CJK font costs a few tenths of a second).
FALLBACK_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # Noto Sans CJK SC
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)
FONT = "gwcjk"
FALLBACK = "gwcjkrare"
# A character every Chinese font has and no Latin-only font has: the check that the font can write Chinese.
PROBE = "中"

INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (173, 181, 189)
HEADER_FILL = (233, 236, 239)
STRIPE_FILL = (248, 249, 250)
CELL_PADDING = (1.2, 1.6)  # mm: top and bottom, left and right

# Chinese line breaking (禁则): these never begin a line, those never end one.
NO_LINE_START = frozenset("，。、；：？！…—）》」』】〕〉”’％‰·,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
# A Latin word or a number (12345.67, 2026-11, 35%) stays on one line when it fits.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:%/_@'’-]*|\s+|.", re.DOTALL)


class FontMissing(DomainError):
    default_message = gettext_lazy(
        "No Chinese font for PDF documents is installed. The administrator installs the fonts-wqy-microhei "
        "package or sets GRIDWATCH_PDF_FONT to a TrueType font with Chinese characters."
    )


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """``header`` and ``rows`` of cells (text, int, Decimal, float or None). A column whose cells are all
    numbers (or empty) is right-aligned; ``align`` ("L", "C", "R" per column) overrides that. ``widths`` are
    relative column widths (default: equal)."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    widths: Sequence[float] | None = None
    align: Sequence[str] | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: Sequence[Paragraph | Table] = ()


@dataclass(frozen=True)
class Document:
    """``meta`` holds (label, value) lines under the title (the township, the month, who compiled it);
    ``footer_note`` is printed at the left of every page's footer."""

    title: str
    subtitle: str = ""
    meta: Sequence[tuple[str, str]] = ()
    sections: Sequence[Section] = ()
    footer_note: str = ""
    author: str = ""


def cell_text(value):
    """A cell as printed: numbers plainly (no thousands separators, so that they read back as in the
    Excel export), floats with two decimals, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).replace("\t", " ")


def _is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def column_alignment(table):
    if table.align:
        return tuple(table.align)
    aligns = []
    for index in range(len(table.header)):
        values = [row[index] for row in table.rows if index < len(row) and row[index] not in (None, "")]
        aligns.append("R" if values and all(_is_number(v) for v in values) else "L")
    return tuple(aligns)


def font_location():
    """(path, face index) of the Chinese font, or FontMissing."""
    configured = getattr(settings, "GRIDWATCH_PDF_FONT", "") or ""
    if configured:
        path, _sep, index = configured.partition("#")
        candidates = [(path, int(index) if index.isdigit() else 0)]
    else:
        candidates = [(path, 0) for path in DEFAULT_FONTS]
    for path, index in candidates:
        if Path(path).is_file():
            return Path(path), index
    logger.error("No Chinese PDF font: looked for %s", ", ".join(path for path, _index in candidates))
    raise FontMissing()


class _Pdf(FPDF):
    footer_note = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measured = {}  # font size -> {text: width}: tables repeat the same words and figures

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, size=8.5)
        self.set_text_color(*MUTED)
        if self.footer_note:
            self.cell(self.epw / 2, 6, self.footer_note, align=Align.L)
            self.set_x(self.l_margin)
        # {nb} is replaced by the page count when the document is closed.
        self.cell(
            0, 6, _("Page %(page)s of %(total)s") % {"page": self.page_no(), "total": "{nb}"}, align=Align.C
        )


def _new_pdf(document):
    path, index = font_location()
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    try:
        pdf.add_font(FONT, "", str(path), collection_font_number=index)
    except Exception:  # fontTools raises many kinds for a file that is not a font
        logger.exception("Cannot read the PDF font %s", path)
        raise FontMissing() from None
    if ord(PROBE) not in pdf.fonts[FONT].cmap:
        logger.error("The PDF font %s has no Chinese characters", path)
        raise FontMissing()
    _add_fallback(pdf, document)
    pdf.footer_note = document.footer_note
    pdf.set_margins(left=20, top=18, right=20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(document.title)
    pdf.set_creator("GridWatch")
    if document.author:
        pdf.set_author(document.author)
    pdf.set_lang("zh-CN")
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    return pdf


def _texts(document):
    yield from (document.title, document.subtitle, document.footer_note)
    for label, value in document.meta:
        yield from (label, cell_text(value))
    for section in document.sections:
        yield section.heading
        for block in section.blocks:
            if isinstance(block, Table):
                yield from block.header
                yield from (cell_text(value) for row in block.rows for value in row)
            else:
                yield block.text


def _add_fallback(pdf, document):
    """A second font for the characters of ``document`` the main font does not have, when one is
    installed; otherwise fpdf2 leaves them out and logs which."""
    cmap = pdf.fonts[FONT].cmap
    missing = {c for text in _texts(document) for c in str(text) if ord(c) > 0x7F and ord(c) not in cmap}
    if not missing:
        return
    for path, index in FALLBACK_FONTS:
        if not Path(path).is_file():
            continue
        try:
            pdf.add_font(FALLBACK, "", path, collection_font_number=index)
        except Exception:  # a broken file: go without
            logger.exception("Cannot read the PDF fallback font %s", path)
            return
        pdf.set_fallback_fonts([FALLBACK])
        return


def _strong(pdf, size):
    """The font has one weight: strokes of 0.03 em on the filled glyphs stand in for bold."""
    pdf.set_font(FONT, size=size)
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.set_line_width(size * 0.03 * 0.3528)
    pdf.set_draw_color(*INK)


def _plain(pdf, size):
    pdf.text_mode = TextMode.FILL
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    pdf.set_font(FONT, size=size)


def _title(pdf, document):
    _strong(pdf, 17)
    pdf.multi_cell(
        0, 9, document.title, align=Align.C, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    _plain(pdf, 10.5)
    if document.subtitle:
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(
            0,
            6,
            document.subtitle,
            align=Align.C,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(*INK)
    if document.meta:
        pdf.ln(3)
        _plain(pdf, 10)
        for label, value in document.meta:
            line = _("%(label)s: %(value)s") % {"label": label, "value": cell_text(value)}
            pdf.multi_cell(0, 6, line, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)


def _heading(pdf, text):
    # Keep a heading with the first lines below it.
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(2)
    _strong(pdf, 13)
    pdf.multi_cell(0, 8, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _plain(pdf, 10.5)
    pdf.ln(1)


def wrap_text(pdf, text, width):
    """``text`` broken into lines of at most ``width`` mm in the current font, between characters (Chinese
    has no spaces) but not inside a Latin word or a number, and keeping closing punctuation off the start
    of a line and opening punctuation off its end."""
    lines = []
    for paragraph in str(text).split("\n"):
        lines.extend(_wrap_line(pdf, paragraph, width))
    return "\n".join(lines)


def _wrap_line(pdf, text, width):
    widths = pdf.measured.setdefault(pdf.font_size_pt, {})

    def measure(token):
        if token not in widths:
            widths[token] = pdf.get_string_width(token)
        return widths[token]

    tokens = []
    for token in TOKEN.findall(text):
        # A word wider than the line is broken between its letters.
        tokens.extend(token if len(token) > 1 and measure(token) > width else [token])
    lines, line, used = [], [], 0.0
    for token in tokens:
        size = measure(token)
        if used + size <= width or not line:
            line.append(token)
            used += size
            continue
        if token.isspace():
            lines.append(line)
            line, used = [], 0.0
            continue
        carried = []
        if token[0] in NO_LINE_START and len(line) > 1:
            carried.insert(0, line.pop())
        while len(line) > 1 and line[-1] in NO_LINE_END:
            carried.insert(0, line.pop())
        lines.append(line)
        line = [*carried, token]
        used = sum(measure(t) for t in line)
    lines.append(line)
    return ["".join(tokens).strip() for tokens in lines]


def _paragraph(pdf, block):
    _plain(pdf, 10.5)
    text = wrap_text(pdf, block.text, pdf.epw - 0.5)
    pdf.multi_cell(0, 6.5, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _table(pdf, block):
    _plain(pdf, 9.5)
    aligns = column_alignment(block)
    widths = tuple(block.widths) if block.widths else (1,) * len(block.header)
    inner = [pdf.epw * w / sum(widths) - 2 * CELL_PADDING[1] - 0.5 for w in widths]
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align=tuple(Align.coerce(a) for a in aligns),
        line_height=5.5,
        padding=CELL_PADDING,
        wrapmode=WrapMode.CHAR,
        headings_style=FontFace(emphasis=None, fill_color=HEADER_FILL, color=INK),
        cell_fill_color=STRIPE_FILL,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for index, text in enumerate(block.header):
            heading.cell(wrap_text(pdf, text, inner[index]), align=Align.C)
        for values in block.rows:
            row = table.row()
            for index, value in enumerate(values):
                row.cell(wrap_text(pdf, cell_text(value), inner[index]))
    pdf.ln(4)


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes; FontMissing when no Chinese font can be used."""
    pdf = _new_pdf(document)
    pdf.alias_nb_pages()
    pdf.add_page()
    _title(pdf, document)
    for section in document.sections:
        if section.heading:
            _heading(pdf, section.heading)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(pdf, block)
            else:
                _paragraph(pdf, block)
    return bytes(pdf.output())


# ---------------------------------------------------------------------------- pages the caller lays out
# Documents with a layout of their own (the portal's notice-board sheets) draw on a ``Canvas``: the same
# Chinese font and fallback, line breaking (``wrap_text``) and faux bold, with A4 or A3 pages and QR codes.
PAGE_SIZES = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # mm, portrait
QR_DPI = 600  # a QR code's image is drawn at least this sharp, so that printed modules keep square edges


class Canvas(FPDF):
    """An empty PDF with the Chinese font loaded (``open_canvas``). No header or footer: a subclass draws
    its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measured = {}  # as _Pdf: wrap_text's cache of widths

    def strong(self, size, color=INK):
        """Faux bold (the font has one weight) in ``color``: strokes of 0.03 em of the same colour."""
        self.set_font(FONT, size=size)
        self.set_text_color(*color)
        self.text_mode = TextMode.FILL_STROKE
        self.set_line_width(size * 0.03 * 0.3528)
        self.set_draw_color(*color)

    def plain(self, size, color=INK):
        self.text_mode = TextMode.FILL
        self.set_line_width(0.2)
        self.set_draw_color(*RULE)
        self.set_font(FONT, size=size)
        self.set_text_color(*color)


def open_canvas(*, title, texts=(), page_format="A4", author="", canvas_class=Canvas):
    """A ``canvas_class`` (a ``Canvas``) with portrait pages of ``page_format`` (a key of ``PAGE_SIZES``) and
    the Chinese font, plus the fallback font when ``texts`` (every text the caller will write) hold
    characters the font lacks; FontMissing when no Chinese font can be used. The caller adds the pages."""
    path, index = font_location()
    pdf = canvas_class(orientation="portrait", unit="mm", format=PAGE_SIZES[page_format])
    try:
        pdf.add_font(FONT, "", str(path), collection_font_number=index)
    except Exception:  # fontTools raises many kinds for a file that is not a font
        logger.exception("Cannot read the PDF font %s", path)
        raise FontMissing() from None
    if ord(PROBE) not in pdf.fonts[FONT].cmap:
        logger.error("The PDF font %s has no Chinese characters", path)
        raise FontMissing()
    _add_fallback(pdf, Document(title=title, sections=[Section("", [Paragraph(str(t)) for t in texts])]))
    pdf.set_title(title)
    pdf.set_creator("GridWatch")
    if author:
        pdf.set_author(author)
    pdf.set_lang("zh-CN")
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    return pdf


def qr_code(pdf, data, *, x, y, size, border=2, title=""):
    """``data`` as a QR code (error correction M, segno) drawn ``size`` mm square at (``x``, ``y``), its
    quiet zone of ``border`` modules included: a lossless black-and-white image of at least ``QR_DPI``, which
    ``pypdf``'s ``page.images`` gives back for a decoder to read."""
    import io
    import math

    import segno

    code = segno.make(str(data), error="m", micro=False)
    modules = code.symbol_size(border=border)[0]
    scale = max(4, math.ceil(size / 25.4 * QR_DPI / modules))
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=border)
    buffer.seek(0)
    pdf.image(buffer, x=x, y=y, w=size, h=size, alt_text=title or str(data))
