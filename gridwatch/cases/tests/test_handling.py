"""Handling a report: handler, disposal, extensions, notes, the finding and the cadre's file, replies and
closing; each step audited once and written to the case history, each refused with a message a user
understands; the panel offers only the steps a user may take."""

import datetime
import json

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gridwatch.accounts.models import Notification
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases import handling
from gridwatch.cases.models import (
    CaseEntry,
    CaseEntryKind,
    Disposal,
    Finding,
    MessageKind,
    Report,
    ReportMessage,
    ReportStatus,
)
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.models import CadreFileEntry, DeclaredRelation, FileEntryKind, RelationKind

REASON = "线索具体，可查性强"
SUMMARY = "经核实，该干部于某周六接受管理服务对象宴请一次，属实。"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(y, m, d):
    return time_machine.travel(datetime.datetime(y, m, d, 10, 0, tzinfo=SHANGHAI), tick=False)


def accept(report, actor, disposal=Disposal.PRELIMINARY):
    return handling.report_dispose(actor=actor, report=report, disposal=disposal, reason=REASON)


def conclude(report, actor, finding=Finding.SUBSTANTIATED, **extra):
    return handling.report_conclude(actor=actor, report=report, finding=finding, summary=SUMMARY, **extra)


def reply(
    report,
    actor,
    kind=MessageKind.RESULT,
    way=handling.ReplyWay.MESSAGE,
    body="经核实，反映问题属实，已处理。",
    **extra,
):
    return handling.report_reply(actor=actor, report=report, reply=kind, way=way, body=body, **extra)


def events(report, action):
    return AuditEvent.objects.filter(action=action, object_id=str(report.pk))


def refused(call, message, field=None, **params):
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert str(exc.value.message) == zh(message, **params)
    assert exc.value.field == field
    return exc.value


@pytest.fixture
def named_report(cadre_a, grid_a):
    report, code = file_report(
        subject_cadre=cadre_a, grid=grid_a, reporter_name="陈小明", reporter_phone="13912345678"
    )
    return report, code


@pytest.fixture
def office(county):
    return make_user("office", role=Role.OFFICE, area=county)


# ------------------------------------------------------------------------------------------ assigning


def test_it_assigns_a_handler_and_tells_them(township_officer_a, township_a, report_a):
    report, _code = report_a
    colleague = make_user("township_a2", role=Role.TOWNSHIP_STAFF, area=township_a)
    handling.report_assign(actor=township_officer_a, report=report, handler=colleague, note="熟悉该网格")
    report.refresh_from_db()
    assert report.handler == colleague
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.ASSIGNMENT)
    assert entry.actor == township_officer_a and entry.body == "熟悉该网格"
    assert events(report, "report.assign").count() == 1
    notice = Notification.objects.get(user=colleague)
    assert report.reference in notice.subject
    assert notice.link == reverse("cases:case_detail", args=[report.pk])


@pytest.mark.parametrize("who", ["township_officer_b", "grid_supervisor", "related"])
def test_it_refuses_a_handler_who_may_not_handle_the_report(
    request, township_officer_a, township_a, report_a, cadre_a, who
):
    """Another township, a grid supervisor (not commission staff) and a declared relation cannot be made
    the handler."""
    report, _code = report_a
    if who == "related":
        handler = make_user("kin", role=Role.TOWNSHIP_STAFF, area=township_a)
        DeclaredRelation.objects.create(user=handler, cadre=cadre_a, kind=RelationKind.KIN)
    else:
        handler = request.getfixturevalue(who)
    refused(
        lambda: handling.report_assign(actor=township_officer_a, report=report, handler=handler),
        "%(name)s cannot handle this report: only commission staff who see it and are not conflicted can.",
        field="handler",
        name=str(handler),
    )
    assert Report.objects.get(pk=report.pk).handler is None
    assert not events(report, "report.assign").exists()


def test_it_offers_only_handlers_who_may_handle_the_report(
    county_officer, township_officer_a, township_officer_b, grid_supervisor, report_a, cadre_a, township_a
):
    related = make_user("kin", role=Role.TOWNSHIP_STAFF, area=township_a)
    DeclaredRelation.objects.create(user=related, cadre=cadre_a, kind=RelationKind.KIN)
    candidates = handling.handler_candidates(report_a[0])
    assert set(candidates) == {county_officer, township_officer_a}


