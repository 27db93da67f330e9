"""Compiling the monthly information report (R13) from the month's records.

``compile_month`` computes the figures of any number of townships for one month in five queries, never a
query per township or per grid: a whole province costs the same five as one township. They are: the
townships per county (the scope); the grids with, per grid, the month's cards by status, register entries by
heading and diary entries by circle (one statement, ``_grids_statement``); the month's reports, row by row
(received, concluded, notable cases); the items of concern on sent cards (counted by circle and grid, and
listed as notable items); the urgent matters. Every township of the database asked for, the records are
read with no filter at all; some townships, through their grids' ids (or, on SQLite and for a large share
of the database, their paths). Rows are attributed to their township by slicing a path to a township
path's length and one dict lookup; the large results are read a thousand rows at a time and none is kept
once counted. ``bench/bench_monthly.py`` measures a 100,000-cadre province against one hand-written
statement over the same rows.

The figures are plain JSON (codes, not labels: they are translated when shown), so that the same dict is the
live draft, the snapshot frozen at submission, and the source of the page, the Excel file and the PDF.
Notable items name title-level facts only (the cadre, the unit, the circle, the date, the status): never a
reporter, never an encrypted text.
"""

import datetime
import itertools
import operator

from django.db import connection, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from gridwatch.cases.models import ADVERSE_FINDINGS, Channel, Circle, Finding, Report, ReportStatus
from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area, Level
from gridwatch.people.models import Cadre
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


# Each figure's counts at zero, copied for each township (a copy of a small dict costs less than building it).
_ZERO = {
    codes: dict.fromkeys(codes, 0)
    for codes in (
        CARD_STATUSES,
        CONCERN_CIRCLES,
        ASPECTS,
        DIARY_CIRCLES,
        CIRCLES,
        CHANNELS,
        REPORT_STATUSES,
        FINDINGS,
    )
}


