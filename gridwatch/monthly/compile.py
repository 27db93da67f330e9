"""Compiling the monthly information report (R13) from the month's records.

``compile_month`` computes the figures of any number of townships for one month in ten queries (grouped
aggregates by grid, with a conditional count per status, heading or circle, or by supervising path, circle,
channel, status or finding; the grids; the notable items), never a query per township or per grid: a whole
province costs the same ten queries as one township. Every township of the database asked for, the records
are read with no filter at all; some townships, through their grids' ids (or, on SQLite and for a large
share of the database, their paths). The rows are attributed to their township in Python by slicing a path
to a township path's length and one dict lookup. ``bench/bench_monthly.py`` measures a 100,000-cadre
province against hand-written SQL.

The figures are plain JSON (codes, not labels: they are translated when shown), so that the same dict is the
live draft, the snapshot frozen at submission, and the source of the page, the Excel file and the PDF.
Notable items name title-level facts only (the cadre, the unit, the circle, the date, the status): never a
reporter, never an encrypted text.
"""

import datetime

from django.db import connection, models
from django.db.models import Count, Q
from django.utils import timezone

from gridwatch.cases.models import ADVERSE_FINDINGS, Channel, Circle, Finding, Report, ReportStatus
from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area, Level
from gridwatch.supervision.models import (
    CardItem,
    CardRating,
    CardStatus,
    DiaryEntry,
    RegisterAspect,
    RegisterEntry,
    SupervisionCard,
)

# Cards whose items of concern count: those the supervisors have sent (a draft may still change).
COUNTED_CARD_STATUSES = (CardStatus.SUBMITTED, CardStatus.REVIEWED)
# "no circle" in the diary's by-circle figures.
NO_CIRCLE = "none"
# At most this many notable items per township in one report (the newest first).
NOTABLE_MAX = 200
# From this share of the database's townships on, SQLite reads the card items by a scan (see _notable).
SCAN_SHARE = 0.25


def month_bounds(month):
    """``(first day, first day of the next month)`` of the month ``month`` falls in."""
    start = month.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# A count needs no conversion (the databases return integers): without a converter on any column, Django
# hands the rows over as the driver returns them (no per-value call on tens of thousands of counts).
_PLAIN = models.Field()


def _paths_q(field, paths):
    """The rows whose ``field`` lies under one of ``paths``; every row when ``paths`` is None (the scope is
    the whole database: there is nothing to filter)."""
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**prefix_range(field, path))
    return q


def _scope_paths(townships):
    """``(paths, share)``: the path prefixes that select the townships' records, and the share of the
    database's townships asked for. The prefixes are a county's path when every township of the county is
    asked for (a province's overview filters on a hundred counties, not thousands of townships), else the
    townships' own paths; None when every township of the database is asked for (a province's overview: no
    filter at all, the records are read as a hand-written aggregate would). One query, whatever the number
    of townships."""
    by_parent = {}
    for township in townships:
        by_parent.setdefault(township.parent_id, []).append(township.path)
    sizes = {
        parent_id: (parent_path, n)
        for parent_id, parent_path, n in Area.objects.filter(level=Level.TOWNSHIP)
        .values_list("parent_id", "parent__path")
        .annotate(n=Count("id", output_field=_PLAIN))
        .order_by()
    }
    complete = {
        parent_id: parent_path
        for parent_id, (parent_path, n) in sizes.items()
        if n == len(by_parent.get(parent_id, ()))
    }
    share = len(townships) / max(1, sum(n for _path, n in sizes.values()))
    if len(complete) == len(sizes):
        return None, share
    scope = []
    for parent_id, township_paths in by_parent.items():
        scope += [complete[parent_id]] if parent_id in complete else township_paths
    return sorted(scope), share


# The codes each figure is counted by, read once (an enum's ``values`` is computed on every access).
CARD_STATUSES = tuple(CardStatus.values)
CONCERN_CIRCLES = tuple(c for c in Circle.values if c != Circle.OTHER)
ASPECTS = tuple(RegisterAspect.values)
DIARY_CIRCLES = (*Circle.values, NO_CIRCLE)
CIRCLES = tuple(Circle.values)
CHANNELS = tuple(Channel.values)
REPORT_STATUSES = tuple(ReportStatus.values)
FINDINGS = tuple(Finding.values)


