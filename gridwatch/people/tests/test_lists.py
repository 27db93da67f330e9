"""The cadre list costs the same number of queries for 5 cadres as for 50, and offers editors their tools."""

import pytest
from django.urls import reverse


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
