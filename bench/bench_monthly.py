"""The monthly report benchmark (issue 4): compiling every township's month of a province against one
hand-written SQL aggregate over the same rows.

    .venv/bin/python bench/bench_monthly.py                      # SQLite, 100,000 cadres
    .venv/bin/python bench/bench_monthly.py --postgres postgresql://postgres@127.0.0.1:5432

The dataset is generated once by ``bench/generate.py --cadres N --month YYYY-MM`` (SQLite
``<sqlite-dir>/monthly_<N>.sqlite3``, PostgreSQL ``gridwatch_bench_monthly_<N>``) and kept for the next run:
the cadre registry plus one month of records, a supervision card for every serving cadre with an item per
checklist item, register and diary entries, reports and urgent matters.

In one process, in alternating order every round so that all see the same machine load, it times:
``compile_month(townships=<all townships>, month=...)`` (what the county's overview of the month costs), the
baseline, and ``compile_month`` of the largest township. The baseline, on which the issue's target is
judged, is ONE statement written by hand and run with ``cursor.execute``: a UNION ALL of aggregates by
township (the grid's or the supervising path's prefix) over every set of rows the compilation reads, the
month's cards by status, items of concern on sent cards by circle, register entries by heading, diary
entries by circle, reports received by circle and concluded by finding: "one hand-written SQL aggregate over
the same rows". Its totals are checked against ``compile_month``'s, township by township and kind by kind,
before timing.

Two more references are timed in the same rounds and reported beside it: the items of concern alone (one
GROUP BY over the card items, the largest of those sets of rows, by township and circle; its counts are
checked against ``compile_month``'s too), which was the baseline of the first write-ups, and
``compile_month``'s own statements as captured, run with ``cursor.execute`` and ``fetchall`` (what the
database alone costs, without Django and the Python that builds the figures).

Reported: the queries of ``compile_month`` for one township and for all (``CaptureQueriesContext``), the
median and 95th percentile of the wall time of each, and the ratio all-townships / baseline. The issue's
target: the same number of queries for one township and for all, and the ratio at most 2 (median and p95).
With ``--sql``, each statement's time as Django measures it: on SQLite only the first step (the rows are
read while iterated), on PostgreSQL the whole execution.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_cadres import machine as shared_machine  # noqa: E402
from bench.bench_cadres import p95  # noqa: E402
from bench.bench_cases import postgres_database  # noqa: E402

TARGET_RATIO = 2.0
COUNTED_STATUSES = ("submitted", "reviewed")


def database_env(args):
    """The environment of the generator and of this process's Django: the benchmark's own database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gridwatch.settings",
        "GRIDWATCH_DEBUG": "0",
        "GRIDWATCH_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    env.pop("GRIDWATCH_SQLITE_PATH", None)
    if args.postgres:
        env["DATABASE_URL"] = f"{args.postgres.rstrip('/')}/gridwatch_bench_monthly_{args.cadres}"
    else:
        env["GRIDWATCH_SQLITE_PATH"] = str(Path(args.sqlite_dir).resolve() / f"monthly_{args.cadres}.sqlite3")
    return env


def ensure_dataset(args, env):
    command = [
        sys.executable,
        str(ROOT / "bench" / "generate.py"),
        "--cadres",
        str(args.cadres),
        "--no-phones",
        "--month",
        args.month,
    ]
    if args.regenerate:
        command.append("--force")
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def concerns_sql():
    """The items of concern alone (a reference beside the baseline, the baseline of the first write-ups):
    the month's items of concern on sent cards counted by township (the grid path's prefix) and circle."""
    from gridwatch.geography.models import Area
    from gridwatch.supervision.models import CardItem, ChecklistItem, SupervisionCard

    return (
        "SELECT substr(g.path, 1, %s) AS township, ci.circle, COUNT(*) "
        f"FROM {CardItem._meta.db_table} i "
        f"JOIN {SupervisionCard._meta.db_table} c ON c.id = i.card_id "
        f"JOIN {Area._meta.db_table} g ON g.id = c.grid_id "
        f"JOIN {ChecklistItem._meta.db_table} ci ON ci.id = i.checklist_item_id "
        "WHERE c.month = %s AND c.status IN (%s, %s) AND i.rating = %s "
        "GROUP BY substr(g.path, 1, %s), ci.circle"
    )


def run_concerns(month, path_length):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            concerns_sql(), [path_length, month.isoformat(), *COUNTED_STATUSES, "concern", path_length]
        )
        return cursor.fetchall()


