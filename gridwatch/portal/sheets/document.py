"""The notice-board sheet (公示牌, R6/R7/R8/R23): one grid's public notice, in Chinese, to print and post in
the grid. A red title band, the grid's full name, a panel with the supervision group, the supervision phone
and the QR code of the grid's report form, the table of the grid's serving cadres with their published
commitments of the newest year, the standards in force and, when there is room, an excerpt of the
county-wide code of conduct; the issuer and the date printed in the footer.

A3 is the A4 sheet enlarged (every length and font size times √2), so both paginate alike. A grid with many
cadres flows onto further pages (headed "续", the table's header row repeated) instead of shrinking text.
Several grids make one PDF, each starting on a new page (``sheets_pdf``)."""

import hashlib
import math

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf.enums import Align, TableBordersLayout, TableCellFillMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from gridwatch.core import pdf as core_pdf
from gridwatch.core.pdf import Canvas, open_canvas, qr_code, wrap_text

from ..markup import plain_text

SIZES = {"a4": ("A4", 1.0), "a3": ("A3", math.sqrt(2))}  # ?size= → page format, scale of the A4 layout
DEFAULT_SIZE = "a4"

RED = (190, 22, 34)
DARK_RED = (150, 18, 26)
LIGHT_RED = (252, 238, 236)
WHITE = (255, 255, 255)
INK = core_pdf.INK
MUTED = core_pdf.MUTED
RULE = core_pdf.RULE
PANEL_FILL = (255, 250, 249)
EXCERPT_FILL = (248, 249, 250)
STRIPE_FILL = (250, 247, 246)

ITEMS_SHOWN = 3  # commitment items per cadre on the sheet
ITEM_CHARS = 26  # an item's text is cut to this many characters
EXCERPT_MAX_LINES = 40
EXCERPT_MIN_LINES = 3


