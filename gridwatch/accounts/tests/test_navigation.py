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


def test_it_shortens_a_long_label_in_the_tab_bar_only(as_user, cadre_user):
    """关于我的核实结论 does not fit a fifth of a phone's width: the tab reads 核实结论, the menu the whole name."""
    import re

    from gridwatch.conftest import zh

    body = as_user(cadre_user).get("/").content.decode()
    tabbar = body[body.index('class="tabbar"') :]
    tab = re.search(
        r'<a href="/cases/mine/"[^>]*aria-label="([^"]+)"[^>]*>.*?<span>([^<]+)</span>', tabbar, re.S
    )
    assert (
        tab and tab.group(1) == zh("Findings about me") and tab.group(2) == zh("Findings", context="tab bar")
    )


def test_it_leaves_out_the_areas_for_a_unit_liaison(as_user, unit_liaison, township_officer_a):
    """A unit liaison's jurisdiction is their unit: no menu entry and no tile leading to an empty area list."""
    from django.urls import reverse

    from gridwatch.conftest import zh

    areas = reverse("geography:area_list")
    body = as_user(unit_liaison).get("/").content.decode()
    assert f'href="{areas}"' not in body and zh("Cadres of your unit") in body
    assert f'href="{areas}"' in as_user(township_officer_a).get("/").content.decode()
