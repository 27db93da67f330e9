"""The analysis pack as an Excel workbook (openpyxl, write-only) and as a PDF (``gridwatch.core.pdf``), both
made from ``pack.document``: the same figures as the page, counts only."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _cell(ws, value, *, bold=False, size=None):
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        # Text is never a formula (spreadsheet injection): "=…" stays text.
        cell.data_type = "s"
    if bold or size:
        cell.font = Font(bold=bold, size=size)
    return cell


def workbook(document):
    """The document as .xlsx bytes: the title, the meta lines, then each section's tables."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Analysis pack")[:31])
    ws.append([_cell(ws, str(document["title"]), bold=True, size=14)])
    for label, value in document["meta"]:
        ws.append([_cell(ws, str(label), bold=True), _cell(ws, str(value))])
    for section in document["sections"]:
        ws.append([])
        ws.append([_cell(ws, str(section["heading"]), bold=True, size=12)])
        for table in section["tables"]:
            ws.append([_cell(ws, str(c), bold=True) for c in table["columns"]])
            for row in table["rows"]:
                ws.append([_cell(ws, v if isinstance(v, int) else str(v)) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf(document):
    """The document as PDF bytes; ``core.pdf.FontMissing`` when no Chinese font is installed."""
    from gridwatch.core import pdf as core_pdf

    sections = []
    for section in document["sections"]:
        blocks = [
            core_pdf.Table(header=[str(c) for c in table["columns"]], rows=table["rows"])
            for table in section["tables"]
        ]
        sections.append(core_pdf.Section(heading=str(section["heading"]), blocks=blocks))
    return core_pdf.render_pdf(
        core_pdf.Document(
            title=str(document["title"]),
            meta=[(str(label), str(value)) for label, value in document["meta"]],
            sections=sections,
            footer_note=_("GridWatch"),
        )
    )
