"""No plain copy of an encrypted text (SECURITY.md items 4 and 8): the finding's summary, the triage reason,
a clarification's reason and decision note are encrypted where they are kept, and no copy of them lies
readable anywhere else: not in the cadre's file entry (its ``details`` are plain JSON), a notification, the
case history's details or an audit event. The services run for real, then every column of every table is
read as text and searched. The readers still see each text where they saw it before. The migrations
encrypt the texts recorded before and decrypt them back when reversed."""

import datetime
import importlib
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from gridwatch.accounts.models import Notification
from gridwatch.cases import clarifications, handling, triage
from gridwatch.cases.models import Clarification, ClarificationStatus, Disposal, Finding, Report
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import plain_copies, zh
from gridwatch.people import services as people
from gridwatch.people.models import CadreFileEntry, FileEntryKind

# Each text carries an ASCII mark that survives any encoding but encryption (a JSON column on SQLite
# escapes the Chinese).
SUMMARY = "经核实，该干部于周六接受宴请属实 CANARY-SUMMARY-4c1e"
CLEARED = "经核实，反映问题不属实 CANARY-CLEARED-77d0"
ASKED = "反映不实，影响本人声誉 CANARY-ASKED-a9b3"
DECLINED = "单位内已作说明，无需另行澄清 CANARY-DECLINED-5e2f"
PROPOSED = "建议在单位内澄清 CANARY-PROPOSED-0b8d"
APPROVED = "在全县干部大会上说明 CANARY-APPROVED-c3a1"
INVALID = "反映内容系网上转载 CANARY-INVALID-62f4"
DUPLICATE = "同一事项重复反映 CANARY-DUPLICATE-1d7a"
TRANSFERRED = "非本县干部，转公安机关 CANARY-TRANSFERRED-9e05"
STATUS_NOTE = "调往州直单位任职 CANARY-STATUS-3f6b"
SECRETS = (
    SUMMARY,
    CLEARED,
    ASKED,
    DECLINED,
    PROPOSED,
    APPROVED,
    INVALID,
    DUPLICATE,
    TRANSFERRED,
    STATUS_NOTE,
)
# Plain by design (the name of a body outside GridWatch): proves the search reads the JSON columns too.
BODY = "黔南州公安局 CANARY-BODY-8a4c"


def _accept(report, actor):
    return handling.report_dispose(
        actor=actor, report=report, disposal=Disposal.PRELIMINARY, reason="线索具体，可查性强"
    )


@pytest.fixture
def scene(cadre_a, cadre_b, grid_a, township_officer_a, county_officer, cadre_user):
    """Every text written through the services: a substantiated finding (into cadre A's file), a finding that
    clears cadre A with a request declined and a proposal approved, three reports triaged away, and a
    status change of cadre B."""
    adverse, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    _accept(adverse, township_officer_a)
    handling.report_conclude(
        actor=township_officer_a, report=adverse, finding=Finding.SUBSTANTIATED, summary=SUMMARY
    )

    cleared, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    _accept(cleared, township_officer_a)
    handling.report_conclude(
        actor=township_officer_a, report=cleared, finding=Finding.NOT_SUBSTANTIATED, summary=CLEARED
    )
    asked = clarifications.clarification_request(actor=cadre_user, report=cleared, reason=ASKED)
    clarifications.clarification_decline(actor=county_officer, clarification=asked, note=DECLINED)
    proposed = clarifications.clarification_propose(
        actor=township_officer_a, report=cleared, reason=PROPOSED, scope="unit"
    )
    clarifications.clarification_approve(
        actor=county_officer,
        clarification=proposed,
        scope="meeting",
        clarified_on=datetime.date.today(),
        note=APPROVED,
    )

    invalid, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    triage.report_mark_invalid(actor=township_officer_a, report=invalid, reason_kind="other", reason=INVALID)
    duplicate, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    triage.report_mark_duplicate(
        actor=township_officer_a, report=duplicate, original=adverse, reason=DUPLICATE
    )
    transferred, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    triage.report_transfer(actor=township_officer_a, report=transferred, to_body=BODY, reason=TRANSFERRED)

    people.cadre_change_status(actor=county_officer, cadre=cadre_b, status="transferred", note=STATUS_NOTE)
    return {
        "adverse": adverse,
        "cleared": cleared,
        "invalid": invalid,
        "duplicate": duplicate,
        "transferred": transferred,
    }


# ------------------------------------------------------------------------------------- the database


