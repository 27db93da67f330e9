"""compile_month: a township's month counts that month's records of that township only, and costs the
same number of queries for 2 or 20 grids, cadres and cases, and for one or several townships."""

import datetime
import json

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
    """Five queries for a township's month, whether it holds 2 or 20 grids, cadres and cases, and the same
    five for two townships."""
    _populate(checklist, township_a, unit_a, author, n, "801")
    _populate(checklist, township_b, unit_a, author, n, "802")
    with django_assert_num_queries(5):
        figures = compile_month(townships=[township_a], month=OCTOBER)[township_a.pk]
    assert figures["cards"]["total"] == n
    assert len(figures["notable"]) == 2 * n
    assert _queries([township_a, township_b]) == 5


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


def _naive_figures(township, month):
    """The figures of one township computed the plain way, one simple query per figure and per grid (no
    attribution by path prefix, no conditional counts, no statement written by hand): the reference that
    compile_month's figures must equal, whatever it does to be fast."""
    from gridwatch.cases.models import ADVERSE_FINDINGS, Report
    from gridwatch.geography.models import Area
    from gridwatch.monthly.models import UrgentMatter
    from gridwatch.supervision.models import CardItem, DiaryEntry, RegisterEntry, SupervisionCard

    start, following = compile_module.month_bounds(month)
    figures = compile_module.empty_figures(township, start)
    under = {"path__startswith": township.path}
    cards = SupervisionCard.objects.filter(month=start, grid__path__startswith=township.path)
    items = CardItem.objects.filter(
        card__in=cards.filter(status__in=compile_module.COUNTED_CARD_STATUSES), rating="concern"
    )
    register = RegisterEntry.objects.filter(
        recorded_on__gte=start, recorded_on__lt=following, grid__path__startswith=township.path
    )
    diary = DiaryEntry.objects.filter(
        visited_on__gte=start, visited_on__lt=following, grid__path__startswith=township.path
    )
    received = Report.objects.filter(
        received_on__gte=start, received_on__lt=following, supervising_path__startswith=township.path
    )
    concluded = Report.objects.filter(
        finding_on__gte=start, finding_on__lt=following, supervising_path__startswith=township.path
    ).exclude(finding="")
    for card in cards:
        figures["cards"]["by_status"][card.status] += 1
    for item in items.select_related("checklist_item"):
        circle = item.checklist_item.circle
        figures["concerns"]["by_circle"][circle] = figures["concerns"]["by_circle"].get(circle, 0) + 1
    for entry in register:
        figures["register"]["by_aspect"][entry.aspect] += 1
    for entry in diary:
        figures["diary"]["by_circle"][entry.circle or compile_module.NO_CIRCLE] += 1
    for report in received:
        figures["reports"]["urgent"] += report.urgent
        for key, value in (("by_circle", report.circle), ("by_channel", report.channel)):
            figures["reports"][key][value] += 1
        figures["reports"]["by_status"][report.status] += 1
    for report in concluded:
        figures["concluded"]["by_finding"][report.finding] += 1
    for key, by in (
        ("cards", "by_status"),
        ("concerns", "by_circle"),
        ("register", "by_aspect"),
        ("diary", "by_circle"),
        ("reports", "by_circle"),
        ("concluded", "by_finding"),
    ):
        figures[key]["total"] = sum(figures[key][by].values())
    for grid in Area.objects.filter(level=Level.GRID, **under).order_by("path"):
        figures["grids"].append(
            {
                "code": grid.code,
                "name": grid.name,
                "community": grid.parent.name,
                "cards": cards.filter(grid=grid).count(),
                "concerns": items.filter(card__grid=grid).count(),
                "register": register.filter(grid=grid).count(),
                "diary": diary.filter(grid=grid).count(),
                "reports": received.filter(supervising_path=grid.path).count(),
            }
        )
    notable = figures["notable"]
    for item in items.select_related("card__cadre__unit", "card__grid", "checklist_item"):
        notable.append(
            {
                "kind": "concern",
                "date": start.strftime("%Y-%m"),
                "cadre_id": str(item.card.cadre_id),
                "cadre": item.card.cadre.name,
                "unit": item.card.cadre.unit.name,
                "circle": item.checklist_item.circle,
                "what": item.checklist_item.text_zh,
                "what_en": item.checklist_item.text_en,
                "status": item.card.status,
                "grid": item.card.grid.name,
            }
        )
    cases = Report.objects.filter(supervising_path__startswith=township.path).filter(
        Q(urgent=True, received_on__gte=start, received_on__lt=following)
        | Q(finding__in=ADVERSE_FINDINGS, finding_on__gte=start, finding_on__lt=following)
    )
    for case in cases.select_related("subject_cadre__unit", "grid"):
        cadre = case.subject_cadre
        notable.append(
            {
                "kind": "case",
                "date": (case.finding_on or case.received_on).isoformat(),
                "cadre_id": str(cadre.pk) if cadre else "",
                "cadre": cadre.name if cadre else case.subject_name,
                "unit": cadre.unit.name if cadre else case.subject_unit_text,
                "circle": case.circle,
                "what": case.pk.hex[:8].upper(),
                "urgent": case.urgent,
                "finding": case.finding,
                "status": case.status,
                "grid": case.grid.name if case.grid else "",
            }
        )
    matters = UrgentMatter.objects.filter(
        area__path__startswith=township.path,
        reported_at__gte=compile_module._aware(start),
        reported_at__lt=compile_module._aware(following),
    )
    for matter in matters.select_related("area", "cadre__unit"):
        cadre = matter.cadre
        notable.append(
            {
                "kind": "urgent",
                "date": timezone.localtime(matter.reported_at).date().isoformat(),
                "cadre_id": str(cadre.pk) if cadre else "",
                "cadre": cadre.name if cadre else "",
                "unit": cadre.unit.name if cadre else "",
                "circle": matter.circle,
                "what": matter.title,
                "status": "acknowledged" if matter.acknowledged_at else "sent",
                "grid": matter.area.name,
            }
        )
    if len(notable) > 1:
        notable.sort(key=compile_module._notable_order, reverse=True)
        figures["notable_more"] = max(0, len(notable) - compile_module.NOTABLE_MAX)
        del notable[compile_module.NOTABLE_MAX :]
    return figures


