"""Lower apps may not import the dashboard's or the warnings' roles, so the menu and the home page carry
copies of them: these copies must not drift."""

from gridwatch.accounts.dashboard import home_context
from gridwatch.accounts.navigation import NAV
from gridwatch.dashboard.roles import PACK_READERS
from gridwatch.formal_warnings.roles import READERS as WARNING_READERS


def test_the_menu_offers_the_pack_and_the_notices_to_their_readers():
    menu = {url_name: set(allowed or ()) for url_name, _label, allowed, _icon in NAV}
    assert menu["dashboard:pack"] == set(PACK_READERS)
    assert menu["formal_warnings:list"] == set(WARNING_READERS)


def test_the_home_page_links_the_pack_for_its_readers_only(
    office, county_officer, township_officer_a, unit_liaison, grid_supervisor, cadre_user
):
    for user in (office, county_officer, township_officer_a):
        assert home_context(user)["pack_reader"], user
    for user in (unit_liaison, grid_supervisor, cadre_user):
        assert not home_context(user)["pack_reader"], user