def test_no_encrypted_text_lies_readable_anywhere_in_the_database(scene):
    assert plain_copies(SECRETS) == []
    # The search does find a plain text, in the text and the JSON columns alike.
    where = {(table, column) for table, column, _text in plain_copies([BODY])}
    assert ("cases_caseentry", "details") in where and ("audit_auditevent", "changes") in where


def test_the_texts_are_kept_encrypted_and_read_as_written(scene, cadre_a, cadre_b, cadre_user):
    entry = CadreFileEntry.objects.get(cadre=cadre_a, kind=FileEntryKind.FINDING)
    assert entry.note == SUMMARY and "note" not in entry.details
    status = CadreFileEntry.objects.get(cadre=cadre_b, title="Status changed: %(status)s")
    assert status.note == STATUS_NOTE and "note" not in status.details
    asked, proposed = Clarification.objects.filter(report=scene["cleared"]).order_by("created_at")
    assert (asked.status, asked.reason, asked.decision_note) == (
        ClarificationStatus.DECLINED,
        ASKED,
        DECLINED,
    )
    assert (proposed.reason, proposed.decision_note) == (PROPOSED, APPROVED)
    reasons = {key: Report.objects.get(pk=scene[key].pk).status_reason for key in ("invalid", "duplicate")}
    assert reasons == {"invalid": INVALID, "duplicate": DUPLICATE}
    assert Report.objects.get(pk=scene["transferred"].pk).status_reason == TRANSFERRED
    # The cadre who asked is told where to read the county's reason, not the reason.
    declined = Notification.objects.get(
        user=cadre_user, subject=zh("Your request for a clarification was declined")
    )
    assert declined.body == zh("The reason is on the finding's page.")
    assert declined.link == reverse("cases:my_finding", args=[scene["cleared"].pk])


# ----------------------------------------------------------------------------------------- the readers


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_cadres_file_shows_the_summary_and_the_status_note_to_its_readers_as_before(
    scene,
    as_user,
    county_officer,
    township_officer_a,
    grid_supervisor,
    unit_liaison,
    cadre_user,
    cadre_a,
    cadre_b,
):
    for reader in (county_officer, township_officer_a, grid_supervisor, unit_liaison):
        assert page(as_user(reader), reverse("people:cadre_detail", args=[cadre_a.pk])).count(SUMMARY) == 1
    # The cadre reads the verified finding about them in their own file; never the reporter.
    own = page(as_user(cadre_user), reverse("people:my_file"))
    assert own.count(SUMMARY) == 1 and "陈小明" not in own
    assert STATUS_NOTE in page(as_user(county_officer), reverse("people:cadre_detail", args=[cadre_b.pk]))


def test_the_case_page_shows_the_triage_reasons_and_the_clarifications(scene, as_user, county_officer):
    client = as_user(county_officer)
    for key, text in (("invalid", INVALID), ("duplicate", DUPLICATE), ("transferred", TRANSFERRED)):
        assert text in page(client, reverse("cases:case_detail", args=[scene[key].pk])), key
    cleared = page(client, reverse("cases:case_detail", args=[scene["cleared"].pk]))
    for text in (CLEARED, ASKED, DECLINED, PROPOSED, APPROVED):
        assert text in cleared, text


def test_the_cadre_reads_the_findings_and_the_county_reason_on_the_findings_page(
    cadre_a, grid_a, township_officer_a, county_officer, cadre_user, as_user
):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    _accept(report, township_officer_a)
    handling.report_conclude(
        actor=township_officer_a, report=report, finding=Finding.NOT_SUBSTANTIATED, summary=CLEARED
    )
    asked = clarifications.clarification_request(actor=cadre_user, report=report, reason=ASKED)
    clarifications.clarification_decline(actor=county_officer, clarification=asked, note=DECLINED)
    client = as_user(cadre_user)
    assert CLEARED in page(client, reverse("cases:my_findings"))
    # Where the notification points: the reason, the cadre's own and the finding's summary.
    link = Notification.objects.get(user=cadre_user).link
    mine = page(client, link)
    for text in (CLEARED, ASKED, DECLINED):
        assert text in mine, text


def test_the_cadre_reads_an_approved_note_but_never_the_handlers_reason(scene, as_user, cadre_user):
    mine = page(as_user(cadre_user), reverse("cases:my_finding", args=[scene["cleared"].pk]))
    assert APPROVED in mine and PROPOSED not in mine
    assert SUMMARY in page(as_user(cadre_user), reverse("cases:my_finding", args=[scene["adverse"].pk]))


# ----------------------------------------------------------------------------------------- the migrations


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return json.dumps(cursor.fetchall(), ensure_ascii=False, default=str)


