"""The report's workflow: the table, exhaustively; the due date; lateness decided at submission; the
snapshot; who may act."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridwatch.accounts.models import Notification
from gridwatch.audit.models import AuditEvent
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.monthly import services, workflow
from gridwatch.monthly.models import MonthlyReport, ReportStatus, ReportTransition

from .conftest import OCTOBER, make_report, on

ALL_STATUSES = list(ReportStatus.values)


def _report_in(status, township, actor):
    report = MonthlyReport.objects.create(township=township, month=OCTOBER, status=status)
    if status != ReportStatus.DRAFT:
        report.submitted_at = datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)
        report.submitted_by = actor
        report.snapshot = {"cards": {"total": 0}}
        report.save()
    return report


def _do(action, *, township, report, township_officer, county_officer):
    if action == workflow.SUBMIT:
        return services.report_submit(actor=township_officer, township=township, month=OCTOBER)
    if action == workflow.RECEIVE:
        return services.report_receive(actor=county_officer, report=report)
    return services.report_return(actor=county_officer, report=report, reason="数字与台账不符，请核对后重报")


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", list(workflow.ACTIONS))
def test_it_applies_the_transition_table_exhaustively(
    action, status, township_a, township_officer_a, county_officer
):
    """Every action from every status: allowed ones reach their target and write one transition row and
    one audit event; the others are refused and change nothing."""
    report = _report_in(status, township_a, township_officer_a)
    target, sources, _role = workflow.ACTIONS[action]
    events = AuditEvent.objects.count()
    with on(2026, 11, 3):
        if status in sources:
            _do(
                action,
                township=township_a,
                report=report,
                township_officer=township_officer_a,
                county_officer=county_officer,
            )
            report.refresh_from_db()
            assert report.status == target
            step = ReportTransition.objects.get(report=report)
            assert (step.action, step.from_status, step.to_status) == (action, status, target)
            assert AuditEvent.objects.count() == events + 1
        else:
            with pytest.raises(ValidationFailed):
                _do(
                    action,
                    township=township_a,
                    report=report,
                    township_officer=township_officer_a,
                    county_officer=county_officer,
                )
            report.refresh_from_db()
            assert report.status == status
            assert not ReportTransition.objects.exists()


def test_it_submits_on_the_3rd_on_time(october_data, township_a, township_officer_a, county_officer):
    """October's report submitted on 3 November: on time, October's figures frozen, the county told."""
    with on(2026, 11, 3):
        report = services.report_submit(
            actor=township_officer_a, township=township_a, month=OCTOBER, remarks="本月总体平稳"
        )
    assert report.status == ReportStatus.SUBMITTED
    assert report.late is False
    assert report.remarks == "本月总体平稳"
    assert report.snapshot["cards"]["total"] == 3
    assert report.snapshot["month"] == "2026-10"
    assert Notification.objects.filter(user=county_officer, link__contains="/2026-10/").count() == 1


def test_it_flags_a_submission_on_the_6th_late(township_a, township_officer_a, county_officer):
    with on(2026, 11, 6):
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert report.late is True
    assert "late" in AuditEvent.objects.filter(action="monthly.submit").get().changes


def test_it_counts_the_due_day_itself_as_on_time(township_a, township_officer_a):
    with on(2026, 11, 5, hour=23):
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert report.late is False


def test_it_follows_the_due_day_setting(settings, township_a, township_officer_a):
    """A county that reads 5日前 strictly sets the due day to 4: the 5th is late."""
    settings.GRIDWATCH_MONTHLY_DUE_DAY = 4
    assert workflow.due_date(OCTOBER) == datetime.date(2026, 11, 4)
    with on(2026, 11, 5):
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert report.late is True


def test_it_keeps_lateness_of_the_first_submission_when_sent_again(
    township_a, township_officer_a, county_officer
):
    """Returned on the 10th and sent again on the 12th, a report first sent on the 3rd stays on time."""
    with on(2026, 11, 3):
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    with on(2026, 11, 10):
        services.report_return(actor=county_officer, report=report, reason="请补充说明")
    assert Notification.objects.filter(user=township_officer_a, subject__contains="2026-10").exists()
    with on(2026, 11, 12):
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert report.late is False
    assert report.return_reason == ""
    assert list(report.transitions.values_list("action", flat=True)) == ["submit", "return", "submit"]


def test_it_freezes_the_figures_at_submission(october_data, township_a, grid_a, township_officer_a):
    """A report added after the submission does not change the submitted figures; a report returned for
    correction shows them live again."""
    with on(2026, 11, 3):
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    make_report(grid_a.path, day=datetime.date(2026, 10, 30))
    from gridwatch.monthly.selectors import figures_of

    assert figures_of(report, township_a, OCTOBER)["reports"]["total"] == 2
    report.status = ReportStatus.RETURNED  # back with the township: compiled live until sent again
    assert figures_of(report, township_a, OCTOBER)["reports"]["total"] == 3


def test_it_refuses_to_submit_a_month_not_over(township_a, township_officer_a):
    with on(2026, 10, 31), pytest.raises(ValidationFailed):
        services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert not MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED).exists()


def test_it_refuses_the_wrong_people(township_a, township_officer_b, county_officer, township_officer_a):
    """Township B's staff cannot submit A's report; county staff do not submit; township staff do not
    receive; nobody returns without a reason."""
    with on(2026, 11, 3):
        with pytest.raises(NotPermitted):
            services.report_submit(actor=township_officer_b, township=township_a, month=OCTOBER)
        with pytest.raises(NotPermitted):
            services.report_submit(actor=county_officer, township=township_a, month=OCTOBER)
        report = services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
        with pytest.raises(NotPermitted):
            services.report_receive(actor=township_officer_a, report=report)
        with pytest.raises(ValidationFailed):
            services.report_return(actor=county_officer, report=report, reason="  ")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_saves_remarks_only_while_the_township_holds_the_report(
    township_a, township_officer_a, county_officer
):
    with on(2026, 11, 2):
        report = services.report_remarks_save(
            actor=township_officer_a, township=township_a, month=OCTOBER, remarks="初稿"
        )
        assert report.status == ReportStatus.DRAFT and report.remarks == "初稿"
        services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
        with pytest.raises(ValidationFailed):
            services.report_remarks_save(
                actor=township_officer_a, township=township_a, month=OCTOBER, remarks="改"
            )
        with pytest.raises(NotPermitted):
            services.report_remarks_save(
                actor=county_officer, township=township_a, month=OCTOBER, remarks="改"
            )
    event = AuditEvent.objects.get(action="monthly.remarks")
    assert "初稿" not in str(event.changes)


def test_it_submits_in_a_fixed_number_of_queries(
    october_data, township_a, township_officer_a, county_officer
):
    with on(2026, 11, 3), CaptureQueriesContext(connection) as ctx:
        services.report_submit(actor=township_officer_a, township=township_a, month=OCTOBER)
    assert len(ctx.captured_queries) < 40


@pytest.mark.parametrize(
    ("day", "state", "colour"),
    [
        (datetime.date(2026, 10, 20), "open", ""),
        (datetime.date(2026, 11, 4), "pending", ""),
        (datetime.date(2026, 11, 5), "due_today", "amber"),
        (datetime.date(2026, 11, 6), "missing", "red"),
    ],
)
def test_it_flags_a_missing_report_as_the_due_day_passes(day, state, colour):
    assert workflow.cell_state(None, OCTOBER, day) == (state, colour)


def test_it_shows_sent_reports_by_state():
    report = MonthlyReport(status=ReportStatus.SUBMITTED, late=False)
    day = datetime.date(2026, 11, 20)
    assert workflow.cell_state(report, OCTOBER, day) == ("submitted", "blue")
    report.late = True
    assert workflow.cell_state(report, OCTOBER, day) == ("submitted_late", "red")
    report.status, report.late = ReportStatus.RECEIVED, False
    assert workflow.cell_state(report, OCTOBER, day) == ("received", "green")
    report.status = ReportStatus.RETURNED
    assert workflow.cell_state(report, OCTOBER, day) == ("returned", "amber")
