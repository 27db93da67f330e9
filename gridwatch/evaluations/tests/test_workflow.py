"""The campaign workflow table, exhaustively: every action from every status, for who the table names."""

import pytest

from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.evaluations import services, workflow
from gridwatch.evaluations.models import Evaluation, EvaluationTransition, Status

from .conftest import codes_for

EXPECTED = {
    ("codes", Status.DRAFT): Status.DRAFT,
    ("codes", Status.OPEN): Status.OPEN,
    ("open", Status.DRAFT): Status.OPEN,
    ("paper", Status.OPEN): Status.OPEN,
    ("close", Status.OPEN): Status.CLOSED,
    ("publish", Status.CLOSED): Status.PUBLISHED,
}


@pytest.mark.parametrize("action", list(workflow.ACTIONS))
@pytest.mark.parametrize("status", Status.values)
def test_it_allows_each_action_only_from_its_sources(action, status):
    """The table says which status each action starts from and where it leads."""
    expected = EXPECTED.get((action, status))
    assert workflow.is_open(action, status) == (expected is not None)
    if expected is not None:
        assert workflow.target(action, status) == expected


def _force(evaluation, status):
    Evaluation.objects.filter(pk=evaluation.pk).update(status=status)
    evaluation.refresh_from_db()
    return evaluation


STEPS = {
    "open": services.evaluation_open,
    "close": services.evaluation_close,
    "publish": services.evaluation_publish,
}


@pytest.mark.parametrize("action", list(STEPS))
@pytest.mark.parametrize("status", Status.values)
def test_it_refuses_each_step_from_a_status_it_does_not_start_from(
    action, status, draft, community_org_a, county_officer
):
    """The services check the same table, and write a transition row when they move."""
    evaluation = _force(draft, status)
    actor = county_officer
    if EXPECTED.get((action, status)) is None:
        with pytest.raises(ValidationFailed):
            STEPS[action](actor=actor, evaluation=evaluation)
    else:
        STEPS[action](actor=actor, evaluation=evaluation)
        evaluation.refresh_from_db()
        assert evaluation.status == EXPECTED[(action, status)]
        assert EvaluationTransition.objects.filter(evaluation=evaluation, action=action).count() == 1


def test_it_lets_only_the_county_publish(closed, community_org_a, township_officer_a, county_officer):
    """The community party organisation closes, but publication is the county's."""
    assert workflow.available_actions(closed, community_org_a) == set()
    assert workflow.available_actions(closed, county_officer) == {"publish"}
    assert workflow.available_actions(closed, township_officer_a) == set()
    with pytest.raises(NotPermitted):
        services.evaluation_publish(actor=community_org_a, evaluation=closed)


def test_it_shows_the_manager_the_steps_of_an_open_campaign(opened, community_org_a, community_org_b):
    assert workflow.available_actions(opened, community_org_a) == {"codes", "paper", "close"}
    assert workflow.available_actions(opened, community_org_b) == set()
    with pytest.raises(NotPermitted):
        codes_for(opened, community_org_b)
