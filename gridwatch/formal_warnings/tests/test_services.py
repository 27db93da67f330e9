"""The warning ladder (R15): one notice → warning education, three → the number one's written explanation,
five → public notification and accountability, each with a deadline in working days; appeals that withdraw
a notice; one notice per finding; declined proposals; one audit event per write; who is told."""

import datetime

import pytest
import time_machine

from gridwatch.accounts.models import Notification
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.cases.models import Finding
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.periodic import JOBS
from gridwatch.formal_warnings import selectors, services
from gridwatch.formal_warnings.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    NoticeStatus,
    ProposalDecline,
    WarningNotice,
)
from gridwatch.people.models import CadreFileEntry, DeclaredRelation, FileEntryKind, RelationKind

from .conftest import PROBLEM, SENTINEL, actions_since, issue, last_seq, proposed

# Friday 26 September 2025: the National Day and Mid-Autumn holiday runs 1–8 October, and Sunday 28 September
# and Saturday 11 October are make-up working days (chinese-calendar knows 2025).
BEFORE_NATIONAL_DAY = datetime.datetime(2025, 9, 26, 10, 0, tzinfo=datetime.UTC)
EDUCATION_DUE = datetime.date(2025, 10, 16)  # 10 working days
EXPLANATION_DUE = datetime.date(2025, 10, 23)  # 15
NOTIFICATION_DUE = datetime.date(2025, 10, 30)  # 20


@pytest.fixture
def related_issuer(county, cadre_a):
    user = make_user("related_issuer", role=Role.COUNTY_STAFF, area=county)
    DeclaredRelation.objects.create(user=user, cadre=cadre_a, kind=RelationKind.choices[0][0])
    return user


def kinds(notice):
    return {f.kind: f.due_on for f in notice.follow_ups.all()}


def decide(actor, notice, decision, reason="经复核"):
    return services.appeal_decide(actor=actor, notice=notice, decision=decision, reason=reason)


def appealed(notice, user, statement="我对认定有异议"):
    return services.notice_appeal(actor=user, notice=notice, statement=statement)


# ------------------------------------------------------------------------------------------ the ladder


def test_it_numbers_notices_and_sets_the_ladders_follow_ups_in_working_days(office, cadre_a):
    """Across the National Day holiday and its make-up days: education at 1, the explanation from 3, the
    public notification at 5, each due so many working days after issue."""
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        notices = [issue(office, cadre_a) for _ in range(5)]
    assert [n.ordinal for n in notices] == [1, 2, 3, 4, 5]
    assert [n.reference for n in notices] == [f"YJ-2025-{i:04d}" for i in range(1, 6)]
    assert kinds(notices[0]) == {FollowUpKind.EDUCATION: EDUCATION_DUE}
    assert kinds(notices[1]) == {FollowUpKind.EDUCATION: EDUCATION_DUE}
    assert kinds(notices[2]) == {
        FollowUpKind.EDUCATION: EDUCATION_DUE,
        FollowUpKind.EXPLANATION: EXPLANATION_DUE,
    }
    assert kinds(notices[3]) == kinds(notices[2])
    assert kinds(notices[4]) == {
        FollowUpKind.EDUCATION: EDUCATION_DUE,
        FollowUpKind.EXPLANATION: EXPLANATION_DUE,
        FollowUpKind.NOTIFICATION: NOTIFICATION_DUE,
    }
    assert all(n.issued_on == datetime.date(2025, 9, 26) and n.unit_id == cadre_a.unit_id for n in notices)


def test_it_takes_the_deadlines_from_the_settings(settings, office, cadre_a):
    settings.GRIDWATCH_WARNING_DAYS = {"education": 1, "explanation": 15, "notification": 20}
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        notice = issue(office, cadre_a)
    # The next working day after Friday 26 September 2025 is the make-up Sunday.
    assert kinds(notice) == {FollowUpKind.EDUCATION: datetime.date(2025, 9, 28)}


def test_it_counts_each_cadre_on_their_own(office, cadre_a, cadre_b):
    issue(office, cadre_a)
    issue(office, cadre_a)
    assert issue(office, cadre_b).ordinal == 1
    assert issue(office, cadre_a).ordinal == 3