@pytest.mark.parametrize("who", ["township_officer_b", "grid_supervisor", "office"])
def test_it_refuses_assigning_to_anyone_but_deciders_who_see_the_report(
    request, county_officer, report_a, who
):
    with pytest.raises(NotPermitted):
        handling.report_assign(actor=request.getfixturevalue(who), report=report_a[0], handler=county_officer)


# ------------------------------------------------------------------------------------------- disposal


def test_it_accepts_a_report_with_its_disposal(township_officer_a, report_a):
    report, _code = report_a
    with at(2026, 9, 29):
        accept(report, township_officer_a, Disposal.TALK_LETTER)
    report.refresh_from_db()
    assert report.status == ReportStatus.HANDLING
    assert report.disposal == Disposal.TALK_LETTER and report.disposal_reason == REASON
    assert report.disposal_by == township_officer_a and report.disposal_on == datetime.date(2026, 9, 29)
    assert report.accepted_on == datetime.date(2026, 9, 29)
    assert report.verify_due == datetime.date(2026, 10, 26)  # 15 working days, past the National Day holiday
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.DISPOSAL)
    assert entry.body == REASON and entry.details["accepted"] is True
    event = events(report, "report.dispose").get()
    assert REASON not in json.dumps(event.changes, ensure_ascii=False)
    assert event.changes["status"] == {"before": "received", "after": "handling"}


def test_it_changes_the_disposal_with_a_reason_and_keeps_the_time_limit(township_officer_a, report_a):
    report, _code = report_a
    with at(2026, 9, 29):
        accept(report, township_officer_a)
    with at(2026, 10, 9):
        handling.report_dispose(
            actor=township_officer_a, report=report, disposal=Disposal.SHELVED, reason="当事人外出学习，暂存"
        )
    report.refresh_from_db()
    assert report.disposal == Disposal.SHELVED and report.accepted_on == datetime.date(2026, 9, 29)
    assert report.verify_due == datetime.date(2026, 10, 26)
    last = CaseEntry.objects.filter(report=report, kind=CaseEntryKind.DISPOSAL).last()
    assert last.details["before"] == Disposal.PRELIMINARY and last.body == "当事人外出学习，暂存"
    assert events(report, "report.dispose").count() == 2


def test_it_refuses_a_disposal_without_reason_or_unchanged(township_officer_a, report_a):
    report, _code = report_a
    refused(
        lambda: handling.report_dispose(
            actor=township_officer_a, report=report, disposal=Disposal.PRELIMINARY, reason="  "
        ),
        "Give the reason for the disposal.",
        field="reason",
    )
    refused(
        lambda: handling.report_dispose(
            actor=township_officer_a, report=report, disposal="arrest", reason=REASON
        ),
        "Choose the disposal.",
        field="disposal",
    )
    accept(report, township_officer_a)
    refused(
        lambda: accept(report, township_officer_a), "The report already has this disposal.", field="disposal"
    )


def test_a_township_hands_a_report_over_to_the_county(
    township_officer_a, county_officer, county, report_a, as_user
):
    report, _code = report_a
    handling.report_assign(actor=township_officer_a, report=report, handler=township_officer_a)
    accept(report, township_officer_a)
    handling.report_dispose(
        actor=township_officer_a, report=report, disposal=Disposal.HANDED_OVER, reason="涉嫌违纪，移送县纪委"
    )
    report.refresh_from_db()
    assert report.supervising_path == county.path and report.handler is None
    assert not handling.can_see(township_officer_a, report) and handling.can_see(county_officer, report)
    assert Notification.objects.filter(user=county_officer, subject__contains=report.reference).exists()
    assert events(report, "report.dispose").first().changes["handed_to_county"] is True
    # The county carries on; the township's page answers 404.
    assert as_user(township_officer_a).get(reverse("cases:case_detail", args=[report.pk])).status_code == 404
    conclude(report, county_officer, finding="")  # a handed-over report may end with a conclusion alone
    assert Report.objects.get(pk=report.pk).status == ReportStatus.CONCLUDED


# ------------------------------------------------------------------------------------------ extension


