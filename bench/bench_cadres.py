"""The cadre list and search benchmark: does a page cost the same at 1,000 and at 100,000 cadres?

    .venv/bin/python bench/bench_cadres.py                      # SQLite, 1,000 and 100,000 cadres
    .venv/bin/python bench/bench_cadres.py --postgres postgresql://postgres@127.0.0.1:5432

For each size a dataset is generated once by ``bench/generate.py`` (SQLite files under ``var/bench/``;
PostgreSQL databases ``gridwatch_bench_<size>``) and kept for the next run. One worker process per size
serves the real views through ``django.test.Client`` with the benchmark users signed in, two-factor
included. The parent sends the workers the same case in blocks of requests, alternating, so that both
sizes see the same machine load; per case it reports the queries of one request
(``CaptureQueriesContext``) and the median and 95th percentile of the wall time of every request.

The table is printed and written into ``docs/performance.md`` between the ``bench:results`` markers.
The issue's target: the same number of queries at both sizes and p95(100k) ≤ 1.3 × p95(1k).
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.3
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"

# (key, label, user, query string, htmx): the cases of the issue, (a)–(e), plus the htmx partial that
# the search box actually requests while typing.
CASES = (
    ("a", "list, first page", "county", "", False),
    ("b", "list, page 3", "county", "page=3", False),
    ("c", "search 张 (surname prefix)", "county", "q=张", False),
    ("d", "search zw (pinyin initials)", "county", "q=zw", False),
    ("e1", "township list (area filter)", "county", "area={township}", False),
    ("e2", "township list (own jurisdiction)", "township", "", False),
    ("f", "search 张 in own township", "township", "q=张", False),
    ("a-hx", "list, first page, htmx partial", "county", "", True),
    ("c-hx", "search 张, htmx partial", "county", "q=张", True),
    ("d-hx", "search zw, htmx partial", "county", "q=zw", True),
)


# ---------------------------------------------------------------------------------------------- worker


def signed_in_client(user):
    """A test client signed in as ``user`` exactly like ``login()`` in gridwatch/conftest.py."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gridwatch.accounts.middleware import SESSION_EPOCH_KEY, SESSION_STARTED_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time()
    session[SESSION_EPOCH_KEY] = user.session_epoch
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def database_info():
    """The database's vendor and version, for the machine line of a result block."""
    from django.db import connection

    info = {"vendor": connection.vendor}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            info["sqlite"] = cursor.execute("select sqlite_version()").fetchone()[0]
    else:
        info["postgres"] = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    return info


def serve(get):
    """Answer the parent's commands on standard input, one JSON object a line ({"case": key, "n": requests}),
    with the wall times in milliseconds of ``n`` calls of ``get(key)``."""
    for line in sys.stdin:
        command = json.loads(line)
        timings = []
        for _ in range(command["n"]):
            started = time.perf_counter()
            get(command["case"])
            timings.append((time.perf_counter() - started) * 1000)
        print(json.dumps(timings), flush=True)


