"""Clearing a cadre's name (澄清正名): asked for by the cadre or proposed by the handlers after a clearing
finding, decided by county commission staff, written in the cadre's file; the staff panel and the county's
list of pending clarifications."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from gridwatch.accounts.models import Notification
from gridwatch.audit.models import AuditEvent
from gridwatch.cases import clarifications as svc
from gridwatch.cases.models import (
    CaseEntry,
    CaseEntryKind,
    Clarification,
    ClarificationScope,
    ClarificationStatus,
    Finding,
    ReportStatus,
)
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.models import CadreFileEntry, DeclaredRelation, FileEntryKind, RelationKind

FINDING_ON = datetime.date(2025, 3, 3)
SUMMARY = "经核实，张伟同志周末未接受宴请，反映问题不属实。"
REASON = "反映不实，影响本人在单位的声誉"


def conclude(report, finding=Finding.NOT_SUBSTANTIATED, *, status=ReportStatus.CONCLUDED, summary=SUMMARY):
    """Record a finding directly on the model (the handling services are another part's)."""
    report.status = status
    report.finding = finding
    report.finding_summary = summary
    report.finding_on = FINDING_ON
    if status == ReportStatus.CLOSED:
        report.result_replied_on = FINDING_ON
        report.closed_on = FINDING_ON
    report.save()
    return report


@pytest.fixture
def cleared(cadre_a, grid_a):
    """A report about cadre A concluded as not substantiated."""
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    return conclude(report)


@pytest.fixture
def adverse(cadre_a, grid_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    return conclude(report, Finding.SUBSTANTIATED)


def actions_since(seq):
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


def last_seq():
    event = AuditEvent.objects.order_by("-seq").first()
    return event.seq if event else 0


def refusal(callable_, **kwargs):
    with pytest.raises(ValidationFailed) as info:
        callable_(**kwargs)
    return str(info.value.message)


# ------------------------------------------------------------------------------------------- services


def test_it_records_a_cadres_request_with_one_history_entry_and_one_audit_event(cadre_user, cleared):
    seq = last_seq()
    clarification = svc.clarification_request(actor=cadre_user, report=cleared, reason=f"  {REASON} ")
    assert clarification.status == ClarificationStatus.REQUESTED
    assert clarification.reason == REASON and clarification.requested_by == cadre_user
    assert clarification.cadre_id == cleared.subject_cadre_id and clarification.scope == ""
    entries = list(CaseEntry.objects.filter(report=cleared, kind=CaseEntryKind.CLARIFICATION))
    assert len(entries) == 1 and entries[0].body == REASON and entries[0].actor == cadre_user
    assert entries[0].details["status"] == "requested"
    assert actions_since(seq) == ["clarification.request"]
    event = AuditEvent.objects.get(seq=seq + 1)
    # The cadre's words stay out of the audit log.
    assert REASON not in str(event.changes) and event.object_id == str(cleared.pk)


def test_it_approves_a_request_into_the_cadres_file_and_tells_the_cadre(cadre_user, county_officer, cleared):
    clarification = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    seq = last_seq()
    on = datetime.date(2025, 3, 20)
    svc.clarification_approve(
        actor=county_officer, clarification=clarification, scope=ClarificationScope.MEETING, clarified_on=on
    )
    clarification.refresh_from_db()
    assert clarification.status == ClarificationStatus.APPROVED
    assert clarification.scope == "meeting" and clarification.clarified_on == on
    assert clarification.decided_by == county_officer and clarification.decided_on is not None
    entry = CadreFileEntry.objects.get(cadre=cleared.subject_cadre, kind=FileEntryKind.CLARIFICATION)
    assert entry.details["scope"] == "meeting" and entry.details["clarified_on"] == "2025-03-20"
    assert entry.details["finding"] == "not_substantiated" and entry.recorded_by == county_officer
    assert entry.display_title == zh(
        "Name cleared (澄清正名) after the finding “%(finding)s”: %(scope)s, on %(date)s",
        finding=zh("Not substantiated"),
        scope=zh("At a meeting"),
        date="2025-03-20",
    )
    # Nothing of the report or of anyone's reasons in the file.
    assert "宴请" not in str(entry.details) and REASON not in str(entry.details)
    notification = Notification.objects.get(user=cadre_user)
    assert notification.subject == zh("Your name is cleared (澄清正名)")
    assert "2025-03-20" in notification.body and zh("At a meeting") in notification.body
    assert notification.link == reverse("cases:my_finding", args=[cleared.pk])
    assert actions_since(seq) == ["clarification.approve"]
    kinds = CaseEntry.objects.filter(report=cleared, kind=CaseEntryKind.CLARIFICATION)
    assert [e.details["status"] for e in kinds] == ["requested", "approved"]


def test_it_approves_a_proposal_with_the_scope_the_county_chooses(
    township_officer_a, county_officer, cadre_user, cleared
):
    proposal = svc.clarification_propose(
        actor=township_officer_a, report=cleared, reason="经核实不属实，建议在单位内澄清", scope="unit"
    )
    assert proposal.status == ClarificationStatus.PROPOSED and proposal.scope == "unit"
    assert proposal.requested_by == township_officer_a
    svc.clarification_approve(
        actor=county_officer,
        clarification=proposal,
        scope=ClarificationScope.PUBLIC,
        clarified_on=datetime.date(2025, 4, 1),
    )
    entry = CadreFileEntry.objects.get(kind=FileEntryKind.CLARIFICATION)
    assert entry.details["scope"] == "public" and entry.details["clarified_on"] == "2025-04-01"


def test_it_declines_with_a_note_tells_the_cadre_and_allows_a_new_request(
    cadre_user, county_officer, cleared
):
    first = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    seq = last_seq()
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_decline(actor=county_officer, clarification=first, note="  ")
    assert info.value.field == "note"
    svc.clarification_decline(actor=county_officer, clarification=first, note="单位内已作说明，无需另行澄清")
    first.refresh_from_db()
    assert (
        first.status == ClarificationStatus.DECLINED and first.decision_note == "单位内已作说明，无需另行澄清"
    )
    assert actions_since(seq) == ["clarification.decline"]
    assert not CadreFileEntry.objects.filter(kind=FileEntryKind.CLARIFICATION).exists()
    notification = Notification.objects.get(user=cadre_user)
    assert notification.subject == zh("Your request for a clarification was declined")
    # The notification (a plain table) says where to read the reason, not the reason.
    assert "单位内已作说明" not in notification.body
    assert notification.body == zh("The reason is on the finding's page.")
    assert notification.link == reverse("cases:my_finding", args=[cleared.pk])
    again = svc.clarification_request(actor=cadre_user, report=cleared, reason="再次申请")
    assert again.status == ClarificationStatus.REQUESTED
    assert Clarification.objects.filter(report=cleared).count() == 2


def test_it_refuses_a_second_live_clarification(cadre_user, township_officer_a, county_officer, cleared):
    first = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    waiting = zh("A clarification of this finding is already waiting for the county's decision.")
    assert refusal(svc.clarification_request, actor=cadre_user, report=cleared, reason="again") == waiting
    assert (
        refusal(
            svc.clarification_propose, actor=township_officer_a, report=cleared, reason="建议", scope="unit"
        )
        == waiting
    )
    svc.clarification_approve(
        actor=county_officer, clarification=first, scope="unit", clarified_on=datetime.date(2025, 3, 10)
    )
    done = zh("The cadre's name has already been cleared for this finding.")
    assert refusal(svc.clarification_request, actor=cadre_user, report=cleared, reason="again") == done
    assert Clarification.objects.filter(report=cleared).count() == 1
    assert CaseEntry.objects.filter(report=cleared, kind=CaseEntryKind.CLARIFICATION).count() == 2


@pytest.mark.parametrize("finding", [Finding.SUBSTANTIATED, Finding.PARTLY, Finding.UNVERIFIABLE])
def test_it_refuses_a_clarification_after_a_finding_that_does_not_clear(
    cadre_user, township_officer_a, cadre_a, grid_a, finding
):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    conclude(report, finding)
    message = zh(
        "A clarification follows only a finding of not substantiated, a mistaken report or a suspected "
        "false accusation."
    )
    assert refusal(svc.clarification_request, actor=cadre_user, report=report, reason=REASON) == message
    assert (
        refusal(svc.clarification_propose, actor=township_officer_a, report=report, reason="x", scope="unit")
        == message
    )
    assert not Clarification.objects.exists() and not CaseEntry.objects.exists()


@pytest.mark.parametrize("finding", [Finding.NOT_SUBSTANTIATED, Finding.MISTAKEN, Finding.FALSE_SUSPECTED])
def test_it_accepts_a_request_after_each_clearing_finding(cadre_user, cadre_a, grid_a, finding):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    conclude(report, finding, status=ReportStatus.CLOSED)
    assert svc.clarification_request(actor=cadre_user, report=report, reason=REASON).pk


@pytest.mark.parametrize("status", [ReportStatus.RECEIVED, ReportStatus.HANDLING])
def test_it_refuses_a_clarification_before_a_finding(cadre_user, township_officer_a, report_a, status):
    report, _code = report_a
    report.status = status
    report.save()
    message = zh("A clarification may be asked for only once a finding has been recorded.")
    assert refusal(svc.clarification_request, actor=cadre_user, report=report, reason=REASON) == message
    assert (
        refusal(svc.clarification_propose, actor=township_officer_a, report=report, reason="x", scope="unit")
        == message
    )


def test_it_refuses_a_request_from_anyone_but_the_cadre_reported(
    cleared, unit_liaison, cadre_b, county_officer
):
    other = make_user("cadre_lina")
    cadre_b.user = other
    cadre_b.save(update_fields=["user"])
    for actor in (other, unit_liaison, county_officer):
        with pytest.raises(NotPermitted):
            svc.clarification_request(actor=actor, report=cleared, reason=REASON)
    assert not Clarification.objects.exists()


def test_it_lets_only_county_staff_decide(cadre_user, township_officer_a, grid_supervisor, cleared):
    clarification = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    for actor in (township_officer_a, grid_supervisor, cadre_user):
        with pytest.raises(NotPermitted):
            svc.clarification_approve(
                actor=actor, clarification=clarification, scope="unit", clarified_on=FINDING_ON
            )
        with pytest.raises(NotPermitted):
            svc.clarification_decline(actor=actor, clarification=clarification, note="no")
    clarification.refresh_from_db()
    assert clarification.status == ClarificationStatus.REQUESTED


def test_it_lets_only_the_deciders_who_see_the_report_propose(
    grid_supervisor, township_officer_b, county_officer, cadre_a, cleared
):
    for actor in (grid_supervisor, township_officer_b):
        with pytest.raises(NotPermitted):
            svc.clarification_propose(actor=actor, report=cleared, reason="建议", scope="unit")
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind=RelationKind.KIN)
    with pytest.raises(NotPermitted):
        svc.clarification_propose(actor=county_officer, report=cleared, reason="建议", scope="unit")
    assert not Clarification.objects.exists()


def test_it_checks_the_scope_and_the_date_of_an_approval(cadre_user, county_officer, cleared):
    clarification = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_approve(
            actor=county_officer, clarification=clarification, scope="", clarified_on=FINDING_ON
        )
    assert info.value.field == "scope"
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_approve(
            actor=county_officer, clarification=clarification, scope="unit", clarified_on=None
        )
    assert info.value.field == "clarified_on"
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_approve(
            actor=county_officer,
            clarification=clarification,
            scope="unit",
            clarified_on=FINDING_ON - datetime.timedelta(days=1),
        )
    assert str(info.value.message) == zh(
        "The clarification cannot come before the finding (%(date)s).", date="2025-03-03"
    )
    clarification.refresh_from_db()
    assert clarification.status == ClarificationStatus.REQUESTED
    assert not CadreFileEntry.objects.filter(kind=FileEntryKind.CLARIFICATION).exists()


def test_it_refuses_to_decide_twice(cadre_user, county_officer, cleared):
    clarification = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    svc.clarification_decline(actor=county_officer, clarification=clarification, note="无需澄清")
    message = zh("This clarification is no longer waiting for a decision.")
    assert (
        refusal(
            svc.clarification_approve,
            actor=county_officer,
            clarification=clarification,
            scope="unit",
            clarified_on=FINDING_ON,
        )
        == message
    )
    assert not CadreFileEntry.objects.filter(kind=FileEntryKind.CLARIFICATION).exists()


def test_it_needs_a_reason_for_a_request_and_a_proposal(cadre_user, township_officer_a, cleared):
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_request(actor=cadre_user, report=cleared, reason="   ")
    assert info.value.field == "reason"
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_propose(actor=township_officer_a, report=cleared, reason="", scope="unit")
    assert info.value.field == "reason"
    with pytest.raises(ValidationFailed) as info:
        svc.clarification_propose(actor=township_officer_a, report=cleared, reason="建议", scope="nowhere")
    assert info.value.field == "scope"
    assert not Clarification.objects.exists()


# ------------------------------------------------------------------------------------ staff case page


def panel(client, report):
    return client.get(reverse("cases:case_detail", args=[report.pk]))


def test_it_offers_the_proposal_to_the_deciders_after_a_clearing_finding(
    as_user, township_officer_a, grid_supervisor, cleared
):
    propose = reverse("cases:clarification_propose", args=[cleared.pk])
    body = panel(as_user(township_officer_a), cleared).content.decode()
    assert zh("Clarification (澄清正名)") in body and propose in body
    assert reverse("cases:clarification_approve", args=[cleared.pk]) not in body
    body = panel(as_user(grid_supervisor), cleared).content.decode()
    assert zh("Clarification (澄清正名)") in body and propose not in body


def test_it_shows_no_clarification_panel_after_an_adverse_finding(as_user, township_officer_a, adverse):
    body = panel(as_user(township_officer_a), adverse).content.decode()
    assert zh("Clarification (澄清正名)") not in body
    assert reverse("cases:clarification_propose", args=[adverse.pk]) not in body


def test_it_proposes_from_the_case_page(as_user, township_officer_a, cleared):
    client = as_user(township_officer_a)
    url = reverse("cases:clarification_propose", args=[cleared.pk])
    response = client.post(url, {"propose-scope": "unit", "propose-reason": "经核实不属实"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[cleared.pk]) + "#clarification"
    clarification = Clarification.objects.get(report=cleared)
    assert clarification.status == ClarificationStatus.PROPOSED and clarification.scope == "unit"
    body = client.get(response["Location"]).content.decode()
    assert zh("Proposed by the handler") in body and "经核实不属实" in body
    assert zh("Waiting for the decision of county commission staff.") in body
    assert url not in body


def test_it_keeps_the_proposal_form_with_its_error(as_user, township_officer_a, cleared):
    response = as_user(township_officer_a).post(
        reverse("cases:clarification_propose", args=[cleared.pk]), {"propose-scope": "meeting"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert zh("This field is required.") in body
    assert 'value="meeting" selected' in body
    assert not Clarification.objects.exists()


def test_it_shows_a_refusal_beside_the_proposal_form(as_user, township_officer_a, cadre_user, cleared):
    svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    response = as_user(township_officer_a).post(
        reverse("cases:clarification_propose", args=[cleared.pk]),
        {"propose-scope": "unit", "propose-reason": "建议澄清"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert escape(zh("A clarification of this finding is already waiting for the county's decision.")) in body
    assert Clarification.objects.get(report=cleared).status == ClarificationStatus.REQUESTED


def test_it_approves_from_the_case_page(as_user, county_officer, cadre_user, cleared):
    svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    client = as_user(county_officer)
    body = panel(client, cleared).content.decode()
    assert reverse("cases:clarification_approve", args=[cleared.pk]) in body and REASON in body
    assert zh("the cadre") in body
    response = client.post(
        reverse("cases:clarification_approve", args=[cleared.pk]),
        {"approve-scope": "unit", "approve-clarified_on": "2025-03-12", "approve-note": ""},
    )
    assert response.status_code == 302
    clarification = Clarification.objects.get(report=cleared)
    assert clarification.status == ClarificationStatus.APPROVED
    assert clarification.clarified_on == datetime.date(2025, 3, 12)
    body = client.get(response["Location"]).content.decode()
    assert "2025-03-12" in body and escape(zh("Within the cadre's unit")) in body
    assert reverse("cases:clarification_approve", args=[cleared.pk]) not in body


def test_it_keeps_the_approval_form_with_the_date_error(as_user, county_officer, cadre_user, cleared):
    svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    response = as_user(county_officer).post(
        reverse("cases:clarification_approve", args=[cleared.pk]),
        {"approve-scope": "public", "approve-clarified_on": "2025-01-01", "approve-note": "在全县大会上说明"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert zh("The clarification cannot come before the finding (%(date)s).", date="2025-03-03") in body
    assert "在全县大会上说明" in body and 'value="public" selected' in body
    assert Clarification.objects.get(report=cleared).status == ClarificationStatus.REQUESTED


def test_it_declines_from_the_case_page(as_user, county_officer, cadre_user, cleared):
    svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    client = as_user(county_officer)
    url = reverse("cases:clarification_decline", args=[cleared.pk])
    assert client.post(url, {"decline-note": ""}).status_code == 400
    response = client.post(url, {"decline-note": "无需澄清"})
    assert response.status_code == 302
    assert Clarification.objects.get(report=cleared).status == ClarificationStatus.DECLINED


def test_it_tells_a_late_decider_that_nothing_is_waiting(as_user, county_officer, cleared):
    response = as_user(county_officer).post(
        reverse("cases:clarification_approve", args=[cleared.pk]),
        {"approve-scope": "unit", "approve-clarified_on": "2025-03-12"},
    )
    assert response.status_code == 400
    assert zh("This clarification is no longer waiting for a decision.") in response.content.decode()


# --------------------------------------------------------------------------------------- county list


def _pending(n, cadre, grid, actor):
    for _i in range(n):
        report, _code = file_report(subject_cadre=cadre, grid=grid)
        conclude(report)
        svc.clarification_propose(actor=actor, report=report, reason="建议澄清", scope="unit")


def test_it_lists_pending_clarifications_in_a_fixed_number_of_queries(
    as_user, county_officer, township_officer_a, cadre_a, grid_a, django_assert_max_num_queries
):
    client = as_user(county_officer)
    _pending(2, cadre_a, grid_a, township_officer_a)
    with django_assert_max_num_queries(20) as small:
        response = client.get(reverse("cases:clarification_list"))
    assert response.status_code == 200 and response.content.decode().count("张伟") == 2
    _pending(12, cadre_a, grid_a, township_officer_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("cases:clarification_list"))
    assert response.content.decode().count("张伟") == 14


def test_it_lists_only_pending_clarifications_the_officer_may_handle(
    as_user, county_officer, cadre_user, cadre_a, cadre_b, grid_b, unit_b, grid_a, cleared
):
    svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    other = make_cadre("王芳", unit_b, grid_b)
    report_b, _code = file_report(subject_cadre=other, grid=grid_b)
    conclude(report_b)
    svc.clarification_propose(actor=county_officer, report=report_b, reason="建议", scope="unit")
    decided, _code = file_report(subject_cadre=cadre_b, grid=grid_b)
    conclude(decided)
    done = svc.clarification_propose(actor=county_officer, report=decided, reason="建议", scope="unit")
    svc.clarification_decline(actor=county_officer, clarification=done, note="无需")
    client = as_user(county_officer)
    body = client.get(reverse("cases:clarification_list")).content.decode()
    assert "张伟" in body and "王芳" in body and "李娜" not in body
    # Recusal: a declared relation to cadre A takes A's clarification off the officer's list.
    DeclaredRelation.objects.create(user=county_officer, cadre=cadre_a, kind=RelationKind.KIN)
    client = as_user(county_officer)
    body = client.get(reverse("cases:clarification_list")).content.decode()
    assert "张伟" not in body and "王芳" in body


def test_the_cadre_and_their_unit_do_not_learn_who_recorded_the_clarification(
    as_user, cadre_user, county_officer, unit_liaison, cleared
):
    clarification = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    county_officer.display_name = "县纪委审理员王"
    county_officer.save(update_fields=["display_name"])
    svc.clarification_approve(
        actor=county_officer,
        clarification=clarification,
        scope=ClarificationScope.UNIT,
        clarified_on=datetime.date(2025, 3, 20),
    )
    cadre = cleared.subject_cadre
    own_file = as_user(cadre_user).get(reverse("people:my_file")).content.decode()
    assert "2025-03-20" in own_file and county_officer.display_name not in own_file
    assert county_officer.username not in own_file
    unit_page = as_user(unit_liaison).get(reverse("people:cadre_detail", args=[cadre.pk]))
    assert unit_page.status_code == 200 and "2025-03-20" in unit_page.content.decode()
    assert county_officer.display_name not in unit_page.content.decode()
    county_page = as_user(county_officer).get(reverse("people:cadre_detail", args=[cadre.pk]))
    assert county_officer.display_name in county_page.content.decode() or (
        county_officer.username in county_page.content.decode()
    )


def test_the_cadre_does_not_read_the_note_on_a_declined_proposal_they_did_not_ask_for(
    as_user, cadre_user, township_officer_a, county_officer, cleared
):
    proposal = svc.clarification_propose(
        actor=township_officer_a, report=cleared, reason="建议澄清", scope=ClarificationScope.UNIT
    )
    svc.clarification_decline(actor=county_officer, clarification=proposal, note="内部意见：暂不澄清")
    page = as_user(cadre_user).get(reverse("cases:my_finding", args=[cleared.pk])).content.decode()
    assert SUMMARY in page and "内部意见" not in page


def test_the_cadre_reads_the_note_on_a_decline_of_their_own_request(
    as_user, cadre_user, county_officer, cleared
):
    request = svc.clarification_request(actor=cadre_user, report=cleared, reason=REASON)
    svc.clarification_decline(actor=county_officer, clarification=request, note="影响范围小，暂不澄清")
    page = as_user(cadre_user).get(reverse("cases:my_finding", args=[cleared.pk])).content.decode()
    assert "影响范围小，暂不澄清" in page


def test_a_finding_that_could_not_be_verified_never_reaches_the_cadre(as_user, cadre_user, cadre_a, grid_a):
    report, _code = file_report(subject_cadre=cadre_a, grid=grid_a)
    conclude(report, Finding.UNVERIFIABLE, summary="反映的情况无法查证")
    client = as_user(cadre_user)
    assert "反映的情况无法查证" not in client.get(reverse("cases:my_findings")).content.decode()
    assert client.get(reverse("cases:my_finding", args=[report.pk])).status_code == 404
