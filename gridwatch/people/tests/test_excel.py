"""The cadre information form (附件一, R1/R21) as Excel: export, import, and the round trip."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import zh
from gridwatch.people.excel import HEADERS
from gridwatch.people.models import Cadre, CadreFileEntry

from .conftest import ROW_A, upload, workbook_bytes

FIELDS = (
    "name",
    "gender",
    "birth_year",
    "unit_id",
    "position",
    "rank",
    "residence_grid_id",
    "supervising_grid_id",
    "phone",
    "status",
)


def sheet_rows(content):
    ws = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def snapshot():
    return sorted(tuple(getattr(c, f) for f in FIELDS) for c in Cadre.objects.all())


def test_it_exports_the_jurisdictions_cadres_with_chinese_headers(
    as_user, township_officer_a, cadre_a, cadre_b
):
    response = as_user(township_officer_a).get(reverse("people:cadre_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert rows[1] == HEADERS
    assert rows[2][:6] == ["张伟", "男", 1975, "县财政局", "副局长", "副科级"]
    assert rows[2][6] == "522729101001001" and rows[2][9] == "13800000000" and rows[2][10] == "在职"
    assert len(rows) == 3  # 李娜 of 摆所镇 is not in 广顺镇's form


def test_it_audits_each_export_once_with_the_count(as_user, county_officer, cadre_a, cadre_b):
    client = as_user(county_officer)
    client.get(reverse("people:cadre_list"))
    before = AuditEvent.objects.count()
    client.get(reverse("people:cadre_export"))
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["cadre.export"]
    assert events[0].changes["rows"] == 2


@pytest.mark.parametrize("n", [5, 50])
def test_it_exports_in_a_fixed_number_of_queries(
    as_user, county_officer, unit_a, grid_a, make_cadres, n, django_assert_max_num_queries
):
    make_cadres(n, unit_a, grid_a)
    client = as_user(county_officer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("people:cadre_export"))
    assert len(sheet_rows(response.content)) == n + 2


def test_it_narrows_the_export_to_a_unit_and_hides_other_units(
    as_user, unit_liaison, unit_a, unit_b, cadre_a, cadre_b
):
    client = as_user(unit_liaison)
    rows = sheet_rows(client.get(reverse("people:cadre_export"), {"unit": unit_a.pk}).content)
    assert [r[0] for r in rows[2:]] == ["张伟"]
    assert client.get(reverse("people:cadre_export"), {"unit": unit_b.pk}).status_code == 404
    assert client.get(reverse("people:cadre_export"), {"unit": "nonsense"}).status_code == 404


def test_it_refuses_the_export_to_grid_supervisors_and_posts(as_user, grid_supervisor, county_officer):
    assert as_user(grid_supervisor).get(reverse("people:cadre_export")).status_code == 403
    assert as_user(county_officer).post(reverse("people:cadre_export")).status_code == 405


def test_it_round_trips_the_form_into_an_empty_registry(
    as_user, county_officer, unit_a, unit_b, township_unit, grid_a, grid_a2, grid_b
):
    """Export, empty the registry (areas and units stay), import: the same cadres, phones included."""
    from gridwatch.conftest import make_cadre

    make_cadre("张伟", unit_a, grid_a)
    make_cadre(
        "李娜", unit_b, grid_b, gender="female", birth_year=1982, rank="section_chief", phone="0854-6221234"
    )
    make_cadre(
        "王芳", township_unit, grid_b, phone="", position="镇长", rank="section_chief"
    )  # supervised in A1
    make_cadre("陈刚", unit_a, grid_a2, supervising_grid=grid_a, status="retired", phone="6821234")
    before = snapshot()
    client = as_user(county_officer)
    content = client.get(reverse("people:cadre_export")).content
    Cadre.objects.all().delete()
    response = client.post(reverse("people:cadre_import"), {"file": upload(content)})
    assert response.status_code == 200
    assert response.context["result"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert snapshot() == before
    # Importing the same file again changes nothing.
    again = client.post(reverse("people:cadre_import"), {"file": upload(content)})
    assert again.context["result"] == {"created": 0, "updated": 0, "unchanged": 4}


def test_it_updates_a_matching_cadre_and_records_the_history(as_user, county_officer, cadre_a):
    row = ["张伟", "男", 1975, "县财政局", "局长", "正科级", "522729101001001", "", "", "13800000000", "在职"]
    response = as_user(county_officer).post(
        reverse("people:cadre_import"), {"file": upload(workbook_bytes([row]))}
    )
    assert response.context["result"]["updated"] == 1
    cadre_a.refresh_from_db()
    assert cadre_a.position == "局长" and cadre_a.rank == "section_chief"
    entry = CadreFileEntry.objects.filter(cadre=cadre_a).order_by("-at", "-id").first()
    assert entry.details["changes"]["position"] == {"before": "副局长", "after": "局长"}


def test_it_names_every_bad_row_and_imports_nothing(as_user, county_officer, unit_a, grid_a, grid_b):
    rows = [
        ROW_A,
        ["", "男", 1978, "县财政局", "局长", "正科级", "522729101001001", "", "", "", ""],
        ["赵六", "M", 1850, "县不存在局", "局长", "大官", "522729101001001", "", "", "123", "在职"],
        ["钱七", "女", 1980, "县财政局", "科员", "股级", "522729101001999", "", "", "13912345670", "升天"],
        ROW_A,
    ]
    response = as_user(county_officer).post(
        reverse("people:cadre_import"), {"file": upload(workbook_bytes(rows))}
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    body = response.content.decode()
    expected = [
        (4, "姓名"),
        (5, "性别"),
        (5, "出生年份"),
        (5, "工作单位"),
        (5, "职级"),
        (5, "联系电话"),
        (6, "居住网格编码"),
        (6, "状态"),
        (7, "姓名"),
    ]
    for row, column in expected:
        assert any(e.startswith(f"第{row}行「{column}」列") for e in errors), (row, column, errors)
        assert f"第{row}行「{column}」列" in body
    assert "第3行" in " ".join(errors)  # the duplicate names its first row
    assert not Cadre.objects.exists()


def test_it_refuses_grids_outside_the_importers_township(as_user, township_officer_b, unit_a, grid_a, grid_b):
    response = as_user(township_officer_b).post(
        reverse("people:cadre_import"), {"file": upload(workbook_bytes([ROW_A]))}
    )
    assert any("「居住网格编码」列" in e for e in response.context["errors"])
    assert not Cadre.objects.exists()


def test_it_lets_a_liaison_import_only_their_units_rows(as_user, unit_liaison, unit_a, unit_b, grid_a):
    other = ["李四", "男", 1970, "县教育局", "局长", "正科级", "522729101001001", "", "", "", "在职"]
    client = as_user(unit_liaison)
    response = client.post(reverse("people:cadre_import"), {"file": upload(workbook_bytes([ROW_A, other]))})
    assert [e.split("：")[0] for e in response.context["errors"]] == ["第4行「工作单位」列"]
    assert not Cadre.objects.exists()
    response = client.post(reverse("people:cadre_import"), {"file": upload(workbook_bytes([ROW_A]))})
    assert response.context["result"]["created"] == 1


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"name,gender\n", "a.csv", "只能导入 Excel 工作簿"),
        (b"PK\x03\x04garbage", "a.xlsx", "不是可读取的 Excel 工作簿"),
        (workbook_bytes([ROW_A], header=["名字", "性别"]), "a.xlsx", "表头"),
        (workbook_bytes([], title=None), "a.xlsx", "没有干部数据行"),
    ],
    ids=["empty", "csv", "broken-zip", "wrong-header", "no-rows"],
)
def test_it_explains_a_file_it_cannot_read(as_user, county_officer, content, name, message):
    response = as_user(county_officer).post(reverse("people:cadre_import"), {"file": upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Cadre.objects.exists()


def test_it_answers_an_htmx_upload_with_the_outcome_only(as_user, county_officer, unit_a, grid_a):
    response = as_user(county_officer).post(
        reverse("people:cadre_import"), {"file": upload(workbook_bytes([ROW_A]))}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and zh("Imported") in body


def test_it_refuses_the_import_page_to_readers_and_other_methods(as_user, grid_supervisor, county_officer):
    assert as_user(grid_supervisor).get(reverse("people:cadre_import")).status_code == 403
    assert as_user(county_officer).put(reverse("people:cadre_import")).status_code == 405
    assert as_user(county_officer).get(reverse("people:cadre_import")).status_code == 200


def test_it_takes_back_a_townships_own_form_unchanged(
    as_user, township_officer_a, cadre_a, township_unit, grid_a, grid_b
):
    """广顺镇's form includes a township cadre living in 摆所镇; importing it back changes nothing."""
    from gridwatch.conftest import make_cadre

    make_cadre("王芳", township_unit, grid_b, position="镇长")
    client = as_user(township_officer_a)
    content = client.get(reverse("people:cadre_export")).content
    assert len(sheet_rows(content)) == 4
    response = client.post(reverse("people:cadre_import"), {"file": upload(content)})
    assert response.context["errors"] == []
    assert response.context["result"] == {"created": 0, "updated": 0, "unchanged": 2}
