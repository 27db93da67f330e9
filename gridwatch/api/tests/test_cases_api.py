"""The cases API: read-only, for those who read cases, through the case list's selector and filters; no
reporter identity, receipt or messages; 404 outside the jurisdiction and when recused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridwatch.accounts.roles import Role
from gridwatch.cases import services
from gridwatch.cases.models import Report
from gridwatch.cases.tests.conftest import file_report
from gridwatch.conftest import make_user
from gridwatch.geography import services as geo
from gridwatch.people.models import DeclaredRelation, RelationKind

LIST = reverse("api:case-list")
NAME, PHONE = "陈小明", "13912345678"
WHAT = "周末在农家乐接受宴请"


def detail(report):
    return reverse("api:case-detail", args=[report.pk])


@pytest.fixture
def report_a(cadre_a, grid_a):
    return file_report(subject_cadre=cadre_a, grid=grid_a)


@pytest.fixture
def report_b(cadre_b, grid_b):
    return file_report(subject_cadre=cadre_b, grid=grid_b)


@pytest.fixture
def office(county):
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def liaison(grid_a2, township_b):
    user = make_user("liaison_leader")
    geo.liaison_create(actor=None, user=user, area=grid_a2, townships=[township_b])
    return user


def ids(response):
    assert response.status_code == 200, response.status_code
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("county_officer", True, True),
        ("office", True, True),
        ("township_officer_a", True, False),
        ("grid_supervisor", True, False),
        ("liaison", False, True),
    ],
)
def test_it_lists_the_cases_of_the_readers_jurisdiction(
    request, as_user, report_a, report_b, persona, sees_a, sees_b
):
    client = as_user(request.getfixturevalue(persona))
    expected = {str(r[0].pk) for r, seen in ((report_a, sees_a), (report_b, sees_b)) if seen}
    assert set(ids(client.get(LIST))) == expected
    for report, seen in ((report_a[0], sees_a), (report_b[0], sees_b)):
        assert client.get(detail(report)).status_code == (200 if seen else 404)


def test_it_gives_a_case_without_the_reporter_receipt_or_messages(as_user, county_officer, cadre_a, grid_a):
    report, code = file_report(subject_cadre=cadre_a, grid=grid_a, reporter_name=NAME, reporter_phone=PHONE)
    services.report_message_send(actor=county_officer, report=report, body="请补充时间地点")
    client = as_user(county_officer)
    for response in (client.get(LIST), client.get(detail(report))):
        text = response.content.decode()
        for secret in (NAME, PHONE, code, report.receipt_hash, "请补充时间地点"):
            assert secret not in text
        assert "identity" not in text and "receipt" not in text and "messages" not in text
    row = client.get(detail(report)).json()
    assert row["reference"] == report.reference and row["subject"] == "张伟"
    assert row["subject_unit"] == "县财政局" and row["grid"] == grid_a.code
    assert row["status"] == "received" and row["received_on"] == report.received_on.isoformat()


def test_it_gives_the_allegation_in_the_detail_to_those_who_decide_only(
    as_user, county_officer, office, grid_supervisor, report_a
):
    report = report_a[0]
    assert as_user(county_officer).get(detail(report)).json()["what"] == WHAT
    assert WHAT not in as_user(county_officer).get(LIST).content.decode()
    for reader in (office, grid_supervisor):
        response = as_user(reader).get(detail(report))
        assert response.status_code == 200
        assert "what" not in response.json() and WHAT not in response.content.decode()


def test_it_filters_like_the_case_list(as_user, county_officer, township_officer_a, grid_a):
    today = timezone.localdate()
    late, _code = file_report(subject_name="迟办", grid=grid_a)
    urgent, _code = file_report(subject_name="紧急", grid=grid_a)
    closed, _code = file_report(subject_name="已结", grid=grid_a)
    Report.objects.filter(pk=late.pk).update(
        status="handling", verify_due=today - datetime.timedelta(days=1), handler=county_officer
    )
    Report.objects.filter(pk=urgent.pk).update(urgent=True, transfer_due=today + datetime.timedelta(days=3))
    Report.objects.filter(pk=closed.pk).update(status="closed", result_replied_on=today, transfer_due=None)
    client = as_user(county_officer)
    assert ids(client.get(LIST, {"overdue": "1"})) == [str(late.pk)]
    assert ids(client.get(LIST, {"urgent": "1"})) == [str(urgent.pk)]
    assert set(ids(client.get(LIST, {"status": "open"}))) == {str(late.pk), str(urgent.pk)}
    assert ids(client.get(LIST, {"mine": "1"})) == [str(late.pk)]
    assert ids(client.get(LIST, {"q": closed.reference})) == [str(closed.pk)]
    assert ids(client.get(LIST))[0] == str(urgent.pk)  # urgent first, as on the page
    row = client.get(detail(late)).json()
    assert row["overdue"] is True and row["next_due"] == (today - datetime.timedelta(days=1)).isoformat()
    assert row["handler"] == str(county_officer)


def test_it_answers_404_to_a_recused_reader(as_user, township_officer_a, report_a, cadre_a):
    report = report_a[0]
    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind=RelationKind.KIN)
    client = as_user(township_officer_a)
    assert str(report.pk) not in ids(client.get(LIST))
    assert client.get(detail(report)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(as_user, county_officer, report_a, method):
    client = as_user(county_officer)
    assert getattr(client, method)(LIST, {}).status_code in (403, 405)
    assert getattr(client, method)(detail(report_a[0]), {}).status_code in (403, 405)
    assert Report.objects.get(pk=report_a[0].pk).status == "received"


@pytest.mark.parametrize("persona", ["unit_liaison", "cadre_user", "system_admin", "audit_admin"])
def test_it_refuses_roles_that_do_not_read_cases(request, as_user, report_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(report_a[0])).status_code == 403


def test_it_refuses_anonymous_requests_and_staff_without_two_factor(
    client, as_user, county_officer, report_a
):
    assert client.get(LIST).status_code in (302, 401, 403)
    response = as_user(county_officer, verified=False).get(detail(report_a[0]))
    assert response.status_code in (302, 403) and WHAT not in response.content.decode()


def test_it_answers_404_for_an_id_that_is_no_case(as_user, county_officer):
    client = as_user(county_officer)
    assert client.get(reverse("api:case-detail", args=["not-a-uuid"])).status_code == 404
    assert (
        client.get(reverse("api:case-detail", args=["5b3c8a1e-0000-4000-8000-000000000000"])).status_code
        == 404
    )


def test_it_lists_in_a_fixed_number_of_queries(
    as_user, county_officer, cadre_a, grid_a, django_assert_max_num_queries, django_assert_num_queries
):
    def fill(n):
        for i in range(n):
            report, _code = file_report(
                subject_cadre=cadre_a if i % 2 else None, subject_name=f"某{i}", grid=grid_a
            )
            Report.objects.filter(pk=report.pk).update(handler=county_officer)

    client = as_user(county_officer)
    fill(2)
    client.get(LIST)
    with django_assert_max_num_queries(20) as small:
        assert client.get(LIST).status_code == 200
    fill(30)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(ids(client.get(LIST))) == 32


def test_it_describes_the_cases_in_the_openapi_schema(as_user, county_officer):
    response = as_user(county_officer).get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/cases/" in response.content and b"next_due" in response.content
