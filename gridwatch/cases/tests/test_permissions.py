"""Every case view: the right persona gets it, another township and every conflicted user get 404, other
roles 403, anonymous visitors the sign-in page; the public views need no sign-in."""

import pytest
from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.people.models import DeclaredRelation, RelationKind

STAFF_PAGES = ["county_officer", "township_officer_a", "grid_supervisor"]


def detail(report):
    return reverse("cases:case_detail", args=[report.pk])


@pytest.mark.parametrize("persona", STAFF_PAGES)
def test_it_opens_the_case_pages_to_case_staff(request, as_user, report_a, persona):
    client = as_user(request.getfixturevalue(persona))
    report, _code = report_a
    assert client.get(reverse("cases:case_list")).status_code == 200
    assert client.get(detail(report)).status_code == 200
    assert client.get(reverse("cases:case_intake")).status_code == 200


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "audit_admin"])
def test_it_refuses_the_case_pages_to_other_roles(request, as_user, report_a, persona):
    client = as_user(request.getfixturevalue(persona))
    report, _code = report_a
    assert client.get(reverse("cases:case_list")).status_code == 403
    assert client.get(reverse("cases:case_intake")).status_code == 403
    assert client.get(detail(report)).status_code == 403
    assert client.post(reverse("cases:case_message", args=[report.pk]), {"body": "x"}).status_code == 403


@pytest.mark.parametrize(
    "name, method",
    [("case_list", "get"), ("case_intake", "get"), ("case_detail", "get"), ("case_message", "post")],
)
def test_it_sends_anonymous_visitors_to_the_sign_in_page(client, report_a, name, method):
    report, _code = report_a
    url = reverse(f"cases:{name}", args=[report.pk] if name in ("case_detail", "case_message") else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_answers_405_to_a_get_of_the_message_view(as_user, county_officer, report_a):
    report, _code = report_a
    assert as_user(county_officer).get(reverse("cases:case_message", args=[report.pk])).status_code == 405


def test_it_answers_404_to_another_township(as_user, township_officer_b, report_a):
    report, _code = report_a
    client = as_user(township_officer_b)
    assert client.get(detail(report)).status_code == 404
    assert client.post(reverse("cases:case_message", args=[report.pk]), {"body": "x"}).status_code == 404
    assert report.reference not in client.get(reverse("cases:case_list")).content.decode()


def _recused(as_user, user, report):
    client = as_user(user)
    assert client.get(detail(report)).status_code == 404
    assert client.post(reverse("cases:case_message", args=[report.pk]), {"body": "x"}).status_code == 404
    assert report.reference not in client.get(reverse("cases:case_list")).content.decode()


def test_it_hides_a_report_from_its_subject_cadre_even_with_a_staff_role(as_user, county, report_a, cadre_a):
    """The subject is a county officer too: the report still answers 404 to them."""
    user = make_user("subject_officer", role=Role.COUNTY_STAFF, area=county)
    cadre_a.user = user
    cadre_a.save(update_fields=["user"])
    _recused(as_user, user, report_a[0])


def test_it_hides_a_report_from_a_colleague_in_the_subjects_unit(
    as_user, township_a, report_a, unit_a, grid_a
):
    from gridwatch.conftest import make_cadre

    user = make_user("colleague", role=Role.TOWNSHIP_STAFF, area=township_a)
    colleague = make_cadre("王强", unit_a, grid_a)
    colleague.user = user
    colleague.save(update_fields=["user"])
    _recused(as_user, user, report_a[0])


def test_it_hides_a_report_from_the_unit_liaison_of_the_subjects_unit(
    as_user, county, report_a, unit_liaison, unit_a
):
    """The subject's unit liaison, even holding a county staff role as well, never sees the report."""
    from gridwatch.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=unit_liaison, role=Role.COUNTY_STAFF, area=county)
    _recused(as_user, unit_liaison, report_a[0])


def test_it_hides_a_report_from_a_declared_relation(as_user, township_officer_a, report_a, cadre_a):
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.KIN)
    _recused(as_user, township_officer_a, report_a[0])


def test_it_still_shows_other_reports_to_a_recused_officer(
    as_user, township_officer_a, report_a, cadre_a, grid_a
):
    from gridwatch.cases.tests.conftest import file_report

    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.KIN)
    other, _code = file_report(subject_name="赵六", grid=grid_a)
    client = as_user(township_officer_a)
    assert client.get(detail(other)).status_code == 200


def test_it_opens_the_public_views_without_sign_in(client, county, grid_a, cadre_a):
    assert client.get(reverse("portal:report_form")).status_code == 200
    response = client.get(reverse("portal:report_grid", args=[grid_a.code]))
    assert response.status_code == 200
    assert cadre_a.name in response.content.decode()
    assert client.get(reverse("portal:report_follow_up")).status_code == 200


def test_it_answers_404_for_an_unknown_grid(client, county):
    assert client.get(reverse("portal:report_grid", args=["999999999999999"])).status_code == 404
