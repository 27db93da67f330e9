"""Time limits in working days across the 2026 National Day holiday (Oct 1-7 off, Saturday Oct 10 a make-up
working day), the overdue filter a list can use, the case page's due dates, and reminders sent once each."""

import datetime

import time_machine
from django.core.management import call_command
from django.urls import reverse

from gridwatch.accounts.models import Notification
from gridwatch.accounts.roles import Role
from gridwatch.cases import deadlines, handling, selectors
from gridwatch.cases.models import Disposal, Finding, MessageKind, Report
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user, zh
from gridwatch.people.models import DeclaredRelation, RelationKind

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
D = datetime.date


def at(y, m, d, hour=9):
    return time_machine.travel(datetime.datetime(y, m, d, hour, 0, tzinfo=SHANGHAI), tick=False)


def run_job():
    call_command("run_periodic", only=["case_deadline_reminders"])


def accept(report, actor):
    return handling.report_dispose(
        actor=actor, report=report, disposal=Disposal.PRELIMINARY, reason="线索具体"
    )


def test_a_report_received_before_the_holiday_gets_working_day_limits(cadre_a, grid_a):
    with at(2026, 9, 29):
        named, _code = file_report(
            subject_cadre=cadre_a, grid=grid_a, reporter_name="陈小明", reporter_phone="13912345678"
        )
        anonymous, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    # Sep 30, Oct 8, 9, 10 (the make-up Saturday), 12.
    assert named.transfer_due == D(2026, 10, 12)
    assert named.acceptance_reply_due == D(2026, 10, 26)
    assert anonymous.transfer_due == D(2026, 10, 12) and anonymous.acceptance_reply_due is None


def test_acceptance_and_conclusion_start_their_limits_in_working_days(township_officer_a, report_a):
    report, _code = report_a
    with at(2026, 9, 29):
        report = accept(report, township_officer_a)
    assert report.verify_due == D(2026, 10, 26)
    with at(2026, 9, 30):
        report = handling.report_conclude(
            actor=township_officer_a, report=report, finding=Finding.NOT_SUBSTANTIATED, summary="经核实不属实"
        )
    assert report.result_reply_due == D(2026, 10, 27)


def test_the_limits_follow_the_settings(settings, township_officer_a, report_a):
    settings.GRIDWATCH_CASE_DAYS = {**settings.GRIDWATCH_CASE_DAYS, "verify": 3, "transfer": 1}
    report, _code = report_a
    with at(2026, 9, 30):
        report = accept(report, township_officer_a)
    assert report.verify_due == D(2026, 10, 10)  # Oct 8, 9 and the make-up Saturday
    assert deadlines.transfer_due(D(2026, 9, 30)) == D(2026, 10, 8)


def test_an_extension_counts_working_days_too(township_officer_a, cadre_a, grid_a, settings):
    settings.GRIDWATCH_CASE_DAYS = {**settings.GRIDWATCH_CASE_DAYS, "verify": 1}
    with at(2026, 9, 29):
        report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
        report = accept(report, township_officer_a)
        assert report.verify_due == D(2026, 9, 30)
        report = handling.report_extend(
            actor=township_officer_a, report=report, limit="verify", days=2, reason="节后补充调查"
        )
    assert report.verify_due == D(2026, 10, 9)


# ------------------------------------------------------------------------------------ overdue filter


