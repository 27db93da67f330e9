"""The warning notices' API: the list's jurisdiction and recusal, its filters, no free text, a fixed number
of queries."""

from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user
from gridwatch.formal_warnings.models import NoticeStatus, WarningNotice
from gridwatch.formal_warnings.tests.conftest import PROBLEM, SENTINEL, issue

LIST = reverse("api:warning-list")


def test_it_lists_the_notices_of_the_jurisdiction_with_their_follow_ups(
    as_user, office, township_officer_a, cadre_a, cadre_b
):
    mine, other = issue(office, cadre_a), issue(office, cadre_b)
    rows = as_user(township_officer_a).get(LIST).json()["results"]
    assert [row["reference"] for row in rows] == [mine.reference]
    row = rows[0]
    assert (row["cadre_name"], row["ordinal"], row["status"]) == (cadre_a.name, 1, "in_force")
    assert [(f["kind"], f["status"], f["overdue"]) for f in row["follow_ups"]] == [
        ("education", "open", False)
    ]
    body = as_user(township_officer_a).get(reverse("api:warning-detail", args=[mine.pk])).content.decode()
    assert PROBLEM not in body and SENTINEL not in body
    assert as_user(township_officer_a).get(reverse("api:warning-detail", args=[other.pk])).status_code == 404


def test_it_hides_a_notice_from_a_reader_conflicted_with_the_cadre(
    as_user, office, county, unit_a, grid_a, cadre_a
):
    notice = issue(office, cadre_a)
    colleague = make_user("colleague_county", role=Role.COUNTY_STAFF, area=county)
    make_cadre("李强", unit_a, grid_a, user=colleague)
    client = as_user(colleague)
    assert client.get(LIST).json()["results"] == []
    assert client.get(reverse("api:warning-detail", args=[notice.pk])).status_code == 404


def test_it_filters_by_status_and_refuses_roles_without_access(
    as_user, office, cadre_a, grid_supervisor, cadre_user
):
    notice = issue(office, cadre_a)
    client = as_user(office)
    assert [r["reference"] for r in client.get(LIST, {"status": "in_force"}).json()["results"]] == [
        notice.reference
    ]
    WarningNotice.objects.filter(pk=notice.pk).update(status=NoticeStatus.WITHDRAWN)
    assert client.get(LIST, {"status": "in_force"}).json()["results"] == []
    assert len(client.get(LIST, {"status": "nonsense"}).json()["results"]) == 1
    assert as_user(grid_supervisor).get(LIST).status_code == 403
    assert as_user(cadre_user).get(LIST).status_code == 403


def test_the_list_costs_the_same_queries_for_few_and_many_notices(
    as_user, office, unit_a, grid_a, django_assert_num_queries, django_assert_max_num_queries
):
    client = as_user(office)
    for i in range(2):
        issue(office, make_cadre(f"甲{i}", unit_a, grid_a))
    client.get(LIST)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for i in range(8):
        issue(office, make_cadre(f"乙{i}", unit_a, grid_a))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).json()["results"]) == 10


def test_it_never_gives_the_unit_anything_of_the_report(as_user, office, cadre_a, unit_liaison):
    """Not the report's wording, not the reporter, not even the report's id: the unit gives the education the
    notice requires, it has no business with the case behind it."""
    notice = issue(office, cadre_a)
    response = as_user(unit_liaison).get(LIST)
    body = response.content.decode()
    assert [r["reference"] for r in response.json()["results"]] == [notice.reference]
    assert "report" not in response.json()["results"][0]
    assert str(notice.report_id) not in body and SENTINEL not in body and PROBLEM not in body
