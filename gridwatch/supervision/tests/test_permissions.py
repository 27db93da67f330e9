"""Every diary view: the readers of the entry's area get it, another grid or township gets 404, the cadre
it is about, their unit's liaison and the administrators see nothing, anonymous visitors are sent to the
sign-in page."""

import pytest
from django.urls import reverse

from .conftest import team_member


def url(name, entry=None):
    return reverse(f"supervision:{name}", args=[entry.pk] if entry is not None else [])


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
def test_it_shows_an_entry_to_the_readers_of_its_area(request, as_user, entry_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("diary_detail", entry_a)).status_code == 200
    response = client.get(url("diary_list"))
    assert response.status_code == 200
    assert url("diary_detail", entry_a) in response.content.decode()


def test_it_answers_404_to_the_team_of_another_grid(as_user, entry_a, grid_a2):
    """A supervisor of the neighbouring grid of the same community does not read A1's diary."""
    client = as_user(team_member("supervisor_a2", grid_a2))
    assert client.get(url("diary_detail", entry_a)).status_code == 404
    assert client.get(url("diary_update", entry_a)).status_code == 404
    assert client.post(url("diary_to_case", entry_a)).status_code == 404
    assert url("diary_detail", entry_a) not in client.get(url("diary_list")).content.decode()


def test_it_answers_404_to_another_township_and_200_to_its_own(as_user, township_officer_b, entry_a, entry_b):
    client = as_user(township_officer_b)
    assert client.get(url("diary_detail", entry_a)).status_code == 404
    assert client.post(url("diary_to_case", entry_a)).status_code == 404
    assert client.get(url("diary_detail", entry_b)).status_code == 200
    body = client.get(url("diary_list")).content.decode()
    assert url("diary_detail", entry_b) in body and url("diary_detail", entry_a) not in body


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "audit_admin"])
def test_it_never_shows_an_entry_to_the_cadre_their_unit_or_the_administrators(
    request, as_user, entry_a, persona
):
    """The cadre the entry is about and their unit's liaison get the 404 of an entry that does not exist;
    the diary list and form are not theirs (403)."""
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("diary_detail", entry_a)).status_code == 404
    assert client.get(url("diary_update", entry_a)).status_code == 404
    assert client.post(url("diary_to_case", entry_a)).status_code == 404
    assert client.get(url("diary_list")).status_code == 403
    assert client.get(url("diary_create")).status_code == 403


@pytest.mark.parametrize(
    "name, method",
    [
        ("diary_list", "get"),
        ("diary_create", "get"),
        ("diary_create", "post"),
        ("diary_detail", "get"),
        ("diary_update", "get"),
        ("diary_update", "post"),
        ("diary_to_case", "post"),
    ],
)
def test_it_sends_anonymous_visitors_to_the_sign_in_page(client, entry_a, name, method):
    target = url(name, entry_a if name not in ("diary_list", "diary_create") else None)
    response = getattr(client, method)(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_405_to_the_wrong_method(as_user, grid_supervisor, entry_a):
    client = as_user(grid_supervisor)
    assert client.get(url("diary_to_case", entry_a)).status_code == 405
    assert client.post(url("diary_detail", entry_a)).status_code == 405
    assert client.post(url("diary_list")).status_code == 405


@pytest.mark.parametrize("persona", ["grid_supervisor", "grid_leader_a"])
def test_it_opens_the_form_to_the_grid_team(request, as_user, persona):
    assert as_user(request.getfixturevalue(persona)).get(url("diary_create")).status_code == 200


@pytest.mark.parametrize("persona", ["township_officer_a", "county_officer", "community_org_a", "office"])
def test_it_keeps_the_form_to_the_grid_teams(request, as_user, persona):
    """Readers who are not in a grid team read the diary but do not write it."""
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("diary_create")).status_code == 403
    assert reverse("supervision:diary_create") not in client.get(url("diary_list")).content.decode()


@pytest.mark.parametrize("persona", ["grid_leader_a", "township_officer_a", "county_officer"])
def test_it_lets_only_the_author_edit(request, as_user, entry_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("diary_update", entry_a)).status_code == 403
    assert client.post(url("diary_update", entry_a), {"heard": "改写"}).status_code == 403
    assert url("diary_update", entry_a) not in client.get(url("diary_detail", entry_a)).content.decode()


def test_it_opens_the_edit_page_to_the_author(as_user, grid_supervisor, entry_a):
    client = as_user(grid_supervisor)
    assert url("diary_update", entry_a) in client.get(url("diary_detail", entry_a)).content.decode()
    assert client.get(url("diary_update", entry_a)).status_code == 200


def test_it_shows_the_diary_in_the_menu_of_its_readers_only(as_user, grid_supervisor, unit_liaison):
    assert url("diary_list") in as_user(grid_supervisor).get("/").content.decode()
    assert url("diary_list") not in as_user(unit_liaison).get("/").content.decode()


def test_it_links_the_form_from_the_home_page_of_the_grid_team(as_user, grid_supervisor, township_officer_a):
    assert url("diary_create") in as_user(grid_supervisor).get("/").content.decode()
    assert url("diary_create") not in as_user(township_officer_a).get("/").content.decode()