def empty_figures(township, month):
    return {
        "month": month.strftime("%Y-%m"),
        "township": {"code": township.code, "name": township.name},
        "cards": {"total": 0, "by_status": dict.fromkeys(CARD_STATUSES, 0)},
        "concerns": {"total": 0, "by_circle": dict.fromkeys(CONCERN_CIRCLES, 0)},
        "register": {"total": 0, "by_aspect": dict.fromkeys(ASPECTS, 0)},
        "diary": {"total": 0, "by_circle": dict.fromkeys(DIARY_CIRCLES, 0)},
        "reports": {
            "total": 0,
            "urgent": 0,
            "by_circle": dict.fromkeys(CIRCLES, 0),
            "by_channel": dict.fromkeys(CHANNELS, 0),
            "by_status": dict.fromkeys(REPORT_STATUSES, 0),
        },
        "concluded": {"total": 0, "by_finding": dict.fromkeys(FINDINGS, 0)},
        "grids": [],
        "notable": [],
    }


def _counts_by(field, codes):
    """One conditional count per code of ``field`` (``NO_CIRCLE``: the field left blank), in the codes' order,
    for ``values_list(...).annotate(**...)``."""
    return {
        f"n_{i}": Count("pk", filter=Q(**{field: "" if code == NO_CIRCLE else code}), output_field=_PLAIN)
        for i, code in enumerate(codes)
    }


def _add_by_grid(rows, grids, key, codes, by):
    """Add rows ``(grid id, count per code...)`` to their grid's row and their township's figures: each row's
    total to its grid, then each township's column sums (a township has a few dozen grids)."""
    per_township = {}
    for record in rows:
        entry = grids.get(record[0])
        if entry is None:
            continue
        row, figures = entry
        counts = record[1:]
        row[key] += sum(counts)
        collected = per_township.get(id(figures))
        if collected is None:
            per_township[id(figures)] = collected = (figures, [])
        collected[1].append(counts)
    for figures, counts in per_township.values():
        sums = [sum(column) for column in zip(*counts, strict=True)]
        figures[key]["total"] += sum(sums)
        by_code = figures[key][by]
        for code, n in zip(codes, sums, strict=True):
            by_code[code] += n