def baseline_sql():
    """The baseline, on which the issue's target is judged: ONE hand-written statement over every set of rows
    ``compile_month`` reads: the month's cards by status, items of concern by circle, register entries by
    heading, diary entries by circle, reports received by circle and concluded by finding, each counted by
    township (the path's prefix), in one UNION ALL."""
    from gridwatch.cases.models import Report
    from gridwatch.geography.models import Area
    from gridwatch.supervision.models import (
        CardItem,
        ChecklistItem,
        DiaryEntry,
        RegisterEntry,
        SupervisionCard,
    )

    area, card, report = Area._meta.db_table, SupervisionCard._meta.db_table, Report._meta.db_table
    return (
        "SELECT 'cards', substr(g.path, 1, %(n)s), c.status, COUNT(*) "
        f"FROM {card} c JOIN {area} g ON g.id = c.grid_id WHERE c.month = %(start)s "
        "GROUP BY substr(g.path, 1, %(n)s), c.status "
        "UNION ALL SELECT 'concerns', substr(g.path, 1, %(n)s), ci.circle, COUNT(*) "
        f"FROM {CardItem._meta.db_table} i JOIN {card} c ON c.id = i.card_id JOIN {area} g ON g.id = c.grid_id "
        f"JOIN {ChecklistItem._meta.db_table} ci ON ci.id = i.checklist_item_id "
        "WHERE c.month = %(start)s AND c.status IN ('submitted', 'reviewed') AND i.rating = 'concern' "
        "GROUP BY substr(g.path, 1, %(n)s), ci.circle "
        "UNION ALL SELECT 'register', substr(g.path, 1, %(n)s), r.aspect, COUNT(*) "
        f"FROM {RegisterEntry._meta.db_table} r JOIN {area} g ON g.id = r.grid_id "
        "WHERE r.recorded_on >= %(start)s AND r.recorded_on < %(end)s GROUP BY substr(g.path, 1, %(n)s), r.aspect "
        "UNION ALL SELECT 'diary', substr(g.path, 1, %(n)s), d.circle, COUNT(*) "
        f"FROM {DiaryEntry._meta.db_table} d JOIN {area} g ON g.id = d.grid_id "
        "WHERE d.visited_on >= %(start)s AND d.visited_on < %(end)s GROUP BY substr(g.path, 1, %(n)s), d.circle "
        "UNION ALL SELECT 'reports', substr(supervising_path, 1, %(n)s), circle, COUNT(*) "
        f"FROM {report} WHERE received_on >= %(start)s AND received_on < %(end)s "
        "GROUP BY substr(supervising_path, 1, %(n)s), circle "
        "UNION ALL SELECT 'concluded', substr(supervising_path, 1, %(n)s), finding, COUNT(*) "
        f"FROM {report} WHERE finding_on >= %(start)s AND finding_on < %(end)s AND finding <> '' "
        "GROUP BY substr(supervising_path, 1, %(n)s), finding"
    )


def run_baseline(month, path_length):
    from django.db import connection

    following = (month + datetime.timedelta(days=32)).replace(day=1)
    params = {"n": path_length, "start": month.isoformat(), "end": following.isoformat()}
    with connection.cursor() as cursor:
        cursor.execute(baseline_sql(), params)
        return cursor.fetchall()


