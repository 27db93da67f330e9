"""The case list costs a fixed number of queries, whatever the number of reports."""

from django.urls import reverse

from gridwatch.cases.tests.conftest import file_report


def _fill(n, cadre, grid):
    for i in range(n):
        file_report(subject_cadre=cadre if i % 2 else None, subject_name=f"某{i}", grid=grid)


def test_it_lists_reports_in_a_fixed_number_of_queries(
    as_user, township_officer_a, cadre_a, grid_a, django_assert_max_num_queries
):
    client = as_user(township_officer_a)
    _fill(3, cadre_a, grid_a)
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse("cases:case_list")).status_code == 200
    _fill(30, cadre_a, grid_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200
    assert "33" in response.content.decode()


def test_it_filters_by_circle(as_user, county_officer, cadre_a, grid_a):
    file_report(subject_cadre=cadre_a, grid=grid_a, circle="family")
    file_report(subject_name="赵六", grid=grid_a, circle="social")
    body = as_user(county_officer).get(reverse("cases:case_list") + "?circle=family").content.decode()
    assert "张伟" in body and "赵六" not in body