def compile_month(*, townships, month):
    """The figures of each of ``townships`` (Areas of the township level) for the month of ``month`` (its
    first day), as ``{township id: figures}``. A fixed number of queries whatever the number of townships,
    grids, cadres, cards or cases."""
    townships = list(townships)
    if not townships:
        return {}
    start, following = month_bounds(month)
    paths, share = _scope_paths(townships)
    result = {t.pk: empty_figures(t, start) for t in townships}
    # A township's path is a prefix of the paths below it: a row is attributed to its township by slicing its
    # path to a township path's length and looking the slice up (one dict lookup, no search).
    lengths = sorted({len(t.path) for t in townships})
    by_prefix = {t.path: result[t.pk] for t in townships}
    memo = {}

    def township_of(path):
        """The figures of the township ``path`` lies in; None above the townships (a county's own
        reports), which no township's report counts."""
        try:
            return memo[path]
        except KeyError:
            pass
        figures = None
        for length in lengths:
            figures = by_prefix.get(path[:length])
            if figures is not None:
                break
        memo[path] = figures
        return figures

    # The grids of the townships, so that a grid without any record still has its row. The records below
    # are selected by grid (``in_grids``, a subquery; no filter at all for the whole database) and grouped by
    # grid id: no join to the areas.
    grids_q = Area.objects.filter(_paths_q("path", paths), level=Level.GRID)
    in_grids = {} if paths is None else {"grid_id__in": grids_q.values("id")}
    grids = {}  # grid id or path -> (its row, its township's figures)
    for grid_id, code, name, path, community in grids_q.order_by("path").values_list(
        "id", "code", "name", "path", "parent__name"
    ):
        figures = township_of(path)
        if figures is None:
            continue
        row = {
            "code": code,
            "name": name,
            "community": community,
            "cards": 0,
            "concerns": 0,
            "register": 0,
            "diary": 0,
            "reports": 0,
        }
        figures["grids"].append(row)
        grids[grid_id] = grids[path] = (row, figures)

    # 1. Cards of the month, by grid: one row per grid with a count per status (a conditional count per
    # code, so a third of the rows a GROUP BY grid and status returns).
    cards = (
        SupervisionCard.objects.filter(month=start, **in_grids)
        .values_list("grid_id")
        .annotate(**_counts_by("status", CARD_STATUSES))
        .order_by()
    )
    _add_by_grid(cards, grids, "cards", CARD_STATUSES, "by_status")

    # 2. Items of concern on the month's sent cards: counted (by circle, by grid) from the notable items'
    # list below, which reads exactly those rows, rather than by a second pass over every card item.

    # 3. Register entries recorded in the month, by grid, a count per heading.
    register = (
        RegisterEntry.objects.filter(recorded_on__gte=start, recorded_on__lt=following, **in_grids)
        .values_list("grid_id")
        .annotate(**_counts_by("aspect", ASPECTS))
        .order_by()
    )
    _add_by_grid(register, grids, "register", ASPECTS, "by_aspect")

    # 4. Diary entries of visits in the month, by grid, a count per circle ("none": no circle).
    diary = (
        DiaryEntry.objects.filter(visited_on__gte=start, visited_on__lt=following, **in_grids)
        .values_list("grid_id")
        .annotate(**_counts_by("circle", DIARY_CIRCLES))
        .order_by()
    )
    _add_by_grid(diary, grids, "diary", DIARY_CIRCLES, "by_circle")

    # 5. Reports received in the month, by the path that supervises them, circle, channel, status, urgency.
    received = (
        Report.objects.filter(
            _paths_q("supervising_path", paths), received_on__gte=start, received_on__lt=following
        )
        .values_list("supervising_path", "circle", "channel", "status", "urgent")
        .annotate(n=Count("id", output_field=_PLAIN))
        .order_by()
    )
    for path, circle, channel, status, urgent, n in received:
        figures = township_of(path)
        if figures is None:
            continue
        reports = figures["reports"]
        reports["total"] += n
        if urgent:
            reports["urgent"] += n
        reports["by_circle"][circle] += n
        reports["by_channel"][channel] += n
        reports["by_status"][status] += n
        entry = grids.get(path)
        if entry is not None:
            entry[0]["reports"] += n

    # 6. Reports concluded in the month, by finding.
    concluded = (
        Report.objects.filter(
            _paths_q("supervising_path", paths), finding_on__gte=start, finding_on__lt=following
        )
        .exclude(finding="")
        .values_list("supervising_path", "finding")
        .annotate(n=Count("id", output_field=_PLAIN))
        .order_by()
    )
    for path, finding, n in concluded:
        figures = township_of(path)
        if figures is None:
            continue
        figures["concluded"]["total"] += n
        figures["concluded"]["by_finding"][finding] += n

    _notable(township_of, paths, share, in_grids, start, following, grids)
    for figures in result.values():
        notable = figures["notable"]
        if len(notable) > 1:
            notable.sort(key=_notable_order, reverse=True)
            # Counted, so that the report says how many it does not list (document.report_document).
            figures["notable_more"] = max(0, len(notable) - NOTABLE_MAX)
            del notable[NOTABLE_MAX:]
    return result


def _notable_order(item):
    return (item["date"], item["kind"], item["grid"], item["cadre"], item["what"])


