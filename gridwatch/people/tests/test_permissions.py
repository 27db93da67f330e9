"""Every registry view: the right persona gets it, another township gets 404, a wrong role 403, a wrong
method 405."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridwatch.people import services


@pytest.fixture
def world(cadre_a, cadre_b, unit_a, unit_b, county_officer):
    rnd = services.round_open(
        actor=county_officer, title="第一轮", deadline=timezone.localdate() + datetime.timedelta(days=5)
    )
    return {"cadre_a": cadre_a, "unit_a": unit_a, "round": rnd}


def url(name, world, key=None):
    return reverse(f"people:{name}", args=[world[key].pk] if key else [])


# (route, object, persona who may GET it)
PAGES = [
    ("cadre_list", None, "township_officer_a"),
    ("cadre_detail", "cadre_a", "township_officer_a"),
    ("cadre_create", None, "township_officer_a"),
    ("cadre_edit", "cadre_a", "township_officer_a"),
    ("cadre_status", "cadre_a", "township_officer_a"),
    ("cadre_import", None, "township_officer_a"),
    ("cadre_export", None, "township_officer_a"),
    ("unit_list", None, "unit_liaison"),
    ("unit_detail", "unit_a", "unit_liaison"),
    ("unit_create", None, "county_officer"),
    ("round_list", None, "unit_liaison"),
    ("round_detail", "round", "unit_liaison"),
]


@pytest.mark.parametrize("name, key, persona", PAGES)
def test_it_opens_each_page_to_the_right_persona(request, as_user, world, name, key, persona):
    user = request.getfixturevalue(persona)
    assert as_user(user).get(url(name, world, key)).status_code == 200


@pytest.mark.parametrize("name", ["cadre_detail", "cadre_edit", "cadre_status"])
def test_it_answers_404_to_another_township(as_user, township_officer_b, world, name):
    assert as_user(township_officer_b).get(url(name, world, "cadre_a")).status_code == 404


def test_it_answers_404_for_another_units_page_to_a_liaison(as_user, unit_liaison, world, unit_b):
    assert as_user(unit_liaison).get(reverse("people:unit_detail", args=[unit_b.pk])).status_code == 404


@pytest.mark.parametrize(
    "name, key, method",
    [
        ("cadre_create", None, "get"),
        ("cadre_edit", "cadre_a", "get"),
        ("cadre_status", "cadre_a", "get"),
        ("cadre_import", None, "get"),
        ("cadre_export", None, "get"),
        ("cadre_relation_add", "cadre_a", "post"),
        ("unit_create", None, "get"),
        ("unit_set_head", "unit_a", "post"),
        ("round_list", None, "get"),
        ("round_detail", "round", "get"),
        ("round_close", "round", "post"),
        ("round_submit", "round", "post"),
        ("round_import", "round", "post"),
    ],
)
def test_it_answers_403_to_a_grid_supervisor(as_user, grid_supervisor, world, name, key, method):
    assert getattr(as_user(grid_supervisor), method)(url(name, world, key)).status_code == 403


@pytest.mark.parametrize(
    "name, key, method",
    [
        ("cadre_list", None, "post"),
        ("cadre_detail", "cadre_a", "post"),
        ("cadre_create", None, "delete"),
        ("cadre_edit", "cadre_a", "put"),
        ("cadre_status", "cadre_a", "delete"),
        ("cadre_phone", "cadre_a", "get"),
        ("cadre_relation_add", "cadre_a", "get"),
        ("cadre_export", None, "post"),
        ("cadre_import", None, "put"),
        ("unit_list", None, "post"),
        ("unit_detail", "unit_a", "post"),
        ("unit_create", None, "put"),
        ("unit_set_head", "unit_a", "get"),
        ("round_list", None, "put"),
        ("round_detail", "round", "post"),
        ("round_close", "round", "get"),
        ("round_submit", "round", "get"),
        ("round_import", "round", "get"),
    ],
)
def test_it_answers_405_to_a_wrong_method(as_user, county_officer, world, name, key, method):
    assert getattr(as_user(county_officer), method)(url(name, world, key)).status_code == 405
