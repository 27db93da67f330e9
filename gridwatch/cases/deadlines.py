"""Time limits of case handling, in working days (official holidays and make-up working days counted by
``gridwatch.core.workdays``), and the periodic job that reminds whoever must act.

Four limits, each a date on the report, its length in ``settings.GRIDWATCH_CASE_DAYS``:

- ``transfer``: a report is passed on to the right level (triaged) within 5 working days of arrival;
- ``verify``: an accepted report is verified within 15 working days of its acceptance;
- ``acceptance_reply``: a named reporter is told within 15 working days of arrival that it was accepted;
- ``result_reply``: the reporter is told the result within 15 working days of the finding.

A limit is *pending* while the step it asks for is not done; a pending limit whose date has passed is
*overdue*. Both are database filters (``overdue_q``), so a list can show or count overdue cases in one query.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridwatch.core.models import JobMark
from gridwatch.core.periodic import once, periodic_job
from gridwatch.core.workdays import add_working_days

from .models import OPEN_STATUSES, Report, ReportStatus


class Limit(models.TextChoices):
    TRANSFER = "transfer", gettext_lazy("Pass on to the right level")
    VERIFY = "verify", gettext_lazy("Verification")
    ACCEPTANCE_REPLY = "acceptance_reply", gettext_lazy("Tell the reporter it was accepted")
    RESULT_REPLY = "result_reply", gettext_lazy("Tell the reporter the result")


# The date field of each limit, and the field that records the step done (None: the status says it).
DUE_FIELD = {
    Limit.TRANSFER: "transfer_due",
    Limit.VERIFY: "verify_due",
    Limit.ACCEPTANCE_REPLY: "acceptance_reply_due",
    Limit.RESULT_REPLY: "result_reply_due",
}
# Limits a decider may extend (with a reason), and by how many working days at most at a time.
EXTENDABLE = (Limit.VERIFY, Limit.RESULT_REPLY)
EXTENSION_MAX_DAYS = 30


def days(limit):
    return int(settings.GRIDWATCH_CASE_DAYS[str(limit)])


def transfer_due(received_on: datetime.date) -> datetime.date:
    return add_working_days(received_on, days(Limit.TRANSFER))


def acceptance_reply_due(received_on: datetime.date) -> datetime.date:
    return add_working_days(received_on, days(Limit.ACCEPTANCE_REPLY))


def verify_due(accepted_on: datetime.date) -> datetime.date:
    return add_working_days(accepted_on, days(Limit.VERIFY))


def result_reply_due(finding_on: datetime.date) -> datetime.date:
    return add_working_days(finding_on, days(Limit.RESULT_REPLY))


def pending_q(limit):
    """Reports on which ``limit`` has a date and the step it asks for is not done yet."""
    if limit == Limit.TRANSFER:
        return Q(status=ReportStatus.RECEIVED, transfer_due__isnull=False)
    if limit == Limit.VERIFY:
        return Q(status=ReportStatus.HANDLING, verify_due__isnull=False)
    if limit == Limit.ACCEPTANCE_REPLY:
        return Q(
            status__in=OPEN_STATUSES, acceptance_reply_due__isnull=False, acceptance_replied_on__isnull=True
        )
    return Q(status=ReportStatus.CONCLUDED, result_reply_due__isnull=False, result_replied_on__isnull=True)


def overdue_q(today=None, limits=tuple(Limit)):
    """Reports with at least one of ``limits`` pending and past its date."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for limit in limits:
        q |= pending_q(limit) & Q(**{f"{DUE_FIELD[limit]}__lt": today})
    return q


def due_on_q(day, limits=tuple(Limit)):
    """Reports with at least one of ``limits`` pending and due on ``day``."""
    q = Q(pk__in=[])
    for limit in limits:
        q |= pending_q(limit) & Q(**{DUE_FIELD[limit]: day})
    return q


def overdue(queryset, today=None):
    """``queryset`` (from ``selectors.reports_for``) narrowed to the overdue reports: one filter, no loop."""
    return queryset.filter(overdue_q(today))


def is_pending(report, limit):
    status = report.status
    if getattr(report, DUE_FIELD[limit]) is None:
        return False
    if limit == Limit.TRANSFER:
        return status == ReportStatus.RECEIVED
    if limit == Limit.VERIFY:
        return status == ReportStatus.HANDLING
    if limit == Limit.ACCEPTANCE_REPLY:
        return status in OPEN_STATUSES and report.acceptance_replied_on is None
    return status == ReportStatus.CONCLUDED and report.result_replied_on is None


def done_on(report, limit):
    """The day the step was done, where the report records it."""
    return {
        Limit.VERIFY: report.finding_on,
        Limit.ACCEPTANCE_REPLY: report.acceptance_replied_on,
        Limit.RESULT_REPLY: report.result_replied_on,
    }.get(limit)


def report_deadlines(report, today=None):
    """One row per limit that has a date: ``{"limit", "label", "due", "state", "done_on"}`` with ``state``
    one of ``overdue``, ``due_today``, ``pending``, ``done``."""
    today = today or timezone.localdate()
    rows = []
    for limit in Limit:
        due = getattr(report, DUE_FIELD[limit])
        if due is None:
            continue
        if is_pending(report, limit):
            state = "overdue" if due < today else "due_today" if due == today else "pending"
        else:
            state = "done"
        rows.append(
            {
                "limit": limit.value,
                "label": limit.label,
                "due": due,
                "state": state,
                "done_on": done_on(report, limit),
            }
        )
    return rows


@periodic_job("case_deadline_reminders")
def case_deadline_reminders(now: datetime.datetime) -> int:
    """Tell the handler (or, without one, the deciders nearest to the case) on the day a limit falls due,
    and once more when it has passed. Each reminder goes once: the key holds the due date, so a limit
    extended to a new date is reminded of again. Returns the number of notifications sent."""
    from gridwatch.accounts.services import notify

    from .handling import responsible_users

    today = timezone.localdate(now)
    # What is due or overdue, without the encrypted texts nobody reads here.
    reports = (
        Report.objects.filter(due_on_q(today) | overdue_q(today))
        .defer("what", "when", "where", "disposal_reason", "finding_summary", "status_reason")
        .select_related("handler")
        .order_by("received_on", "id")
    )
    reminders = []
    for report in reports:
        for limit in Limit:
            if not is_pending(report, limit):
                continue
            due = getattr(report, DUE_FIELD[limit])
            if due > today:
                continue
            stage = "overdue" if due < today else "due"
            key = f"case:{report.pk}:{limit.value}:{due.isoformat()}:{stage}"
            reminders.append((key, report, limit, due, stage))
    # The reminders sent before are known in a few queries: no query per case that stays overdue.
    sent_before = set()
    keys = [reminder[0] for reminder in reminders]
    for chunk in range(0, len(keys), 500):
        sent_before.update(
            JobMark.objects.filter(key__in=keys[chunk : chunk + 500]).values_list("key", flat=True)
        )
    sent = 0
    for key, report, limit, due, stage in reminders:
        if key in sent_before or not once(key):
            continue
        params = {"ref": report.reference, "limit": limit.label, "date": due.isoformat()}
        if stage == "overdue":
            subject = _("Overdue: report %(ref)s, %(limit)s (due %(date)s)") % params
        else:
            subject = _("Due today: report %(ref)s, %(limit)s") % params
        body = _("Open the case to see what is due.")
        link = reverse("cases:case_detail", args=[report.pk])
        for user in responsible_users(report):
            notify(user=user, subject=subject, body=body, link=link, email=True, sms=True)
            sent += 1
    return sent
