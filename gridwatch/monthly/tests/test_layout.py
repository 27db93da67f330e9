"""The monthly report on a phone: the tables of figures fit the width, the community column (the grid's
name holds it) is left out on narrow screens; the overview's badges are thumb-sized links."""

import re

from django.urls import reverse

from gridwatch.conftest import zh

from .conftest import on
from .test_views import report_url


def tables(page):
    """``(class, header cells)`` of each table of the report's document."""
    return [
        (classes, re.findall(r"<th[^>]*>.*?</th>", head, re.S))
        for classes, head in re.findall(r'<table class="([^"]+)">\s*<thead>(.*?)</thead>', page, re.S)
    ]


def test_the_tables_of_figures_fit_a_phone_and_leave_out_the_community(as_user, county_officer, october_data):
    with on(2026, 11, 2):
        page = as_user(county_officer).get(report_url()).content.decode()
    found = tables(page)
    by_grid = next(cells for classes, cells in found if cells[1].endswith(f">{zh('Grid')}</th>"))
    assert by_grid[0] == f'<th scope="col" class="hide-phone">{zh("Community")}</th>'
    assert all("hide-phone" not in cell for cell in by_grid[1:])
    # Every community cell of the body is left out with its header.
    rows = page[page.index(by_grid[0]) :].split("</table>")[0]
    assert rows.count('<td class="hide-phone">') == rows.count("<tr>") > 0
    # Tables with figures fit; the notable items (text only) scroll sideways instead.
    notable = next(
        classes for classes, cells in found if any(c.endswith(f">{zh('What')}</th>") for c in cells)
    )
    assert notable == "table"
    assert all(classes == "table table-fit" for classes, cells in found if '"num"' in "".join(cells))


def test_the_overview_badges_are_thumb_sized_links(as_user, county_officer, township_a):
    with on(2026, 11, 2):
        page = as_user(county_officer).get(reverse("monthly:overview")).content.decode()
    links = re.findall(r'<td><a class="([^"]*)" href="/monthly/', page)
    assert links and set(links) == {"cell-link"}
