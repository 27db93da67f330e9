"""The issue's "done means": the grid division table goes out to Excel and comes back the same."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user
from gridwatch.geography import services as geo
from gridwatch.geography.models import Area, GridTeamMember, Kind, Level

from .conftest import ROW_A, upload, workbook_bytes

TREE = [
    # township code, name, kind, community code, name, kind, [(grid code suffix, name, range, phone)]
    (
        "522729101000",
        "广顺镇",
        Kind.TOWN,
        "522729101001",
        "南场社区",
        Kind.COMMUNITY,
        [
            ("001", "南场社区第1网格", "南场街1-20号", "0854-6821234"),
            ("002", "南场社区第2网格", "", "13800000001"),
        ],
    ),
    (
        "522729101000",
        "广顺镇",
        Kind.TOWN,
        "522729101201",
        "石洞村",
        Kind.VILLAGE,
        [("001", "石洞村网格", "石洞村全村", "")],
    ),
    (
        "522729001000",
        "长寨街道",
        Kind.STREET,
        "522729001001",
        "和平社区",
        Kind.COMMUNITY,
        [("001", "和平社区第1网格", "和平路东段", "0854-6820001、12388")],
    ),
    (
        "522729203000",
        "鼓扬镇",
        Kind.TOWN,
        "522729203200",
        "鼓扬村",
        Kind.VILLAGE,
        [("001", "鼓扬村网格", "", "")],
    ),
]


def build_tree(county):
    areas = {}
    for t_code, t_name, t_kind, c_code, c_name, c_kind, grids in TREE:
        if t_code not in areas:
            areas[t_code] = geo.area_create(
                actor=None, code=t_code, name=t_name, level=Level.TOWNSHIP, kind=t_kind, parent=county
            )
        community = geo.area_create(
            actor=None, code=c_code, name=c_name, level=Level.COMMUNITY, kind=c_kind, parent=areas[t_code]
        )
        for suffix, name, description, phone in grids:
            geo.area_create(
                actor=None,
                code=c_code + suffix,
                name=name,
                level=Level.GRID,
                kind=Kind.GRID,
                parent=community,
                description=description,
                supervision_phone=phone,
            )


def snapshot():
    return sorted(
        (
            a.code,
            a.name,
            a.level,
            a.kind,
            a.parent.code if a.parent else "",
            a.description,
            a.supervision_phone,
        )
        for a in Area.objects.select_related("parent")
    )


def test_it_exports_the_table_and_imports_it_into_an_empty_county_unchanged(client, county, as_user):
    build_tree(county)
    grid = Area.objects.get(code="522729101001001")
    for username, name, role in [
        ("wf", "王芳", "leader"),
        ("lq", "李强", "deputy"),
        ("s1", "赵一", "supervisor"),
        ("s2", "钱二", "supervisor"),
    ]:
        user = make_user(username)
        user.display_name = name
        user.save(update_fields=["display_name"])
        GridTeamMember.objects.create(grid=grid, user=user, role=role)
    officer = make_user("county", role="county_staff", area=county)
    before = snapshot()

    response = as_user(officer).get(reverse("geography:grid_table_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content))["网格划分表"]
    assert sheet["A1"].value == "长顺县网格划分表"
    assert [c.value for c in sheet[2]][:6] == [
        "乡镇（街道）",
        "乡镇代码",
        "社区（村）",
        "社区（村）代码",
        "网格名称",
        "网格编码",
    ]
    assert sheet.freeze_panes == "A3" and sheet["A2"].font.bold
    first = [c.value for c in sheet[3]]
    assert first == [
        "长寨街道",
        "522729001000",
        "和平社区",
        "522729001001",
        "和平社区第1网格",
        "522729001001001",
        "和平路东段",
        "0854-6820001、12388",
        None,
        None,
        None,
    ]
    nanchang = next(
        row for row in sheet.iter_rows(min_row=3, values_only=True) if row[5] == "522729101001001"
    )
    assert nanchang[8:] == ("王芳", "李强", "赵一、钱二")
    assert sheet.max_row == 2 + 5

    # The empty database: only the county is left.
    GridTeamMember.objects.all().delete()
    for level in (Level.GRID, Level.COMMUNITY, Level.TOWNSHIP):
        Area.objects.filter(level=level).delete()
    assert Area.objects.count() == 1

    response = client.post(reverse("geography:import_export"), {"file": upload(content)})
    assert response.status_code == 200
    assert response.context["problem"] is None
    assert response.context["result"]["grid"]["created"] == 5
    assert snapshot() == before
    assert not GridTeamMember.objects.exists()  # names in the file create no users and no posts
    assert AuditEvent.objects.filter(action="area.import", actor_id=officer.pk).count() == 1

    # Importing the same file again changes nothing.
    response = client.post(reverse("geography:import_export"), {"file": upload(content)})
    assert response.context["result"]["grid"] == {"created": 0, "updated": 0}
    assert snapshot() == before


def test_it_names_every_bad_row_in_chinese_and_imports_nothing(client, county, as_user):
    officer = make_user("county", role="county_staff", area=county)
    rows = [list(ROW_A)]
    for i, (column, value) in enumerate(
        [(1, "5227291010"), (5, "522729101002001"), (7, "不是电话"), (4, ""), (3, "522729102001")], start=2
    ):
        row = list(ROW_A)
        row[5] = f"52272910100100{i}"
        row[column] = value
        rows.append(row)
    rows.append(list(ROW_A))  # a duplicate of the first grid
    with_language = as_user(officer)
    with_language.cookies["django_language"] = "zh-hans"
    response = with_language.post(
        reverse("geography:import_export"),
        {"file": upload(workbook_bytes(rows))},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    errors = response.context["errors"]
    bad_rows = {4, 5, 6, 7, 8, 9}
    named = [int(re.search(r"(?:Row |第)(\d+)", e).group(1)) for e in errors]
    assert named == sorted(bad_rows), errors
    columns = ["乡镇代码", "网格编码", "监督电话", "网格名称", "社区（村）代码", "网格编码"]
    assert all(column in error for column, error in zip(columns, errors, strict=True)), errors
    assert not Area.objects.exclude(level=Level.COUNTY).exists()
