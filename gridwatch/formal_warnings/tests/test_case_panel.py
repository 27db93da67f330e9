"""The case page says what became of a finding proposed for a warning notice (``case_panel``), and the
handler who proposed it is told when the county issues the notice or declines the proposal. Before, the
case kept its "proposed" badge for ever and the handler learnt nothing."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridwatch.accounts.jurisdiction import forget_scope
from gridwatch.accounts.models import Notification, RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.conftest import zh
from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.case_panel import warning_panel
from gridwatch.people.models import DeclaredRelation, RelationKind

from .conftest import PROBLEM, SENTINEL, proposed

REASON = "情节轻微，已由单位批评教育，不予发出预警书。"


def case_page(as_user, user, report):
    response = as_user(user).get(reverse("cases:case_detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def handled(cadre_a, township_officer_a):
    """A finding about cadre A proposed by its handler, township officer A."""
    report = proposed(cadre_a)
    report.handler = township_officer_a
    report.save(update_fields=["handler"])
    return report


def test_a_waiting_proposal_says_so_and_gives_the_issuer_the_two_buttons(
    as_user, handled, office, township_officer_a
):
    issue_url = reverse("formal_warnings:issue", args=[handled.pk])
    decline_url = reverse("formal_warnings:decline", args=[handled.pk])
    page = case_page(as_user, township_officer_a, handled)
    assert zh("waiting", context="a proposal for a warning notice") in page
    assert issue_url not in page and decline_url not in page
    page = case_page(as_user, office, handled)
    assert issue_url in page and decline_url in page


def test_an_issued_notice_shows_on_the_case_and_the_handler_is_told(
    as_user, handled, office, township_officer_a, grid_supervisor
):
    notice = services.notice_issue(actor=office, report=handled, problem=PROBLEM)
    page = case_page(as_user, township_officer_a, handled)
    notice_url = reverse("formal_warnings:detail", args=[notice.pk])
    assert notice.reference in page and notice_url in page and zh("followed: a notice was issued") in page
    assert reverse("formal_warnings:issue", args=[handled.pk]) not in page
    # A grid supervisor reads the case but no notices: that one was issued, nothing of the notice (its number
    # is the cadre's count of notices in force, its status would tell of an appeal).
    page = case_page(as_user, grid_supervisor, handled)
    assert zh("followed: a notice was issued") in page
    assert notice.reference not in page and notice_url not in page
    assert zh("notice no. %(ordinal)s", ordinal=notice.ordinal) not in page

    told = Notification.objects.get(user=township_officer_a)
    assert notice.reference in told.subject and handled.reference in told.subject
    assert told.link == reverse("cases:case_detail", args=[handled.pk])
    assert PROBLEM not in told.subject + told.body and SENTINEL not in told.subject + told.body


def test_a_declined_proposal_shows_why_on_the_case_and_the_notification_copies_no_reason(
    as_user, handled, office, township_officer_a, grid_supervisor
):
    services.proposal_decline(actor=office, report=handled, reason=REASON)
    page = case_page(as_user, township_officer_a, handled)
    assert REASON in page and str(office) in page and zh("declined: no notice issued") in page
    # A reader of the case who reads no notices learns it was declined, not why or by whom.
    page = case_page(as_user, grid_supervisor, handled)
    assert zh("declined: no notice issued") in page and REASON not in page and str(office) not in page
    told = Notification.objects.get(user=township_officer_a)
    assert handled.reference in told.subject
    assert told.link == reverse("cases:case_detail", args=[handled.pk])
    assert REASON not in told.subject + told.body


def test_the_issuer_who_handled_the_case_is_not_told_of_their_own_decision(county_officer, cadre_a):
    report = proposed(cadre_a)
    report.handler = county_officer
    report.save(update_fields=["handler"])
    services.proposal_decline(actor=county_officer, report=report, reason=REASON)
    assert not Notification.objects.filter(user=county_officer).exists()


def test_a_report_not_proposed_has_no_panel_and_costs_no_query(as_user, cadre_a, township_officer_a):
    report = proposed(cadre_a, proposed=False)
    assert 'id="warning-proposal"' not in case_page(as_user, township_officer_a, report)
    request = RequestFactory().get("/")
    request.user = township_officer_a
    with CaptureQueriesContext(connection) as queries:
        assert warning_panel(request, report) is None
    assert len(queries) == 0


@pytest.mark.parametrize("state", ["waiting", "issued", "declined"])
def test_the_panel_costs_a_fixed_number_of_queries(state, handled, office, township_officer_a):
    if state == "issued":
        services.notice_issue(actor=office, report=handled, problem=PROBLEM)
    elif state == "declined":
        services.proposal_decline(actor=office, report=handled, reason=REASON)
    request = RequestFactory().get("/")
    for user, most in ((office, 4), (township_officer_a, 3)):
        request.user = user
        warning_panel(request, handled)  # the request's scope is read once, then kept
        with CaptureQueriesContext(connection) as queries:
            panel = warning_panel(request, handled)
        assert panel is not None and len(queries) <= most, (user, [q["sql"] for q in queries])


@pytest.mark.parametrize("change", ["declared relation", "post lost", "liaison of the cadre's unit"])
def test_a_handler_who_no_longer_handles_the_case_is_not_told(
    change, as_user, handled, office, township_officer_a, cadre_a, unit_a
):
    if change == "declared relation":
        DeclaredRelation.objects.create(
            user=township_officer_a, cadre=cadre_a, kind=RelationKind.choices[0][0]
        )
    elif change == "post lost":
        RoleAssignment.objects.filter(user=township_officer_a).delete()
    else:
        RoleAssignment.objects.create(user=township_officer_a, role=Role.UNIT_LIAISON, unit=unit_a)
    forget_scope(township_officer_a)
    notice = services.notice_issue(actor=office, report=handled, problem=PROBLEM)
    told = Notification.objects.filter(user=township_officer_a)
    assert not told.filter(link=reverse("cases:case_detail", args=[handled.pk])).exists()
    assert not [n for n in told if handled.reference in n.subject]
    assert notice.reference  # issued all the same


def test_a_decline_is_not_read_through_a_grid_post_beside_a_reader_role_elsewhere(
    as_user, handled, office, township_officer_b, grid_a
):
    """A township officer of B who also sits on grid A's team reads A's case through the grid post, but not
    a decline's reason or who declined: their reader role is B's."""
    from gridwatch.geography.models import GridTeamMember, TeamRole

    GridTeamMember.objects.create(grid=grid_a, user=township_officer_b, role=TeamRole.SUPERVISOR)
    forget_scope(township_officer_b)
    services.proposal_decline(actor=office, report=handled, reason=REASON)
    page = case_page(as_user, township_officer_b, handled)
    assert zh("declined: no notice issued") in page and REASON not in page and str(office) not in page