def run_statements(statements):
    """The compilation's own statements (as captured), run with ``cursor.execute`` and ``fetchall``: what
    the database alone costs, without Django and the Python that attributes the rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def check_baseline(compiled, rows, townships, path_length):
    """The baseline's totals equal compile_month's, township by township and kind by kind: otherwise the
    comparison would be of two different computations."""
    totals = defaultdict(int)
    for kind, township_path, _code, count in rows:
        totals[kind, township_path] += count
    for township in townships:
        figures = compiled[township.pk]
        for kind in ("cards", "concerns", "register", "diary", "reports", "concluded"):
            got = totals.get((kind, township.path[:path_length]), 0)
            if got != figures[kind]["total"]:
                raise SystemExit(
                    f"{kind} of {township.path}: the statement counts {got}, compile_month {figures[kind]['total']}"
                )


def dataset_counts(month):
    from gridwatch.cases.models import Report
    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre
    from gridwatch.supervision.models import CardItem, DiaryEntry, RegisterEntry, SupervisionCard

    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {
        "cadres": Cadre.objects.count(),
        "counties": Area.objects.filter(level=Level.COUNTY).count(),
        "townships": Area.objects.filter(level=Level.TOWNSHIP).count(),
        "grids": Area.objects.filter(level=Level.GRID).count(),
        "cards": SupervisionCard.objects.filter(month=month).count(),
        "items": CardItem.objects.filter(card__month=month).count(),
        "concerns": CardItem.objects.filter(
            card__month=month, card__status__in=COUNTED_STATUSES, rating="concern"
        ).count(),
        "register": RegisterEntry.objects.filter(recorded_on__gte=month, recorded_on__lt=following).count(),
        "diary": DiaryEntry.objects.filter(visited_on__gte=month, visited_on__lt=following).count(),
        "reports": Report.objects.filter(received_on__gte=month, received_on__lt=following).count(),
    }


def machine():
    """The run's machine line (``bench_cadres.machine``) for this process's database."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("select sqlite_version()")
            return shared_machine([{"sqlite": cursor.fetchone()[0]}])
    connection.ensure_connection()
    return shared_machine([{"postgres": f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"}])


def check_concerns(compiled, rows, townships, path_length):
    """The items of concern alone: the same counts as compile_month's, township by township and circle by
    circle."""
    by_sql = defaultdict(dict)
    for township_path, circle, count in rows:
        by_sql[township_path][circle] = count
    for township in townships:
        figures = compiled[township.pk]["concerns"]["by_circle"]
        wanted = {circle: n for circle, n in figures.items() if n}
        got = by_sql.get(township.path[:path_length], {})
        if wanted != got:
            raise SystemExit(
                f"items of concern of {township.path}: the statement counts {got}, compile_month {wanted}"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--month", default="2026-11", help="the month of the records, YYYY-MM")
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (each times all five)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    parser.add_argument("--sqlite-dir", default=str(ROOT / "var" / "bench"), help="where the SQLite file is")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the dataset")
    parser.add_argument("--sql", action="store_true", help="print the queries of compile_month")
    parser.add_argument("--out", default="", help="also write the markdown section into this file")
    args = parser.parse_args()

    env = database_env(args)
    if args.postgres:
        postgres_database(args.postgres, f"monthly_{args.cadres}")
    elapsed = ensure_dataset(args, env)
    print(f"dataset of {args.cadres:,} cadres and the month {args.month} ready ({elapsed:.0f}s)", flush=True)

    for key in ("DATABASE_URL", "GRIDWATCH_SQLITE_PATH"):
        os.environ.pop(key, None)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import Substr
    from django.test.utils import CaptureQueriesContext

    from gridwatch.geography.models import Area, Level
    from gridwatch.monthly.compile import compile_month
    from gridwatch.people.models import Cadre

    month = datetime.date.fromisoformat(args.month + "-01")
    townships = list(Area.objects.filter(level=Level.TOWNSHIP).order_by("path"))
    lengths = {len(t.path) for t in townships}
    if len(lengths) != 1:
        raise SystemExit(f"townships' paths of several lengths: {sorted(lengths)}")
    path_length = lengths.pop()
    sizes = dict(
        Cadre.objects.filter(status="serving")
        .annotate(township=Substr("supervising_path", 1, path_length))
        .values_list("township")
        .annotate(n=Count("id"))
        .order_by()
    )
    largest = max(townships, key=lambda t: sizes.get(t.path, 0))
    counts = dataset_counts(month)
    print(
        f"{counts['cadres']:,} cadres, {counts['townships']:,} townships, {counts['grids']:,} grids; "
        f"{counts['cards']:,} cards, {counts['items']:,} card items ({counts['concerns']:,} of concern on sent "
        f"cards), {counts['register']:,} register and {counts['diary']:,} diary entries, "
        f"{counts['reports']:,} reports in {month:%Y-%m}",
        flush=True,
    )

    with CaptureQueriesContext(connection) as one_queries:
        compile_month(townships=[largest], month=month)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as all_queries:
        compiled = compile_month(townships=townships, month=month)
    total_ms = (time.perf_counter() - started) * 1000
    sql_ms = sum(float(q["time"]) for q in all_queries.captured_queries) * 1000
    check_baseline(compiled, run_baseline(month, path_length), townships, path_length)
    check_concerns(compiled, run_concerns(month, path_length), townships, path_length)
    statements = [query["sql"] for query in all_queries.captured_queries]
    print(
        f"queries: {len(one_queries)} for one township ({largest.name}, {sizes.get(largest.path, 0)} "
        f"cadres), {len(all_queries)} for all {len(townships):,}; the baseline's totals are the same",
        flush=True,
    )
    print(f"one compilation of all townships: {total_ms:.0f} ms, of which {sql_ms:.0f} ms in the database")
    if args.sql:
        for query in all_queries.captured_queries:
            sql = query["sql"]
            print(f"    {float(query['time']) * 1000:8.1f} ms  {sql[:300]}{' …' if len(sql) > 300 else ''}")
        print("    baseline: " + baseline_sql())
        print("    items of concern alone: " + concerns_sql())

    cases = {
        "all": lambda: compile_month(townships=townships, month=month),
        "baseline": lambda: run_baseline(month, path_length),
        "one": lambda: compile_month(townships=[largest], month=month),
        "concerns": lambda: run_concerns(month, path_length),
        "statements": lambda: run_statements(statements),
    }
    load_start = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    timings = {key: [] for key in cases}
    order = list(cases)
    for round_ in range(args.warmup + args.runs):
        for key in order if round_ % 2 == 0 else reversed(order):
            started = time.perf_counter()
            cases[key]()
            if round_ >= args.warmup:
                timings[key].append((time.perf_counter() - started) * 1000)
        print(f"round {round_ + 1}/{args.warmup + args.runs}", end="\r", flush=True)
    print()
    stats = {key: (statistics.median(values), p95(values)) for key, values in timings.items()}
    meta = machine()
    ratio_median = stats["all"][0] / stats["baseline"][0]
    ratio_p95 = stats["all"][1] / stats["baseline"][1]
    same = len(one_queries) == len(all_queries)
    met = "yes" if same and max(ratio_median, ratio_p95) <= TARGET_RATIO else "**no**"
    lines = [
        f"Run of {meta['date']} on {meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, "
        f"Django {meta['django']}, {meta['database']}; load average at the start {load_start}, at the end "
        f"{meta['load']}. {args.runs} timed rounds after {args.warmup} untimed, each round timing the "
        f"{len(cases)} in alternating order. Times in milliseconds (wall clock, in process).",
        "",
        f"Dataset: {counts['cadres']:,} cadres, {counts['counties']:,} counties, {counts['townships']:,} "
        f"townships, {counts['grids']:,} grids; in {month:%Y-%m}: {counts['cards']:,} cards with "
        f"{counts['items']:,} items ({counts['concerns']:,} of concern on sent cards), {counts['register']:,} "
        f"register entries, {counts['diary']:,} diary entries, {counts['reports']:,} reports.",
        "",
        "| what | queries | median | p95 |",
        "|---|---|---|---|",
        f"| `compile_month`, all {len(townships):,} townships | {len(all_queries)} | {stats['all'][0]:.0f} "
        f"| {stats['all'][1]:.0f} |",
        f"| **baseline**: one hand-written statement over all the rows it reads | 1 "
        f"| {stats['baseline'][0]:.0f} | {stats['baseline'][1]:.0f} |",
        f"| `compile_month`, one township ({sizes.get(largest.path, 0)} cadres) | {len(one_queries)} "
        f"| {stats['one'][0]:.0f} | {stats['one'][1]:.0f} |",
        f"| for comparison: the items of concern alone (one GROUP BY over the card items) | 1 "
        f"| {stats['concerns'][0]:.0f} | {stats['concerns'][1]:.0f} |",
        f"| `compile_month`'s own {len(all_queries)} statements, run raw (`cursor.execute`, `fetchall`) "
        f"| {len(all_queries)} | {stats['statements'][0]:.0f} | {stats['statements'][1]:.0f} |",
        "",
        f"All townships / baseline: **{ratio_median:.2f}×** (median), **{ratio_p95:.2f}×** (p95); target ≤ "
        f"{TARGET_RATIO:g}× (median and p95) with the same number of queries for one township and for all: "
        f"{met}.",
        "",
        f"For comparison: all townships / the items of concern alone: "
        f"{stats['all'][0] / stats['concerns'][0]:.2f}× (median), {stats['all'][1] / stats['concerns'][1]:.2f}× "
        f"(p95); all townships / its own statements run raw: {stats['all'][0] / stats['statements'][0]:.2f}× "
        "(median).",
    ]
    table = "\n".join(lines)
    print()
    print(table)
    if args.out:
        title = f"#### {meta['database'].split()[0]}, {args.cadres:,} cadres, {month:%Y-%m}"
        Path(args.out).write_text(f"{title}\n\n{table}\n")
        print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