def test_it_extends_the_verification_limit_by_working_days(township_officer_a, report_a):
    report, _code = report_a
    with at(2026, 9, 29):
        accept(report, township_officer_a)
    handling.report_extend(
        actor=township_officer_a, report=report, limit="verify", days=3, reason="需调取监控"
    )
    report.refresh_from_db()
    assert report.verify_due == datetime.date(2026, 10, 29)  # 10-26 (Mon) + 3 working days
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.EXTENSION)
    assert entry.details == {"limit": "verify", "days": 3, "before": "2026-10-26", "after": "2026-10-29"}
    assert entry.body == "需调取监控"
    assert events(report, "report.extend").count() == 1


def test_it_refuses_an_extension_out_of_bounds_or_without_reason(township_officer_a, report_a):
    report, _code = report_a
    accept(report, township_officer_a)
    for days in (0, 31, "x"):
        refused(
            lambda d=days: handling.report_extend(
                actor=township_officer_a, report=report, limit="verify", days=d, reason="x"
            ),
            "Extend by 1 to %(max)s working days.",
            field="days",
            max=30,
        )
    refused(
        lambda: handling.report_extend(
            actor=township_officer_a, report=report, limit="verify", days=2, reason=""
        ),
        "Give the reason for the extension.",
        field="reason",
    )
    refused(
        lambda: handling.report_extend(
            actor=township_officer_a, report=report, limit="result_reply", days=2, reason="x"
        ),
        "This time limit is not running: there is nothing to extend.",
        field="limit",
    )
    refused(
        lambda: handling.report_extend(
            actor=township_officer_a, report=report, limit="transfer", days=2, reason="x"
        ),
        "Choose the time limit to extend.",
        field="limit",
    )
    assert not events(report, "report.extend").exists()


# ------------------------------------------------------------------------------------------------ notes


def test_a_grid_supervisor_adds_a_note_kept_encrypted(grid_supervisor, report_a):
    report, _code = report_a
    handling.report_note_add(
        actor=grid_supervisor, report=report, body="走访邻居，称周六晚确有聚餐", kind=CaseEntryKind.EVIDENCE
    )
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.EVIDENCE)
    assert entry.body == "走访邻居，称周六晚确有聚餐" and entry.actor == grid_supervisor
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_caseentry WHERE id = %s", [entry.pk])
        assert "走访邻居" not in cursor.fetchone()[0]
    event = events(report, "report.note_add").get()
    assert "走访邻居" not in json.dumps(event.changes, ensure_ascii=False)


def test_it_refuses_an_empty_note_and_readers_who_do_not_handle(grid_supervisor, office, report_a):
    report, _code = report_a
    refused(
        lambda: handling.report_note_add(actor=grid_supervisor, report=report, body=" "),
        "Write the note.",
        field="body",
    )
    with pytest.raises(NotPermitted):
        handling.report_note_add(actor=office, report=report, body="意见")


# ----------------------------------------------------------------------------------------- conclusion