def empty_figures(township, month, *, month_text=None):
    return {
        "month": month_text or month.strftime("%Y-%m"),
        "township": {"code": township.code, "name": township.name},
        "cards": {"total": 0, "by_status": _ZERO[CARD_STATUSES].copy()},
        "concerns": {"total": 0, "by_circle": _ZERO[CONCERN_CIRCLES].copy()},
        "register": {"total": 0, "by_aspect": _ZERO[ASPECTS].copy()},
        "diary": {"total": 0, "by_circle": _ZERO[DIARY_CIRCLES].copy()},
        "reports": {
            "total": 0,
            "urgent": 0,
            "by_circle": _ZERO[CIRCLES].copy(),
            "by_channel": _ZERO[CHANNELS].copy(),
            "by_status": _ZERO[REPORT_STATUSES].copy(),
        },
        "concluded": {"total": 0, "by_finding": _ZERO[FINDINGS].copy()},
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


def _rows(cursor, size=1000):
    """The rows of ``cursor``'s statement, fetched a thousand at a time: not one driver call per row, and not
    all the rows held at once (tens of thousands of tuples alive together would make Python's cyclic garbage
    collector walk the whole process's objects again and again)."""
    while rows := cursor.fetchmany(size):
        yield from rows


# The counts of a grid's row in _grids_statement, after its cards, register and diary totals: per code.
_GRID_BLOCKS = (
    ("cards", "by_status", CARD_STATUSES),
    ("register", "by_aspect", ASPECTS),
    ("diary", "by_circle", DIARY_CIRCLES),
)


def _grids_statement(grids_q, in_grids, start, following):
    """ONE statement for the grids' rows and their counts: each grid of ``grids_q`` (id, code, name, path,
    community, in path order) with its month's cards, register entries and diary entries, then a count per
    card status, register heading and diary circle, in that order, 0 where it has none. Returns
    ``(sql, params)``. The parts are the ORM's own SQL (filters, literals and parameters as the ORM writes
    them), named by a WITH clause: the grids, and three aggregates by grid with a conditional count per code.

    Every grid of the database (no ``in_grids`` filter): the aggregates are LEFT JOINed to the grids, which
    the database knows the number of (hash joins). Grids selected by their paths: PostgreSQL may misjudge a
    few hundred of them as one and, joining, count a county's records again for every grid (a nested loop,
    quadratic in the grids: 95 ms instead of 8 for the largest county), so the aggregates and the grids are
    put one under the other instead (UNION ALL, each row with zeros in the others' columns) and grouped once
    by grid: no join to misjudge."""
    sources = (
        ("c", SupervisionCard.objects.filter(month=start, **in_grids), "status", CARD_STATUSES),
        (
            "r",
            RegisterEntry.objects.filter(recorded_on__gte=start, recorded_on__lt=following, **in_grids),
            "aspect",
            ASPECTS,
        ),
        (
            "d",
            DiaryEntry.objects.filter(visited_on__gte=start, visited_on__lt=following, **in_grids),
            "circle",
            DIARY_CIRCLES,
        ),
    )
    grid_sql, params = (
        grids_q.values_list("id", "code", "name", "path", "parent__name").order_by().query.sql_with_params()
    )
    ctes = [f"g (id, code, name, path, community) AS ({grid_sql})"]
    params = list(params)
    names = {alias: [f"{alias}{i}" for i in range(len(codes))] for alias, _q, _f, codes in sources}
    every = [name for alias in names for name in names[alias]]
    for alias, queryset, field, codes in sources:
        sql, more = (
            queryset.values_list("grid_id")
            .annotate(**_counts_by(field, codes))
            .order_by()
            .query.sql_with_params()
        )
        ctes.append(f"{alias} (grid_id, {', '.join(names[alias])}) AS ({sql})")
        params += more
    if not in_grids:
        totals = [f"COALESCE({' + '.join(f'{alias}.{name}' for name in names[alias])}, 0)" for alias in names]
        counts = [f"COALESCE({alias}.{name}, 0)" for alias in names for name in names[alias]]
        joins = " ".join(f"LEFT JOIN {alias} ON {alias}.grid_id = g.id" for alias in names)
        return (
            f"WITH {', '.join(ctes)} SELECT g.id, g.code, g.name, g.path, g.community, {', '.join(totals)}, "
            f"{', '.join(counts)} FROM g {joins} ORDER BY g.path",
            params,
        )
    branches = [f"SELECT id, code, name, path, community, {', '.join('0' for _ in every)} FROM g"]
    for alias, own in names.items():
        columns = ", ".join(name if name in own else "0" for name in every)
        branches.append(f"SELECT grid_id, NULL, NULL, NULL, NULL, {columns} FROM {alias}")
    ctes.append(
        f"u (grid_id, code, name, path, community, {', '.join(every)}) AS ({' UNION ALL '.join(branches)})"
    )
    # A grid has one row of each part, zeros in the others' columns: its count is the greatest.
    totals = [" + ".join(f"MAX({name})" for name in names[alias]) for alias in names]
    return (
        f"WITH {', '.join(ctes)} "
        f"SELECT grid_id, MAX(code), MAX(name), MAX(path), MAX(community), {', '.join(totals)}, "
        f"{', '.join(f'MAX({name})' for name in every)} "
        "FROM u GROUP BY grid_id HAVING MAX(path) IS NOT NULL ORDER BY MAX(path)",
        params,
    )


def compile_month(*, townships, month):
    """The figures of each of ``townships`` (Areas of the township level) for the month of ``month`` (its
    first day), as ``{township id: figures}``. A fixed number of queries whatever the number of townships,
    grids, cadres, cards or cases."""
    townships = list(townships)
    if not townships:
        return {}
    start, following = month_bounds(month)
    paths, share = _scope_paths(townships)
    month_text = start.strftime("%Y-%m")
    result = {t.pk: empty_figures(t, start, month_text=month_text) for t in townships}
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

    # The grids of the townships (so that a grid without any record still has its row) with their month's
    # cards by status, register entries by heading and diary entries by circle: one statement, one row per
    # grid. The records are selected by grid (``in_grids``, a subquery; no filter at all for the whole
    # database) and grouped by grid id. A township's figures are the column sums of its grids' rows.
    grids_q = Area.objects.filter(_paths_q("path", paths), level=Level.GRID)
    in_grids = {} if paths is None else {"grid_id__in": grids_q.values("id")}
    sql, params = _grids_statement(grids_q, in_grids, start, following)
    rows_by_id, township_by_id, rows_by_path = {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Read a township's grids at a time (they come in path order, so a township's grids are consecutive,
        # grouped by the township's path): no row is kept once it is counted.
        if len(lengths) == 1:  # the usual case: every township's path is as long (county code/township code/)
            length = lengths[0]

            def township_path(record):
                return record[3][:length]
        else:

            def township_path(record):
                return next((record[3][:n] for n in lengths if record[3][:n] in by_prefix), None)

        for prefix, group in itertools.groupby(_rows(cursor), key=township_path):
            figures = by_prefix.get(prefix)
            if figures is None:
                continue
            columns = list(zip(*group, strict=True))
            append = figures["grids"].append
            for grid_id, code, name, path, community, cards, register, diary in zip(
                *columns[:8], strict=True
            ):
                row = {
                    "code": code,
                    "name": name,
                    "community": community,
                    "cards": cards,
                    "concerns": 0,
                    "register": register,
                    "diary": diary,
                    "reports": 0,
                }
                append(row)
                rows_by_id[grid_id] = rows_by_path[path] = row
                township_by_id[grid_id] = figures
            sums = map(sum, columns[8:])
            for key, by, codes in _GRID_BLOCKS:
                block = figures[key]
                by_code = block[by]
                for code, n in zip(codes, sums, strict=False):  # sums: the blocks one after the other
                    by_code[code] += n
                    block["total"] += n

    _reports(township_of, paths, start, following, rows_by_path)
    _notable(township_of, paths, share, in_grids, start, following, rows_by_id, township_by_id)
    for figures in result.values():
        notable = figures["notable"]
        if len(notable) > 1:
            notable.sort(key=_notable_order, reverse=True)
            # Counted, so that the report says how many it does not list (document.report_document).
            figures["notable_more"] = max(0, len(notable) - NOTABLE_MAX)
            del notable[NOTABLE_MAX:]
    return result


# Notable items newest first (sorted in reverse), then by kind, grid, cadre and what.
_notable_order = operator.itemgetter("date", "kind", "grid", "cadre", "what")


class UUIDText(models.Func):
    """A UUID column as text, as ``str(uuid.UUID)`` writes it (lower case, hyphenated): PostgreSQL casts it
    so; SQLite keeps a UUID as its 32 hexadecimal digits, hyphenated here. No UUID object per row."""

    output_field = models.CharField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS text)", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        parts = " || '-' || ".join(
            f"substr(%(expressions)s, {start}, {length})" for start, length in _UUID_GROUPS
        )
        sql, params = super().as_sql(compiler, connection, template=parts, **extra_context)
        return sql, (*params,) * len(_UUID_GROUPS)  # the column is written once per group


