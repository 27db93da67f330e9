"""The public portal benchmark (issue 6): does a public page cost the same at 1,000 and at 100,000 cadres?

    .venv/bin/python bench/bench_portal.py                      # SQLite, 1,000 and 100,000 cadres
    .venv/bin/python bench/bench_portal.py --postgres postgresql://postgres@127.0.0.1:5432

The datasets are the cadre benchmark's (``bench/generate.py``; SQLite files under ``var/bench/``,
PostgreSQL databases ``gridwatch_bench_<size>``), generated once and kept. On first use the worker adds
what a real county publishes, once: three county-wide standards, a township's standard, eight articles,
and a published commitment with three items for every serving cadre of the grid it measures. One worker
process per size serves the real views through ``django.test.Client`` as a visitor who is not signed in;
the parent alternates blocks of requests between the sizes so that both see the same machine load, and
reports per case the queries of one request and the median and 95th percentile of the wall time.

Cases: the page of the grid with the most serving cadres (plain and embedded), the page of the largest
township, the grid search by a community's name and by township, and the landing page. The target (issue 6:
"public pages cost a fixed number of queries") is the same number of queries at both sizes; the p95
ratio is reported beside it with the cadre benchmark's yardstick (≤ 1.3×).
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_cadres import (  # noqa: E402
    Worker,
    create_postgres_database,
    database_env,
    database_info,
    ensure_dataset,
    machine,
    p95,
    serve,
)

TARGET_RATIO = 1.3
CASES = (
    ("grid", "grid page, most cadres"),
    ("grid-embed", "grid page, embedded (?embed=1)"),
    ("township", "township page, most grids"),
    ("search-name", "grid search by a community's name"),
    ("search-township", "grid search by township"),
    ("landing", "landing page"),
)


def publish_sample(grid, township, county):
    """What a county publishes, added once to a benchmark database."""
    from django.utils import timezone

    from gridwatch.accounts.models import User
    from gridwatch.commitments.models import Commitment, CommitmentItem, CommitmentStatus
    from gridwatch.people.models import Cadre, CadreStatus
    from gridwatch.portal.models import Article, ArticleStatus, Category, Standard, StandardStatus

    if Standard.objects.exists():
        return
    now = timezone.now()
    body = (
        "## 社交圈\n\n- 不参加可能影响公正执行公务的宴请\n- 不出入私人会所\n\n## 生活圈\n\n崇尚勤俭节约。" * 3
    )
    for i, area in enumerate([county, county, county, township]):
        Standard.objects.create(
            title=f"监督标准{i + 1}",
            body=body,
            kind="code" if i else "standard",
            area=area,
            status=StandardStatus.PUBLISHED,
            published_at=now,
        )
    author = User.objects.order_by("id").first()
    column = Category.objects.create(name="廉政要闻", slug="news")
    for i in range(8):
        Article.objects.create(
            category=column,
            title=f"廉政要闻{i + 1}",
            summary="摘要",
            body=body,
            author=author,
            status=ArticleStatus.PUBLISHED,
            published_at=now,
        )
    for cadre in Cadre.objects.filter(supervising_grid=grid, status=CadreStatus.SERVING):
        commitment = Commitment.objects.create(
            cadre=cadre, year=now.year, status=CommitmentStatus.PUBLISHED, published_at=now, submitted_at=now
        )
        for position in range(1, 4):
            CommitmentItem.objects.create(
                commitment=commitment, position=position, content=f"承诺事项{position}", target="全年完成"
            )


def worker():
    """Serve commands from the parent, one JSON object a line: {"case": key, "n": requests}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridwatch.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre

    serving = Q(supervised_cadres__status="serving")
    grid = (
        Area.objects.filter(level=Level.GRID)
        .annotate(n=Count("supervised_cadres", filter=serving))
        .order_by("-n", "path")[0]
    )
    township = (
        Area.objects.filter(level=Level.TOWNSHIP)
        .annotate(n=Count("children__children"))
        .order_by("-n", "path")[0]
    )
    county = Area.objects.get(level=Level.COUNTY, path=grid.path.split("/")[0] + "/")
    publish_sample(grid, township, county)
    community = grid.parent
    client = Client()
    urls = {
        "grid": reverse("portal:grid", args=[grid.code]),
        "grid-embed": reverse("portal:grid", args=[grid.code]) + "?embed=1",
        "township": reverse("portal:township", args=[township.code]),
        "search-name": reverse("portal:grid_search") + f"?q={community.name}",
        "search-township": reverse("portal:grid_search") + f"?area={township.code}",
        "landing": reverse("portal:home"),
    }

    def get(key):
        response = client.get(urls[key])
        if response.status_code != 200:
            raise SystemExit(f"{urls[key]}: HTTP {response.status_code}")
        return response

    info = {"cadres": Cadre.objects.count(), **database_info(), "cases": {}}
    for key in urls:
        get(key)
        with CaptureQueriesContext(connection) as queries:
            response = get(key)
        info["cases"][key] = {"queries": len(queries), "kb": len(response.content) / 1024}
    info["grid_cadres"] = grid.n
    print(json.dumps(info, ensure_ascii=False), flush=True)
    serve(get)


