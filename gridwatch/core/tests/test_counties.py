"""Two counties in one database, as a province deployment has them (ARCHITECTURE.md: "grows from one county
to a province without new code"). A county-wide role covers the county it is held on: the officers of
长顺县 see nothing of 龙里县, whose pages, exports and API routes answer them 404 (SECURITY.md item 6), and
they keep every power they have inside their own county."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_cadre, make_user, zh
from gridwatch.geography import services as geo
from gridwatch.geography.models import Area, Kind, Level
from gridwatch.geography.tests.conftest import ROW_A as GRID_ROW_A
from gridwatch.geography.tests.conftest import upload as grid_upload
from gridwatch.geography.tests.conftest import workbook_bytes as grid_workbook
from gridwatch.people import services as people
from gridwatch.people.models import Cadre, UnitKind
from gridwatch.people.tests.conftest import ROW_A as CADRE_ROW_A
from gridwatch.people.tests.conftest import upload as cadre_upload
from gridwatch.people.tests.conftest import workbook_bytes as cadre_workbook

# --- the second county: 龙里县 (522730), one township, one community, one grid, one unit, one cadre ------


@pytest.fixture
def longli(db):
    return geo.area_create(
        actor=None, code="522730000000", name="龙里县", level=Level.COUNTY, kind=Kind.COUNTY
    )


@pytest.fixture
def longli_township(longli):
    return geo.area_create(
        actor=None, code="522730100000", name="龙山镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=longli
    )


@pytest.fixture
def longli_grid(longli_township):
    community = geo.area_create(
        actor=None,
        code="522730100001",
        name="莲花社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=longli_township,
    )
    return geo.area_create(
        actor=None,
        code="522730100001001",
        name="莲花社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community,
    )


@pytest.fixture
def longli_unit(longli):
    return people.unit_create(actor=None, name="龙里县审计局", kind=UnitKind.GOVERNMENT, area=longli)


@pytest.fixture
def longli_cadre(longli_unit, longli_grid):
    return make_cadre("张勇", longli_unit, longli_grid, phone="13900001111")


@pytest.fixture
def longli_officer(longli):
    return make_user("county_longli", role=Role.COUNTY_STAFF, area=longli)


@pytest.fixture
def office_user(county):
    return make_user("office", role=Role.OFFICE, area=county)


@pytest.fixture
def province(cadre_a, cadre_b, longli_cadre):
    """长顺县 with 张伟 (广顺镇) and 李娜 (摆所镇); 龙里县 with 张勇."""


def body(response):
    return response.content.decode()


def sheet_rows(response):
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


# --- lists ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "shown"), [({}, ["张伟", "李娜"]), ({"q": "张"}, ["张伟"]), ({"q": "zy"}, [])]
)
def test_it_lists_only_the_cadres_of_the_officers_own_county(as_user, county_officer, province, query, shown):
    response = as_user(county_officer).get(reverse("people:cadre_list"), query)
    assert sorted(c.name for c in response.context["page"]) == sorted(shown)
    assert "张勇" not in body(response)


@pytest.mark.parametrize("query", [{}, {"q": "张"}])
def test_it_lists_the_other_countys_cadres_to_its_own_officer(as_user, longli_officer, province, query):
    page = body(as_user(longli_officer).get(reverse("people:cadre_list"), query))
    assert "张勇" in page and "张伟" not in page and "李娜" not in page


def test_it_finds_nothing_when_the_area_filter_names_a_township_of_another_county(
    as_user, county_officer, province, longli_township
):
    response = as_user(county_officer).get(reverse("people:cadre_list"), {"area": longli_township.code})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "张勇" not in body(response) and "龙山镇" not in body(response)


def test_it_offers_only_the_own_countys_units_and_townships_as_filters(as_user, county_officer, province):
    page = body(as_user(county_officer).get(reverse("people:cadre_list")))
    assert "县财政局" in page and "广顺镇" in page
    assert "龙里县审计局" not in page and "龙山镇" not in page


def test_it_lists_only_the_own_countys_units_and_areas(as_user, county_officer, province):
    client = as_user(county_officer)
    units = body(client.get(reverse("people:unit_list")))
    assert "县财政局" in units and "龙里县审计局" not in units
    areas = body(client.get(reverse("geography:area_list")))
    assert "长顺县" in areas and "龙里县" not in areas


def test_it_lists_only_the_own_countys_rows_in_the_api(as_user, county_officer, province):
    client = as_user(county_officer)
    cadres = client.get(reverse("api:cadre-list")).json()["results"]
    assert sorted(row["name"] for row in cadres) == ["张伟", "李娜"]
    areas = [row["code"] for row in client.get(reverse("api:area-list")).json()["results"]]
    assert "522729000000" in areas and not [code for code in areas if code.startswith("522730")]
    units = [row["name"] for row in client.get(reverse("api:unit-list")).json()["results"]]
    assert "县财政局" in units and "龙里县审计局" not in units


def test_it_lists_only_the_liaisons_of_the_own_county(as_user, county_officer, grid_a, province, longli_grid):
    geo.liaison_create(actor=None, user=make_user("liaison_changshun"), area=grid_a)
    geo.liaison_create(actor=None, user=make_user("liaison_longli"), area=longli_grid)
    page = body(as_user(county_officer).get(reverse("geography:liaison_list")))
    assert "liaison_changshun" in page and "liaison_longli" not in page


# --- one object of the other county: 404 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, method",
    [
        ("people:cadre_detail", "get"),
        ("people:cadre_edit", "get"),
        ("people:cadre_status", "get"),
        ("people:cadre_phone", "post"),
        ("people:cadre_relation_add", "post"),
        ("api:cadre-detail", "get"),
    ],
)
def test_it_answers_404_for_a_cadre_of_another_county(
    as_user, county_officer, province, longli_cadre, name, method
):
    response = getattr(as_user(county_officer), method)(reverse(name, args=[longli_cadre.pk]))
    assert response.status_code == 404
    assert "张勇" not in body(response)


@pytest.mark.parametrize("name", ["people:cadre_detail", "api:cadre-detail"])
def test_it_answers_404_to_the_office_for_a_cadre_of_another_county(
    as_user, office_user, province, longli_cadre, name
):
    assert as_user(office_user).get(reverse(name, args=[longli_cadre.pk])).status_code == 404


@pytest.mark.parametrize(
    "name, method",
    [
        ("geography:area_detail", "get"),
        ("geography:area_edit", "get"),
        ("geography:team_add", "post"),
        ("api:area-detail", "get"),
    ],
)
@pytest.mark.parametrize("code", ["522730000000", "522730100000", "522730100001001"])
def test_it_answers_404_for_an_area_of_another_county(
    as_user, county_officer, province, longli_grid, name, method, code
):
    response = getattr(as_user(county_officer), method)(reverse(name, args=[code]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["people:unit_detail", "people:unit_set_head", "api:unit-detail"])
def test_it_answers_404_for_a_unit_of_another_county(as_user, county_officer, province, longli_unit, name):
    client = as_user(county_officer)
    response = (client.post if name == "people:unit_set_head" else client.get)(
        reverse(name, args=[longli_unit.pk])
    )
    assert response.status_code == 404


def test_it_answers_404_for_the_export_of_a_unit_of_another_county(
    as_user, county_officer, province, longli_unit
):
    response = as_user(county_officer).get(reverse("people:cadre_export"), {"unit": longli_unit.pk})
    assert response.status_code == 404


def test_it_opens_the_other_countys_objects_to_its_own_officer(
    as_user, longli_officer, province, longli_cadre, longli_unit, cadre_a
):
    client = as_user(longli_officer)
    assert client.get(reverse("people:cadre_detail", args=[longli_cadre.pk])).status_code == 200
    assert client.get(reverse("people:unit_detail", args=[longli_unit.pk])).status_code == 200
    assert client.get(reverse("geography:area_detail", args=["522730100001001"])).status_code == 200
    assert client.get(reverse("people:cadre_detail", args=[cadre_a.pk])).status_code == 404


# --- exports ---------------------------------------------------------------------------------------------


def test_it_exports_only_the_own_countys_cadres(as_user, county_officer, province):
    rows = sheet_rows(as_user(county_officer).get(reverse("people:cadre_export")))
    names = sorted(row[0] for row in rows[2:])
    assert names == ["张伟", "李娜"]


def test_it_exports_only_the_own_countys_grids(as_user, county_officer, province):
    rows = sheet_rows(as_user(county_officer).get(reverse("geography:grid_table_export")))
    codes = {cell for row in rows for cell in row if isinstance(cell, str) and cell.isdigit()}
    assert "522729101001001" in codes and not [c for c in codes if c.startswith("522730")]
    assert rows[0][0] == "长顺县网格划分表"


# --- editing: nothing of the other county can be chosen or written ---------------------------------------


def test_it_offers_only_the_own_countys_units_and_grids_in_the_cadre_form(
    as_user, county_officer, province, unit_a, grid_a
):
    page = body(as_user(county_officer).get(reverse("people:cadre_create")))
    assert "县财政局" in page and grid_a.code in page
    assert "龙里县审计局" not in page and "522730100001001" not in page


def test_it_refuses_a_unit_and_a_grid_of_another_county_in_the_cadre_form(
    as_user, county_officer, province, longli_unit, longli_grid
):
    data = {
        "name": "赵敏",
        "gender": "female",
        "birth_year": 1980,
        "unit": longli_unit.pk,
        "position": "副局长",
        "rank": "section_deputy",
        "residence_grid": longli_grid.code,
        "supervising_grid": "",
        "phone": "13912340000",
    }
    response = as_user(county_officer).post(reverse("people:cadre_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"unit", "residence_grid"}
    assert not Cadre.objects.filter(name="赵敏").exists()


def test_it_refuses_to_import_cadres_of_another_countys_unit_or_grid(
    as_user, county_officer, province, longli_unit, longli_grid
):
    row = list(CADRE_ROW_A)
    row[3], row[6] = longli_unit.name, longli_grid.code
    content = cadre_workbook([row])
    response = as_user(county_officer).post(reverse("people:cadre_import"), {"file": cadre_upload(content)})
    page = body(response)
    assert escape(zh("no unit is named “%(value)s”.", value=longli_unit.name)) in page
    assert (
        escape(zh("no grid with the code %(value)s is in your jurisdiction.", value=longli_grid.code)) in page
    )
    assert not Cadre.objects.filter(name="王强").exists()


def test_it_still_imports_cadres_of_the_own_county(as_user, county_officer, province, unit_a, grid_a):
    response = as_user(county_officer).post(
        reverse("people:cadre_import"), {"file": cadre_upload(cadre_workbook([CADRE_ROW_A]))}
    )
    assert response.status_code == 200
    assert Cadre.objects.get(name="王强").supervising_grid == grid_a


def test_it_refuses_grid_table_rows_of_another_county(as_user, county_officer, longli_grid):
    row = ["龙山镇", "522730100000", "莲花社区", "522730100001", "莲花社区第2网格", "522730100001002"]
    row += ["", "", "", "", ""]
    content = grid_workbook([GRID_ROW_A, row])
    response = as_user(county_officer).post(
        reverse("geography:import_export"), {"file": grid_upload(content)}
    )
    page = body(response)
    assert response.status_code == 200
    # Refused like a code of an unknown county: the page names the officer's county, not the other one.
    assert "522730100000" in page and "长顺县" in page and "龙里县" not in page
    assert not Area.objects.filter(code__in=["522730100001002", "522729101001001"]).exists()


def test_it_lets_a_county_officer_import_the_grid_table_of_their_county(as_user, county_officer, longli):
    response = as_user(county_officer).post(
        reverse("geography:import_export"), {"file": grid_upload(grid_workbook([GRID_ROW_A]))}
    )
    assert response.status_code == 200
    grid = Area.objects.get(code="522729101001001")
    assert grid.path.startswith("522729000000/") and grid.supervision_phone == "0854-6821234"


def test_it_refuses_the_grid_table_import_to_an_actor_without_a_county(township_officer_a, longli):
    with pytest.raises(geo.NotPermitted):
        geo.grid_table_import(actor=township_officer_a, rows=[])


def test_it_shows_only_the_own_countys_units_in_a_round(as_user, county_officer, province, longli_unit):
    import datetime

    from django.utils import timezone

    rnd = people.round_open(
        actor=county_officer, title="第一轮", deadline=timezone.localdate() + datetime.timedelta(days=5)
    )
    response = as_user(county_officer).get(reverse("people:round_detail", args=[rnd.pk]))
    assert sorted(u.name for u in response.context["units"]) == ["县教育局", "县财政局"]
    assert "龙里县审计局" not in body(response)
