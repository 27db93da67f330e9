"""The monthly report's workflow and its due date.

``ACTIONS``: action -> (target status, statuses it is allowed from, role that takes it). A report that
has no row yet is a draft. The services (``services.py``) are the only writers of the status.

Due date: the report for a month is due by the end of day ``GRIDWATCH_MONTHLY_DUE_DAY`` (default 5) of the
following month. The plan says 每月5日前 ("before the 5th"); most counties read it as "on or before the
5th", which is the default: submitted on the 5th is on time, on the 6th late. A county that reads it
strictly sets the day to 4.
"""

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.cases.selectors import covering_paths

from .compile import month_bounds
from .models import ReportStatus

SUBMIT, RECEIVE, RETURN = "submit", "receive", "return"
ACTIONS = {
    SUBMIT: (ReportStatus.SUBMITTED, {ReportStatus.DRAFT, ReportStatus.RETURNED}, Role.TOWNSHIP_STAFF),
    RECEIVE: (ReportStatus.RECEIVED, {ReportStatus.SUBMITTED}, Role.COUNTY_STAFF),
    RETURN: (ReportStatus.RETURNED, {ReportStatus.SUBMITTED}, Role.COUNTY_STAFF),
}
ACTION_LABELS = {
    SUBMIT: _("Submit to the county"),
    RECEIVE: _("Receive"),
    RETURN: _("Return for correction"),
}
# Remarks may be written while the township holds the report.
EDITABLE_STATUSES = {ReportStatus.DRAFT, ReportStatus.RETURNED}


def due_day():
    return settings.GRIDWATCH_MONTHLY_DUE_DAY


def due_date(month):
    """The last day on which the report for ``month`` is on time."""
    _start, following = month_bounds(month)
    return following.replace(day=due_day())


def is_late(month, day):
    """Whether a report for ``month`` submitted on ``day`` is late."""
    return day > due_date(month)


def month_is_over(month, today):
    return month_bounds(month)[1] <= today


def holds_role_over(user, role, path):
    """Whether ``user`` holds ``role`` on the area at ``path`` or one above it."""
    if user is None or not user.is_authenticated:
        return False
    return RoleAssignment.objects.filter(user=user, role=role, area__path__in=covering_paths(path)).exists()


def status_of(report):
    return report.status if report is not None else ReportStatus.DRAFT


def available_actions(report, user, *, township, month, today):
    """The actions ``user`` may take on ``report`` (None: no row yet) of ``township`` for ``month``, in
    the order the buttons show."""
    status = status_of(report)
    actions = []
    for action, (_target, sources, role) in ACTIONS.items():
        if status not in sources:
            continue
        if action == SUBMIT and not month_is_over(month, today):
            continue
        if holds_role_over(user, role, township.path):
            actions.append(action)
    return actions


def may_edit_remarks(report, user, *, township):
    return status_of(report) in EDITABLE_STATUSES and holds_role_over(
        user, Role.TOWNSHIP_STAFF, township.path
    )


def cell_state(report, month, today):
    """How the county overview shows one township's month: ``(state, colour)``.

    ``received``/``submitted`` (green/blue, or red when late), ``returned`` (amber), and for a report not
    sent: ``open`` while the month runs, ``pending`` until the due day, ``due_today`` on it (amber) and
    ``missing`` after it (red)."""
    status = status_of(report)
    if status in (ReportStatus.RECEIVED, ReportStatus.SUBMITTED):
        if report.late:
            return f"{status}_late", "red"
        return status, "green" if status == ReportStatus.RECEIVED else "blue"
    if status == ReportStatus.RETURNED:
        return "returned", "amber"
    if not month_is_over(month, today):
        return "open", ""
    due = due_date(month)
    if today < due:
        return "pending", ""
    if today == due:
        return "due_today", "amber"
    return "missing", "red"


CELL_LABELS = {
    "received": _("Received"),
    "received_late": _("Received, sent late"),
    "submitted": _("Submitted"),
    "submitted_late": _("Submitted late"),
    "returned": _("Returned for correction"),
    "open": _("Month in progress"),
    "pending": _("Not yet due"),
    "due_today": _("Due today, not sent"),
    "missing": _("Not sent, past the due day"),
}


def previous_month(day):
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
