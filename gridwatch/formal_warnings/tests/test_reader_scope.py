"""Who reads a notice is decided by the reader roles the user holds, not by everything they hold: a grid-team
post or a community role in another township gives no notice of that township's cadres, on the pages or
through the API. The issuing, the queue and the recording were already held to the roles' own areas; the
tests below keep them so."""

from django.urls import reverse

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.formal_warnings import selectors
from gridwatch.geography.models import GridTeamMember, TeamRole

from .conftest import issue, proposed


def url(name, *args):
    return reverse(f"formal_warnings:{name}", args=[getattr(a, "pk", a) for a in args])


def test_it_gives_a_township_officer_no_notice_of_the_township_where_they_sit_on_a_grid_team(
    as_user, office, township_officer_a, grid_b, cadre_a, cadre_b
):
    own = issue(office, cadre_a)
    other = issue(office, cadre_b)
    GridTeamMember.objects.create(grid=grid_b, user=township_officer_a, role=TeamRole.SUPERVISOR)
    client = as_user(township_officer_a)
    assert client.get(url("detail", own)).status_code == 200
    assert client.get(url("detail", other)).status_code == 404
    page = client.get(url("list")).content.decode()
    assert own.reference in page and other.reference not in page
    listed = [row["reference"] for row in client.get(reverse("api:warning-list")).json()["results"]]
    assert listed == [own.reference]
    assert client.get(reverse("api:warning-detail", args=[other.pk])).status_code == 404


def test_it_gives_a_community_role_or_a_grid_post_no_notice_to_other_readers(
    as_user, office, unit_liaison, township_officer_a, community_b, grid_b, cadre_b
):
    """A unit liaison reads the notices of their unit only; a community role elsewhere widens nothing."""
    other = issue(office, cadre_b)
    GridTeamMember.objects.create(grid=grid_b, user=unit_liaison, role=TeamRole.LEADER)
    RoleAssignment.objects.create(user=township_officer_a, role=Role.COMMUNITY_ORG, area=community_b)
    for user in (unit_liaison, township_officer_a):
        assert as_user(user).get(url("detail", other)).status_code == 404, user
        assert not selectors.notices_for(user).filter(pk=other.pk).exists(), user


def test_it_keeps_issuing_the_queue_and_recording_to_the_roles_own_areas(
    office, township_a, unit_a, grid_b, cadre_a, cadre_b
):
    """County staff held on township A, sitting on a grid team of B: they issue for A's cadres only, their
    queue holds A's proposals only, and they record nothing of B's notices, though B's reports are in
    their jurisdiction as a grid-team member."""
    user = make_user("staff_on_a", role=Role.COUNTY_STAFF, area=township_a)
    GridTeamMember.objects.create(grid=grid_b, user=user, role=TeamRole.LEADER)
    mine, elsewhere = proposed(cadre_a), proposed(cadre_b)
    notice = issue(office, cadre_b)
    follow_up = notice.follow_ups.get()

    assert selectors.issues_for(user, cadre_a) and not selectors.issues_for(user, cadre_b)
    assert list(selectors.proposals_for(user).filter(pk__in=[mine.pk, elsewhere.pk])) == [mine]
    assert not selectors.records_for(user, follow_up, notice)
    assert not selectors.notices_for(user).filter(pk=notice.pk).exists()
    # A liaison of A's unit records what A's unit owes, never what another unit owes.
    liaison = make_user("liaison_on_b_grid", role=Role.UNIT_LIAISON, unit=unit_a)
    GridTeamMember.objects.create(grid=grid_b, user=liaison, role=TeamRole.SUPERVISOR)
    assert not selectors.records_for(liaison, follow_up, notice)
    own = issue(office, cadre_a)
    assert selectors.records_for(liaison, own.follow_ups.get(), own)


def test_it_lets_a_commission_liaison_read_the_notices_of_their_townships_and_grid(
    as_user, office, liaison_a, township_b, cadre_a, cadre_b
):
    own = issue(office, cadre_a)
    other = issue(office, cadre_b)
    client = as_user(liaison_a)
    assert client.get(url("detail", own)).status_code == 200
    assert client.get(url("detail", other)).status_code == 404
    liaison_a.liaison.townships.add(township_b)
    assert as_user(liaison_a).get(url("detail", other)).status_code == 200
