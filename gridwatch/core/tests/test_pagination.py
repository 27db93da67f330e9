"""Paging a long list: past the count cap every row can still be reached, each page costs the queries the
first does (its OFFSET read grows with the page number, its query count does not), and the pager never
states a total it does not know.

The cap is lowered to 10 and a page holds 3 rows, so 23 audit events make a capped list of 8 pages (the
last one with 2 rows) in a few milliseconds.
"""

import html
import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from gridwatch.audit.models import AuditEvent
from gridwatch.audit.services import audit_log
from gridwatch.conftest import zh
from gridwatch.core.pagination import CappedPaginator, paginate

ROWS, PER_PAGE, CAP = 23, 3, 10


@pytest.fixture
def rows(db):
    for i in range(ROWS):
        audit_log(actor=None, action="test.row", object_label=f"row {i}")
    return list(_queryset())


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setattr("gridwatch.core.pagination.COUNT_CAP", CAP)


def _queryset():
    return AuditEvent.objects.filter(action="test.row").order_by("-seq")


def _request(**params):
    return RequestFactory().get("/list/", params)


def _page(number=None, **params):
    if number is not None:
        params["page"] = number
    return paginate(_request(**params), _queryset(), PER_PAGE)


def _pager(page, **params):
    """The pager as rendered under the list: its "where" text, and the hrefs of its previous and next links."""
    request = _request(**params, page=page.number)
    text = render_to_string("includes/pager.html", {"page": page, "request": request}, request=request)
    where = re.search(r'<span class="where">(.*?)</span>', text)
    links = {rel: html.unescape(href) for href, rel in re.findall(r'href="([^"]*)" rel="(prev|next)"', text)}
    return (where.group(1) if where else None), links


def test_a_page_past_the_cap_holds_the_rows_at_its_offset(rows, capped):
    page = _page(5)  # rows 13 to 15: past the 11 the capped count saw
    assert page.paginator.count_is_capped and page.paginator.count_label == "10+"
    assert page.number == 5 and list(page.object_list) == rows[12:15]
    assert page.has_previous() and page.previous_page_number() == 4
    assert page.has_next() and page.next_page_number() == 6
    assert (page.start_index(), page.end_index()) == (13, 15)
    assert page.paginator.num_pages is None  # not counted, so not stated


def test_following_next_reaches_every_row_once_in_order(rows, capped):
    seen, page = [], _page()
    while True:
        seen += page.object_list
        if not page.has_next():
            break
        page = _page(page.next_page_number())
    assert seen == rows
    assert page.number == 8 and list(page.object_list) == rows[21:] and page.has_previous()


def test_the_pager_of_a_capped_list_states_the_page_and_no_false_total(rows, capped):
    where, links = _pager(_page(5, action="test."), action="test.")
    assert where == zh("Page %(n)s, more than %(cap)s results", n=5, cap=CAP)
    # What the capped count used to make of it: "page 4 of 4" for every page from the 4th on.
    assert zh("Page %(n)s of %(total)s", n=4, total=4) not in where
    assert links == {"prev": "?action=test.&page=4", "next": "?action=test.&page=6"}
    where, links = _pager(_page(8))
    assert where == zh("Page %(n)s, more than %(cap)s results", n=8, cap=CAP)
    assert links == {"prev": "?page=7"}  # the true last page: no next


@pytest.mark.parametrize("asked", ["9", "500", "99999999999999999999999999"])
def test_a_page_past_the_end_gives_the_last_page(rows, capped, asked):
    """The rare request past the end (an old bookmark, a typed number) counts the rows once, exactly, and
    shows the real last page, as Django does for a short list."""
    page = _page(asked)
    assert page.number == 8 and list(page.object_list) == rows[21:]
    assert not page.has_next() and page.previous_page_number() == 7


@pytest.mark.parametrize("asked", ["", "0", "-3", "two", "2.5"])
def test_a_page_number_that_is_no_page_gives_the_first_page(rows, capped, asked):
    page = _page(asked)
    assert page.number == 1 and list(page.object_list) == rows[:3] and page.has_next()
    assert not page.has_previous()


def test_a_page_past_the_cap_costs_the_queries_of_the_first(rows, capped):
    """Two queries whatever the page: the count that stops at the cap, and the page's rows with one more.
    Neither counts the whole list."""
    with CaptureQueriesContext(connection) as first:
        _page(1)
    with CaptureQueriesContext(connection) as far:
        _page(7)
    assert len(first.captured_queries) == len(far.captured_queries) == 2
    for query in first.captured_queries + far.captured_queries:
        assert "LIMIT" in query["sql"].upper(), query["sql"]


@pytest.mark.parametrize("asked", [None, "1", "2", "8", "9", "500", "0", "-1", "x", "3.0"])
def test_an_uncapped_list_is_paged_as_django_pages_it(rows, asked):
    page = paginate(_request(**({"page": asked} if asked is not None else {})), _queryset(), PER_PAGE)
    expected = Paginator(_queryset(), PER_PAGE).get_page(asked)
    assert not page.paginator.count_is_capped and page.paginator.count_label == str(ROWS)
    assert page.paginator.num_pages == expected.paginator.num_pages == 8
    assert page.number == expected.number
    assert list(page.object_list) == list(expected.object_list)
    assert page.has_next() == expected.has_next() and page.has_previous() == expected.has_previous()
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


def test_the_pager_of_an_uncapped_list_is_unchanged(rows):
    where, links = _pager(_page(2))
    assert where == zh("Page %(n)s of %(total)s", n=2, total=8)
    assert links == {"prev": "?page=1", "next": "?page=3"}
    short = _queryset().filter(seq__in=[row.seq for row in rows[:3]])
    assert _pager(paginate(_request(), short, PER_PAGE)) == (None, {})  # one page: no pager


def test_a_capped_page_reads_the_wide_rows_and_counts_the_narrow(rows, capped):
    """``wide`` (the same rows written for a large result) is what the pages of a capped list are read from;
    the exact count of a page past the end is made on the queryset as given."""
    wide = AuditEvent.objects.filter(action__startswith="test.r").order_by("-seq")
    page = paginate(_request(page="4"), _queryset(), PER_PAGE, wide=wide)
    assert page.paginator.object_list is wide and list(page.object_list) == rows[9:12]
    with CaptureQueriesContext(connection) as queries:
        page = paginate(_request(page="40"), _queryset(), PER_PAGE, wide=wide)
    assert page.number == 8 and list(page.object_list) == rows[21:]
    exact = [q["sql"] for q in queries.captured_queries if "LIMIT" not in q["sql"].upper()]
    assert len(exact) == 1 and "COUNT" in exact[0].upper() and "LIKE" not in exact[0].upper()
    assert isinstance(page.paginator, CappedPaginator)