def test_it_leaves_a_withdrawn_notice_out_of_the_count_and_cancels_its_open_follow_ups(
    office, county_officer, cadre_a, cadre_user, unit_liaison
):
    first = issue(office, cadre_a)
    second = issue(office, cadre_a)
    third = issue(office, cadre_a)
    education = third.follow_ups.get(kind=FollowUpKind.EDUCATION)
    services.followup_record(
        actor=unit_liaison, follow_up=education, done_on=third.issued_on, record="已进行警告教育谈话"
    )
    appealed(third, cadre_user)
    decide(county_officer, third, "granted")
    third.refresh_from_db()
    assert third.status == NoticeStatus.WITHDRAWN
    assert dict(third.follow_ups.values_list("kind", "status")) == {
        FollowUpKind.EDUCATION: FollowUpStatus.DONE,  # done stays done
        FollowUpKind.EXPLANATION: FollowUpStatus.CANCELLED,
    }
    # The next notice is the third in force again; the earlier ones keep their number.
    fourth = issue(office, cadre_a)
    assert fourth.ordinal == 3
    assert FollowUpKind.EXPLANATION in kinds(fourth)
    # A notice issued after a withdrawn one keeps the ordinal it had at issue.
    appealed(first, cadre_user)
    decide(county_officer, first, "granted")
    second.refresh_from_db()
    assert second.ordinal == 2
    assert issue(office, cadre_a).ordinal == 3


