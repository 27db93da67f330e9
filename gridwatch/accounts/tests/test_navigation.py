"""The phone's tab bar holds each role's four most used sections; the rest are under "More"."""

import re

import pytest
from django.urls import reverse


def tabs(client):
    body = client.get(reverse("core:home")).content.decode()
    bar = re.search(r'<nav class="tabbar".*?</nav>', body, re.S).group(0)
    return re.findall(r'<a href="([^"#]+)"', bar), 'href="#all-nav"' in bar


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("township_officer_a", ["/", "/cases/", "/monthly/", "/people/cadres/"]),
        ("grid_supervisor", ["/", "/cases/", "/supervision/cards/", "/people/cadres/"]),
        ("cadre_user", ["/", "/commitments/mine/", "/people/my-file/", "/cases/mine/"]),
    ],
)
def test_it_puts_each_roles_most_used_sections_in_the_tab_bar(as_user, request, persona, expected):
    """Home and the role's daily work in the menu's order, and "More" for the rest."""
    links, more = tabs(as_user(request.getfixturevalue(persona)))
    assert links == expected
    assert more


def test_it_marks_more_as_current_on_a_section_outside_the_tab_bar(as_user, grid_supervisor):
    body = as_user(grid_supervisor).get(reverse("supervision:diary_list")).content.decode()
    assert re.search(r'class="more-tab is-active"', body)


def test_it_draws_every_menu_entry_with_an_icon_that_exists():
    """An icon missing from icons.svg shows as an empty square in the menu and the tab bar."""
    from django.contrib.staticfiles import finders

    from gridwatch.accounts.navigation import NAV

    with open(finders.find("icons.svg"), encoding="utf-8") as sprite:
        symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite.read()))
    assert {icon for *_rest, icon in NAV} <= symbols
