"""No dead ends: every link a role is shown leads to a page that role may open.

For each persona, follow the links of the staff interface from the home page (GET links to our own pages;
sign-out, downloads and the admin are left out) and fetch each one as that persona: a link that answers
403 or 404 is a link the page should not have shown.
"""

import re

import pytest

from gridwatch.accounts.roles import Role
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user
from gridwatch.geography import services as geo

SKIP = re.compile(r"^/(static/|accounts/logout|i18n/|admin/|api/)|/export|\.csv|/photo/$")
LIMIT = 80


def crawl(client):
    seen, queue, dead = set(), ["/"], []
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code not in (200, 302):
            dead.append((url, response.status_code))
            continue
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
                href = href.replace("&amp;", "&")
                if not SKIP.search(href) and href not in seen:
                    queue.append(href)
    return seen, dead


@pytest.mark.parametrize(
    "persona",
    [
        "county_officer",
        "township_officer_a",
        "grid_supervisor",
        "unit_liaison",
        "cadre_user",
        "system_admin",
        "audit_admin",
    ],
)
def test_it_shows_each_role_only_links_it_may_follow(request, as_user, persona, cadre_a, cadre_b):
    seen, dead = crawl(as_user(request.getfixturevalue(persona)))
    assert len(seen) > 2
    assert dead == [], (seen, dead)


@pytest.fixture
def office(county):
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def commission_liaison(grid_a, township_b):
    user = make_user("liaison_leader")
    geo.liaison_create(actor=None, user=user, area=grid_a, townships=[township_b])
    return user


@pytest.mark.parametrize(
    "persona", ["office", "commission_liaison", "county_officer", "township_officer_a", "grid_supervisor"]
)
def test_it_shows_the_readers_of_cases_only_links_they_may_follow(
    request, as_user, persona, cadre_a, cadre_b, grid_a, grid_b
):
    """With reports in both townships, the crawl reaches the case pages: the office and the commission
    liaisons read them, and nothing on them leads to a page they may not open."""
    file_report(subject_cadre=cadre_a, grid=grid_a)
    file_report(subject_cadre=cadre_b, grid=grid_b)
    seen, dead = crawl(as_user(request.getfixturevalue(persona)))
    assert dead == [], (seen, dead)
    assert [url for url in seen if re.match(r"^/cases/[0-9a-f-]{36}/$", url)], seen