def _states(cadre, grid, officer):
    """Reports in each situation on 2026-10-13: which are overdue and which are not."""
    with at(2026, 9, 29):
        waiting, _ = file_report(subject_cadre=cadre, grid=grid)  # transfer due 10-12: overdue
        named, _ = file_report(
            subject_cadre=cadre, grid=grid, reporter_name="陈", reporter_phone="13912345678"
        )
        named = accept(named, officer)  # verify 10-26, acceptance reply 10-26: not overdue
    with at(2026, 10, 12):
        fresh, _ = file_report(subject_cadre=cadre, grid=grid)  # transfer due 10-19: not overdue
    with at(2026, 9, 1):
        late, _ = file_report(subject_cadre=cadre, grid=grid)
        late = accept(late, officer)  # verify due 09-22: overdue
    with at(2026, 9, 2):
        concluded, _ = file_report(subject_cadre=cadre, grid=grid)
        concluded = accept(concluded, officer)
        concluded = handling.report_conclude(
            actor=officer, report=concluded, finding=Finding.NOT_SUBSTANTIATED, summary="不属实"
        )  # result reply due 09-23: overdue
    with at(2026, 9, 3):
        answered, _ = file_report(subject_cadre=cadre, grid=grid)
        answered = accept(answered, officer)
        answered = handling.report_conclude(
            actor=officer, report=answered, finding=Finding.NOT_SUBSTANTIATED, summary="不属实"
        )
        answered = handling.report_reply(
            actor=officer, report=answered, reply=MessageKind.RESULT, way="message", body="经核实不属实"
        )  # nothing pending
    return {waiting.pk, late.pk, concluded.pk}, {named.pk, fresh.pk, answered.pk}


def test_the_overdue_filter_picks_the_reports_past_a_pending_limit(
    township_officer_a, cadre_a, grid_a, django_assert_num_queries
):
    overdue, on_time = _states(cadre_a, grid_a, township_officer_a)
    with django_assert_num_queries(1):
        found = set(deadlines.overdue(Report.objects.all(), D(2026, 10, 13)).values_list("pk", flat=True))
    assert found == overdue
    assert not found & on_time


def test_the_overdue_filter_costs_one_query_whatever_the_size(
    township_officer_a, cadre_a, grid_a, django_assert_num_queries
):
    _states(cadre_a, grid_a, township_officer_a)
    with django_assert_num_queries(1):
        small = list(deadlines.overdue(selectors.reports_for(township_officer_a), D(2026, 10, 13)))
    for _ in range(3):
        _states(cadre_a, grid_a, township_officer_a)
    with django_assert_num_queries(1):
        large = list(deadlines.overdue(selectors.reports_for(township_officer_a), D(2026, 10, 13)))
    assert len(small) == 3 and len(large) == 12


def test_the_case_list_filters_and_dates_overdue_reports_by_this_module_s_rules(
    as_user, township_officer_a, cadre_a, grid_a
):
    """One rule set for the case list and the reminders: the list's "overdue" filter shows exactly
    ``deadlines.overdue``'s reports, each marked overdue by its next due date."""
    overdue, on_time = _states(cadre_a, grid_a, township_officer_a)
    for day in (D(2026, 9, 23), D(2026, 10, 13), D(2026, 10, 27)):
        with at(day.year, day.month, day.day):
            expected = set(deadlines.overdue(Report.objects.all(), day).values_list("pk", flat=True))
            rows = (
                as_user(township_officer_a).get(reverse("cases:case_list"), {"overdue": "1"}).context["rows"]
            )
            assert {row.pk for row in rows} == expected
            assert all(row.is_overdue for row in rows)
            if day == D(2026, 10, 13):
                assert expected == overdue  # the three late ones of ``_states``


# --------------------------------------------------------------------------------------- on the page


def test_the_case_page_shows_each_due_date_and_overdue_in_red(as_user, township_officer_a, cadre_a, grid_a):
    with at(2026, 9, 29):
        report, _code = file_report(
            subject_cadre=cadre_a, grid=grid_a, reporter_name="陈小明", reporter_phone="13912345678"
        )
    with at(2026, 10, 13):
        page = (
            as_user(township_officer_a).get(reverse("cases:case_detail", args=[report.pk])).content.decode()
        )
    assert '<li data-limit="transfer" data-state="overdue">' in page
    assert "2026-10-12" in page and f'<span class="badge red">{zh("overdue")}</span>' in page
    assert '<li data-limit="acceptance_reply" data-state="pending">' in page and "2026-10-26" in page


# ----------------------------------------------------------------------------------------- reminders