def worker():
    """Serve commands from the parent, one JSON object a line: {"case": key, "n": requests}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridwatch.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.generate import COUNTY_USER, TOWNSHIP_USER
    from gridwatch.accounts.models import User
    from gridwatch.accounts.roles import Role
    from gridwatch.core.text import prefix_range
    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre

    users = {
        "county": User.objects.get(username=COUNTY_USER),
        "township": User.objects.get(username=TOWNSHIP_USER),
    }
    # (e1) filters the largest township of the county user's own county.
    county = users["county"].role_assignments.get(role=Role.COUNTY_STAFF).area
    townships = Area.objects.filter(level=Level.TOWNSHIP, **prefix_range("path", county.path))
    township = max(
        townships, key=lambda t: Cadre.objects.filter(**prefix_range("supervising_path", t.path)).count()
    )
    clients = {key: signed_in_client(user) for key, user in users.items()}
    base = reverse("people:cadre_list")
    requests = {}
    for key, _label, who, query, htmx in CASES:
        url = base + ("?" + query.format(township=township.code) if query else "")
        headers = {"HX-Request": "true"} if htmx else {}
        requests[key] = (clients[who], url, headers)

    def get(key):
        client, url, headers = requests[key]
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    info = {"cadres": Cadre.objects.count(), **database_info(), "cases": {}}
    for key in requests:
        get(key)  # the first request of a case loads templates, translations and the scope
        with CaptureQueriesContext(connection) as queries:
            response = get(key)
        html = response.content.decode()
        found = re.search(r'<p class="count">([^<]*)</p>', html)
        info["cases"][key] = {
            "queries": len(queries),
            "count": found.group(1).strip() if found else "?",
            "kb": len(response.content) / 1024,
            "sql": [q["sql"] for q in queries.captured_queries],
        }
    print(json.dumps(info, ensure_ascii=False), flush=True)
    serve(get)


# ---------------------------------------------------------------------------------------------- parent


class Worker:
    """A worker process on one dataset; ``script`` is the benchmark whose ``--worker`` mode it runs."""

    def __init__(self, size, env, script=__file__):
        self.size = size
        self.process = subprocess.Popen(
            [sys.executable, str(script), "--worker"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker for {size} cadres failed to start")
        self.info = json.loads(line)

    def run(self, case, n):
        self.process.stdin.write(json.dumps({"case": case, "n": n}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker for {self.size} cadres stopped (see its error above)")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def database_env(size, postgres):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gridwatch.settings",
        "GRIDWATCH_DEBUG": "0",
        "GRIDWATCH_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    if postgres:
        env["DATABASE_URL"] = f"{postgres.rstrip('/')}/gridwatch_bench_{size}"
    else:
        env["GRIDWATCH_SQLITE_PATH"] = str(ROOT / "var" / "bench" / f"cadres_{size}.sqlite3")
    return env


def create_postgres_database(postgres, size):
    import psycopg

    name = f"gridwatch_bench_{size}"
    with psycopg.connect(f"{postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_dataset(size, env, regenerate):
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--cadres", str(size)]
    if regenerate:
        command.append("--force")
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def p95(values):
    if len(values) < 2:  # one timed run: its own value
        return max(values)
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def machine(infos):
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django

    first = infos[0]
    database = f"SQLite {first['sqlite']}" if "sqlite" in first else f"PostgreSQL {first['postgres']}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def render(results, sizes, cases, meta, args):
    small, large = sizes[0], sizes[-1]
    lines = [
        f"Run of {meta['date']} on {meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, "
        f"Django {meta['django']}, {meta['database']}; load average at the end {meta['load']}. "
        f"{args.requests} timed requests per case and size after {args.warmup} warm-ups, in alternating "
        f"blocks of {args.block}. Times in milliseconds, wall clock of `Client.get` (whole request: "
        "middleware, session, view, template).",
        "",
        f"| case | user | shown ({small:,} / {large:,}) | KB | queries | median {small:,} | p95 {small:,} "
        f"| median {large:,} | p95 {large:,} | median ratio | p95 ratio | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label, who, _query, _htmx in cases:
        a, b = results[small][key], results[large][key]
        ratio = b["p95"] / a["p95"]
        same_queries = a["queries"] == b["queries"]
        queries = str(a["queries"]) if same_queries else f"{a['queries']} / {b['queries']}"
        met = "yes" if same_queries and ratio <= TARGET_RATIO else "**no**"
        lines.append(
            f"| ({key}) {label} | {who} | {a['count']} / {b['count']} | {a['kb']:.0f} / {b['kb']:.0f} | {queries} | {a['median']:.1f} "
            f"| {a['p95']:.1f} | {b['median']:.1f} | {b['p95']:.1f} | {b['median'] / a['median']:.2f}× | {ratio:.2f}× "
            f"| {met} |"
        )
    return "\n".join(lines)


def section_order(block):
    """SQLite before PostgreSQL, all cases before a selection of cases."""
    title = block.split("\n", 1)[0]
    return ("PostgreSQL" in title, ", cases " in title, title)


def write_doc(section_title, table):
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    inner, tail = rest.split(END, 1)
    blocks = [b for b in re.split(r"(?=^#### )", inner.strip(), flags=re.M) if b.strip()]
    blocks = [b for b in blocks if b.split("\n", 1)[0].strip() != f"#### {section_title}"]
    blocks.append(f"#### {section_title}\n\n{table}\n")
    blocks.sort(key=section_order)
    DOC.write_text(f"{head}{BEGIN}\n" + "\n".join(b.rstrip() + "\n" for b in blocks) + f"{END}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="1000,100000", help="cadre counts, comma separated")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case and size")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--block", type=int, default=20, help="requests per alternating block")
    parser.add_argument("--cases", default="", help="only these case keys, comma separated")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the datasets")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument(
        "--sql", action="store_true", help="also print the SQL of each case at the largest size"
    )
    args = parser.parse_args()
    if args.worker:
        return worker()

    sizes = sorted(int(s) for s in args.sizes.split(","))
    wanted = set(filter(None, args.cases.split(",")))
    cases = [c for c in CASES if not wanted or c[0] in wanted]
    workers = []
    for size in sizes:
        if args.postgres:
            create_postgres_database(args.postgres, size)
        env = database_env(size, args.postgres)
        elapsed = ensure_dataset(size, env, args.regenerate)
        print(f"dataset of {size:,} cadres ready ({elapsed:.0f}s)", flush=True)
        workers.append(Worker(size, env))
    try:
        for w in workers:
            if w.info["cadres"] < w.size:
                raise SystemExit(f"the database for {w.size} holds {w.info['cadres']} cadres")
        results = {w.size: {} for w in workers}
        for key, label, *_ in cases:
            for w in workers:
                w.run(key, args.warmup)
            timings = {w.size: [] for w in workers}
            blocks = max(1, args.requests // args.block)
            for block in range(blocks):
                order = workers if block % 2 == 0 else list(reversed(workers))
                for w in order:
                    timings[w.size] += w.run(key, args.block)
            for w in workers:
                values = timings[w.size]
                results[w.size][key] = {
                    **w.info["cases"][key],
                    "median": statistics.median(values),
                    "p95": p95(values),
                }
            a, b = results[sizes[0]][key], results[sizes[-1]][key]
            print(
                f"({key}) {label}: p95 {a['p95']:.1f} → {b['p95']:.1f} ms ({b['p95'] / a['p95']:.2f}×), "
                f"queries {a['queries']} / {b['queries']}",
                flush=True,
            )
            if args.sql:
                print("\n".join("    " + q for q in b["sql"]))
    finally:
        for w in workers:
            w.close()
    meta = machine([w.info for w in workers])
    table = render(results, sizes, cases, meta, args)
    print()
    print(table)
    if not args.no_write:
        title = f"{meta['database'].split()[0]}, {sizes[0]:,} and {sizes[-1]:,} cadres"
        if wanted:
            title += f", cases {', '.join(sorted(wanted))}"
        write_doc(title, table)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
