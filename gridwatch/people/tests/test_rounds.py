"""Data-collection rounds (R21): opening, the completeness view, a unit's page, submitting, closing."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from gridwatch.conftest import make_cadre, zh
from gridwatch.people import services
from gridwatch.people.models import Cadre, CollectionRound, UnitSubmission

from .conftest import ROW_A, upload, workbook_bytes


@pytest.fixture
def open_round(county_officer):
    return services.round_open(
        actor=county_officer,
        title="2026年干部信息收集",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


def test_it_lets_county_staff_open_a_round(as_user, county_officer):
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    response = as_user(county_officer).post(
        reverse("people:round_list"), {"title": "第一轮", "deadline": deadline}
    )
    rnd = CollectionRound.objects.get(title="第一轮")
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:round_detail", args=[rnd.pk]
    )


def test_it_refuses_a_deadline_in_the_past(as_user, county_officer):
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = as_user(county_officer).post(
        reverse("people:round_list"), {"title": "第一轮", "deadline": past}
    )
    assert response.status_code == 200 and "deadline" in response.context["form"].errors
    assert not CollectionRound.objects.exists()


def test_it_refuses_opening_a_round_to_a_liaison(as_user, unit_liaison, open_round):
    client = as_user(unit_liaison)
    assert client.get(reverse("people:round_list")).status_code == 200
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    assert client.post(reverse("people:round_list"), {"title": "x", "deadline": deadline}).status_code == 403


def test_it_refuses_rounds_to_grid_supervisors(as_user, grid_supervisor, open_round):
    assert as_user(grid_supervisor).get(reverse("people:round_list")).status_code == 403
    assert (
        as_user(grid_supervisor).get(reverse("people:round_detail", args=[open_round.pk])).status_code == 403
    )


def test_it_shows_completeness_by_unit(as_user, county_officer, open_round, unit_a, unit_b, grid_a, grid_b):
    make_cadre("张伟", unit_a, grid_a)
    make_cadre("王强", unit_a, grid_a, phone="")
    make_cadre("退休者", unit_a, grid_a, status="retired", phone="")
    make_cadre("李娜", unit_b, grid_b)
    response = as_user(county_officer).get(reverse("people:round_detail", args=[open_round.pk]))
    units = {u.name: u for u in response.context["units"]}
    assert (units["县财政局"].serving_count, units["县财政局"].complete_count) == (2, 1)
    assert (units["县教育局"].serving_count, units["县教育局"].complete_count) == (1, 1)
    assert not units["县财政局"].submitted_at


def test_it_flags_units_late_after_the_deadline(
    as_user, county_officer, open_round, unit_a, unit_b, grid_a, grid_b
):
    make_cadre("李娜", unit_b, grid_b)
    services.unit_submit(actor=None, round=open_round, unit=unit_b)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11)):
        response = as_user(county_officer).get(reverse("people:round_detail", args=[open_round.pk]))
    units = {u.name: u for u in response.context["units"]}
    assert units["县财政局"].late and not units["县教育局"].late
    assert response.context["late_count"] == 1 and response.context["submitted_count"] == 1


def test_it_shows_township_staff_only_their_townships_units(
    as_user, township_officer_a, open_round, township_unit, unit_a
):
    response = as_user(township_officer_a).get(reverse("people:round_detail", args=[open_round.pk]))
    assert [u.name for u in response.context["units"]] == ["广顺镇党委政府"]


def test_it_answers_the_completeness_table_as_a_fragment_for_htmx(as_user, office_user, open_round, unit_a):
    response = as_user(office_user).get(
        reverse("people:round_detail", args=[open_round.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "县财政局" in body and "<html" not in body


@pytest.mark.parametrize("n", [5, 50])
def test_it_computes_completeness_in_a_fixed_number_of_queries(
    as_user, county_officer, open_round, county, grid_a, n, django_assert_max_num_queries
):
    for i in range(n):
        unit = services.unit_create(actor=None, name=f"单位{i:03d}", kind="government", area=county)
        make_cadre(f"干部{i:03d}", unit, grid_a, phone="" if i % 2 else "13800000000")
    client = as_user(county_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:round_detail", args=[open_round.pk]))
    assert sum(u.complete_count for u in response.context["units"]) == (n + 1) // 2


def test_it_shows_a_liaison_what_their_cadres_lack(
    as_user, unit_liaison, open_round, unit_a, unit_b, grid_a, grid_b
):
    incomplete = make_cadre("王强", unit_a, grid_a, phone="")
    make_cadre("张伟", unit_a, grid_a)
    make_cadre("李娜", unit_b, grid_b, phone="")
    response = as_user(unit_liaison).get(reverse("people:round_detail", args=[open_round.pk]))
    body = response.content.decode()
    [section] = response.context["sections"]
    assert section["unit"] == unit_a and section["incomplete"] == 1
    assert "李娜" not in body and reverse("people:cadre_edit", args=[incomplete.pk]) in body
    assert f"{reverse('people:cadre_export')}?unit={unit_a.pk}" in body
    with translation.override("zh-hans"):
        phone = str(Cadre._meta.get_field("phone").verbose_name)
    assert zh("Missing: %(fields)s", fields=phone) in body


def test_it_refuses_a_submission_with_incomplete_cadres(as_user, unit_liaison, open_round, unit_a, grid_a):
    make_cadre("王强", unit_a, grid_a, phone="")
    client = as_user(unit_liaison)
    response = client.post(
        reverse("people:round_submit", args=[open_round.pk]), {"unit": unit_a.pk}, follow=True
    )
    assert "王强" in response.content.decode()
    assert not UnitSubmission.objects.exists()


def test_it_accepts_a_complete_units_submission(
    as_user, unit_liaison, county_officer, open_round, unit_a, grid_a
):
    make_cadre("张伟", unit_a, grid_a)
    response = as_user(unit_liaison).post(
        reverse("people:round_submit", args=[open_round.pk]), {"unit": unit_a.pk}
    )
    assert response.status_code == 302
    assert UnitSubmission.objects.get(round=open_round, unit=unit_a).cadre_count == 1
    county_view = as_user(county_officer).get(reverse("people:round_detail", args=[open_round.pk]))
    assert {u.name: bool(u.submitted_at) for u in county_view.context["units"]}["县财政局"]


def test_it_answers_404_to_a_submission_for_another_unit(as_user, unit_liaison, open_round, unit_b):
    url = reverse("people:round_submit", args=[open_round.pk])
    assert as_user(unit_liaison).post(url, {"unit": unit_b.pk}).status_code == 404
    assert as_user(unit_liaison).get(url).status_code == 405


def test_it_lets_only_a_liaison_submit(as_user, county_officer, open_round, unit_a):
    url = reverse("people:round_submit", args=[open_round.pk])
    assert as_user(county_officer).post(url, {"unit": unit_a.pk}).status_code == 403


def test_it_imports_on_the_round_page(as_user, unit_liaison, open_round, unit_a, grid_a):
    client = as_user(unit_liaison)
    url = reverse("people:round_import", args=[open_round.pk])
    response = client.post(url, {"file": upload(workbook_bytes([ROW_A]))})
    assert response.status_code == 302
    bad = client.post(url, {"file": upload(workbook_bytes([["王强", "X"] + ROW_A[2:]]))})
    assert bad.status_code == 200 and "「性别」列" in bad.content.decode()


def test_it_lets_county_staff_close_a_round(
    as_user, county_officer, unit_liaison, open_round, unit_a, grid_a
):
    url = reverse("people:round_close", args=[open_round.pk])
    assert as_user(unit_liaison).post(url).status_code == 403
    assert as_user(county_officer).get(url).status_code == 405
    assert as_user(county_officer).post(url).status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == "closed"
    make_cadre("张伟", unit_a, grid_a)
    response = as_user(unit_liaison).post(
        reverse("people:round_submit", args=[open_round.pk]), {"unit": unit_a.pk}, follow=True
    )
    assert zh("Closed") in response.content.decode()
    assert not UnitSubmission.objects.exists()
