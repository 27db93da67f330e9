"""Whatever is uploaded, the import page answers with a page, never a server error (SECURITY.md)."""

import datetime

from django.urls import reverse
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gridwatch.geography import excel, services
from gridwatch.geography.excel import HEADERS
from gridwatch.geography.models import Area, Level

from .conftest import ROW_A, upload, workbook_bytes

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(max_size=60).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
near_valid = st.sampled_from(
    [v for v in ROW_A if v] + ["522729101001999", "522729000000", "5227291010", "０８５４"]
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
    rows=st.lists(st.one_of(row, mostly_valid_row), max_size=8),
    header=st.sampled_from(["exact", "none", "random"]),
    header_cells=st.lists(text, max_size=11),
)
def test_it_never_fails_on_random_cells(as_user, county_officer, township_a, rows, header, header_cells):
    chosen = {"exact": HEADERS, "none": None, "random": header_cells}[header]
    try:
        content = workbook_bytes(rows, header=chosen, title=None if header == "none" else "网格划分表")
    except (ValueError, TypeError):
        assume(False)
    response = as_user(county_officer).post(reverse("geography:import_export"), {"file": upload(content)})
    assert response.status_code == 200
    assert response.context["problem"] or response.context["result"]


@FUZZ
@given(
    content=st.one_of(st.binary(max_size=3000), st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b)),
    name=st.sampled_from(["t.xlsx", "t.XLSX", "t.xls", "t", "t.csv", "网格划分表.xlsx"]),
)
def test_it_never_fails_on_random_bytes(as_user, county_officer, content, name):
    response = as_user(county_officer).post(
        reverse("geography:import_export"), {"file": upload(content, name)}
    )
    assert response.status_code == 200
    assert response.context["problem"] or response.context["form"].errors


digits = st.text(alphabet="0123456789", min_size=0, max_size=4)


def mostly(draw, good, bad):
    """Nine draws in ten from ``good``: most rows are valid, so the writing path runs too."""
    return draw(good if draw(st.integers(min_value=0, max_value=9)) else bad)


@st.composite
def plausible_rows(draw):
    rows = []
    for number in range(3, 3 + draw(st.integers(min_value=1, max_value=6))):
        t_code = mostly(
            draw,
            st.sampled_from(["522729101000", "522729103000", "522729001000"]),
            digits.map("522729".__add__),
        )
        c_code = t_code[:9] + mostly(
            draw, st.sampled_from(["001", "002", "201"]), st.sampled_from(["000", "1", "0a1"])
        )
        g_code = c_code + mostly(draw, st.just(f"{number:03d}"), st.sampled_from(["000", "001", "01", "x01"]))
        rows.append(
            excel.GridRow(
                row=number,
                township_name=mostly(draw, st.just(f"镇{t_code[-6:]}"), text),
                township_code=t_code,
                community_name=mostly(draw, st.just(f"社区{c_code[-6:]}"), text),
                community_code=c_code,
                grid_name=mostly(draw, st.just(f"网格{g_code[-6:]}"), text),
                grid_code=g_code,
                description=draw(text),
                phone=mostly(draw, st.sampled_from(["", "12388", "0854-6821234"]), text),
            )
        )
    return rows


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=plausible_rows())
def test_it_imports_a_table_whole_or_not_at_all(county, rows):
    before = set(Area.objects.values_list("code", flat=True))
    try:
        services.grid_table_import(actor=None, rows=rows)
    except services.ImportRefused as refusal:
        event("refused")
        assert refusal.errors
        assert all(e.startswith("Row ") or e.startswith("第") for e in refusal.errors)
        assert set(Area.objects.values_list("code", flat=True)) == before
    else:
        event("imported")
        assert {r.grid_code for r in rows} <= set(
            Area.objects.filter(level=Level.GRID).values_list("code", flat=True)
        )
