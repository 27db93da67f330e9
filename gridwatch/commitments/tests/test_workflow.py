"""The commitment workflow table, every action from every status, and the services that follow it."""

import pytest
from django.utils import timezone

from gridwatch.audit.models import AuditEvent
from gridwatch.commitments import services, workflow
from gridwatch.commitments.models import Commitment, CommitmentStatus, CommitmentTransition
from gridwatch.core.errors import NotPermitted, ValidationFailed

from .conftest import ITEMS, published, returned, submitted, write

S = CommitmentStatus
# What the table must say: action -> {source status: target status}.
EXPECTED = {
    "edit": {S.DRAFT: S.DRAFT, S.RETURNED: S.RETURNED},
    "submit": {S.DRAFT: S.SUBMITTED, S.RETURNED: S.SUBMITTED},
    "approve": {S.SUBMITTED: S.PUBLISHED},
    "return": {S.SUBMITTED: S.RETURNED},
    "progress": {S.PUBLISHED: S.PUBLISHED},
    "rate": {S.PUBLISHED: S.PUBLISHED},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", list(S))
def test_it_allows_each_action_from_exactly_the_listed_statuses(action, status):
    """Every action from every status: open where the table says, with the target it says."""
    assert workflow.is_open(action, status) == (status in EXPECTED[action])
    if status in EXPECTED[action]:
        assert workflow.target(action, status) == EXPECTED[action][status]


def test_it_has_no_action_the_tests_do_not_know():
    assert set(workflow.ACTIONS) == set(EXPECTED)


def _make(status, cadre, reviewer):
    return {
        S.DRAFT: lambda: write(cadre),
        S.SUBMITTED: lambda: submitted(cadre),
        S.RETURNED: lambda: returned(cadre, reviewer),
        S.PUBLISHED: lambda: published(cadre, reviewer),
    }[status]()


def _run(action, commitment, cadre_user, reviewer):
    today = timezone.localdate()
    items = list(commitment.items.all())
    calls = {
        "edit": lambda: services.commitment_update(actor=cadre_user, commitment=commitment, items=ITEMS),
        "submit": lambda: services.commitment_submit(actor=cadre_user, commitment=commitment),
        "approve": lambda: services.commitment_approve(actor=reviewer, commitment=commitment),
        "return": lambda: services.commitment_return(actor=reviewer, commitment=commitment, reason="请具体"),
        "progress": lambda: services.fulfilment_record(
            actor=reviewer,
            commitment=commitment,
            held_on=today,
            attendees="社区党委书记",
            progress={i.pk: (40, "") for i in items},
        ),
        "rate": lambda: services.rating_record(
            actor=reviewer,
            commitment=commitment,
            rated_on=today,
            contribution="协调解决路灯维修",
            counts={(i.pk, "residents"): [3, 1, 0] for i in items},
        ),
    }
    return calls[action]()


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", list(S))
def test_it_runs_or_refuses_each_service_by_the_table(action, status, cadre_user, cadre_a, community_org_a):
    """The service of each action from each status: the status it leaves, or a refusal that changes nothing."""
    commitment = _make(status, cadre_a, community_org_a)
    steps = CommitmentTransition.objects.filter(commitment=commitment).count()
    if status in EXPECTED[action]:
        _run(action, commitment, cadre_user, community_org_a)
        commitment.refresh_from_db()
        assert commitment.status == EXPECTED[action][status]
        if action != "edit":
            assert CommitmentTransition.objects.filter(commitment=commitment).count() == steps + 1
    else:
        with pytest.raises(ValidationFailed):
            _run(action, commitment, cadre_user, community_org_a)
        commitment.refresh_from_db()
        assert commitment.status == status
        assert CommitmentTransition.objects.filter(commitment=commitment).count() == steps


def test_it_offers_the_cadre_and_the_reviewer_their_own_buttons(cadre_user, cadre_a, community_org_a):
    commitment = write(cadre_a)
    assert workflow.available_actions(commitment, cadre_user) == {"edit", "submit"}
    assert workflow.available_actions(commitment, community_org_a) == set()
    commitment = services.commitment_submit(actor=cadre_user, commitment=commitment)
    assert workflow.available_actions(commitment, cadre_user) == set()
    assert workflow.available_actions(commitment, community_org_a) == {"approve", "return"}
    commitment = services.commitment_approve(actor=community_org_a, commitment=commitment)
    assert workflow.available_actions(commitment, community_org_a) == {"progress", "rate"}


def test_it_offers_the_meeting_and_the_rating_once(published_a, community_org_a):
    """Once recorded, the meeting and the rating are not offered again, and the service refuses them."""
    items = list(published_a.items.all())
    _run("progress", published_a, None, community_org_a)
    _run("rate", published_a, None, community_org_a)
    commitment = Commitment.objects.get(pk=published_a.pk)
    assert workflow.available_actions(commitment, community_org_a) == set()
    with pytest.raises(ValidationFailed):
        _run("progress", commitment, None, community_org_a)
    assert len(items) == 2


def test_it_refuses_another_cadre_and_the_reviewers_out_of_reach(
    submitted_a, cadre_b_user, community_org_b, township_officer_b, grid_supervisor, unit_liaison
):
    """Only the cadre edits their commitment; only reviewers over the cadre's grid decide on it."""
    with pytest.raises(NotPermitted):
        services.commitment_update(actor=cadre_b_user, commitment=submitted_a, items=ITEMS)
    for user in (community_org_b, township_officer_b, grid_supervisor, unit_liaison, cadre_b_user):
        with pytest.raises(NotPermitted):
            services.commitment_approve(actor=user, commitment=submitted_a)
    assert Commitment.objects.get(pk=submitted_a.pk).status == S.SUBMITTED


def test_it_lets_township_and_county_staff_do_what_the_community_does(
    cadre_a, cadre_user, township_officer_a, county_officer
):
    commitment = submitted(cadre_a)
    services.commitment_return(actor=township_officer_a, commitment=commitment, reason="补充目标")
    services.commitment_submit(actor=cadre_user, commitment=commitment)
    services.commitment_approve(actor=county_officer, commitment=commitment)
    assert Commitment.objects.get(pk=commitment.pk).status == S.PUBLISHED


def test_it_recuses_a_reviewer_from_a_cadre_of_their_own_unit(cadre_a, cadre_user, community_a, unit_a):
    """A community party organisation member who is a cadre of the same unit may not review (回避)."""
    from gridwatch.accounts.models import RoleAssignment
    from gridwatch.accounts.roles import Role

    from .conftest import cadre_with_user

    colleague = cadre_with_user("王芳", unit_a, cadre_a.supervising_grid, "wangfang")
    RoleAssignment.objects.create(user=colleague.user, role=Role.COMMUNITY_ORG, area=community_a)
    commitment = submitted(cadre_a)
    assert workflow.available_actions(commitment, colleague.user) == set()
    with pytest.raises(NotPermitted):
        services.commitment_approve(actor=colleague.user, commitment=commitment)


def test_it_audits_every_step_without_the_texts(cadre_a, cadre_user, community_org_a):
    commitment = returned(cadre_a, community_org_a)
    actions = list(
        AuditEvent.objects.filter(object_id=str(commitment.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["commitment.create", "commitment.submit", "commitment.return"]
    for event in AuditEvent.objects.filter(object_id=str(commitment.pk)):
        assert "目标不够具体" not in str(event.changes)
        assert "志愿服务" not in str(event.changes)


def test_it_keeps_the_reason_for_returning_in_the_history(cadre_a, cadre_user, community_org_a):
    commitment = returned(cadre_a, community_org_a)
    assert commitment.return_reason == "目标不够具体"
    step = CommitmentTransition.objects.get(commitment=commitment, action="return")
    assert (step.from_status, step.to_status, step.reason, step.actor) == (
        S.SUBMITTED,
        S.RETURNED,
        "目标不够具体",
        community_org_a,
    )


def test_it_refuses_a_return_without_a_reason(submitted_a, community_org_a):
    with pytest.raises(ValidationFailed) as exc:
        services.commitment_return(actor=community_org_a, commitment=submitted_a, reason="  ")
    assert exc.value.field == "reason"