_UUID_GROUPS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


def _reports(township_of, paths, start, following, rows_by_path):
    """The reports received in the month (by circle, channel, status and urgency, and by the grid whose path
    supervises them), the cases concluded in it (by finding) and, among them, the notable cases (urgent, or
    substantiated in whole or in part): ONE query of the month's reports, a row per report (a province's
    month is a few thousand), counted in Python. The names (cadre, unit, grid) by a look-up per report on
    the key's index: joined, PostgreSQL would hash the whole registry of cadres for a few thousand reports."""
    cadre = Cadre.objects.filter(pk=OuterRef("subject_cadre_id"))
    cases = (
        Report.objects.filter(_paths_q("supervising_path", paths))
        .annotate(
            cadre_name=Subquery(cadre.values("name")),
            unit_name=Subquery(cadre.values("unit__name")),
            grid_name=Subquery(Area.objects.filter(pk=OuterRef("grid_id")).values("name")),
        )
        .filter(
            Q(received_on__gte=start, received_on__lt=following)
            | Q(finding_on__gte=start, finding_on__lt=following)
        )
        .values_list(
            "id",
            "received_on",
            "circle",
            "channel",
            "status",
            "urgent",
            "finding",
            "finding_on",
            "supervising_path",
            "subject_name",
            "subject_unit_text",
            "subject_cadre_id",
            "cadre_name",
            "unit_name",
            "grid_name",
        )
        .order_by()
    )
    for (
        case_id,
        received_on,
        circle,
        channel,
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
        received = start <= received_on < following
        concluded = finding_on is not None and start <= finding_on < following
        if received:
            reports = figures["reports"]
            reports["total"] += 1
            if urgent:
                reports["urgent"] += 1
            reports["by_circle"][circle] += 1
            reports["by_channel"][channel] += 1
            reports["by_status"][status] += 1
            row = rows_by_path.get(path)
            if row is not None:
                row["reports"] += 1
        if concluded and finding:
            figures["concluded"]["total"] += 1
            figures["concluded"]["by_finding"][finding] += 1
        if not ((received and urgent) or (concluded and finding in ADVERSE_FINDINGS)):
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


def _notable(township_of, paths, share, in_grids, start, following, rows_by_id, township_by_id):
    """The month's other notable items: items of concern (also counted here, by circle and grid) and urgent
    matters. Two queries of plain values (no model instances, no encrypted column), without ORDER BY: SQLite
    would otherwise walk the card items by an index instead of scanning them (ten times slower on a
    province); the items are sorted in Python."""
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
        .annotate(cadre_key=UUIDText("card__cadre_id"))
        .values_list(
            "card__grid_id",
            "card__status",
            "card__cadre__name",
            "card__cadre__unit__name",
            "checklist_item__circle",
            "checklist_item__text_zh",
            "checklist_item__text_en",
            "cadre_key",
        )
        .order_by()
    )
    day = start.strftime("%Y-%m")  # a card is for a month, not a day
    # Run as the ORM writes it and read a thousand rows at a time (``_rows``): no per-value conversion (the
    # cadre's key comes as text, not as a UUID to convert back to text) and no row kept once its item is made.
    sql, params = items.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grid_id, status, cadre, unit, circle, text_zh, text_en, cadre_id in _rows(cursor):
            row = rows_by_id.get(grid_id)
            if row is None:
                continue
            figures = township_by_id[grid_id]
            concerns = figures["concerns"]
            concerns["total"] += 1
            by_circle = concerns["by_circle"]
            by_circle[circle] = by_circle.get(circle, 0) + 1
            row["concerns"] += 1
            figures["notable"].append(
                {
                    "kind": "concern",
                    "date": day,
                    "cadre_id": cadre_id,
                    "cadre": cadre,
                    "unit": unit,
                    "circle": circle,
                    "what": text_zh,
                    "what_en": text_en,
                    "status": status,
                    "grid": row["name"],
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