def test_it_reminds_the_nearest_deciders_once_on_the_day_and_once_when_overdue(
    township_officer_a, county_officer, cadre_a, grid_a
):
    with at(2026, 9, 29):
        report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    with at(2026, 10, 9):
        run_job()
    assert not Notification.objects.exists()  # not due yet
    with at(2026, 10, 12):
        run_job()
        run_job()
    notices = Notification.objects.filter(user=township_officer_a)
    assert notices.count() == 1
    assert notices.get().subject == zh(
        "Due today: report %(ref)s, %(limit)s", ref=report.reference, limit=zh("Pass on to the right level")
    )
    assert notices.get().link == reverse("cases:case_detail", args=[report.pk])
    with at(2026, 10, 13):
        run_job()
        run_job()
    with at(2026, 10, 14):
        run_job()
    assert Notification.objects.filter(user=township_officer_a).count() == 2
    assert (
        Notification.objects.filter(
            user=township_officer_a,
            subject__startswith=zh(
                "Overdue: report %(ref)s, %(limit)s (due %(date)s)",
                ref=report.reference,
                limit=zh("Pass on to the right level"),
                date="2026-10-12",
            ),
        ).count()
        == 1
    )
    # The county is not told of a township's everyday limits.
    assert not Notification.objects.filter(user=county_officer).exists()


def test_it_reminds_the_handler_and_again_after_an_extension(
    township_officer_a, county_officer, cadre_a, grid_a, settings
):
    settings.GRIDWATCH_CASE_DAYS = {**settings.GRIDWATCH_CASE_DAYS, "verify": 1}
    with at(2026, 9, 29):
        report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
        report = accept(report, township_officer_a)
        handling.report_assign(actor=township_officer_a, report=report, handler=county_officer)
    Notification.objects.all().delete()
    with at(2026, 9, 30):
        run_job()
        run_job()
    assert Notification.objects.filter(user=county_officer).count() == 1
    assert not Notification.objects.filter(user=township_officer_a).exists()
    with at(2026, 9, 30, hour=15):
        handling.report_extend(actor=county_officer, report=report, limit="verify", days=1, reason="补充材料")
        run_job()
    with at(2026, 10, 8):
        run_job()
        run_job()
    assert Notification.objects.filter(user=county_officer).count() == 2  # the new date, once


def test_a_conflicted_decider_is_never_reminded(township_officer_a, township_a, cadre_a, grid_a):
    related = make_user("kin", role=Role.TOWNSHIP_STAFF, area=township_a)
    DeclaredRelation.objects.create(user=related, cadre=cadre_a, kind=RelationKind.KIN)
    with at(2026, 9, 29):
        file_report(subject_cadre=cadre_a, grid=grid_a)
    with at(2026, 10, 12):
        run_job()
    assert Notification.objects.filter(user=township_officer_a).count() == 1
    assert not Notification.objects.filter(user=related).exists()


def test_a_limit_met_is_not_reminded(township_officer_a, cadre_a, grid_a):
    with at(2026, 9, 29):
        report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
        accept(report, township_officer_a)  # passed on: the transfer limit is met
    with at(2026, 10, 12):
        run_job()
    assert not Notification.objects.exists()


def test_a_run_costs_no_query_per_case_that_stays_overdue(township_officer_a, cadre_a, grid_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def quiet_run_queries():
        """Queries of a run that has nothing new to send."""
        with at(2026, 10, 20):
            run_job()  # sends what is new
            with CaptureQueriesContext(connection) as captured:
                deadlines.case_deadline_reminders(datetime.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI))
        return len(captured.captured_queries)

    with at(2026, 9, 29):
        for _n in range(2):
            file_report(subject_cadre=cadre_a, grid=grid_a)
    few = quiet_run_queries()
    with at(2026, 9, 29):
        for _n in range(6):
            file_report(subject_cadre=cadre_a, grid=grid_a)
    assert quiet_run_queries() == few
    assert Notification.objects.filter(user=township_officer_a).count() == 8
