"""The reminders job: on the 1st and the 4th, once each, to the staff of townships whose report for last
month is not sent; never twice when the job runs again that day."""

import datetime

from gridwatch.accounts.models import Notification
from gridwatch.core.periodic import JOBS
from gridwatch.monthly.models import MonthlyReport, ReportStatus

from .conftest import OCTOBER, SHANGHAI

job = JOBS["monthly_report_reminders"]


def _at(day, hour=8):
    return datetime.datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def test_it_is_registered():
    assert "monthly_report_reminders" in JOBS


def test_it_reminds_once_on_the_1st_and_once_on_the_4th(township_officer_a, township_officer_b):
    """Two townships, nothing sent: one reminder each on the 1st, none again when the job runs twice or
    later that day, none on the 2nd and 3rd, one more on the 4th, none after."""
    sent = [
        job(_at(day, hour))
        for day, hour in [(1, 8), (1, 8), (1, 18), (2, 8), (3, 8), (4, 8), (4, 20), (5, 8)]
    ]
    assert sent == [2, 0, 0, 0, 0, 2, 0, 0]
    notes = Notification.objects.filter(user=township_officer_a)
    assert notes.count() == 2
    assert all("2026-10" in n.subject and "2026-11-05" in n.subject for n in notes)
    assert notes.first().link == "/monthly/522729101000/2026-10/"


def test_it_does_not_remind_a_township_that_has_sent(township_a, township_officer_a, township_officer_b):
    MonthlyReport.objects.create(township=township_a, month=OCTOBER, status=ReportStatus.SUBMITTED)
    assert job(_at(4)) == 1
    assert not Notification.objects.filter(user=township_officer_a).exists()
    assert Notification.objects.filter(user=township_officer_b).count() == 1


def test_it_reminds_a_township_whose_report_was_returned(township_a, township_officer_a):
    MonthlyReport.objects.create(township=township_a, month=OCTOBER, status=ReportStatus.RETURNED)
    assert job(_at(4)) == 1
