"""The monthly report and the county's month summary as Excel files, written from the same document the
page shows (``document.report_document``, ``summary_document``)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from . import workflow
from .compile import compile_month
from .models import ReportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(ws, value, *, bold=False, size=None):
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        # Text is never a formula (spreadsheet injection): "=…" stays text.
        cell.data_type = "s"
    if bold or size:
        cell.font = Font(bold=bold, size=size)
    return cell


def document_workbook(document, *, sheet_title):
    """The document as .xlsx bytes: the title, the meta rows, then each section's heading, header and
    rows (paragraphs one per row)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    ws.append([_cell(ws, document["title"], bold=True, size=14)])
    for label, value in document["meta"]:
        ws.append([_cell(ws, str(label), bold=True), _cell(ws, str(value))])
    for section in document["sections"]:
        ws.append([])
        ws.append([_cell(ws, str(section["heading"]), bold=True, size=12)])
        if section["kind"] == "table":
            ws.append([_cell(ws, c, bold=True) for c in section["columns"]])
            for row in section["rows"]:
                ws.append([_cell(ws, v if isinstance(v, int) else str(v)) for v in row])
        else:
            for paragraph in section["paragraphs"]:
                ws.append([_cell(ws, str(paragraph))])
    if document.get("withheld"):
        ws.append([])
        ws.append([_cell(ws, withheld_note(document["withheld"]))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def withheld_note(n):
    return _("%(n)s notable items are not shown to you: you are conflicted (回避).") % {"n": n}


SUMMARY_KEYS = (
    ("cards", "total"),
    ("concerns", "total"),
    ("register", "total"),
    ("diary", "total"),
    ("reports", "total"),
    ("reports", "urgent"),
    ("concluded", "total"),
)


def summary_document(*, townships, month, reports, today):
    """The county's month summary across ``townships``: one row per township with its state and its
    figures (frozen for a sent report, compiled live, in one compile for all, for the others)."""
    townships = list(townships)
    live_needed = [
        t
        for t in townships
        if reports.get(t.pk) is None or reports[t.pk].status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    ]
    live = compile_month(townships=live_needed, month=month)
    rows = []
    totals = [0] * len(SUMMARY_KEYS)
    for township in townships:
        report = reports.get(township.pk)
        figures = live.get(township.pk) or (report.snapshot if report is not None else None)
        state, _colour = workflow.cell_state(report, month, today)
        values = [figures[a][b] if figures else 0 for a, b in SUMMARY_KEYS]
        totals = [x + y for x, y in zip(totals, values, strict=True)]
        submitted = (
            timezone.localtime(report.submitted_at).strftime("%Y-%m-%d")
            if report is not None and report.submitted_at
            else ""
        )
        rows.append([township.name, str(workflow.CELL_LABELS[state]), submitted, *values])
    rows.append([_("Total"), "", "", *totals])
    columns = [
        _("Township"),
        _("State"),
        _("Submitted on"),
        _("Supervision cards"),
        _("Items of concern"),
        _("Register entries"),
        _("Diary entries"),
        _("Reports received"),
        _("of which urgent"),
        _("Cases concluded"),
    ]
    return {
        "title": _("Monthly information reports of %(month)s: county summary")
        % {"month": month.strftime("%Y-%m")},
        "meta": [[_("Due by"), workflow.due_date(month).isoformat()], [_("Compiled on"), today.isoformat()]],
        "sections": [
            {
                "kind": "table",
                "heading": _("Townships"),
                "columns": [str(c) for c in columns],
                "rows": rows,
                "numeric": [i >= 3 for i in range(len(columns))],
            }
        ],
        "withheld": 0,
    }


def document_pdf(document):
    """The document as PDF bytes (``gridwatch.core.pdf``): the same title, meta rows, tables and paragraphs
    as the page and the Excel file. ``FontMissing`` when no Chinese font is installed."""
    from gridwatch.core import pdf

    sections = []
    for section in document["sections"]:
        if section["kind"] == "table":
            if section["rows"]:
                blocks = [
                    pdf.Table(header=section["columns"], rows=section["rows"], widths=section.get("widths"))
                ]
            else:
                blocks = [pdf.Paragraph(_("Nothing this month."))]
        else:
            blocks = [pdf.Paragraph(str(p)) for p in section["paragraphs"]]
        sections.append(pdf.Section(heading=str(section["heading"]), blocks=blocks))
    if document.get("withheld"):
        sections.append(pdf.Section(heading="", blocks=[pdf.Paragraph(withheld_note(document["withheld"]))]))
    return pdf.render_pdf(
        pdf.Document(
            title=document["title"],
            meta=[(str(label), str(value)) for label, value in document["meta"]],
            sections=sections,
            footer_note=_("GridWatch"),
        )
    )
