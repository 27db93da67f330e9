"""No dead ends around the diary: with entries in place (one turned into a case), every link a reader is
shown leads to a page they may open (the crawl of gridwatch/core/tests/test_links.py)."""

import pytest
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.core.tests.test_links import crawl
from gridwatch.supervision import services

from .conftest import write_entry


@pytest.fixture
def diary(grid_supervisor, grid_leader_a, grid_a, cadre_a):
    converted = write_entry(grid_supervisor, grid_a, cadre=cadre_a, circle="social")
    services.diary_entry_to_case(actor=grid_leader_a, entry=converted)
    plain = write_entry(grid_supervisor, grid_a, heard="居民反映路灯坏了很久")
    return converted, plain


@pytest.mark.parametrize(
    "persona",
    ["grid_supervisor", "grid_leader_a", "township_officer_a", "county_officer", "community_org", "office"],
)
def test_it_shows_diary_readers_only_links_they_may_follow(
    request, as_user, diary, persona, community_a, county
):
    if persona == "community_org":
        user = make_user("party_a", role=Role.COMMUNITY_ORG, area=community_a)
    elif persona == "office":
        user = make_user("office", role=Role.OFFICE, area=county)
    else:
        user = request.getfixturevalue(persona)
    seen, dead = crawl(as_user(user))
    assert reverse("supervision:diary_detail", args=[diary[0].pk]) in seen
    assert dead == [], (seen, dead)
