"""The case list's filters and its Excel export (.xlsx).

The filters are read once here for the list page, the export and the API, so the three always show the same
reports. The export holds what the user may see (``selectors.reports_for``: jurisdiction and recusal) and
never the reporter's identity, the receipt or the messages; the allegation's text only for those who decide
on cases. Every export is one audit event with its filters and row count.
"""

import io
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.core.permissions import roles

from . import selectors
from .models import Channel, Circle, ReportStatus
from .roles import CASE_DECIDERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Who may take the cases out as a file: those who decide on cases, and the leading-group office.
EXPORTERS = CASE_DECIDERS | {Role.OFFICE}
# One file holds at most this many reports (the newest first); a wider selection is to be narrowed.
MAX_ROWS = 5000
STATUS_FILTERS = [("open", gettext_lazy("Open (received, being handled, reply due)")), *ReportStatus.choices]
FLAGS = ("urgent", "mine", "overdue")


def case_filters(params):
    """The list's filters from a query string (``request.GET`` or DRF's ``query_params``): unknown values
    are dropped, never an error."""
    status = params.get("status", "")
    filters = {
        "status": status if status == "open" or status in ReportStatus.values else None,
        "circle": params.get("circle") if params.get("circle") in Circle.values else None,
        "channel": params.get("channel") if params.get("channel") in Channel.values else None,
        "q": params.get("q", "").strip()[:50],
    }
    for flag in FLAGS:
        filters[flag] = params.get(flag) in ("1", "on", "true")
    return filters


def filters_query(filters):
    """The query string that gives ``filters`` back (for the export link)."""
    pairs = {}
    for key, value in filters.items():
        if key in FLAGS:
            if value:
                pairs[key] = "1"
        elif value:
            pairs[key] = value
    return urlencode(pairs)


def detail_context(request, report):
    """What this part adds to the staff case page's context."""
    return {}


# ---------------------------------------------------------------------------------------------- export


def _grid_label(grid):
    if grid is None:
        return ""
    return " ".join(a.name for a in (grid.parent, grid) if a is not None)


def _columns(with_text):
    """(header, value of a report, is a date), in the order of the sheet."""
    columns = [
        (_("Reference"), lambda r: r.reference, False),
        (_("Received on"), lambda r: r.received_on, True),
        (_("Channel"), lambda r: r.get_channel_display(), False),
        (_("Circle"), lambda r: r.get_circle_display(), False),
        (_("Subject"), lambda r: r.subject_label, False),
        (
            _("Unit or post"),
            lambda r: r.subject_cadre.unit.name if r.subject_cadre_id else r.subject_unit_text,
            False,
        ),
        (_("Grid"), lambda r: _grid_label(r.grid), False),
        (_("Status"), lambda r: r.get_status_display(), False),
        (_("Urgent"), lambda r: _("yes") if r.urgent else _("no"), False),
        (_("Handler"), lambda r: str(r.handler) if r.handler_id else "", False),
        (_("Disposal"), lambda r: r.get_disposal_display(), False),
        (_("Finding"), lambda r: r.get_finding_display(), False),
        (_("Accepted on"), lambda r: r.accepted_on, True),
        (_("Pass on by"), lambda r: r.transfer_due, True),
        (_("Verify by"), lambda r: r.verify_due, True),
        (_("Tell the reporter it was accepted by"), lambda r: r.acceptance_reply_due, True),
        (_("Tell the reporter the result by"), lambda r: r.result_reply_due, True),
        (_("Next time limit"), lambda r: r.next_due, True),
        (_("Overdue"), lambda r: _("yes") if r.is_overdue else "", False),
        (_("Closed on"), lambda r: r.closed_on, True),
    ]
    if with_text:
        columns.append((_("What happened"), lambda r: r.what, False))
    return columns


def build_workbook(reports, *, with_text, capped):
    """The sheet as .xlsx bytes: a title row, a bold header row, one row per report, and a last row saying
    so when the selection was cut at ``MAX_ROWS``. Written in openpyxl's write-only mode: memory stays flat
    whatever the number of rows."""
    today = timezone.localdate()
    columns = _columns(with_text)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Cases"))
    ws.freeze_panes = "A3"
    title = WriteOnlyCell(ws, _("Cases, exported on %(day)s") % {"day": today.strftime("%Y-%m-%d")})
    title.font = Font(bold=True, size=14)
    ws.append([title])
    headers = []
    for header, _value, _is_date in columns:
        cell = WriteOnlyCell(ws, str(header))
        cell.font = Font(bold=True)
        headers.append(cell)
    ws.append(headers)
    for report in reports:
        report.next_due = selectors.report_next_due(report)
        report.is_overdue = report.next_due is not None and report.next_due < today
        row = []
        for _header, value, is_date in columns:
            content = value(report)
            cell = WriteOnlyCell(ws, content)
            if isinstance(content, str):
                # Text a resident typed is never a formula (spreadsheet injection): "=…" stays text.
                cell.data_type = "s"
            if is_date:
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        ws.append(row)
    if capped:
        ws.append(
            [
                _("Only the first %(n)s reports are in this file: narrow the filters to export the rest.")
                % {"n": MAX_ROWS}
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@require_http_methods(["GET"])
@roles(*EXPORTERS)
def case_export(request):
    """The case list as an Excel file, with the list's filters: an audited export."""
    filters = case_filters(request.GET)
    with_text = has_role(request.user, *CASE_DECIDERS)
    queryset = selectors.report_list(user=request.user, **filters)
    # Encrypted fields the sheet does not show are not read (nor decrypted).
    deferred = ["when", "where", "disposal_reason", "finding_summary", "status_reason"]
    if not with_text:
        deferred.append("what")
    reports = list(queryset.defer(*deferred)[: MAX_ROWS + 1])
    capped = len(reports) > MAX_ROWS
    reports = reports[:MAX_ROWS]
    content = build_workbook(reports, with_text=with_text, capped=capped)
    audit_log(
        actor=request.user,
        action="report.export",
        object_type="cases.report",
        object_label=_("Cases"),
        changes={
            "filters": {k: v for k, v in filters.items() if v},
            "rows": len(reports),
            "capped": capped,
            "format": "xlsx",
            "allegation_text": with_text,
        },
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{_('cases')}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("export.xlsx", case_export, name="case_export"),
]