def test_it_records_the_finding_and_the_result_reply_limit(township_officer_a, report_a):
    report, _code = report_a
    with at(2026, 9, 28):
        accept(report, township_officer_a)
    with at(2026, 9, 30):
        conclude(report, township_officer_a, warning_proposed=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.CONCLUDED and report.finding == Finding.SUBSTANTIATED
    assert report.finding_summary == SUMMARY and report.warning_proposed
    assert report.finding_on == datetime.date(2026, 9, 30) and report.finding_by == township_officer_a
    assert report.result_reply_due == datetime.date(2026, 10, 27)  # 15 working days, Oct 1-7 skipped
    event = events(report, "report.conclude").get()
    assert event.changes["finding"] == "substantiated" and SUMMARY not in json.dumps(event.changes)


def test_it_requires_a_finding_after_a_verification(township_officer_a, report_a):
    report, _code = report_a
    accept(report, township_officer_a, Disposal.TALK_LETTER)
    refused(
        lambda: conclude(report, township_officer_a, finding=""),
        "Record the finding: a talk or letter inquiry and a preliminary verification end with one.",
        field="finding",
    )
    refused(
        lambda: handling.report_conclude(
            actor=township_officer_a, report=report, finding=Finding.NOT_SUBSTANTIATED, summary=""
        ),
        "Write the verified facts in neutral words: the cadre may read them.",
        field="summary",
    )
    refused(
        lambda: conclude(
            report, township_officer_a, finding=Finding.NOT_SUBSTANTIATED, warning_proposed=True
        ),
        "Only a substantiated or partly substantiated finding can be proposed for a warning notice.",
        field="warning_proposed",
    )
    assert Report.objects.get(pk=report.pk).status == ReportStatus.HANDLING


def test_a_shelved_report_ends_with_a_conclusion_alone(township_officer_a, report_a, cadre_a):
    report, _code = report_a
    accept(report, township_officer_a, Disposal.SHELVED)
    handling.report_conclude(actor=township_officer_a, report=report, summary="线索不具体，暂存待查")
    report.refresh_from_db()
    assert report.status == ReportStatus.CONCLUDED and report.finding == "" and report.finding_summary == ""
    assert CaseEntry.objects.get(report=report, kind=CaseEntryKind.FINDING).body == "线索不具体，暂存待查"
    assert not CadreFileEntry.objects.filter(cadre=cadre_a, kind=FileEntryKind.FINDING).exists()


def test_it_refuses_to_conclude_a_report_not_being_handled(township_officer_a, report_a):
    report, _code = report_a
    refused(
        lambda: conclude(report, township_officer_a),
        "This step is not possible now: the report is “%(status)s”.",
        status=zh("Received", context="report status"),
    )


@pytest.mark.parametrize("finding", [Finding.SUBSTANTIATED, Finding.PARTLY])
def test_an_adverse_finding_goes_into_the_cadres_file_without_reporter_data(
    township_officer_a, named_report, cadre_a, grid_a, finding
):
    report, code = named_report
    with at(2026, 10, 8):
        accept(report, township_officer_a)
        conclude(report, township_officer_a, finding=finding)
    entry = CadreFileEntry.objects.get(cadre=cadre_a, kind=FileEntryKind.FINDING)
    assert entry.details["finding"] == finding and entry.details["circle"] == "social"
    assert entry.details["date"] == "2026-10-08" and entry.note == SUMMARY
    assert "note" not in entry.details  # the summary is kept encrypted, never in the plain details
    assert entry.display_title == zh("Verified finding (%(circle)s): %(finding)s") % {
        "circle": zh("Social circle (社交圈)"),
        "finding": zh(Finding(finding).label),
    }
    stored = json.dumps({"title": entry.title, "details": entry.details}, ensure_ascii=False)
    for secret in (
        "陈小明",
        "13912345678",
        code,
        report.what,
        grid_a.name,
        grid_a.code,
        "web",
        str(report.pk),
    ):
        assert secret not in stored
    assert events(report, "report.conclude").get().changes["file_entry"] is True


@pytest.mark.parametrize(
    "finding", [Finding.NOT_SUBSTANTIATED, Finding.UNVERIFIABLE, Finding.MISTAKEN, Finding.FALSE_SUSPECTED]
)
def test_no_file_entry_for_a_finding_that_is_not_adverse(township_officer_a, report_a, cadre_a, finding):
    report, _code = report_a
    accept(report, township_officer_a)
    conclude(report, township_officer_a, finding=finding)
    assert not CadreFileEntry.objects.filter(cadre=cadre_a, kind=FileEntryKind.FINDING).exists()


def test_a_suspected_false_accusation_is_referred_upward_and_the_county_told(
    township_officer_a, county_officer, report_a
):
    report, _code = report_a
    accept(report, township_officer_a)
    conclude(report, township_officer_a, finding=Finding.FALSE_SUSPECTED)
    note = CaseEntry.objects.get(report=report, kind=CaseEntryKind.NOTE)
    assert note.details == {"referred_upward": True}
    assert Notification.objects.filter(user=county_officer, subject__contains=report.reference).count() == 1
    assert not Notification.objects.filter(user=township_officer_a).exists()


def test_a_townships_conclusion_of_an_urgent_report_is_told_to_the_county(
    township_officer_a, county_officer, report_a
):
    report, _code = report_a
    Report.objects.filter(pk=report.pk).update(urgent=True)
    accept(report, township_officer_a)
    conclude(report, township_officer_a, finding=Finding.NOT_SUBSTANTIATED)
    notice = Notification.objects.get(user=county_officer)
    assert notice.subject == zh("Urgent report %(ref)s concluded", ref=report.reference)


def test_the_county_concluding_an_urgent_report_tells_nobody_else(county_officer, report_a):
    report, _code = report_a
    Report.objects.filter(pk=report.pk).update(urgent=True)
    accept(report, county_officer)
    conclude(report, county_officer, finding=Finding.NOT_SUBSTANTIATED)
    assert not Notification.objects.exists()


# --------------------------------------------------------------------------------------------- replies


def test_the_acceptance_and_result_reach_the_reporter_with_the_receipt_code(
    township_officer_a, report_a, client
):
    report, code = report_a
    accept(report, township_officer_a)
    reply(report, township_officer_a, kind=MessageKind.ACCEPTANCE, body="您反映的问题已受理。")
    conclude(report, township_officer_a)
    reply(report, township_officer_a, body="经核实，反映问题属实，已作处理。")
    report.refresh_from_db()
    assert report.acceptance_replied_on and report.result_replied_on
    kinds = list(ReportMessage.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == [MessageKind.ACCEPTANCE, MessageKind.RESULT]
    assert CaseEntry.objects.filter(report=report, kind=CaseEntryKind.REPLY).count() == 2
    assert events(report, "report.reply").count() == 2
    body = client.post(reverse("portal:report_follow_up"), {"code": code}).content.decode()
    assert zh("Acceptance notice") in body and zh("Result of the handling") in body
    assert "您反映的问题已受理。" in body and "经核实，反映问题属实，已作处理。" in body
    assert zh("The matter has been looked into. The result was given to you.") in body
    # Never the handler's name, the finding summary or an internal note.
    assert str(township_officer_a) not in body and SUMMARY not in body and REASON not in body


def test_a_named_reporter_may_be_told_by_phone_on_a_date(township_officer_a, cadre_a, grid_a):
    with at(2026, 10, 8):
        report, _code = file_report(
            subject_cadre=cadre_a, grid=grid_a, reporter_name="陈小明", reporter_phone="13912345678"
        )
    with at(2026, 10, 12):
        accept(report, township_officer_a)
        refused(
            lambda: reply(
                report,
                township_officer_a,
                kind=MessageKind.ACCEPTANCE,
                way=handling.ReplyWay.PHONE,
                given_on=datetime.date(2026, 10, 7),
            ),
            "The date cannot be before the report arrived.",
            field="given_on",
        )
        reply(
            report,
            township_officer_a,
            kind=MessageKind.ACCEPTANCE,
            way=handling.ReplyWay.PHONE,
            body="电话告知已受理",
            given_on=datetime.date(2026, 10, 10),
        )
    report.refresh_from_db()
    assert report.acceptance_replied_on == datetime.date(2026, 10, 10)
    assert not ReportMessage.objects.filter(report=report).exists()
    entry = CaseEntry.objects.get(report=report, kind=CaseEntryKind.REPLY)
    assert entry.details == {"reply": "acceptance", "way": "phone", "on": "2026-10-10"}
    assert entry.body == "电话告知已受理"


def test_it_refuses_replies_that_cannot_be_given(township_officer_a, report_a, named_report):
    anonymous, _code = report_a
    named, _code = named_report
    refused(
        lambda: reply(anonymous, township_officer_a),
        "This step is not possible now: the report is “%(status)s”.",
        status=zh("Received", context="report status"),
    )
    accept(anonymous, township_officer_a)
    accept(named, township_officer_a)
    refused(
        lambda: reply(
            anonymous, township_officer_a, way=handling.ReplyWay.PHONE, kind=MessageKind.ACCEPTANCE
        ),
        "An anonymous reporter can only be answered by a message read with the receipt code.",
        field="way",
    )
    refused(
        lambda: reply(anonymous, township_officer_a),
        "There is no result yet: record the conclusion first.",
        field="reply",
    )
    refused(
        lambda: reply(
            named,
            township_officer_a,
            kind=MessageKind.ACCEPTANCE,
            way=handling.ReplyWay.LETTER,
            given_on=timezone.localdate() + datetime.timedelta(days=1),
        ),
        "The date cannot be in the future.",
        field="given_on",
    )
    refused(
        lambda: reply(named, township_officer_a, kind=MessageKind.ACCEPTANCE, way=handling.ReplyWay.LETTER),
        "Give the date the reporter was told.",
        field="given_on",
    )
    reply(anonymous, township_officer_a, kind=MessageKind.ACCEPTANCE)
    refused(
        lambda: reply(anonymous, township_officer_a, kind=MessageKind.ACCEPTANCE),
        "The reporter was already told that the report was accepted.",
        field="reply",
    )
    assert events(anonymous, "report.reply").count() == 1


# ------------------------------------------------------------------------------------------------ close


def test_it_refuses_to_close_before_the_result_reply(township_officer_a, report_a):
    report, _code = report_a
    accept(report, township_officer_a)
    conclude(report, township_officer_a)
    refused(
        lambda: handling.report_close(actor=township_officer_a, report=report),
        "The case cannot be closed before the reporter is told the result. Give the result reply first.",
    )
    assert Report.objects.get(pk=report.pk).status == ReportStatus.CONCLUDED
    reply(report, township_officer_a)
    with at(2026, 11, 2):
        handling.report_close(actor=township_officer_a, report=report, note="办结")
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.closed_on == datetime.date(2026, 11, 2)
    assert CaseEntry.objects.get(report=report, kind=CaseEntryKind.CLOSING).body == "办结"
    assert events(report, "report.close").count() == 1


# --------------------------------------------------------------------------------- the workflow table


@pytest.mark.parametrize("status", list(ReportStatus))
def test_each_step_is_offered_from_the_right_statuses_only(
    township_officer_a, grid_supervisor, report_a, status
):
    """Every status, no reply given and no time limit running: the decider is offered what the status
    allows, the grid supervisor notes only."""
    report, _code = report_a
    replied = datetime.date(2026, 11, 2) if status == ReportStatus.CLOSED else None
    Report.objects.filter(pk=report.pk).update(status=status, result_replied_on=replied)
    report.refresh_from_db()
    expected = {"note"}
    if status in (ReportStatus.RECEIVED, ReportStatus.HANDLING, ReportStatus.CONCLUDED):
        expected.add("assign")
    if status in (ReportStatus.RECEIVED, ReportStatus.HANDLING):
        expected.add("dispose")
    if status == ReportStatus.HANDLING:
        expected.add("conclude")
    if status in (
        ReportStatus.CONCLUDED,
        ReportStatus.DUPLICATE,
        ReportStatus.INVALID,
        ReportStatus.TRANSFERRED,
    ):
        expected.add("reply")  # the result reply (closing waits for it), or the outcome of a set-aside report
    assert handling.available_actions(report, township_officer_a) == expected
    assert handling.available_actions(report, grid_supervisor) == {"note"}


def test_extension_reply_and_close_are_offered_when_they_can_be_taken(township_officer_a, report_a):
    report, _code = report_a
    report = accept(report, township_officer_a)
    assert {"extend", "reply", "conclude"} <= handling.available_actions(report, township_officer_a)
    report = reply(report, township_officer_a, kind=MessageKind.ACCEPTANCE)
    assert "reply" not in handling.available_actions(report, township_officer_a)
    report = conclude(report, township_officer_a)
    actions = handling.available_actions(report, township_officer_a)
    assert {"extend", "reply"} <= actions and "close" not in actions
    report = reply(report, township_officer_a)
    assert handling.available_actions(report, township_officer_a) == {"assign", "note", "close"}


# ---------------------------------------------------------------------------------------------- views

DECIDER_STEPS = ["case_assign", "case_dispose", "case_extend", "case_conclude", "case_reply", "case_close"]
ALL_STEPS = [*DECIDER_STEPS, "case_note"]


def url(name, report):
    return reverse(f"cases:{name}", args=[report.pk])


@pytest.mark.parametrize("name", ALL_STEPS)
def test_steps_need_sign_in(client, report_a, name):
    response = client.post(url(name, report_a[0]), {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ALL_STEPS)
def test_steps_answer_405_to_a_get(as_user, county_officer, report_a, name):
    assert as_user(county_officer).get(url(name, report_a[0])).status_code == 405


@pytest.mark.parametrize("name", ALL_STEPS)
def test_another_township_and_a_conflicted_officer_get_404(
    as_user, township_officer_b, township_a, cadre_a, report_a, name
):
    related = make_user("kin", role=Role.TOWNSHIP_STAFF, area=township_a)
    DeclaredRelation.objects.create(user=related, cadre=cadre_a, kind=RelationKind.KIN)
    assert as_user(township_officer_b).post(url(name, report_a[0]), {}).status_code == 404
    assert as_user(related).post(url(name, report_a[0]), {}).status_code == 404


@pytest.mark.parametrize("name", ALL_STEPS)
@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "office"])
def test_roles_without_case_handling_are_refused(request, as_user, report_a, name, persona):
    """The subject's unit and the cadre have no case role (403, as every case page answers them); the
    office reads cases but takes no step."""
    client = as_user(request.getfixturevalue(persona))
    assert client.post(url(name, report_a[0]), {}).status_code == 403
    assert not CaseEntry.objects.exists()


@pytest.mark.parametrize("name", DECIDER_STEPS)
def test_a_grid_supervisor_takes_no_decision(as_user, grid_supervisor, report_a, name):
    assert as_user(grid_supervisor).post(url(name, report_a[0]), {}).status_code == 403


def test_the_steps_work_for_the_county_and_the_township(
    as_user, county_officer, township_officer_a, report_a
):
    report, _code = report_a
    client = as_user(township_officer_a)
    response = client.post(
        url("case_assign", report), {"assign-handler": county_officer.pk, "assign-note": ""}
    )
    assert response.status_code == 302 and response["Location"].endswith("#handling")
    response = client.post(
        url("case_dispose", report), {"dispose-disposal": "preliminary", "dispose-reason": REASON}
    )
    assert response.status_code == 302
    client = as_user(county_officer)
    assert (
        client.post(
            url("case_extend", report),
            {"extend-limit": "verify", "extend-days": "5", "extend-reason": "补充调查"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("case_note", report), {"note-kind": "note", "note-body": "约谈记录已存档"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("case_reply", report),
            {"reply-reply": "acceptance", "reply-way": "message", "reply-body": "已受理"},
        ).status_code
        == 302
    )
    response = client.post(
        url("case_conclude", report),
        {"conclude-finding": "partly", "conclude-summary": SUMMARY, "conclude-warning_proposed": "on"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            url("case_reply", report),
            {"reply-reply": "result", "reply-way": "message", "reply-body": "部分属实"},
        ).status_code
        == 302
    )
    assert client.post(url("case_close", report), {"close-note": ""}).status_code == 302
    report.refresh_from_db()
    assert (
        report.status == ReportStatus.CLOSED and report.warning_proposed and report.finding == Finding.PARTLY
    )
    page = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    for text in (
        zh("Handler assigned"),
        zh("Time limit extended"),
        "约谈记录已存档",
        zh("Closed", context="report status"),
        REASON,
    ):
        assert text in page


def test_a_grid_supervisor_adds_a_note_on_the_page(as_user, grid_supervisor, report_a):
    report, _code = report_a
    client = as_user(grid_supervisor)
    page = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert url("case_note", report) in page
    for name in DECIDER_STEPS:
        assert url(name, report) not in page
    response = client.post(url("case_note", report), {"note-kind": "evidence", "note-body": "现场照片已取得"})
    assert response.status_code == 302
    assert "现场照片已取得" in client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()


def test_the_office_reads_the_history_without_forms(as_user, office, township_officer_a, report_a):
    report, _code = report_a
    accept(report, township_officer_a)
    response = as_user(office).get(reverse("cases:case_detail", args=[report.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page and zh("Case history") in page
    for name in ALL_STEPS:
        assert url(name, report) not in page


def test_a_refused_step_shows_the_error_beside_the_field_and_keeps_the_input(
    as_user, township_officer_a, report_a
):
    report, _code = report_a
    response = as_user(township_officer_a).post(
        url("case_dispose", report), {"dispose-disposal": "talk_letter", "dispose-reason": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert zh("Give the reason for the disposal.") in page
    assert '<option value="talk_letter" selected>' in page
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RECEIVED


def test_the_service_refusal_shows_on_the_page(as_user, township_officer_a, report_a):
    """A refusal the form cannot see (the report already has this disposal) comes back beside the field."""
    report, _code = report_a
    accept(report, township_officer_a)
    response = as_user(township_officer_a).post(
        url("case_dispose", report), {"dispose-disposal": "preliminary", "dispose-reason": "再次确认"}
    )
    assert response.status_code == 400
    assert zh("The report already has this disposal.") in response.content.decode()


def test_closing_without_the_result_reply_is_refused_on_the_page(as_user, township_officer_a, report_a):
    report, _code = report_a
    accept(report, township_officer_a)
    conclude(report, township_officer_a)
    client = as_user(township_officer_a)
    page = client.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert url("case_close", report) not in page
    assert zh("The case can be closed once the reporter has been told the result.") in page
    response = client.post(url("case_close", report), {"close-note": ""})
    assert response.status_code == 400
    assert (
        zh("The case cannot be closed before the reporter is told the result. Give the result reply first.")
        in response.content.decode()
    )
    assert Report.objects.get(pk=report.pk).status == ReportStatus.CONCLUDED


def test_a_township_handing_over_is_sent_back_to_its_list(as_user, township_officer_a, report_a):
    report, _code = report_a
    accept(report, township_officer_a)
    response = as_user(township_officer_a).post(
        url("case_dispose", report), {"dispose-disposal": "handed_over", "dispose-reason": "移送县纪委"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_list")


def test_the_reply_form_offers_other_ways_only_for_a_named_reporter(
    as_user, township_officer_a, report_a, named_report
):
    anonymous, named = report_a[0], named_report[0]
    accept(anonymous, township_officer_a)
    accept(named, township_officer_a)
    client = as_user(township_officer_a)
    page = client.get(reverse("cases:case_detail", args=[anonymous.pk])).content.decode()
    assert 'value="phone"' not in page and 'name="reply-given_on"' not in page
    page = client.get(reverse("cases:case_detail", args=[named.pk])).content.decode()
    assert 'value="phone"' in page and 'name="reply-given_on"' in page


def test_a_role_held_elsewhere_gives_no_power_over_a_report(township_officer_a, grid_b, report_b):
    """A township A officer who also sits on grid B's team sees B's report as a grid team member: they may
    add a note, as the team may, but not accept, conclude or triage it as a township officer of B would."""
    from gridwatch.cases import triage
    from gridwatch.geography.models import GridTeamMember

    report, _code = report_b
    GridTeamMember.objects.create(grid=grid_b, user=township_officer_a, role="supervisor")
    with pytest.raises(NotPermitted):
        handling.report_dispose(
            actor=township_officer_a, report=report, disposal=Disposal.PRELIMINARY, reason="核实"
        )
    with pytest.raises(NotPermitted):
        triage.report_triage(actor=township_officer_a, report=report, urgent=True)
    handling.report_note_add(actor=township_officer_a, report=report, body="网格走访记录")
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and not report.urgent


def test_a_named_report_closes_only_once_the_reporter_was_told_it_was_accepted(
    township_officer_a, named_report
):
    report, _code = named_report
    officer = township_officer_a
    handling.report_dispose(actor=officer, report=report, disposal=Disposal.PRELIMINARY, reason="需核实")
    handling.report_conclude(
        actor=officer, report=report, finding=Finding.NOT_SUBSTANTIATED, summary="经核实不属实"
    )
    handling.report_reply(
        actor=officer,
        report=report,
        reply=MessageKind.RESULT,
        way=handling.ReplyWay.PHONE,
        body="已电话告知",
        given_on=timezone.localdate(),
    )
    with pytest.raises(ValidationFailed) as refused:
        handling.report_close(actor=officer, report=report)
    assert refused.value.message == zh(
        "The case cannot be closed before the named reporter is told the report was accepted. Give the "
        "acceptance notice first."
    )
    assert "close" not in handling.available_actions(Report.objects.get(pk=report.pk), officer)
    handling.report_reply(
        actor=officer,
        report=report,
        reply=MessageKind.ACCEPTANCE,
        way=handling.ReplyWay.PHONE,
        body="已告知受理",
        given_on=timezone.localdate(),
    )
    handling.report_close(actor=officer, report=report)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.CLOSED


def test_the_reporter_is_told_the_outcome_of_a_report_that_was_not_accepted(
    client, as_user, township_officer_a, named_report
):
    from gridwatch.cases import triage

    report, code = named_report
    triage.report_mark_invalid(
        actor=township_officer_a, report=report, reason_kind="not_conduct", reason="反映的是工作时间内的事项"
    )
    assert "reply" in handling.available_actions(Report.objects.get(pk=report.pk), township_officer_a)
    case_page = as_user(township_officer_a).get(reverse("cases:case_detail", args=[report.pk]))
    assert reverse("cases:case_reply", args=[report.pk]) in case_page.content.decode()
    client.logout()
    handling.report_reply(
        actor=township_officer_a,
        report=report,
        reply=MessageKind.RESULT,
        way=handling.ReplyWay.MESSAGE,
        body="您反映的问题不属于八小时以外作风监督范围，已建议您向其单位反映。",
    )
    assert Report.objects.get(pk=report.pk).result_replied_on == timezone.localdate()
    page = client.post(reverse("portal:report_follow_up"), {"code": code}).content.decode()
    assert "不属于八小时以外作风监督范围" in page
