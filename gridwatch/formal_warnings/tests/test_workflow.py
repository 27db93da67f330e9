"""The notice workflow table, every action from every status, and what each side is offered."""

import pytest

from gridwatch.formal_warnings import services, workflow
from gridwatch.formal_warnings.models import NoticeStatus

from .conftest import issue

S = NoticeStatus
# What the table must say: action -> {source status: target status}.
EXPECTED = {
    "acknowledge": {S.IN_FORCE: S.IN_FORCE, S.APPEALED: S.APPEALED},
    "appeal": {S.IN_FORCE: S.APPEALED},
    "grant": {S.APPEALED: S.WITHDRAWN},
    "dismiss": {S.APPEALED: S.IN_FORCE},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", list(S))
def test_it_allows_each_action_from_exactly_the_listed_statuses(action, status):
    assert workflow.is_open(action, status) == (status in EXPECTED[action])
    if status in EXPECTED[action]:
        assert workflow.target(action, status) == EXPECTED[action][status]


def test_it_has_no_action_the_tests_do_not_know():
    assert set(workflow.ACTIONS) == set(EXPECTED)


def test_it_offers_each_side_its_own_steps(office, county_officer, unit_liaison, cadre_a, cadre_user):
    notice = issue(office, cadre_a)
    assert workflow.available_actions(notice, cadre_user) == {"acknowledge", "appeal"}
    assert workflow.available_actions(notice, office) == set()
    services.notice_acknowledge(actor=cadre_user, notice=notice)
    services.notice_appeal(actor=cadre_user, notice=notice, statement="异议")
    notice.refresh_from_db()
    assert workflow.available_actions(notice, cadre_user) == set()
    assert workflow.available_actions(notice, county_officer) == {"grant", "dismiss"}
    assert workflow.available_actions(notice, unit_liaison) == set()
    services.appeal_decide(actor=county_officer, notice=notice, decision="dismissed", reason="维持")
    notice.refresh_from_db()
    # Back in force: acknowledged and appealed once already, so nothing is left to the cadre.
    assert workflow.available_actions(notice, cadre_user) == set()
    assert workflow.available_actions(notice, county_officer) == set()
