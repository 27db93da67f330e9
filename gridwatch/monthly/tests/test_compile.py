"""compile_month: a township's month counts that month's records of that township only, and costs the
same number of queries for 2 or 20 grids, cadres and cases, and for one or several townships."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridwatch.conftest import make_cadre
from gridwatch.geography import services as geo
from gridwatch.geography.models import Kind, Level
from gridwatch.monthly import compile as compile_module
from gridwatch.monthly.compile import _scope_paths, compile_month

from .conftest import OCTOBER, make_card, make_diary, make_register, make_report


def test_it_compiles_octobers_records_of_the_township_only(october_data, township_a, grid_a, grid_a2):
    """Cards by status, concerns by circle (drafts not counted), register by heading, diary by circle,
    reports by circle, channel, status and urgency, conclusions by finding, and the per-grid rows."""
    figures = compile_month(townships=[township_a], month=OCTOBER)[township_a.pk]
    assert figures["cards"]["total"] == 3
    assert figures["cards"]["by_status"] == {"draft": 1, "submitted": 1, "returned": 0, "reviewed": 1}
    assert figures["concerns"]["total"] == 3
    assert figures["concerns"]["by_circle"] == {"social": 2, "life": 1, "family": 0, "public_welfare": 0}
    assert figures["register"]["total"] == 2
    assert figures["register"]["by_aspect"]["life_style"] == 1
    assert figures["register"]["by_aspect"]["family_relations"] == 1
    assert figures["diary"]["total"] == 2
    assert figures["diary"]["by_circle"]["social"] == 1
    assert figures["diary"]["by_circle"]["none"] == 1
    reports = figures["reports"]
    assert (reports["total"], reports["urgent"]) == (2, 1)
    assert reports["by_circle"]["social"] == 1 and reports["by_circle"]["family"] == 1
    assert reports["by_channel"]["web"] == 1 and reports["by_channel"]["letter"] == 1
    assert reports["by_status"]["received"] == 1 and reports["by_status"]["handling"] == 1
    assert figures["concluded"]["total"] == 1
    assert figures["concluded"]["by_finding"]["substantiated"] == 1
    grids = {g["code"]: g for g in figures["grids"]}
    assert grids[grid_a.code] | {} == {
        "code": grid_a.code,
        "name": grid_a.name,
        "community": grid_a.parent.name,
        "cards": 1,
        "concerns": 2,
        "register": 2,
        "diary": 1,
        "reports": 1,
    }
    assert (grids[grid_a2.code]["cards"], grids[grid_a2.code]["concerns"]) == (2, 1)


def test_it_lists_notable_items_without_reporters_or_encrypted_text(october_data, township_a, cadre_a):
    """The month's items of concern and its urgent and substantiated cases, by cadre, unit, circle, date
    and status; nothing a reporter wrote, no card note."""
    figures = compile_month(townships=[township_a], month=OCTOBER)[township_a.pk]
    kinds = sorted(item["kind"] for item in figures["notable"])
    assert kinds == ["case", "case", "concern", "concern", "concern"]
    names = {item["cadre"] for item in figures["notable"]}
    assert names == {"张伟", "王芳"}
    dumped = json.dumps(figures, ensure_ascii=False)
    assert "举报人写的秘密内容" not in dumped
    assert "秘密备注" not in dumped
    assert "王某" not in dumped  # the unnamed subject of an ordinary report is not notable


def test_it_keeps_townships_apart_in_one_compile(october_data, township_a, township_b, county):
    """Both townships of the county in one compile: each gets its own records; a report the county itself
    handles (its path is the county's) is in neither."""
    make_report(county.path, day=datetime.date(2026, 10, 8), urgent=True)
    result = compile_month(townships=[township_a, township_b], month=OCTOBER)
    assert result[township_a.pk]["cards"]["total"] == 3
    assert result[township_b.pk]["cards"]["total"] == 1
    assert result[township_b.pk]["reports"]["total"] == 1
    assert result[township_a.pk]["reports"]["total"] == 2
    assert result[township_b.pk]["diary"]["total"] == 1


@pytest.mark.parametrize("scan_share", [0.0, 2.0])
def test_it_compiles_the_same_figures_alone_as_with_every_township(
    october_data, township_a, township_b, county, monkeypatch, scan_share
):
    """A township compiled alone (its records selected by its grids' ids, or on SQLite from SCAN_SHARE of
    the townships on by its path) has the same figures as compiled with every township of the database (no
    filter at all); a report the county itself handles is in neither township's figures either way."""
    make_report(county.path, day=datetime.date(2026, 10, 8), urgent=True)
    monkeypatch.setattr(compile_module, "SCAN_SHARE", scan_share)
    assert _scope_paths([township_a])[0] == [township_a.path]
    assert _scope_paths([township_a, township_b])[0] is None  # the whole database
    alone_a = compile_month(townships=[township_a], month=OCTOBER)[township_a.pk]
    alone_b = compile_month(townships=[township_b], month=OCTOBER)[township_b.pk]
    together = compile_month(townships=[township_b, township_a], month=OCTOBER)
    assert together[township_a.pk] == alone_a
    assert together[township_b.pk] == alone_b
    assert (alone_a["reports"]["total"], alone_b["reports"]["total"]) == (2, 1)
    assert alone_a["concerns"]["total"] == 3


def test_it_filters_on_a_whole_countys_path_when_all_its_townships_are_asked(township_a, township_b, county):
    """Every township of a county asked for, among other counties' townships: the records are selected by the
    county's path (one range), the others' by their own township's."""
    other = geo.area_create(
        actor=None, code="522730000000", name="惠水县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    town = geo.area_create(
        actor=None, code="522730101000", name="和平镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=other
    )
    geo.area_create(
        actor=None, code="522730102000", name="涟江镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=other
    )
    paths, share = _scope_paths([township_a, township_b, town])
    assert paths == sorted([county.path, town.path])
    assert share == 3 / 4


def _populate(checklist, township, unit, author, n, tag):
    community = geo.area_create(
        actor=None,
        code=f"{township.code[:9]}{tag}",
        name=f"社区{tag}",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=township,
    )
    day = datetime.date(2026, 10, 10)
    for i in range(n):
        grid = geo.area_create(
            actor=None,
            code=f"{community.code}{i + 1:03d}",
            name=f"第{i + 1}网格",
            level=Level.GRID,
            kind=Kind.GRID,
            parent=community,
        )
        cadre = make_cadre(f"干部{tag}{i}", unit, grid)
        make_card(checklist, cadre, grid, concerns=("social",), author=author)
        make_register(cadre, grid, day=day, author=author)
        make_diary(grid, day=day, circle="life", author=author)
        make_report(grid.path, day=day, urgent=True, cadre=cadre, grid=grid)


def _queries(townships):
    with CaptureQueriesContext(connection) as ctx:
        compile_month(townships=townships, month=OCTOBER)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [2, 20])