def _notable(township_of, paths, share, in_grids, start, following, grids):
    """The month's notable items: items of concern (also counted here, by circle and grid), urgent or
    substantiated cases, urgent matters. Three queries of plain values (no model instances, no encrypted
    column), without ORDER BY: SQLite would otherwise walk the card items by an index instead of scanning
    them (ten times slower on a province); the items are sorted in Python."""
    from .models import UrgentMatter

    # The whole database: no filter, the month's card items are read in one pass as a hand-written aggregate
    # would. Some townships: by grid id, the cards through their (grid, month) index and their items through
    # the card's (a township's 2,000 items, not a scan of the province's million). SQLite, which keeps no
    # statistics to choose by, also fetches a large share of the province's items that way, one card at a
    # time (a third slower than a scan at half of the townships): by the grid's path from a quarter on.
    if paths is not None and share >= SCAN_SHARE and connection.vendor == "sqlite":
        scope = _paths_q("card__grid__path", paths)
    else:
        scope = Q(**{f"card__{name}": value for name, value in in_grids.items()})
    items = (
        CardItem.objects.filter(
            scope,
            card__month=start,
            card__status__in=COUNTED_CARD_STATUSES,
            rating=CardRating.CONCERN,
        )
        .values_list(
            "card__grid_id",
            "card__status",
            "card__cadre_id",
            "card__cadre__name",
            "card__cadre__unit__name",
            "checklist_item__circle",
            "checklist_item__text_zh",
            "checklist_item__text_en",
        )
        .order_by()
    )
    day = start.strftime("%Y-%m")  # a card is for a month, not a day
    for grid_id, status, cadre_id, cadre, unit, circle, text_zh, text_en in items:
        entry = grids.get(grid_id)
        if entry is None:
            continue
        row, figures = entry
        concerns = figures["concerns"]
        concerns["total"] += 1
        by_circle = concerns["by_circle"]
        by_circle[circle] = by_circle.get(circle, 0) + 1
        row["concerns"] += 1
        figures["notable"].append(
            {
                "kind": "concern",
                "date": day,
                "cadre_id": str(cadre_id),
                "cadre": cadre,
                "unit": unit,
                "circle": circle,
                "what": text_zh,
                "what_en": text_en,
                "status": status,
                "grid": row["name"],
            }
        )

    cases = (
        Report.objects.filter(_paths_q("supervising_path", paths))
        .filter(
            Q(urgent=True, received_on__gte=start, received_on__lt=following)
            | Q(finding__in=ADVERSE_FINDINGS, finding_on__gte=start, finding_on__lt=following)
        )
        .values_list(
            "id",
            "received_on",
            "circle",
            "status",
            "urgent",
            "finding",
            "finding_on",
            "supervising_path",
            "subject_name",
            "subject_unit_text",
            "subject_cadre_id",
            "subject_cadre__name",
            "subject_cadre__unit__name",
            "grid__name",
        )
        .order_by()
    )
    for (
        case_id,
        received_on,
        circle,
        status,
        urgent,
        finding,
        finding_on,
        path,
        subject_name,
        subject_unit,
        cadre_id,
        cadre,
        unit,
        grid,
    ) in cases:
        figures = township_of(path)
        if figures is None:
            continue
        named = cadre_id is not None
        figures["notable"].append(
            {
                "kind": "case",
                "date": (finding_on or received_on).isoformat(),
                "cadre_id": str(cadre_id) if named else "",
                "cadre": cadre if named else subject_name,
                "unit": unit if named else subject_unit,
                "circle": circle,
                # The staff's handle of the case (Report.reference), never the receipt code.
                "what": case_id.hex[:8].upper(),
                "urgent": urgent,
                "finding": finding,
                "status": status,
                "grid": grid or "",
            }
        )

    matters = (
        UrgentMatter.objects.filter(
            _paths_q("area__path", paths), reported_at__gte=_aware(start), reported_at__lt=_aware(following)
        )
        .values_list(
            "title",
            "circle",
            "reported_at",
            "acknowledged_at",
            "area__name",
            "area__path",
            "cadre_id",
            "cadre__name",
            "cadre__unit__name",
        )
        .order_by()
    )
    for title, circle, reported_at, acknowledged_at, area, path, cadre_id, cadre, unit in matters:
        figures = township_of(path)
        if figures is None:
            continue
        named = cadre_id is not None
        figures["notable"].append(
            {
                "kind": "urgent",
                "date": timezone.localtime(reported_at).date().isoformat(),
                "cadre_id": str(cadre_id) if named else "",
                "cadre": cadre if named else "",
                "unit": unit if named else "",
                "circle": circle,
                "what": title,
                "status": "acknowledged" if acknowledged_at else "sent",
                "grid": area,
            }
        )
