"""Small display helpers of the case pages: the status badge and the receipt code in groups."""

from django import template
from django.utils.html import format_html

from ..models import ReportStatus

register = template.Library()

# The badge colour of each status (gridwatch.css: .badge.amber/.blue/.green; grey without one): waiting
# for triage amber, being handled blue, concluded or closed green, ended without handling grey.
STATUS_COLOURS = {
    ReportStatus.RECEIVED: "amber",
    ReportStatus.HANDLING: "blue",
    ReportStatus.CONCLUDED: "green",
    ReportStatus.CLOSED: "green",
}


@register.simple_tag
def status_badge(report, label=None):
    """``<span class="badge …">`` with the report's status, coloured by the status; ``label`` replaces the
    status's name (the reporter's page says "Result given")."""
    colour = STATUS_COLOURS.get(report.status)
    return format_html(
        '<span class="badge{}" data-status="{}">{}</span>',
        f" {colour}" if colour else "",
        report.status,
        label or report.get_status_display(),
    )


@register.filter
def receipt_lines(code):
    """The receipt code ``ABCD-EFGH-…`` as two lines of its groups of four, the first the longer:
    ``[["ABCD", "EFGH", "JKLM"], ["NPQR", "STUV", "WXYZ"]]``. A phone shows one line under the other, so
    the code never breaks inside a group."""
    groups = str(code).split("-")
    half = (len(groups) + 1) // 2
    return [groups[:half], groups[half:]] if len(groups) > 1 else [groups]
