"""Entering and editing cadres (R1, R16): who may, what they may choose, and the file's history."""

import pytest
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import zh
from gridwatch.people.models import Cadre, CadreFileEntry, DeclaredRelation


def form_data(unit, grid, **extra):
    data = {
        "name": "赵敏",
        "gender": "female",
        "birth_year": 1980,
        "unit": unit.pk,
        "position": "副局长",
        "rank": "section_deputy",
        "residence_grid": grid.code,
        "supervising_grid": "",
        "phone": "13912340000",
    }
    data.update(extra)
    return data


def test_it_registers_a_cadre_with_the_residence_grid_as_supervising_grid(
    as_user, county_officer, unit_a, grid_a
):
    response = as_user(county_officer).post(reverse("people:cadre_create"), form_data(unit_a, grid_a))
    cadre = Cadre.objects.get(name="赵敏")
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:cadre_detail", args=[cadre.pk]
    )
    assert cadre.supervising_grid == grid_a and cadre.phone == "13912340000"
    assert CadreFileEntry.objects.filter(cadre=cadre).count() == 1


def test_it_supervises_a_township_cadre_in_the_township_grid(
    as_user, county_officer, township_unit, grid_a, grid_a2, grid_b
):
    """R16: a township cadre living in another township is supervised in their township's grid."""
    as_user(county_officer).post(reverse("people:cadre_create"), form_data(township_unit, grid_b))
    cadre = Cadre.objects.get(name="赵敏")
    assert cadre.residence_grid == grid_b and cadre.supervising_grid == grid_a