def test_it_costs_a_fixed_number_of_queries(
    checklist, author, township_a, township_b, unit_a, n, django_assert_num_queries
):
    """Ten queries for a township's month, whether it holds 2 or 20 grids, cadres and cases, and the same
    ten for two townships."""
    _populate(checklist, township_a, unit_a, author, n, "801")
    _populate(checklist, township_b, unit_a, author, n, "802")
    with django_assert_num_queries(10):
        figures = compile_month(townships=[township_a], month=OCTOBER)[township_a.pk]
    assert figures["cards"]["total"] == n
    assert len(figures["notable"]) == 2 * n
    assert _queries([township_a, township_b]) == 10


def test_it_says_how_many_notable_items_a_long_list_leaves_out(october_data, township_a, monkeypatch):
    """Past the cap a report lists the newest notable items and says how many more there are, on the page,
    in the Excel and in the PDF alike (all three are drawn from the same document)."""
    from django.utils import translation

    from gridwatch.monthly.document import report_document

    monkeypatch.setattr(compile_module, "NOTABLE_MAX", 2)
    figures = compile_month(townships=[township_a], month=OCTOBER)[township_a.pk]
    assert len(figures["notable"]) == 2 and figures["notable_more"] == 3
    with translation.override("en"):
        document = report_document(township=township_a, month=OCTOBER, figures=figures)
    notes = [
        paragraph
        for section in document["sections"]
        if section.get("kind") == "paragraphs"
        for paragraph in section["paragraphs"]
    ]
    assert "3 more notable items are not listed: a report lists the 2 newest." in notes