def shorten(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip("，。、；：,.;: ") + "…"


def full_name(page):
    """长寨街道 · 和平社区 · 和平社区第1网格"""
    names = [a.name for a in (page.township, page.community) if a is not None]
    return " · ".join([*names, page.grid.name])


def sheet_title(page):
    county = page.county.name if page.county else ""
    return _("Notice board: supervision of %(county)s leading cadres outside working hours") % {
        "county": county
    }


def commitment_summary(items):
    if not items:
        return "—"
    lines = [f"{i}. {shorten(item.content, ITEM_CHARS)}" for i, item in enumerate(items[:ITEMS_SHOWN], 1)]
    if len(items) > ITEMS_SHOWN:
        lines.append(_("(%(count)s commitments in all)") % {"count": len(items)})
    return "\n".join(lines)


def team_lines(page):
    """("网格长", "龙飞明"), ("副组长", …), ("监督员", "石宏、何海强、张平志")"""
    by_role = {}
    for role, name in page.team:
        by_role.setdefault(role, []).append(name)
    return [(str(role.label), "、".join(names)) for role, names in by_role.items()]


def excerpt_text(page):
    code = page.code_of_conduct
    if code is None:
        return ""
    paragraphs = [" ".join(p.split()) for p in plain_text(code.body).splitlines()]
    return "\n".join(p for p in paragraphs if p)


class SheetCanvas(Canvas):
    """Pages of notice-board sheets: the first page of a sheet has no running head; a sheet's further
    pages are headed with the grid and "续"; every footer names the grid, the issuer and the date."""

    scale = 1.0
    issued = ""
    printed_on = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = None
        self.pending = None  # the sheet whose first page the next add_page starts
        self.finished = False

    def u(self, mm):
        return mm * self.scale

    def start_sheet(self, page):
        self.pending = page
        self.add_page()

    def header(self):
        if self.pending is not None:
            self.sheet, self.pending = self.pending, None
            return
        u = self.u
        self.plain(9.5 * self.scale, MUTED)
        text = _("%(grid)s · %(title)s (continued)") % {
            "grid": full_name(self.sheet),
            "title": sheet_title(self.sheet),
        }
        if self.get_string_width(text) > self.epw:  # long names: the grid's own name is enough
            text = _("%(grid)s (continued)") % {"grid": self.sheet.grid.name}
        self.cell(0, u(6), text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RED)
        self.set_line_width(u(0.5))
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(u(4))

    def footer(self):
        if self.sheet is None:
            return
        u = self.u
        self.set_y(-u(13))
        self.set_draw_color(*RULE)
        self.set_line_width(u(0.2))
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(u(1.5))
        y = self.get_y()
        self.plain(8.5 * self.scale, MUTED)
        self.cell(self.epw / 3, u(5), full_name(self.sheet), align=Align.L)
        if self.pending is None and not self.finished:
            self.set_xy(self.l_margin, y)
            self.cell(self.epw, u(5), _("Continued on the next page"), align=Align.C)
        self.set_xy(self.l_margin, y)
        self.cell(self.epw, u(5), f"{self.issued}　{self.printed_on}", align=Align.R)


def _heading(pdf, text, note=""):
    u = pdf.u
    if pdf.will_page_break(u(30)):
        pdf.add_page()
    pdf.ln(u(2))
    y = pdf.get_y()
    pdf.set_fill_color(*RED)
    pdf.rect(pdf.l_margin, y + u(1), u(1.6), u(6), style="F")
    pdf.set_x(pdf.l_margin + u(3.5))
    pdf.strong(13 * pdf.scale, DARK_RED)
    pdf.cell(pdf.get_string_width(text) + u(2), u(8), text)
    if note:
        pdf.plain(10 * pdf.scale, MUTED)
        pdf.cell(0, u(8), note)
    pdf.set_xy(pdf.l_margin, y + u(9))
    pdf.plain(10.5 * pdf.scale)


def _title(pdf, page):
    u = pdf.u
    x, y, width = pdf.l_margin, pdf.get_y(), pdf.epw
    pdf.set_fill_color(*RED)
    pdf.rect(x, y, width, u(20), style="F")
    title = sheet_title(page)
    size = 21
    pdf.strong(size * pdf.scale, WHITE)
    while pdf.get_string_width(title) > width - u(8) and size > 15:  # a long county name
        size -= 1
        pdf.strong(size * pdf.scale, WHITE)
    pdf.set_xy(x, y)
    pdf.cell(width, u(20), title, align=Align.C)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(u(0.5))
    pdf.line(x, y + u(21.3), x + width, y + u(21.3))
    pdf.set_xy(x, y + u(23))
    pdf.strong(14 * pdf.scale, DARK_RED)
    pdf.multi_cell(
        width,
        u(8),
        wrap_text(pdf, full_name(page), width),
        align=Align.C,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(u(2))


def _panel(pdf, page, report_url):
    """The supervision group and the supervision phone on the left, the QR code of the report form on the
    right, in one box."""
    u = pdf.u
    x, y, width = pdf.l_margin, pdf.get_y(), pdf.epw
    qr_size, pad = u(38), u(4)
    right = qr_size + u(10)
    left = width - right - 2 * pad

    # Measure the left column first, to draw the box behind it.
    lines = []  # (kind, text, size, height)
    lines.append(("strong", _("Grid supervision group"), 11.5, 7))
    team = team_lines(page)
    pdf.plain(10.5 * pdf.scale)
    for label, names in team or [(_("Members"), _("to be announced"))]:
        text = wrap_text(pdf, _("%(label)s: %(value)s") % {"label": label, "value": names}, left)
        lines.extend(("plain", line, 10.5, 6) for line in text.split("\n"))
    if page.phone:
        lines.append(("gap", "", 0, 2.5))
        lines.append(("phone", page.phone, 17, 9))
    lines.append(("gap", "", 0, 1.5))
    pdf.plain(9 * pdf.scale)
    mailbox = _("Supervision mailbox: scan the QR code on the right, or open %(url)s") % {"url": report_url}
    lines.extend(("small", line, 9, 5) for line in wrap_text(pdf, mailbox, left).split("\n"))
    left_height = sum(u(h) for _kind, _text, _size, h in lines)
    height = max(left_height, qr_size + u(9)) + 2 * pad

    if pdf.will_page_break(height):
        pdf.add_page()
        y = pdf.get_y()
    pdf.set_fill_color(*PANEL_FILL)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(u(0.4))
    pdf.rect(x, y, width, height, style="DF")
    pdf.set_draw_color(*LIGHT_RED)
    pdf.line(x + width - right, y + pad, x + width - right, y + height - pad)

    cursor = y + pad + max(0, (height - 2 * pad - left_height) / 2)
    for kind, text, size, line_height in lines:
        pdf.set_xy(x + pad, cursor)
        if kind == "strong":
            pdf.strong(size * pdf.scale, DARK_RED)
            pdf.cell(left, u(line_height), text)
        elif kind == "plain":
            pdf.plain(size * pdf.scale)
            pdf.cell(left, u(line_height), text)
        elif kind == "small":
            pdf.plain(size * pdf.scale, MUTED)
            pdf.cell(left, u(line_height), text)
        elif kind == "phone":
            label = _("Supervision phone:")
            pdf.plain(11 * pdf.scale)
            pdf.cell(pdf.get_string_width(label) + u(1.5), u(line_height), label)
            pdf.strong(size * pdf.scale, RED)
            pdf.cell(left, u(line_height), text)
        cursor += u(line_height)

    qr_x = x + width - right + (right - qr_size) / 2
    qr_y = y + (height - qr_size - u(7)) / 2
    qr_code(pdf, report_url, x=qr_x, y=qr_y, size=qr_size, title=_("QR code of the report form"))
    pdf.set_xy(x + width - right, qr_y + qr_size)
    pdf.strong(10.5 * pdf.scale, DARK_RED)
    pdf.cell(right, u(6), _("Scan to report a problem · anonymous allowed"), align=Align.C)
    pdf.set_xy(x, y + height + u(3))
    pdf.plain(10.5 * pdf.scale)


def _cadres(pdf, page):
    u = pdf.u
    note = _("%(count)s cadres in all") % {"count": len(page.rows)}
    _heading(pdf, _("1. Leading cadres supervised in this grid"), note)
    if not page.rows:
        pdf.plain(10.5 * pdf.scale, MUTED)
        pdf.multi_cell(0, u(6.5), _("No leading cadre is supervised in this grid at present."))
        pdf.ln(u(2))
        return
    header = [
        pgettext("notice board", "No."),
        pgettext("notice board", "Name"),
        pgettext("notice board", "Unit"),
        _("Position"),
    ]
    widths = [11, 18, 48, 42]
    align = ["C", "L", "L", "L"]
    if page.year:
        header.append(_("Commitments %(year)s (summary)") % {"year": page.year})
        widths.append(62)
        align.append("L")
    else:
        widths = [12, 25, 75, 68]
    size = 10 * pdf.scale
    pdf.plain(size)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(*WHITE)  # the table's initial style takes the current fill colour
    padding = (u(1.1), u(1.5))
    inner = [pdf.epw * w / sum(widths) - 2 * padding[1] - u(0.5) for w in widths]
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align=tuple(Align.coerce(a) for a in align),
        line_height=u(5),
        padding=padding,
        wrapmode=WrapMode.CHAR,
        borders_layout=TableBordersLayout.ALL,
        cell_fill_color=STRIPE_FILL,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        headings_style=FontFace(emphasis=None, fill_color=LIGHT_RED, color=DARK_RED, size_pt=size),
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for index, text in enumerate(header):
            heading.cell(wrap_text(pdf, text, inner[index]), align=Align.C)
        for number, (cadre, items) in enumerate(page.rows, 1):
            row = table.row()
            values = [str(number), cadre.name, cadre.unit.name, cadre.position]
            if page.year:
                values.append(commitment_summary(items))
            for index, value in enumerate(values):
                row.cell(wrap_text(pdf, value, inner[index]))
    pdf.ln(u(3))


def _standards(pdf, page):
    u = pdf.u
    if not page.standards:
        return
    _heading(pdf, _("2. Supervision standards and codes of conduct in force"))
    pdf.plain(10.5 * pdf.scale)
    for number, standard in enumerate(page.standards, 1):
        text = _("%(number)s. %(title)s (%(kind)s)") % {
            "number": number,
            "title": standard.title,
            "kind": standard.get_kind_display(),
        }
        pdf.multi_cell(0, u(6.2), wrap_text(pdf, text, pdf.epw - u(0.5)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    excerpt = excerpt_text(page)
    if excerpt:
        _excerpt(pdf, page.code_of_conduct.title, excerpt)


def _is_heading(paragraph):
    return len(paragraph) <= 16 and paragraph[-1:] not in set("。；;.!！?？…")


def _excerpt_lines(pdf, text, width, fit):
    """(line, is_heading) of whole paragraphs of ``text`` wrapped to ``width``, as many as fit in ``fit``
    lines, then "……" if some are left out (never a heading last); the first paragraph is cut if it alone
    is too long. Returns the lines and whether the text was shortened."""
    paragraphs = [
        [(line, _is_heading(p)) for line in wrap_text(pdf, p, width).split("\n")]
        for p in text.split("\n")
        if p.strip()
    ]
    if sum(len(p) for p in paragraphs) <= fit:
        return [line for p in paragraphs for line in p], False
    taken, used = [], 0
    for paragraph in paragraphs:
        if used + len(paragraph) > fit - 1:
            break
        taken.append(paragraph)
        used += len(paragraph)
    while taken and taken[-1][0][1]:
        taken.pop()
    if not taken:
        lines = paragraphs[0][: fit - 1]
        lines[-1] = (lines[-1][0].rstrip("，。、；：,.;: ") + "……", False)
        return lines, True
    return [*(line for p in taken for line in p), ("……", False)], True


def _excerpt(pdf, title, text):
    """The code of conduct, whole when it fits on the page (at most EXCERPT_MAX_LINES lines), else as many
    of its paragraphs as fit, in a grey box; left out when fewer than EXCERPT_MIN_LINES lines fit."""
    u = pdf.u
    pad, line_height, head = u(3), u(5.4), u(7)
    width = pdf.epw - 2 * pad
    pdf.plain(9.5 * pdf.scale)
    room = pdf.page_break_trigger - pdf.get_y() - u(3) - 2 * pad - head
    fit = min(int(room // line_height), EXCERPT_MAX_LINES)
    if fit < EXCERPT_MIN_LINES:
        return
    lines, shortened = _excerpt_lines(pdf, text, width - u(0.5), fit)
    pdf.ln(u(3))
    x, y = pdf.l_margin, pdf.get_y()
    height = 2 * pad + head + len(lines) * line_height
    pdf.set_fill_color(*EXCERPT_FILL)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(u(0.2))
    pdf.rect(x, y, pdf.epw, height, style="DF")
    pdf.set_xy(x + pad, y + pad)
    pdf.strong(10.5 * pdf.scale, INK)
    heading = _("%(title)s (excerpt)") if shortened else _("%(title)s (full text)")
    pdf.cell(width, head, heading % {"title": title})
    for index, (line, is_heading) in enumerate(lines):
        if is_heading:
            pdf.strong(9.5 * pdf.scale, INK)
        else:
            pdf.plain(9.5 * pdf.scale)
        pdf.set_xy(x + pad, y + pad + head + index * line_height)
        pdf.cell(width, line_height, line)
    pdf.set_xy(x, y + height + u(2))


def _sheet(pdf, page, report_url):
    pdf.start_sheet(page)
    _title(pdf, page)
    _panel(pdf, page, report_url)
    _cadres(pdf, page)
    _standards(pdf, page)


def _texts(pages, urls):
    for page in pages:
        yield from (full_name(page), sheet_title(page), urls[page.grid.pk], page.phone)
        yield from (name for _role, name in page.team)
        for cadre, items in page.rows:
            yield from (cadre.name, cadre.unit.name, cadre.position)
            yield from (item.content for item in items[:ITEMS_SHOWN])
        yield from (s.title for s in page.standards)
        yield excerpt_text(page)


def fingerprint(pages, *, report_url, size=DEFAULT_SIZE, today=None):
    """A digest of everything the sheets of ``pages`` print (texts, the standards' versions and kinds,
    year, issuer, size, date and QR addresses): the key under which a drawn PDF may be reused. Any change of
    what is published gives another key, so a reused PDF is never stale."""
    with translation.override(settings.LANGUAGE_CODE):
        urls = {page.grid.pk: report_url(page.grid) for page in pages}
        parts = [size, str(today or timezone.localdate()), *_texts(pages, urls)]
        for page in pages:
            parts.append(f"{page.year}|{page.county.name if page.county else ''}")
            parts.extend(f"{s.pk}|{s.kind}" for s in page.standards)  # a new version is a new row
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def sheets_pdf(pages, *, report_url, size=DEFAULT_SIZE, today=None):
    """The sheets of ``pages`` (``portal.selectors.grid_pages``) as one PDF, each starting on a new page, always in
    Chinese (the language of the notice boards), whatever the language of who prints it. ``report_url(grid)``
    is the address the QR code opens; ``size`` "a4" or "a3". FontMissing when no Chinese font is installed."""
    page_format, scale = SIZES.get(size, SIZES[DEFAULT_SIZE])
    with translation.override(settings.LANGUAGE_CODE):
        urls = {page.grid.pk: report_url(page.grid) for page in pages}
        first = pages[0] if pages else None
        title = sheet_title(first) if first else _("Notice-board sheets")
        if len(pages) == 1:
            title = f"{title} · {full_name(first)}"
        pdf = open_canvas(
            title=title, texts=list(_texts(pages, urls)), page_format=page_format, canvas_class=SheetCanvas
        )
        pdf.scale = scale
        county = first.county.name if first and first.county else ""
        pdf.issued = _("%(county)s Commission for Discipline Inspection and Supervision") % {"county": county}
        pdf.printed_on = formats.date_format(today or timezone.localdate(), "DATE_FORMAT")
        pdf.set_author(pdf.issued)
        pdf.set_margins(left=pdf.u(15), top=pdf.u(12), right=pdf.u(15))
        pdf.set_auto_page_break(auto=True, margin=pdf.u(17))
        for page in pages:
            _sheet(pdf, page, urls[page.grid.pk])
        pdf.finished = True
        return bytes(pdf.output())
