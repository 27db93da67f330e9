"""Permission, scoping and behaviour of the geography pages (STYLE.md: right persona, other township,
wrong role, wrong method, htmx fragment)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user
from gridwatch.geography.models import GridTeamMember

from .conftest import new_grid

HTMX = {"HTTP_HX_REQUEST": "true"}


# --------------------------------------------------------------------------------------- area list


def test_it_lists_the_county_for_county_staff_and_the_township_for_township_staff(
    as_user, county_officer, township_officer_a, grid_a, grid_b
):
    body = as_user(county_officer).get(reverse("geography:area_list")).content.decode()
    assert "长顺县" in body and f'href="{reverse("geography:import_export")}"' in body
    body = as_user(township_officer_a).get(reverse("geography:area_list")).content.decode()
    assert "广顺镇" in body and "摆所镇" not in body and "长顺县" not in body
    assert f'href="{reverse("geography:import_export")}"' not in body
    assert reverse("geography:grid_table_export") in body


def test_it_refuses_the_area_list_to_a_cadre(as_user, cadre_user):
    assert as_user(cadre_user).get(reverse("geography:area_list")).status_code == 403


def test_it_refuses_to_post_to_the_area_list(as_user, county_officer):
    assert as_user(county_officer).post(reverse("geography:area_list")).status_code == 405


# ------------------------------------------------------------------------------------- area detail


def test_it_shows_a_township_with_its_communities_and_grid_counts(
    as_user, township_officer_a, grid_a, grid_a2
):
    response = as_user(township_officer_a).get(reverse("geography:area_detail", args=["522729101000"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "南场社区" in body
    [community] = response.context["children"]
    assert (community.child_count, community.grid_count) == (2, 2)


def test_it_shows_the_grids_of_a_community_with_their_team_problems(
    as_user, county_officer, grid_a, grid_a2, full_team
):
    response = as_user(county_officer).get(reverse("geography:area_detail", args=["522729101001"]))
    first, second = response.context["children"]
    assert first.problems == [] and len(second.problems) == 3
    assert response.content.decode().count('class="badge red"') == 3


def test_it_shows_a_grid_with_its_group_and_what_it_lacks(
    as_user, township_officer_a, grid_a, grid_supervisor
):
    response = as_user(township_officer_a).get(reverse("geography:area_detail", args=[grid_a.code]))
    body = response.content.decode()
    assert "supervisor_a1" in body
    assert response.context["problems"]  # no leader, no deputy
    assert reverse("geography:team_add", args=[grid_a.code]) in body


def test_it_hides_the_team_forms_from_readers_who_cannot_change_them(as_user, grid_supervisor, grid_a):
    response = as_user(grid_supervisor).get(reverse("geography:area_detail", args=[grid_a.code]))
    assert response.status_code == 200
    assert reverse("geography:team_add", args=[grid_a.code]) not in response.content.decode()


def test_it_answers_404_for_an_area_of_another_township(as_user, township_officer_a, grid_b):
    assert (
        as_user(township_officer_a).get(reverse("geography:area_detail", args=[grid_b.code])).status_code
        == 404
    )
    assert (
        as_user(township_officer_a).get(reverse("geography:area_detail", args=["522729000000"])).status_code
        == 404
    )


def test_it_refuses_the_area_detail_to_a_cadre(as_user, cadre_user, grid_a):
    assert as_user(cadre_user).get(reverse("geography:area_detail", args=[grid_a.code])).status_code == 403


def test_it_refuses_to_post_to_the_area_detail(as_user, county_officer, grid_a):
    assert (
        as_user(county_officer).post(reverse("geography:area_detail", args=[grid_a.code])).status_code == 405
    )


def test_it_shows_a_community_in_a_fixed_number_of_queries(
    as_user, county_officer, community_a, django_assert_max_num_queries
):
    client = as_user(county_officer)
    url = reverse("geography:area_detail", args=[community_a.code])
    for i in range(1, 13):
        grid = new_grid(actor=None, parent=community_a, code=f"{community_a.code}{i:03d}", name=f"第{i}网格")
        GridTeamMember.objects.create(grid=grid, user=make_user(f"s{i}"), role="supervisor")
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["children"]) == 12


def test_it_shows_a_grid_in_a_fixed_number_of_queries(
    as_user, county_officer, grid_a, full_team, django_assert_max_num_queries
):
    client = as_user(county_officer)
    client.get(reverse("geography:area_detail", args=[grid_a.code]))
    with django_assert_max_num_queries(14):
        client.get(reverse("geography:area_detail", args=[grid_a.code]))


# --------------------------------------------------------------------------------------- area edit


def test_it_lets_county_staff_edit_an_area(as_user, county_officer, grid_a):
    client = as_user(county_officer)
    assert client.get(reverse("geography:area_edit", args=[grid_a.code])).status_code == 200
    response = client.post(
        reverse("geography:area_edit", args=[grid_a.code]),
        {"name": "南场第一网格", "description": "南场街1-20号", "supervision_phone": "0854-6821234"},
    )
    assert response.status_code == 302
    grid_a.refresh_from_db()
    assert (grid_a.name, grid_a.description, grid_a.supervision_phone) == (
        "南场第一网格",
        "南场街1-20号",
        "0854-6821234",
    )
    assert AuditEvent.objects.filter(action="area.update", object_id=str(grid_a.pk)).exists()


def test_it_lets_township_staff_edit_their_own_areas_only(as_user, township_officer_a, grid_a, grid_b):
    client = as_user(township_officer_a)
    data = {"name": "新名字", "description": "", "supervision_phone": ""}
    assert client.post(reverse("geography:area_edit", args=[grid_a.code]), data).status_code == 302
    assert client.post(reverse("geography:area_edit", args=[grid_b.code]), data).status_code == 404
    grid_b.refresh_from_db()
    assert grid_b.name == "摆所社区第1网格"


def test_it_refuses_the_edit_page_to_a_grid_supervisor(as_user, grid_supervisor, grid_a):
    assert as_user(grid_supervisor).get(reverse("geography:area_edit", args=[grid_a.code])).status_code == 403


def test_it_refuses_a_put_to_the_edit_page(as_user, county_officer, grid_a):
    assert as_user(county_officer).put(reverse("geography:area_edit", args=[grid_a.code])).status_code == 405


def test_it_refuses_a_supervision_phone_that_is_not_one(as_user, county_officer, grid_a):
    response = as_user(county_officer).post(
        reverse("geography:area_edit", args=[grid_a.code]),
        {"name": "x", "supervision_phone": "call the office"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["supervision_phone"]
    grid_a.refresh_from_db()
    assert grid_a.name == "南场社区第1网格"


# ---------------------------------------------------------------------------------- grid team


def add(client, grid, username, role, **extra):
    return client.post(
        reverse("geography:team_add", args=[grid.code]), {"username": username, "role": role}, **extra
    )


def test_it_adds_a_member_and_returns_the_group_fragment(
    as_user, township_officer_a, grid_a, grid_supervisor
):
    make_user("wangfang")
    response = add(as_user(township_officer_a), grid_a, "wangfang", "leader", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "wangfang" in body
    assert GridTeamMember.objects.filter(grid=grid_a, user__username="wangfang", role="leader").exists()
    assert AuditEvent.objects.filter(action="grid_team.add").exists()


def test_it_redirects_back_to_the_grid_without_htmx(as_user, county_officer, grid_a):
    make_user("wangfang")
    response = add(as_user(county_officer), grid_a, "wangfang", "deputy")
    assert response.status_code == 302 and response["Location"] == reverse(
        "geography:area_detail", args=[grid_a.code]
    )


def test_it_shows_why_a_second_leader_is_refused(as_user, county_officer, grid_a, full_team):
    make_user("another")
    response = add(as_user(county_officer), grid_a, "another", "leader", **HTMX)
    assert response.status_code == 200
    assert response.context["team_error"]
    assert 'class="msg error"' in response.content.decode()
    assert GridTeamMember.objects.filter(grid=grid_a, role="leader").count() == 1


def test_it_refuses_a_sixth_supervisor(as_user, county_officer, grid_a):
    client = as_user(county_officer)
    for i in range(6):
        make_user(f"sup{i}")
        response = add(client, grid_a, f"sup{i}", "supervisor", **HTMX)
    assert response.context["team_error"]
    assert GridTeamMember.objects.filter(grid=grid_a, role="supervisor").count() == 5


def test_it_says_so_when_the_user_name_is_unknown(as_user, county_officer, grid_a):
    response = add(as_user(county_officer), grid_a, "nobody", "supervisor", **HTMX)
    assert response.context["team_error"]
    assert not GridTeamMember.objects.exists()


def test_it_keeps_the_last_supervisor_and_says_why(as_user, county_officer, grid_a, grid_supervisor):
    response = as_user(county_officer).post(
        reverse("geography:team_remove", args=[grid_a.code]), {"username": "supervisor_a1"}, **HTMX
    )
    assert response.status_code == 200
    assert response.context["team_error"]
    assert GridTeamMember.objects.filter(grid=grid_a).count() == 1


def test_it_removes_a_member(as_user, township_officer_a, grid_a, full_team):
    response = as_user(township_officer_a).post(
        reverse("geography:team_remove", args=[grid_a.code]), {"username": "deputy_a1"}, **HTMX
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert not GridTeamMember.objects.filter(grid=grid_a, role="deputy").exists()
    assert AuditEvent.objects.filter(action="grid_team.remove").exists()


def test_it_answers_404_for_the_team_of_another_township(as_user, township_officer_a, grid_b):
    make_user("wangfang")
    client = as_user(township_officer_a)
    assert add(client, grid_b, "wangfang", "leader").status_code == 404
    response = client.post(reverse("geography:team_remove", args=[grid_b.code]), {"username": "wangfang"})
    assert response.status_code == 404
    assert not GridTeamMember.objects.exists()


def test_it_answers_404_for_a_team_of_an_area_that_is_not_a_grid(as_user, county_officer, community_a):
    make_user("wangfang")
    assert add(as_user(county_officer), community_a, "wangfang", "leader").status_code == 404


def test_it_answers_404_for_removing_someone_not_in_the_group(as_user, county_officer, grid_a):
    response = as_user(county_officer).post(
        reverse("geography:team_remove", args=[grid_a.code]), {"username": "x"}
    )
    assert response.status_code == 404


def test_it_refuses_team_changes_to_a_grid_supervisor(as_user, grid_supervisor, grid_a):
    make_user("wangfang")
    assert add(as_user(grid_supervisor), grid_a, "wangfang", "leader").status_code == 403
    response = as_user(grid_supervisor).post(
        reverse("geography:team_remove", args=[grid_a.code]), {"username": "supervisor_a1"}
    )
    assert response.status_code == 403


def test_it_refuses_get_on_the_team_actions(as_user, county_officer, grid_a):
    client = as_user(county_officer)
    assert client.get(reverse("geography:team_add", args=[grid_a.code])).status_code == 405
    assert client.get(reverse("geography:team_remove", args=[grid_a.code])).status_code == 405


# ------------------------------------------------------------------------------------- liaisons


def test_it_lists_every_liaison_for_county_staff_and_the_office(
    as_user, county_officer, office_user, commission_liaison, other_liaison
):
    for user in (county_officer, office_user):
        body = as_user(user).get(reverse("geography:liaison_list")).content.decode()
        assert "liaison_leader" in body and "liaison_other" in body and "广顺镇" in body and "摆所镇" in body


def test_it_shows_a_liaison_only_their_own_links(as_user, commission_liaison, other_liaison):
    response = as_user(commission_liaison).get(reverse("geography:liaison_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "liaison_leader" in body and "liaison_other" not in body


def test_it_refuses_the_liaison_list_to_township_staff(as_user, township_officer_a, commission_liaison):
    assert as_user(township_officer_a).get(reverse("geography:liaison_list")).status_code == 403


def test_it_refuses_to_post_to_the_liaison_list(as_user, county_officer):
    assert as_user(county_officer).post(reverse("geography:liaison_list")).status_code == 405


# ------------------------------------------------------------------------ import / export page


def test_it_shows_the_import_and_export_page_to_county_staff(as_user, county_officer, grid_a):
    response = as_user(county_officer).get(reverse("geography:import_export"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("geography:grid_table_export") in body and 'enctype="multipart/form-data"' in body
    assert response.context["grid_count"] == 1


@pytest.mark.parametrize("persona", ["township_officer_a", "office_user", "grid_supervisor"])
def test_it_refuses_the_import_page_to_everyone_else(request, as_user, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    assert client.get(reverse("geography:import_export")).status_code == 403
    assert client.post(reverse("geography:import_export")).status_code == 403


def test_it_refuses_a_put_to_the_import_page(as_user, county_officer):
    assert as_user(county_officer).put(reverse("geography:import_export")).status_code == 405


def test_it_exports_only_the_grids_of_the_township(as_user, township_officer_a, grid_a, grid_a2, grid_b):
    response = as_user(township_officer_a).get(reverse("geography:grid_table_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[5] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == [grid_a.code, grid_a2.code]
    assert AuditEvent.objects.filter(action="area.export", actor_id=township_officer_a.pk).count() == 1


def test_it_exports_in_a_fixed_number_of_queries(
    as_user, county_officer, community_a, django_assert_max_num_queries
):
    client = as_user(county_officer)
    for i in range(1, 21):
        grid = new_grid(actor=None, parent=community_a, code=f"{community_a.code}{i:03d}", name=f"第{i}网格")
        GridTeamMember.objects.create(grid=grid, user=make_user(f"s{i}"), role="supervisor")
    client.get(reverse("geography:grid_table_export"))
    # Session, user, device, three for the scope, grids, teams, the audit event: none grows with the grids.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("geography:grid_table_export"))
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 22


def test_it_refuses_the_export_to_a_cadre(as_user, cadre_user):
    assert as_user(cadre_user).get(reverse("geography:grid_table_export")).status_code == 403


def test_it_refuses_to_post_to_the_export(as_user, county_officer):
    assert as_user(county_officer).post(reverse("geography:grid_table_export")).status_code == 405


def test_it_shows_the_grid_table_in_the_navigation_of_county_staff_only(
    as_user, county_officer, township_officer_a
):
    link = f'href="{reverse("geography:import_export")}"'
    assert link in as_user(county_officer).get(reverse("people:cadre_list")).content.decode()
    assert link not in as_user(township_officer_a).get(reverse("people:cadre_list")).content.decode()


def test_it_says_what_is_missing_when_the_add_form_is_incomplete(as_user, county_officer, grid_a):
    response = add(as_user(county_officer), grid_a, "", "chief", **HTMX)
    assert response.status_code == 200
    assert response.context["team_error"]
    assert not GridTeamMember.objects.exists()


def test_it_shows_a_refusal_as_a_message_after_a_plain_post(as_user, county_officer, grid_a, grid_supervisor):
    client = as_user(county_officer)
    response = client.post(
        reverse("geography:team_remove", args=[grid_a.code]), {"username": "supervisor_a1"}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert GridTeamMember.objects.filter(grid=grid_a).count() == 1


def test_it_shows_a_liaison_their_grid_but_no_edit_or_team_forms(as_user, commission_liaison, grid_a, grid_b):
    client = as_user(commission_liaison)
    response = client.get(reverse("geography:area_detail", args=[grid_a.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("geography:area_edit", args=[grid_a.code]) not in body
    assert reverse("geography:team_add", args=[grid_a.code]) not in body
    assert client.get(reverse("geography:area_detail", args=[grid_b.code])).status_code == 404
    assert client.get(reverse("geography:area_edit", args=[grid_a.code])).status_code == 403


def test_it_lets_the_office_read_areas_but_not_edit_them(as_user, office_user, grid_a):
    client = as_user(office_user)
    assert client.get(reverse("geography:area_detail", args=[grid_a.code])).status_code == 200
    assert client.get(reverse("geography:area_edit", args=[grid_a.code])).status_code == 403


def test_a_place_names_each_level_once_even_where_a_grid_repeats_its_community(grid_a, community_a):
    """Lists name a grid by its community and its own name, page headers from the township down: a grid
    named after its community (南场社区第1网格) does not read 南场社区 · 南场社区第1网格, and a grid named
    on its own (第2网格) keeps its community in front."""
    from django.template import engines

    on_its_own = new_grid(actor=None, parent=community_a, code="522729101001002", name="第2网格")
    assert grid_a.place() == "南场社区第1网格"
    assert grid_a.place(3) == "广顺镇 · 南场社区第1网格"
    assert on_its_own.place() == "南场社区 · 第2网格"
    assert on_its_own.place(3) == "广顺镇 · 南场社区 · 第2网格"
    assert community_a.place(5) == "长顺县 · 广顺镇 · 南场社区"
    # A grid whose name only begins like its community's is another name: the community stays.
    street = new_grid(actor=None, parent=community_a, code="522729101001003", name="南场社区路网格")
    assert street.place() == "南场社区 · 南场社区路网格"
    template = "{% load areas %}{{ grid|place }}|{{ grid|place:3 }}|{{ none|place }}"
    rendered = engines["django"].from_string(template).render({"grid": on_its_own, "none": None})
    assert rendered == "南场社区 · 第2网格|广顺镇 · 南场社区 · 第2网格|"
