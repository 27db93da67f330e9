"""The cadre list costs the same number of queries for 5 cadres as for 50, offers editors their tools, and
folds its filters on phones."""

import pytest
from django.urls import reverse

from gridwatch.conftest import FOLD_CONTEXT, filter_fold, zh


@pytest.mark.parametrize("n", [5, 50])
def test_it_lists_cadres_in_a_fixed_number_of_queries(
    as_user, township_officer_a, unit_a, grid_a, make_cadres, n, django_assert_max_num_queries
):
    make_cadres(n, unit_a, grid_a)
    client = as_user(township_officer_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:cadre_list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("people:cadre_list"), HTTP_HX_REQUEST="true").status_code == 200


def test_it_offers_the_new_cadre_and_excel_links_to_editors_only(
    as_user, township_officer_a, grid_supervisor
):
    create = reverse("people:cadre_create")
    assert create in as_user(township_officer_a).get(reverse("people:cadre_list")).content.decode()
    assert create not in as_user(grid_supervisor).get(reverse("people:cadre_list")).content.decode()


def test_it_shows_units_and_data_collection_in_the_navigation(as_user, unit_liaison, grid_supervisor):
    body = as_user(unit_liaison).get(reverse("people:unit_list")).content.decode()
    assert reverse("people:round_list") in body
    body = as_user(grid_supervisor).get(reverse("people:unit_list")).content.decode()
    assert reverse("people:unit_list") in body and reverse("people:round_list") not in body


@pytest.mark.parametrize("n", [5, 50])
def test_it_shows_a_unit_page_in_a_fixed_number_of_queries(
    as_user, county_officer, unit_a, grid_a, make_cadres, n, django_assert_max_num_queries
):
    make_cadres(n, unit_a, grid_a)
    client = as_user(county_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:unit_detail", args=[unit_a.pk]))
    assert len(response.context["cadres"]) == n


@pytest.mark.parametrize("n", [5, 50])
def test_it_shows_a_liaison_their_round_in_a_fixed_number_of_queries(
    as_user, unit_liaison, county_officer, unit_a, grid_a, make_cadres, n, django_assert_max_num_queries
):
    import datetime

    from django.utils import timezone

    from gridwatch.people import services

    rnd = services.round_open(
        actor=county_officer, title="轮次", deadline=timezone.localdate() + datetime.timedelta(days=1)
    )
    make_cadres(n, unit_a, grid_a)
    client = as_user(unit_liaison)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("people:round_detail", args=[rnd.pk]))
    assert len(response.context["sections"][0]["rows"]) == n


def test_it_folds_the_cadre_filters_but_not_the_search_and_counts_those_set(
    as_user, county_officer, township_a, cadre_a
):
    """On a phone the name search stays in view; unit, township and status wait behind a "Filters" button
    that comes open, with their number, when any is set."""
    client = as_user(county_officer)
    is_open, label, inside = filter_fold(
        client.get(reverse("people:cadre_list"), {"q": "张"}).content.decode()
    )
    assert not is_open and label == zh("Filters", context=FOLD_CONTEXT)
    assert 'id="f-unit"' in inside and 'id="f-area"' in inside and 'id="q"' not in inside
    params = {"area": township_a.code, "status": "serving"}
    is_open, label, _inside = filter_fold(client.get(reverse("people:cadre_list"), params).content.decode())
    assert is_open and label == zh("Filters (%(n)s)", context=FOLD_CONTEXT, n=2)
    swapped = client.get(reverse("people:cadre_list"), params, HTTP_HX_REQUEST="true").content.decode()
    assert f'<span id="filter-toggle-label" hx-swap-oob="true">{label}</span>' in swapped


def test_it_filters_by_rank_from_the_fold(as_user, county_officer, unit_a, grid_a):
    """The rank the list can filter by has its select in the fold: chosen, it narrows the list, shows as
    chosen and counts as a filter (before, a rank in the address filtered with no control to undo it)."""
    from gridwatch.conftest import make_cadre

    make_cadre("林涛", unit_a, grid_a, rank="section_chief")
    make_cadre("何丽", unit_a, grid_a, rank="staff")
    client = as_user(county_officer)
    body = client.get(reverse("people:cadre_list"), {"rank": "section_chief"}).content.decode()
    assert "林涛" in body and "何丽" not in body
    assert '<option value="section_chief" selected>' in body
    is_open, label, _inside = filter_fold(body)
    assert is_open and label == zh("Filters (%(n)s)", context=FOLD_CONTEXT, n=1)
    assert 'id="f-rank"' in body
