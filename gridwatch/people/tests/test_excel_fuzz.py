"""Whatever is uploaded as 附件一, the import answers with a page, never a server error (SECURITY.md)."""

import datetime

from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gridwatch.people.excel import HEADERS

from .conftest import ROW_A, upload, workbook_bytes

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
near_valid = st.sampled_from(
    [v for v in ROW_A if v] + ["女", "在职", "退休", "股级", "1990", "522729103001001", "县教育局"]
)
cell = st.one_of(
    st.none(),
    text,
    near_valid,
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
)
row = st.lists(cell, max_size=13)
mostly_valid_row = st.lists(st.one_of(near_valid, cell), min_size=11, max_size=11)


@FUZZ
@given(
    rows=st.lists(st.one_of(row, mostly_valid_row), max_size=6),
    header=st.sampled_from(["exact", "none", "random"]),
    header_cells=st.lists(text, max_size=11),
)
def test_it_never_fails_on_random_cells(
    as_user, unit_liaison, unit_b, grid_a, grid_b, rows, header, header_cells
):
    chosen = {"exact": HEADERS, "none": None, "random": header_cells}[header]
    try:
        content = workbook_bytes(rows, header=chosen, title=None if header == "none" else "附件一")
    except (ValueError, TypeError):
        assume(False)
    response = as_user(unit_liaison).post(reverse("people:cadre_import"), {"file": upload(content)})
    assert response.status_code == 200
    assert response.context["problem"] or response.context["result"]


@FUZZ
@given(
    content=st.one_of(st.binary(max_size=3000), st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b)),
    name=st.sampled_from(["t.xlsx", "t.XLSX", "t.xls", "t", "附件一.xlsx"]),
)
def test_it_never_fails_on_random_bytes(as_user, county_officer, content, name):
    response = as_user(county_officer).post(reverse("people:cadre_import"), {"file": upload(content, name)})
    assert response.status_code == 200
    assert response.context["problem"] or response.context["form"].errors
