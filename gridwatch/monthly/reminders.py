"""The periodic job that reminds township commission staff of last month's report, on the 1st and on the
4th (the day before it is due, with the default due day of the 5th). Running it twice, or late in the day,
reminds nobody twice (``once``)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridwatch.accounts.services import notify
from gridwatch.core.periodic import once, periodic_job
from gridwatch.geography.models import Area, Level

from . import workflow
from .models import MonthlyReport, ReportStatus
from .services import township_staff_of

REMINDER_DAYS = (1, 4)


@periodic_job("monthly_report_reminders")
def monthly_report_reminders(now: datetime.datetime) -> int:
    """Notify the staff of every township whose report for last month is not sent. Returns the number of
    notifications."""
    today = timezone.localdate(now)
    if today.day not in REMINDER_DAYS:
        return 0
    month = workflow.previous_month(today)
    sent_ids = MonthlyReport.objects.filter(
        month=month, status__in=[ReportStatus.SUBMITTED, ReportStatus.RECEIVED]
    ).values("township_id")
    townships = Area.objects.filter(level=Level.TOWNSHIP).exclude(id__in=sent_ids).order_by("path")
    params = {"month": month.strftime("%Y-%m"), "due": workflow.due_date(month).isoformat()}
    sent = 0
    for township in townships:
        if not once(f"monthly-reminder:{township.code}:{month:%Y-%m}:{today.day}"):
            continue
        link = reverse("monthly:report_detail", args=[township.code, month.strftime("%Y-%m")])
        for user in township_staff_of(township):
            notify(
                user=user,
                subject=_("Monthly report for %(month)s due by %(due)s") % params,
                body=_("Check the figures, add your remarks and submit it to the county."),
                link=link,
                email=True,
                sms=True,
            )
            sent += 1
    return sent
