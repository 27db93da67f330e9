"""Units (R1): list, page, creation and number one."""

import pytest
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_cadre, zh
from gridwatch.people.models import Unit


def test_it_lists_units_with_search(as_user, county_officer, unit_a, unit_b):
    body = as_user(county_officer).get(reverse("people:unit_list"), {"q": "财政"}).content.decode()
    assert "县财政局" in body and "县教育局" not in body


def test_it_answers_the_unit_search_with_a_fragment_for_htmx(as_user, county_officer, unit_a):
    response = as_user(county_officer).get(reverse("people:unit_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "县财政局" in body and "<html" not in body


def test_it_shows_township_staff_only_their_township_units(
    as_user, township_officer_b, township_unit, unit_a
):
    client = as_user(township_officer_b)
    assert "广顺镇党委政府" not in client.get(reverse("people:unit_list")).content.decode()
    assert client.get(reverse("people:unit_detail", args=[township_unit.pk])).status_code == 404


def test_it_shows_a_unit_with_its_cadres(as_user, county_officer, unit_a, cadre_a):
    body = as_user(county_officer).get(reverse("people:unit_detail", args=[unit_a.pk])).content.decode()
    assert "县财政局" in body and "张伟" in body


def test_it_shows_the_liaison_their_own_unit(as_user, unit_liaison, unit_a, unit_b, cadre_a):
    client = as_user(unit_liaison)
    assert client.get(reverse("people:unit_detail", args=[unit_a.pk])).status_code == 200
    assert client.get(reverse("people:unit_detail", args=[unit_b.pk])).status_code == 404


def test_it_refuses_units_to_a_cadre(as_user, cadre_user, unit_a):
    assert as_user(cadre_user).get(reverse("people:unit_list")).status_code == 403


def test_it_refuses_to_post_to_the_unit_list(as_user, county_officer):
    assert as_user(county_officer).post(reverse("people:unit_list")).status_code == 405


def test_it_lets_county_staff_create_a_unit(as_user, county_officer, county):
    response = as_user(county_officer).post(
        reverse("people:unit_create"), {"name": "县审计局", "kind": "government", "area": county.pk}
    )
    unit = Unit.objects.get(name="县审计局")
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:unit_detail", args=[unit.pk]
    )
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_it_refuses_a_second_unit_of_the_same_name(as_user, county_officer, county, unit_a):
    response = as_user(county_officer).post(
        reverse("people:unit_create"), {"name": "县财政局", "kind": "government", "area": county.pk}
    )
    assert response.status_code == 200
    assert zh("A unit named %(name)s already exists.", name="县财政局") in response.content.decode()
    assert Unit.objects.filter(name="县财政局").count() == 1


@pytest.mark.parametrize("persona", ["township_officer_a", "unit_liaison"])
def test_it_lets_only_county_staff_create_units(request, as_user, persona):
    user = request.getfixturevalue(persona)
    assert as_user(user).get(reverse("people:unit_create")).status_code == 403


def test_it_sets_the_number_one_from_the_units_cadres(as_user, county_officer, unit_a, cadre_a):
    response = as_user(county_officer).post(
        reverse("people:unit_set_head", args=[unit_a.pk]), {"head": cadre_a.pk}
    )
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.head == cadre_a
    page = as_user(county_officer).get(reverse("people:unit_list")).content.decode()
    # The colon belongs to the translation (full-width in Chinese), not to the template.
    assert zh("Number one: %(name)s", name="张伟") in page and f"{zh('Number one')}: " not in page


def test_it_refuses_a_number_one_from_another_unit(as_user, county_officer, unit_a, cadre_b):
    response = as_user(county_officer).post(
        reverse("people:unit_set_head", args=[unit_a.pk]), {"head": cadre_b.pk}
    )
    assert response.status_code == 200
    unit_a.refresh_from_db()
    assert unit_a.head is None


def test_it_refuses_setting_the_number_one_by_get_or_by_a_liaison(
    as_user, county_officer, unit_liaison, unit_a, cadre_a
):
    assert as_user(county_officer).get(reverse("people:unit_set_head", args=[unit_a.pk])).status_code == 405
    assert (
        as_user(unit_liaison)
        .post(reverse("people:unit_set_head", args=[unit_a.pk]), {"head": cadre_a.pk})
        .status_code
        == 403
    )


@pytest.mark.parametrize("n", [5, 50])
def test_it_lists_units_in_a_fixed_number_of_queries(
    as_user, county_officer, county, grid_a, n, django_assert_max_num_queries
):
    from gridwatch.people import services

    for i in range(n):
        unit = services.unit_create(actor=None, name=f"单位{i:03d}", kind="government", area=county)
        services.unit_set_head(actor=None, unit=unit, head=make_cadre(f"负责人{i:03d}", unit, grid_a))
    client = as_user(county_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("people:unit_list")).status_code == 200