def test_it_puts_a_dismissed_appeal_back_in_force(office, county_officer, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    appealed(notice, cadre_user)
    decide(county_officer, notice, "dismissed", reason="事实清楚")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.IN_FORCE and notice.decision == "dismissed"
    assert notice.follow_ups.get().status == FollowUpStatus.OPEN
    assert issue(office, cadre_a).ordinal == 2
    # Once only.
    with pytest.raises(ValidationFailed) as info:
        appealed(notice, cadre_user)
    assert info.value.message == zh("You have already appealed against this notice.")


# ---------------------------------------------------------------------------------------- the proposal


def test_it_issues_one_notice_per_finding(office, county_officer, proposal_a):
    services.notice_issue(actor=office, report=proposal_a, problem=PROBLEM)
    with pytest.raises(ValidationFailed) as info:
        services.notice_issue(actor=county_officer, report=proposal_a, problem=PROBLEM)
    assert str(info.value.message) == str(zh("A warning notice has already been issued for this finding."))
    assert WarningNotice.objects.count() == 1


def test_it_takes_the_problem_as_the_issuer_wrote_it(office, proposal_a):
    notice = services.notice_issue(actor=office, report=proposal_a, problem="  " + PROBLEM + "\n")
    assert notice.problem == PROBLEM and SENTINEL not in notice.problem
    with pytest.raises(ValidationFailed) as info:
        services.notice_issue(actor=office, report=proposed(proposal_a.subject_cadre), problem="  ")
    assert info.value.field == "problem"


def test_it_refuses_a_report_not_proposed_or_not_adverse(office, cadre_a):
    for report in (
        proposed(cadre_a, proposed=False),
        proposed(cadre_a, finding=Finding.NOT_SUBSTANTIATED, proposed=True),
    ):
        with pytest.raises(ValidationFailed):
            services.notice_issue(actor=office, report=report, problem=PROBLEM)
        assert report not in selectors.proposals_for(office)


def test_it_takes_a_declined_proposal_out_of_the_queue(office, proposal_a):
    assert list(selectors.proposals_for(office)) == [proposal_a]
    seq = last_seq()
    services.proposal_decline(actor=office, report=proposal_a, reason="情节轻微，已批评教育")
    assert actions_since(seq) == ["warning.proposal_decline"]
    assert list(selectors.proposals_for(office)) == []
    decline = ProposalDecline.objects.get(report=proposal_a)
    assert decline.declined_by == office and decline.reason == "情节轻微，已批评教育"
    with pytest.raises(ValidationFailed) as info:
        services.notice_issue(actor=office, report=proposal_a, problem=PROBLEM)
    assert info.value.message == zh("This proposal has already been declined.")
    with pytest.raises(ValidationFailed):
        services.proposal_decline(actor=office, report=proposal_a, reason="again")


def test_it_requires_a_reason_to_decline(office, proposal_a):
    with pytest.raises(ValidationFailed) as info:
        services.proposal_decline(actor=office, report=proposal_a, reason=" ")
    assert info.value.field == "reason"


def test_it_keeps_the_issuers_to_their_role_and_area(
    township_officer_a, unit_liaison, grid_supervisor, cadre_user, proposal_a
):
    for user in (township_officer_a, unit_liaison, grid_supervisor, cadre_user):
        with pytest.raises(NotPermitted):
            services.notice_issue(actor=user, report=proposal_a, problem=PROBLEM)
        assert not selectors.proposals_for(user).exists()


@pytest.mark.parametrize("conflict", ["colleague", "relation", "self"])
def test_it_keeps_a_conflicted_issuer_off_the_proposal(county, unit_a, grid_a, cadre_a, conflict):
    """A colleague of the cadre's unit, someone related to the cadre, the cadre themself as staff: the
    proposal is not in their queue and they cannot follow it."""
    officer = make_user("conflicted", role=Role.COUNTY_STAFF, area=county)
    if conflict == "colleague":
        colleague = make_cadre("王强", unit_a, grid_a)
        colleague.user = officer
        colleague.save(update_fields=["user"])
    elif conflict == "relation":
        DeclaredRelation.objects.create(user=officer, cadre=cadre_a, kind=RelationKind.choices[0][0])
    else:
        cadre_a.user = officer
        cadre_a.save(update_fields=["user"])
    report = proposed(cadre_a)
    assert not selectors.proposals_for(officer).exists()
    with pytest.raises(NotPermitted):
        services.notice_issue(actor=officer, report=report, problem=PROBLEM)
    with pytest.raises(NotPermitted):
        services.proposal_decline(actor=officer, report=report, reason="x")


# ----------------------------------------------------------------------------------------- follow-ups


def test_it_lets_the_units_liaison_record_what_the_unit_owes(
    office, unit_liaison, unit_liaison_b, township_officer_a, cadre_a
):
    notice = issue(office, cadre_a)
    education = notice.follow_ups.get()
    for user in (unit_liaison_b, township_officer_a):
        with pytest.raises(NotPermitted):
            services.followup_record(actor=user, follow_up=education, done_on=notice.issued_on, record="x")
    with pytest.raises(ValidationFailed) as info:
        services.followup_record(
            actor=unit_liaison,
            follow_up=education,
            done_on=notice.issued_on + datetime.timedelta(days=1),
            record="x",
        )
    assert info.value.field == "done_on"
    seq = last_seq()
    services.followup_record(actor=unit_liaison, follow_up=education, done_on=notice.issued_on, record="谈话")
    assert actions_since(seq) == ["warning.followup_record"]
    education.refresh_from_db()
    assert (education.status, education.record, education.recorded_by) == ("done", "谈话", unit_liaison)
    with pytest.raises(ValidationFailed):
        services.followup_record(
            actor=unit_liaison, follow_up=education, done_on=notice.issued_on, record="y"
        )


def test_it_lets_an_issuer_record_what_the_unit_owes(office, county_officer, related_issuer, cadre_a):
    """A unit without a liaison's account, an explanation handed in at the commission: the issuers record
    it; not one conflicted with the cadre."""
    notice = issue(office, cadre_a)
    education = notice.follow_ups.get()
    with pytest.raises(NotPermitted):
        services.followup_record(
            actor=related_issuer, follow_up=education, done_on=notice.issued_on, record="x"
        )
    services.followup_record(
        actor=county_officer, follow_up=education, done_on=notice.issued_on, record="谈话"
    )
    assert FollowUp.objects.get(pk=education.pk).recorded_by == county_officer


def test_it_leaves_the_public_notification_to_the_county_side(office, county_officer, unit_liaison, cadre_a):
    for _ in range(4):
        issue(office, cadre_a)
    fifth = issue(office, cadre_a)
    notification = fifth.follow_ups.get(kind=FollowUpKind.NOTIFICATION)
    with pytest.raises(NotPermitted):
        services.followup_record(
            actor=unit_liaison, follow_up=notification, done_on=fifth.issued_on, record="x"
        )
    services.followup_record(
        actor=county_officer, follow_up=notification, done_on=fifth.issued_on, record="已通报，已追责"
    )
    assert FollowUp.objects.get(pk=notification.pk).status == FollowUpStatus.DONE


# ------------------------------------------------------------------------------------------- the cadre


def test_it_lets_only_the_cadre_acknowledge_and_appeal(office, unit_liaison, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    with pytest.raises(NotPermitted):
        services.notice_acknowledge(actor=unit_liaison, notice=notice)
    with pytest.raises(NotPermitted):
        services.notice_appeal(actor=office, notice=notice, statement="x")
    services.notice_acknowledge(actor=cadre_user, notice=notice)
    with pytest.raises(ValidationFailed):
        services.notice_acknowledge(actor=cadre_user, notice=notice)
    with pytest.raises(ValidationFailed) as info:
        services.notice_appeal(actor=cadre_user, notice=notice, statement="")
    assert info.value.field == "statement"
    appealed(notice, cadre_user)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPEALED and notice.acknowledged_at is not None


def test_it_refuses_a_decision_without_an_appeal_or_by_a_conflicted_issuer(
    office, county, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    with pytest.raises(ValidationFailed):
        decide(office, notice, "granted")
    appealed(notice, cadre_user)
    related = make_user("related", role=Role.OFFICE, area=county)
    DeclaredRelation.objects.create(user=related, cadre=cadre_a, kind=RelationKind.choices[0][0])
    with pytest.raises(NotPermitted):
        decide(related, notice, "granted")
    with pytest.raises(ValidationFailed) as info:
        decide(office, notice, "maybe")
    assert info.value.field == "decision"


# ----------------------------------------------------------------------------- audit, file, notifications


def test_it_writes_one_audit_event_per_write_without_any_text(
    office, county_officer, unit_liaison, cadre_a, cadre_user
):
    report = proposed(cadre_a)
    seq = last_seq()
    notice = services.notice_issue(actor=office, report=report, problem=f"问题 {SENTINEL}")
    assert actions_since(seq) == ["warning.issue"]
    steps = [
        (
            "warning.followup_record",
            lambda: services.followup_record(
                actor=unit_liaison,
                follow_up=notice.follow_ups.get(),
                done_on=notice.issued_on,
                record=f"记录 {SENTINEL}",
            ),
        ),
        ("warning.acknowledge", lambda: services.notice_acknowledge(actor=cadre_user, notice=notice)),
        ("warning.appeal", lambda: appealed(notice, cadre_user, statement=f"申诉 {SENTINEL}")),
        (
            "warning.appeal_decide",
            lambda: decide(county_officer, notice, "granted", reason=f"理由 {SENTINEL}"),
        ),
    ]
    for action, step in steps:
        before = last_seq()
        step()
        assert actions_since(before) == [action]
    for event in AuditEvent.objects.filter(seq__gt=seq):
        assert SENTINEL not in str(event.changes) and SENTINEL not in event.object_label


def test_it_writes_the_notice_and_its_withdrawal_in_the_cadres_file(
    office, county_officer, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    entry = CadreFileEntry.objects.get(cadre=cadre_a, kind=FileEntryKind.WARNING)
    assert entry.display_title == zh(
        "Warning notice %(reference)s issued (notice no. %(ordinal)s)", reference=notice.reference, ordinal=1
    )
    assert SENTINEL not in str(entry.details) and PROBLEM not in str(entry.details)
    appealed(notice, cadre_user)
    decide(county_officer, notice, "granted")
    latest = CadreFileEntry.objects.filter(cadre=cadre_a, kind=FileEntryKind.WARNING).order_by("-id").first()
    assert latest.display_title == zh(
        "Warning notice %(reference)s withdrawn on appeal", reference=notice.reference
    )


def test_it_tells_the_cadre_the_unit_and_the_issuers(
    office, county_officer, unit_liaison, unit_liaison_b, cadre_a, cadre_user
):
    notice = issue(office, cadre_a)
    assert Notification.objects.filter(user=cadre_user).count() == 1
    told = Notification.objects.get(user=unit_liaison)
    assert notice.reference in told.subject and SENTINEL not in told.subject + told.body
    assert not Notification.objects.filter(user=unit_liaison_b).exists()
    appealed(notice, cadre_user)
    assert set(
        Notification.objects.filter(subject__contains=notice.reference).values_list("user", flat=True)
    ) >= {
        office.pk,
        county_officer.pk,
    }
    decide(county_officer, notice, "dismissed", reason="事实清楚，证据充分")
    assert Notification.objects.filter(user=cadre_user).count() == 2
    # The cadre is told of the decision; the reason (encrypted at rest) waits on the notice's page.
    decided = Notification.objects.filter(user=cadre_user, subject__contains=notice.reference).latest(
        "created_at"
    )
    assert "事实清楚，证据充分" not in decided.body and decided.link.endswith(f"/warnings/mine/{notice.pk}/")


# --------------------------------------------------------------------------------------- the reminder


def test_it_reminds_the_unit_once_of_an_overdue_follow_up(office, unit_liaison, cadre_a):
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        notice = issue(office, cadre_a)
    job = JOBS["warning_followup_reminders"]
    before = Notification.objects.filter(user=unit_liaison).count()
    on_time = datetime.datetime(2025, 10, 16, 9, 0, tzinfo=datetime.UTC)
    assert job(on_time) == 0
    late = datetime.datetime(2025, 10, 17, 9, 0, tzinfo=datetime.UTC)
    assert job(late) == 1
    assert job(late) == 0
    assert Notification.objects.filter(user=unit_liaison).count() == before + 1
    assert Notification.objects.filter(user=unit_liaison, subject__contains=notice.reference).count() == 2
    # Done follow-ups are not reminded of.
    services.followup_record(
        actor=unit_liaison, follow_up=notice.follow_ups.get(), done_on=notice.issued_on, record="已教育"
    )
    assert job(datetime.datetime(2025, 10, 20, 9, 0, tzinfo=datetime.UTC)) == 0