def render(results, sizes, meta, args, infos):
    small, large = sizes
    lines = [
        f"Run of {meta['date']} on {meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, "
        f"Django {meta['django']}, {meta['database']}; load average at the end {meta['load']}. "
        f"{args.requests} timed requests per case and size after {args.warmup} warm-ups, in alternating "
        f"blocks of {args.block}, as a visitor who is not signed in. Times in milliseconds, wall clock of "
        f"`Client.get`. The measured grid holds {infos[small]['grid_cadres']} / {infos[large]['grid_cadres']} "
        "serving cadres.",
        "",
        f"| case | KB | queries | median {small:,} | p95 {small:,} | median {large:,} | p95 {large:,} "
        "| p95 ratio | same queries |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label in CASES:
        a, b = results[small][key], results[large][key]
        same = a["queries"] == b["queries"]
        queries = str(a["queries"]) if same else f"{a['queries']} / {b['queries']}"
        lines.append(
            f"| {label} | {a['kb']:.0f} / {b['kb']:.0f} | {queries} | {a['median']:.1f} | {a['p95']:.1f} "
            f"| {b['median']:.1f} | {b['p95']:.1f} | {b['p95'] / a['p95']:.2f}× | {'yes' if same else '**no**'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="1000,100000", help="two cadre counts, comma separated")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case and size")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--block", type=int, default=20, help="requests per alternating block")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the datasets")
    args = parser.parse_args()
    if args.worker:
        return worker()

    sizes = sorted(int(s) for s in args.sizes.split(","))
    workers = []
    for size in sizes:
        if args.postgres:
            create_postgres_database(args.postgres, size)
        env = database_env(size, args.postgres)
        elapsed = ensure_dataset(size, env, args.regenerate)
        print(f"dataset of {size:,} cadres ready ({elapsed:.0f}s)", flush=True)
        workers.append(Worker(size, env, script=__file__))
    try:
        results = {w.size: {} for w in workers}
        for key, label in CASES:
            for w in workers:
                w.run(key, args.warmup)
            timings = {w.size: [] for w in workers}
            for block in range(max(1, args.requests // args.block)):
                for w in workers if block % 2 == 0 else list(reversed(workers)):
                    timings[w.size] += w.run(key, args.block)
            for w in workers:
                results[w.size][key] = {
                    **w.info["cases"][key],
                    "median": statistics.median(timings[w.size]),
                    "p95": p95(timings[w.size]),
                }
            print(f"{label}: done", flush=True)
    finally:
        for w in workers:
            w.close()
    meta = machine([w.info for w in workers])
    table = render(results, sizes, meta, args, {w.size: w.info for w in workers})
    title = f"Public portal, {meta['database'].split()[0]}, {sizes[0]:,} and {sizes[-1]:,} cadres"
    print(f"\n#### {title}\n\n{table}")  # docs/performance.md, section "The public portal (issue 6)"


if __name__ == "__main__":
    main()