def _key(pk):
    return pk.hex if connection.vendor == "sqlite" else pk


def _editor():
    return SimpleNamespace(connection=connection)


def test_the_cases_migration_encrypts_the_texts_recorded_before_and_decrypts_them_back(
    cadre_a, grid_a, township_officer_a, county_officer, cadre_user
):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    _accept(report, township_officer_a)
    handling.report_conclude(
        actor=township_officer_a, report=report, finding=Finding.NOT_SUBSTANTIATED, summary=CLEARED
    )
    asked = clarifications.clarification_request(actor=cadre_user, report=report, reason="x")
    clarifications.clarification_decline(actor=county_officer, clarification=asked, note="y")
    invalid, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    triage.report_mark_invalid(actor=township_officer_a, report=invalid, reason_kind="other", reason="z")
    # As they were recorded before: in plain, the reason in the notification too.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_clarification SET reason = %s, decision_note = %s WHERE id = %s",
            [ASKED, DECLINED, _key(asked.pk)],
        )
        cursor.execute(
            "UPDATE cases_report SET status_reason = %s WHERE id = %s", [INVALID, _key(invalid.pk)]
        )
        cursor.execute(
            "UPDATE accounts_notification SET subject = %s, body = %s",
            ["您的澄清正名申请未获批准", f"县纪委说明的理由：{DECLINED}"],
        )
    before = raw("SELECT reason, decision_note FROM cases_clarification") + raw(
        "SELECT status_reason FROM cases_report"
    )
    assert ASKED in before and DECLINED in before and INVALID in before
    migration = importlib.import_module("gridwatch.cases.migrations.0006_encrypted_texts")

    migration.encrypt(None, _editor())
    assert plain_copies([ASKED, DECLINED, INVALID]) == []
    asked = Clarification.objects.get(pk=asked.pk)
    assert (asked.reason, asked.decision_note) == (ASKED, DECLINED)
    assert Report.objects.get(pk=invalid.pk).status_reason == INVALID
    assert Report.objects.get(pk=report.pk).status_reason == ""  # empty stays empty
    assert Notification.objects.get(user=cadre_user).body == "理由请在核实结论页面查看。"

    migration.decrypt(None, _editor())
    assert raw("SELECT reason, decision_note FROM cases_clarification WHERE id = %s", [_key(asked.pk)]) == (
        json.dumps([[ASKED, DECLINED]], ensure_ascii=False)
    )
    assert raw("SELECT status_reason FROM cases_report WHERE id = %s", [_key(invalid.pk)]) == json.dumps(
        [[INVALID]], ensure_ascii=False
    )


def test_the_people_migration_moves_the_notes_out_of_the_plain_details_and_back(
    cadre_a, cadre_b, grid_a, township_officer_a, county_officer
):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    _accept(report, township_officer_a)
    handling.report_conclude(
        actor=township_officer_a, report=report, finding=Finding.SUBSTANTIATED, summary=SUMMARY
    )
    people.cadre_change_status(actor=county_officer, cadre=cadre_b, status="transferred", note=STATUS_NOTE)
    finding = CadreFileEntry.objects.get(kind=FileEntryKind.FINDING)
    status = CadreFileEntry.objects.get(cadre=cadre_b, title="Status changed: %(status)s")
    # As they were recorded before: the note inside the plain details.
    with connection.cursor() as cursor:
        for entry, text in ((finding, SUMMARY), (status, STATUS_NOTE)):
            cursor.execute(
                "UPDATE people_cadrefileentry SET details = %s, note = %s WHERE id = %s",
                [connection.ops.adapt_json_value({**entry.details, "note": text}, None), "", entry.pk],
            )
    assert {text for _t, _c, text in plain_copies([SUMMARY, STATUS_NOTE])} == {SUMMARY, STATUS_NOTE}
    migration = importlib.import_module("gridwatch.people.migrations.0005_file_entry_notes")

    migration.move_out(None, _editor())
    assert plain_copies([SUMMARY, STATUS_NOTE]) == []
    for entry, text in ((finding, SUMMARY), (status, STATUS_NOTE)):
        moved = CadreFileEntry.objects.get(pk=entry.pk)
        assert moved.note == text and moved.details == entry.details  # the rest of the details as they were
    others = CadreFileEntry.objects.exclude(pk__in=[finding.pk, status.pk])
    assert not others.exclude(note="").exists()

    migration.move_back(None, _editor())
    for entry, text in ((finding, SUMMARY), (status, STATUS_NOTE)):
        assert CadreFileEntry.objects.get(pk=entry.pk).details == {**entry.details, "note": text}
