"""The reference geography of 长顺县 and its idempotent loader (load_areas)."""

from io import StringIO

from django.core.management import call_command

from gridwatch.audit.models import AuditEvent
from gridwatch.geography import services
from gridwatch.geography.models import Area, Kind, Level
from gridwatch.geography.reference import load_reference

TOWNSHIPS = {
    "522729001000": ("长寨街道", Kind.STREET),
    "522729101000": ("广顺镇", Kind.TOWN),
    "522729103000": ("摆所镇", Kind.TOWN),
    "522729104000": ("代化镇", Kind.TOWN),
    "522729105000": ("白云山镇", Kind.TOWN),
    "522729106000": ("鼓扬镇", Kind.TOWN),
    "522729209000": ("敦操乡", Kind.TOWNSHIP),
}


def test_it_loads_the_seven_township_units_with_their_official_codes(db):
    load_reference()
    county = Area.objects.get(level=Level.COUNTY)
    assert (county.code, county.name) == ("522729000000", "长顺县")
    townships = {a.code: (a.name, a.kind) for a in Area.objects.filter(level=Level.TOWNSHIP)}
    assert townships == TOWNSHIPS
    assert all(a.parent_id == county.pk for a in Area.objects.filter(level=Level.TOWNSHIP))


def test_it_loads_every_community_and_village_under_its_township(db):
    load_reference()
    places = list(Area.objects.filter(level=Level.COMMUNITY).select_related("parent"))
    assert len(places) == 95
    for place in places:
        assert len(place.code) == 12 and place.code[:9] == place.parent.code[:9], place
        suffix = int(place.code[9:])
        if place.kind == Kind.COMMUNITY:
            assert place.name.endswith("社区") and 1 <= suffix <= 199, place
        else:
            assert place.kind == Kind.VILLAGE and place.name.endswith("村") and 200 <= suffix <= 399, place
    assert Area.objects.get(code="522729101001").full_name() == "广顺镇 南场社区"
    assert Area.objects.get(code="522729209200").name == "敦操村"
    assert Area.objects.filter(parent__code="522729001000").count() == 26


def test_it_labels_weiyuan_community_as_the_former_town(db):
    load_reference()
    weiyuan = Area.objects.get(code="522729001004")
    assert weiyuan.name == "威远社区" and "原威远镇" in weiyuan.description


def test_it_creates_nothing_on_a_second_load(db):
    first = load_reference()
    counts = (Area.objects.count(), AuditEvent.objects.count())
    second = load_reference()
    assert len(first.created) == 103
    assert (second.created, second.updated, second.unchanged) == ([], [], 103)
    assert (Area.objects.count(), AuditEvent.objects.count()) == counts


def test_it_restores_a_changed_name_without_duplicating_the_area(db):
    load_reference()
    area = Area.objects.get(code="522729103000")
    services.area_update(actor=None, area=area, name="摆所")
    result = load_reference()
    assert [a.code for a in result.updated] == ["522729103000"]
    assert Area.objects.filter(code="522729103000").get().name == "摆所镇"
    assert AuditEvent.objects.filter(action="area.update").count() == 2


def test_it_keeps_grids_and_areas_added_by_hand(grid_a):
    result = load_reference()
    assert not result.conflicts
    assert Area.objects.filter(code=grid_a.code).exists()
    assert Area.objects.filter(code="522729101000").count() == 1


def test_the_command_says_what_it_did(db):
    out = StringIO()
    call_command("load_areas", stdout=out)
    assert "103 created, 0 updated, 0 unchanged" in out.getvalue()
    out = StringIO()
    call_command("load_areas", stdout=out)
    assert "0 created, 0 updated, 103 unchanged" in out.getvalue()


def test_it_reports_an_existing_area_of_another_kind_without_changing_it(county):
    services.area_create(
        actor=None, code="522729209000", name="敦操镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=county
    )
    err = StringIO()
    call_command("load_areas", stdout=StringIO(), stderr=err)
    assert "522729209000" in err.getvalue()
    duncao = Area.objects.get(code="522729209000")
    assert (duncao.name, duncao.kind) == ("敦操乡", Kind.TOWN)