def test_it_shows_errors_beside_the_fields_and_saves_nothing(as_user, county_officer, unit_a, grid_a):
    response = as_user(county_officer).post(
        reverse("people:cadre_create"), form_data(unit_a, grid_a, birth_year=1890, phone="12ab", name="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"birth_year", "phone", "name"}
    assert zh("Nothing was saved. Correct the fields marked below.") in response.content.decode()
    assert not Cadre.objects.filter(position="副局长", gender="female").exists()


def test_it_offers_township_staff_only_their_township_grids(
    as_user, township_officer_a, unit_a, grid_a, grid_b
):
    client = as_user(township_officer_a)
    codes = [
        g.code
        for g in client.get(reverse("people:cadre_create")).context["form"].fields["residence_grid"].queryset
    ]
    assert codes == [grid_a.code]
    response = client.post(reverse("people:cadre_create"), form_data(unit_a, grid_b))
    assert response.status_code == 200 and "residence_grid" in response.context["form"].errors
    assert not Cadre.objects.filter(name="赵敏").exists()


def test_it_keeps_a_township_officer_from_registering_a_cadre_supervised_elsewhere(
    as_user, township_officer_b, township_unit, grid_a, grid_b
):
    """A 广顺镇 township cadre living in 摆所镇 is supervised in 广顺镇: 摆所镇's staff may not enter them."""
    response = as_user(township_officer_b).post(
        reverse("people:cadre_create"), form_data(township_unit, grid_b)
    )
    assert response.status_code == 200 and "supervising_grid" in response.context["form"].errors
    assert not Cadre.objects.filter(name="赵敏").exists()


def test_it_lets_a_unit_liaison_choose_only_their_unit(as_user, unit_liaison, unit_a, unit_b, grid_a):
    client = as_user(unit_liaison)
    units = list(client.get(reverse("people:cadre_create")).context["form"].fields["unit"].queryset)
    assert units == [unit_a]
    response = client.post(reverse("people:cadre_create"), form_data(unit_b, grid_a))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert client.post(reverse("people:cadre_create"), form_data(unit_a, grid_a)).status_code == 302


def test_it_records_an_edit_in_the_file_without_the_phone_in_clear(
    as_user, county_officer, cadre_a, unit_a, grid_a2
):
    client = as_user(county_officer)
    data = form_data(
        unit_a,
        grid_a2,
        name="张伟",
        gender="male",
        birth_year=1975,
        rank="section_deputy",
        phone="13700001111",
    )
    assert client.post(reverse("people:cadre_edit", args=[cadre_a.pk]), data).status_code == 302
    cadre_a.refresh_from_db()
    assert (
        cadre_a.phone == "13700001111"
        and cadre_a.residence_grid == grid_a2
        and cadre_a.supervising_grid == grid_a2
    )
    page = client.get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert zh("Registry data changed") in page and "13700001111" not in page
    # The change reads as the form's labels, not as column names.
    assert zh("residence grid") in page and "residence_grid" not in page
    assert AuditEvent.objects.filter(action="cadre.update", object_id=str(cadre_a.pk)).exists()


def test_it_shows_the_file_in_the_readers_language_whoever_wrote_it(as_user, county_officer, cadre_a):
    """A status change written by an English-speaking officer reads in Chinese for the next reader."""
    client = as_user(county_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("people:cadre_status", args=[cadre_a.pk]), {"status": "retired", "note": "退休"})
    english = client.get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert "Status changed: Retired" in english
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = client.get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    assert zh("Status changed: %(status)s", status=zh("Retired")) in chinese
    assert "Status changed" not in chinese


def test_it_prefills_the_edit_form(as_user, township_officer_a, cadre_a):
    response = as_user(township_officer_a).get(reverse("people:cadre_edit", args=[cadre_a.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "张伟"
    assert response.context["form"].initial["supervising_grid"] == ""


def test_it_answers_404_to_another_townships_editor(as_user, township_officer_b, cadre_a):
    assert as_user(township_officer_b).get(reverse("people:cadre_edit", args=[cadre_a.pk])).status_code == 404
    assert (
        as_user(township_officer_b).get(reverse("people:cadre_status", args=[cadre_a.pk])).status_code == 404
    )


def test_it_refuses_editing_to_readers(as_user, grid_supervisor, office_user, cadre_a):
    assert as_user(grid_supervisor).get(reverse("people:cadre_edit", args=[cadre_a.pk])).status_code == 403
    assert as_user(office_user).get(reverse("people:cadre_create")).status_code == 403


def test_it_refuses_other_methods_on_the_edit_form(as_user, county_officer, cadre_a):
    assert as_user(county_officer).put(reverse("people:cadre_edit", args=[cadre_a.pk])).status_code == 405


def test_it_shows_edit_buttons_to_editors_only(as_user, county_officer, grid_supervisor, cadre_a):
    edit_url = reverse("people:cadre_edit", args=[cadre_a.pk])
    assert (
        edit_url
        in as_user(county_officer).get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()
    )
    assert (
        edit_url
        not in as_user(grid_supervisor)
        .get(reverse("people:cadre_detail", args=[cadre_a.pk]))
        .content.decode()
    )


def test_it_changes_the_status_with_a_note_in_the_file(as_user, unit_liaison, cadre_a):
    client = as_user(unit_liaison)
    response = client.post(
        reverse("people:cadre_status", args=[cadre_a.pk]), {"status": "transferred", "note": ""}
    )
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = client.post(
        reverse("people:cadre_status", args=[cadre_a.pk]), {"status": "transferred", "note": "调任县教育局"}
    )
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.status == "transferred"
    assert "调任县教育局" in client.get(reverse("people:cadre_detail", args=[cadre_a.pk])).content.decode()


def test_it_records_a_declared_relation_for_county_staff(as_user, county_officer, grid_supervisor, cadre_a):
    client = as_user(county_officer)
    response = client.post(
        reverse("people:cadre_relation_add", args=[cadre_a.pk]),
        {"username": "supervisor_a1", "kind": "kin", "note": "表兄"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "supervisor_a1" in body and "<html" not in body
    assert DeclaredRelation.objects.filter(cadre=cadre_a, user=grid_supervisor, kind="kin").exists()
    again = client.post(
        reverse("people:cadre_relation_add", args=[cadre_a.pk]), {"username": "supervisor_a1", "kind": "kin"}
    )
    assert zh("A relation of this user to this cadre is already recorded.") in again.content.decode()
    assert DeclaredRelation.objects.filter(cadre=cadre_a).count() == 1


def test_it_shows_declared_relations_to_county_staff_only(
    as_user, county_officer, township_officer_a, grid_supervisor, cadre_a
):
    DeclaredRelation.objects.create(user=grid_supervisor, cadre=cadre_a, kind="spouse")
    url = reverse("people:cadre_detail", args=[cadre_a.pk])
    assert "supervisor_a1" in as_user(county_officer).get(url).content.decode()
    assert "supervisor_a1" not in as_user(township_officer_a).get(url).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_lets_only_county_staff_record_relations(
    as_user, township_officer_a, county_officer, cadre_a, method
):
    url = reverse("people:cadre_relation_add", args=[cadre_a.pk])
    if method == "get":
        assert as_user(county_officer).get(url).status_code == 405
    else:
        assert as_user(township_officer_a).post(url, {"username": "x", "kind": "kin"}).status_code == 403


def test_it_refuses_an_unknown_user_for_a_relation(as_user, county_officer, cadre_a):
    response = as_user(county_officer).post(
        reverse("people:cadre_relation_add", args=[cadre_a.pk]), {"username": "nobody", "kind": "kin"}
    )
    assert zh("No active user has this user name.") in response.content.decode()
