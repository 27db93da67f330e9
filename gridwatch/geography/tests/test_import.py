"""Import of the grid division table (附件二): every row checked, every error named, all or nothing."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from gridwatch.audit.models import AuditEvent
from gridwatch.geography import excel, services
from gridwatch.geography.models import Area, Kind, Level

from .conftest import ROW_A, upload, workbook_bytes


def rows_of(*rows, **kwargs):
    return excel.read_table(upload(workbook_bytes(rows, **kwargs)))


def refused(rows, actor=None):
    with pytest.raises(services.ImportRefused) as info:
        services.grid_table_import(actor=actor, rows=rows)
    return info.value.errors


def test_it_creates_townships_communities_and_grids_from_the_table(county):
    rows = rows_of(
        ROW_A,
        [
            "广顺镇",
            "522729101000",
            "南场社区",
            "522729101001",
            "南场社区第2网格",
            "522729101001002",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "长寨街道",
            "522729001000",
            "营盘村",
            "522729001201",
            "营盘村网格",
            "522729001201001",
            "",
            "12388",
            "",
            "",
            "",
        ],
    )
    result = services.grid_table_import(actor=None, rows=rows)
    assert result["created"] == {"township": 2, "community": 2, "grid": 3}
    grid = Area.objects.get(code="522729101001001")
    assert (grid.name, grid.description, grid.supervision_phone) == (
        "南场社区第1网格",
        "南场街1-20号",
        "0854-6821234",
    )
    assert grid.parent.code == "522729101001" and grid.parent.parent.code == "522729101000"
    assert Area.objects.get(code="522729001000").kind == Kind.STREET
    assert Area.objects.get(code="522729001201").kind == Kind.VILLAGE
    assert AuditEvent.objects.filter(action="area.import").count() == 1
    assert AuditEvent.objects.filter(action="area.create").count() == 1 + 7  # the county and the seven areas


def test_it_updates_names_ranges_and_phones_of_existing_areas(grid_a):
    row = list(ROW_A)
    row[4], row[6], row[7] = "南场第一网格", "新范围", "13800000000"
    result = services.grid_table_import(actor=None, rows=rows_of(row))
    assert result["created"] == {"township": 0, "community": 0, "grid": 0}
    assert result["updated"] == {"township": 0, "community": 0, "grid": 1}
    grid_a.refresh_from_db()
    assert (grid_a.name, grid_a.description, grid_a.supervision_phone) == (
        "南场第一网格",
        "新范围",
        "13800000000",
    )


def test_it_reads_the_table_without_its_title_row_and_codes_typed_as_numbers(county):
    row = list(ROW_A)
    row[1], row[3], row[5] = 522729101000, 522729101001.0, 522729101001001
    rows = rows_of(row, title=None)
    assert [(r.row, r.township_code, r.community_code, r.grid_code) for r in rows] == [
        (2, "522729101000", "522729101001", "522729101001001")
    ]


def test_it_skips_blank_rows_and_ignores_the_team_columns(county):
    row = list(ROW_A)
    row[8:11] = ["不存在的人", "也不存在", "甲、乙"]
    rows = rows_of(row, [None] * 11, ["", "", "", "", "", "", "", "", "备注", "", ""])
    assert len(rows) == 1
    services.grid_table_import(actor=None, rows=rows)
    assert not Area.objects.get(code="522729101001001").team_members.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (1, "52272910100", "乡镇代码"),  # 11 digits
        (1, "52272910100A", "乡镇代码"),
        (1, "522729101001", "乡镇代码"),  # a township code ends in 000
        (1, "522730101000", "乡镇代码"),  # another county
        (3, "522729102001", "社区（村）代码"),  # not in 广顺镇
        (3, "522729101000", "社区（村）代码"),
        (5, "522729101002001", "网格编码"),  # another community's grid
        (5, "5227291010010011", "网格编码"),
        (5, "522729101001000", "网格编码"),
        (0, "", "乡镇（街道）"),
        (2, "", "社区（村）"),
        (4, "", "网格名称"),
        (4, "网" * 101, "网格名称"),
        (6, "范" * 301, "网格范围"),
        (7, "call me", "监督电话"),
        (7, "138000000", "监督电话"),
    ],
)
def test_it_names_the_row_and_column_of_a_bad_cell(county, column, value, expected):
    row = list(ROW_A)
    row[column] = value
    errors = refused(rows_of(ROW_A[:4] + ["第9网格", "522729101001009", "", "", "", "", ""], row))
    assert len(errors) >= 1
    assert all("4" in e and expected in e for e in errors), errors
    assert not Area.objects.filter(level=Level.TOWNSHIP).exists()


def test_it_refuses_duplicate_grid_codes_and_clashing_names(county):
    second = list(ROW_A)
    third = list(ROW_A)
    third[2], third[5] = "北场社区", "522729101001002"
    errors = refused(rows_of(ROW_A, second, third))
    assert any("4" in e and "网格编码" in e and "3" in e for e in errors), errors
    assert any("5" in e and "社区（村）" in e and "南场社区" in e for e in errors), errors
    assert len(errors) == 2


def test_it_refuses_a_code_that_exists_at_another_level(grid_a):
    row = list(ROW_A)
    row[1] = "522729000000"
    errors = refused(rows_of(row))
    assert any("乡镇代码" in e for e in errors)


def test_it_refuses_to_import_without_a_county(db):
    errors = refused(rows_of(ROW_A))
    assert len(errors) == 1
    assert not Area.objects.exists()


def test_it_refuses_an_import_by_someone_who_does_not_see_the_whole_county(township_officer_a):
    with pytest.raises(services.NotPermitted):
        services.grid_table_import(actor=township_officer_a, rows=rows_of(ROW_A))


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("table.xls", b"\xd0\xcf\x11\xe0 old excel", ".xlsx"),
        ("table.csv", "乡镇（街道）,乡镇代码\n".encode(), ".xlsx"),
        ("table.xlsx", b"", None),
        ("table.xlsx", b"PK\x03\x04 not really a zip", ".xlsx"),
        ("table.xlsx", b"%PDF-1.7", ".xlsx"),
    ],
)
def test_it_explains_a_file_that_is_not_an_xlsx(county, name, content, words):
    with pytest.raises(excel.FileProblem) as info:
        excel.read_table(upload(content, name=name))
    if words:
        assert words in str(info.value.message)


def test_it_explains_a_wrong_header_row(county):
    header = list(excel.HEADERS)
    header[5] = "网格代码"
    with pytest.raises(excel.FileProblem) as info:
        rows_of(ROW_A, header=header)
    assert "网格编码" in info.value.message and "网格代码" in info.value.message


def test_it_explains_a_table_without_rows(county):
    with pytest.raises(excel.FileProblem):
        rows_of()


def test_it_accepts_header_cells_with_half_width_brackets(county):
    header = [h.replace("（", "(").replace("）", ")") for h in excel.HEADERS]
    assert len(rows_of(ROW_A, header=header)) == 1


@pytest.mark.parametrize(
    "phone",
    [
        "13800000000",
        "0854-6821234",
        "08546821234",
        "6821234",
        "12388",
        "0854-6821234、13800000000",
        "(0854)6821234",
        "400-123-4567",
    ],
)
def test_it_accepts_phone_numbers_as_offices_write_them(phone):
    assert excel.is_valid_phone(phone)


@pytest.mark.parametrize("phone", ["abc", "123", "1380000000", "0854-12", "、"])
def test_it_refuses_what_is_not_a_phone_number(phone):
    assert not excel.is_valid_phone(phone)


def test_it_lists_every_error_on_the_page_and_imports_nothing(as_user, county_officer):
    bad_code = list(ROW_A)
    bad_code[5] = "522729101002001"
    no_name = list(ROW_A)
    no_name[4], no_name[5] = "", "522729101001003"
    bad_phone = list(ROW_A)
    bad_phone[5], bad_phone[7] = "522729101001004", "电话"
    good = list(ROW_A)
    content = workbook_bytes([good, bad_code, no_name, bad_phone])
    response = as_user(county_officer).post(reverse("geography:import_export"), {"file": upload(content)})
    assert response.status_code == 200
    errors = response.context["errors"]
    assert len(errors) == 3
    assert "4" in errors[0] and "网格编码" in errors[0]
    assert "5" in errors[1] and "网格名称" in errors[1]
    assert "6" in errors[2] and "监督电话" in errors[2]
    body = response.content.decode()
    assert all(escape(e) in body for e in errors)
    assert not Area.objects.filter(level=Level.GRID).exists()
    assert not AuditEvent.objects.filter(action="area.import").exists()


def test_it_reports_the_counts_after_an_import(as_user, county_officer):
    response = as_user(county_officer).post(
        reverse("geography:import_export"), {"file": upload(workbook_bytes([ROW_A]))}
    )
    assert response.status_code == 200
    assert response.context["result"]["grid"] == {"created": 1, "updated": 0}
    assert Area.objects.filter(code="522729101001001").exists()


@pytest.mark.parametrize(("name", "content"), [("a.xls", b"junk"), ("a.xlsx", b"PK\x03\x04junk")])
def test_it_shows_a_message_for_a_file_it_cannot_read(as_user, county_officer, name, content):
    response = as_user(county_officer).post(
        reverse("geography:import_export"), {"file": upload(content, name)}
    )
    assert response.status_code == 200
    assert response.context["problem"]
    assert 'class="msg error"' in response.content.decode()


def test_it_asks_for_a_file_when_none_is_sent(as_user, county_officer):
    response = as_user(county_officer).post(reverse("geography:import_export"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
