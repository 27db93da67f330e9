"""Every register view: the readers of the cadre's area get it, another grid or township gets 404, the wrong
role 403, the wrong method 405, anonymous visitors the sign-in page."""

import pytest
from django.urls import reverse

from gridwatch.supervision.models import RegisterAspect

from .conftest import team_member
from .test_register import write


@pytest.fixture
def entry_a(grid_leader_a, cadre_a):
    return write(grid_leader_a, cadre_a, RegisterAspect.LIFE_STYLE)


@pytest.fixture
def entry_b(grid_b, cadre_b):
    return write(team_member("leader_b1", grid_b, role="leader"), cadre_b)


READERS_OF_A = [
    "grid_supervisor",
    "grid_leader_a",
    "community_org_a",
    "township_officer_a",
    "commission_liaison",
    "county_officer",
    "office",
]


@pytest.mark.parametrize("persona", READERS_OF_A)
def test_it_shows_the_register_to_the_readers_of_the_area(request, as_user, entry_a, cadre_a, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.get(reverse("supervision:register_list"))
    assert response.status_code == 200
    assert reverse("supervision:register_cadre", args=[cadre_a.pk]) in response.content.decode()
    response = client.get(reverse("supervision:register_cadre", args=[cadre_a.pk]))
    assert response.status_code == 200 and "生活简朴" in response.content.decode()


def test_it_answers_404_to_another_township_and_200_to_its_own(
    as_user, township_officer_b, entry_a, entry_b, cadre_a, cadre_b
):
    client = as_user(township_officer_b)
    assert client.get(reverse("supervision:register_cadre", args=[cadre_a.pk])).status_code == 404
    assert client.get(reverse("supervision:register_cadre", args=[cadre_b.pk])).status_code == 200
    body = client.get(reverse("supervision:register_list")).content.decode()
    assert cadre_b.name in body and cadre_a.name not in body


def test_it_answers_404_to_the_team_of_another_grid(as_user, entry_a, cadre_a, grid_a2):
    leader = team_member("leader_a2", grid_a2, role="leader")
    client = as_user(leader)
    assert client.get(reverse("supervision:register_cadre", args=[cadre_a.pk])).status_code == 404
    assert client.get(reverse("supervision:register_update", args=[entry_a.pk])).status_code == 404
    assert client.post(reverse("supervision:register_update", args=[entry_a.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "audit_admin"])
def test_it_answers_403_to_those_who_do_not_read_the_register(request, as_user, entry_a, cadre_a, persona):
    """The cadre, their unit's liaison and the administrators hold no register role."""
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("supervision:register_list")).status_code == 403
    assert client.get(reverse("supervision:register_cadre", args=[cadre_a.pk])).status_code == 403
    assert client.get(reverse("supervision:register_create")).status_code == 403
    assert client.get(reverse("supervision:register_update", args=[entry_a.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["grid_supervisor", "township_officer_a", "county_officer", "office"])
def test_it_answers_403_to_readers_who_do_not_write(request, as_user, entry_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("supervision:register_create")).status_code == 403
    assert client.get(reverse("supervision:register_update", args=[entry_a.pk])).status_code == 403


def test_it_answers_403_to_the_grid_leader_on_the_party_assessment(
    as_user, community_org_a, grid_leader_a, cadre_a
):
    assessment = write(community_org_a, cadre_a, RegisterAspect.PARTY_ASSESSMENT)
    client = as_user(grid_leader_a)
    assert client.get(reverse("supervision:register_update", args=[assessment.pk])).status_code == 403
    assert (
        as_user(community_org_a).get(reverse("supervision:register_update", args=[assessment.pk])).status_code
        == 200
    )


def test_it_answers_405_to_the_wrong_method(as_user, county_officer, entry_a, cadre_a):
    client = as_user(county_officer)
    assert client.post(reverse("supervision:register_list")).status_code == 405
    assert client.post(reverse("supervision:register_cadre", args=[cadre_a.pk])).status_code == 405
    assert client.delete(reverse("supervision:register_create")).status_code == 405
    assert client.put(reverse("supervision:register_update", args=[entry_a.pk])).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, entry_a, cadre_a):
    for url in (
        reverse("supervision:register_list"),
        reverse("supervision:register_create"),
        reverse("supervision:register_cadre", args=[cadre_a.pk]),
        reverse("supervision:register_update", args=[entry_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_it_shows_the_menu_entry_to_the_readers_only(as_user, community_org_a, unit_liaison):
    url = reverse("supervision:register_list")
    assert url in as_user(community_org_a).get(reverse("core:home")).content.decode()
    assert url not in as_user(unit_liaison).get(reverse("core:home")).content.decode()