@pytest.fixture
def busy_month(checklist, author, county, township_a, township_b, unit_a, unit_b):
    """A month of every kind of record spread at random (a fixed seed) over three townships of two counties,
    several communities and grids each, with records of the months before and after and a county's own
    reports, which no township counts."""
    import random

    from gridwatch.monthly.models import UrgentMatter

    rng = random.Random(20261001)
    other = geo.area_create(
        actor=None, code="522730000000", name="惠水县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    township_c = geo.area_create(
        actor=None, code="522730101000", name="和平镇", level=Level.TOWNSHIP, kind=Kind.TOWN, parent=other
    )
    days = [OCTOBER.replace(day=d) for d in (1, 2, 15, 30, 31)] + [
        datetime.date(2026, 9, 30),
        datetime.date(2026, 11, 1),
    ]
    grids = []
    for t, township in enumerate((township_a, township_b, township_c)):
        for c in range(2):
            community = geo.area_create(
                actor=None,
                code=f"{township.code[:9]}{c + 5:03d}",
                name=f"社区{t}{c}",
                level=Level.COMMUNITY,
                kind=Kind.COMMUNITY,
                parent=township,
            )
            for g in range(3):
                grids.append(
                    geo.area_create(
                        actor=None,
                        code=f"{community.code}{g + 1:03d}",
                        name=f"第{t}{c}{g}网格",
                        level=Level.GRID,
                        kind=Kind.GRID,
                        parent=community,
                    )
                )
    circles = ["social", "life", "family", "public_welfare"]
    for i, grid in enumerate(grids):
        if i % 7 == 6:
            continue  # a grid without any record still has its row
        for k in range(rng.randint(1, 3)):
            cadre = make_cadre(f"干部{i}号{k}", rng.choice([unit_a, unit_b]), grid)
            make_card(
                checklist,
                cadre,
                grid,
                month=rng.choice([OCTOBER, OCTOBER, OCTOBER, datetime.date(2026, 9, 1)]),
                status=rng.choice(["draft", "submitted", "returned", "reviewed", "reviewed"]),
                concerns=rng.sample(circles, rng.randint(0, 2)),
                author=author,
            )
            for _ in range(rng.randint(0, 2)):
                make_register(
                    cadre,
                    grid,
                    day=rng.choice(days),
                    aspect=rng.choice(["life_style", "family_relations", "social_morality"]),
                    author=author,
                )
            report = make_report(
                rng.choice([grid.path, grid.path, grid.parent.parent.path]),
                day=rng.choice(days),
                circle=rng.choice([*circles, "other"]),
                channel=rng.choice(["web", "hotline", "letter", "in_person"]),
                status=rng.choice(["received", "handling", "concluded"]),
                urgent=rng.random() < 0.3,
                finding=rng.choice(["", "substantiated", "partly", "not_substantiated"]),
                finding_on=rng.choice([None, *days]),
                cadre=rng.choice([cadre, None]),
                grid=rng.choice([grid, None]),
            )
            if rng.random() < 0.3:
                UrgentMatter.objects.create(
                    area=rng.choice([grid, grid.parent.parent]),
                    cadre=rng.choice([cadre, None]),
                    circle=rng.choice(circles),
                    title=f"重要事项{i}{k}",
                    details="详情",
                    reported_by=author,
                    reported_at=compile_module._aware(rng.choice(days)),
                    acknowledged_at=rng.choice([None, report.created_at]),
                )
        for _ in range(rng.randint(0, 3)):
            make_diary(grid, day=rng.choice(days), circle=rng.choice(["", *circles]), author=author)
    make_report(county.path, day=OCTOBER, urgent=True)
    make_report(other.path, day=OCTOBER, finding="substantiated", finding_on=OCTOBER)
    return [township_a, township_b, township_c]


def test_it_compiles_what_a_plain_count_of_each_figure_gives(busy_month, monkeypatch):
    """Every figure of every township and grid, and every notable item in its order, equal a plain count of
    the records one by one: for all the townships at once (no filter), for one, for two of one county and
    one of another, and on SQLite with the selection by path (SCAN_SHARE)."""
    township_a, township_b, township_c = busy_month
    expected = {t.pk: _naive_figures(t, OCTOBER) for t in busy_month}
    assert sum(f["cards"]["total"] for f in expected.values()) > 20
    assert sum(f["reports"]["total"] for f in expected.values()) > 5
    assert all(f["concerns"]["total"] and f["notable"] for f in expected.values())
    for scan_share in (0.25, 0.0, 2.0):
        monkeypatch.setattr(compile_module, "SCAN_SHARE", scan_share)
        for townships in ([township_a, township_b, township_c], [township_b], [township_c, township_a]):
            compiled = compile_month(townships=townships, month=OCTOBER)
            assert compiled == {t.pk: expected[t.pk] for t in townships}
