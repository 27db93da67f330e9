"""The case list costs a fixed number of queries, whatever the number of reports."""

from django.urls import reverse

from gridwatch.cases.models import Report
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


def _page_names(client, **params):
    response = client.get(reverse("cases:case_list"), params)
    assert response.status_code == 200
    return [report.subject_label for report in response.context["rows"]], response.context["page"]


def test_it_reads_a_capped_scope_through_the_prefix_match_with_the_same_rows(
    as_user, county_officer, township_officer_a, cadre_a, cadre_b, grid_a, grid_b, monkeypatch
):
    """Past the count cap the page is read with the scope as a prefix match (for SQLite's plan): the same
    reports in the same order, no report of another township, and recusal still applies."""
    for i in range(4):
        report, _code = file_report(subject_name=f"甲{i}", grid=grid_a)
    Report.objects.filter(pk=report.pk).update(urgent=True)  # the order's first key is exercised too
    file_report(subject_cadre=cadre_a, grid=grid_a)
    file_report(subject_name="乙", grid=grid_b)
    client = as_user(township_officer_a)
    before, page = _page_names(client)
    assert not page.paginator.count_is_capped
    monkeypatch.setattr("gridwatch.core.pagination.COUNT_CAP", 3)
    after, page = _page_names(client)
    assert page.paginator.count_is_capped
    # A capped page is read whole, not cut at the cap + 1 rows the count saw: all five fit on page 1.
    assert after == before and "乙" not in before and len(before) == 5
    # The township officer who is the subject's colleague (a declared relation here) is recused on both.
    from gridwatch.people.models import DeclaredRelation

    DeclaredRelation.objects.create(user=township_officer_a, cadre=cadre_a, kind="spouse")
    recused, page = _page_names(client)
    assert page.paginator.count_is_capped and recused == [name for name in before if name != cadre_a.name]


def test_it_pages_a_capped_scope_to_its_last_report(
    as_user, township_officer_a, grid_a, grid_b, settings, monkeypatch
):
    """Past the count cap every report is still reached by "next", in the list's order, through the prefix
    match of the wide rows; a page asked for past the end gives the last one."""
    for i in range(7):
        file_report(subject_name=f"甲{i}", grid=grid_a)
    file_report(subject_name="乙", grid=grid_b)
    client = as_user(township_officer_a)
    before, _page = _page_names(client)
    monkeypatch.setattr("gridwatch.core.pagination.COUNT_CAP", 3)
    settings.GRIDWATCH_PAGE_SIZE = 2
    seen, number, page = [], 1, None
    while number is not None:
        names, page = _page_names(client, page=number)
        assert page.paginator.count_is_capped and page.number == number
        seen += names
        number = page.next_page_number() if page.has_next() else None
    assert seen == before and len(before) == 7 and page.number == 4
    names, page = _page_names(client, page=50)
    assert page.number == 4 and names == before[6:] and not page.has_next()
