"""The case benchmarks of issue 3: the public report POST against a minimal INSERT view, and the staff case
list at 1,000 and at 100,000 reports.

    .venv/bin/python bench/bench_cases.py                      # both parts on SQLite
    .venv/bin/python bench/bench_cases.py --postgres postgresql://postgres@127.0.0.1:5432
    .venv/bin/python bench/bench_cases.py --parts post         # or list

**post.** gunicorn (2 sync workers, settings ``bench.cases_settings``) serves the application and one
bench-only view that INSERTs a row (``bench/cases_urls.py``). A load generator in this process (threads,
``http.client``, a fixed concurrency for a fixed time) sends, in rounds that alternate the order, valid
anonymous reports to the county-wide mailbox (``/report/``) and to grid mailboxes
(``/report/grid/<code>/``), each with a fresh submission token made as the form makes it
(``receipts.submission_token_new``) and the CSRF token of one GET of the form, and the same number of
seconds of POSTs to the INSERT view. Every answer is checked (a receipt code on the report's page, ``ok``
from the INSERT view). Target: each report form sustains at least half the INSERT view's requests per
second. Two more bench-only views are measured beside them as references: ``/bench/report-sql/``, the writes
of a county-wide report as raw SQL with nothing of the application's code around them (its share is the most
any implementation making those writes could reach), and ``/bench/report-sql-one-commit/``, the same writes in
one transaction. The database is rebuilt for every run (the 1,000-cadre county and 1,000 reports;
``var/bench/cases_post.sqlite3`` or ``gridwatch_bench_cases_post``).

**list.** As ``bench_cadres.py``: one worker process per size (1,000 and 100,000 reports in the one county
of the 1,000-cadre dataset, ``bench/generate.py --reports``), the real ``/cases/`` view through
``django.test.Client`` signed in with two-factor, the same case sent to both sizes in alternating blocks;
per case the queries of one request and the median and p95 of the wall time. Target: the same number of
queries at both sizes and p95(100,000) ≤ 1.3 × p95(1,000) for the first page as county staff and as
township staff.

Each part writes its table into ``docs/performance.md`` between the ``bench:cases`` markers.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_cadres import database_info, machine, p95, serve, signed_in_client  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:cases:begin -->", "<!-- bench:cases:end -->"
LIST_RATIO = 1.3
POST_SHARE = 0.5
RECEIPT = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")

# (key, label, user, query string, target): (a) and (b) are the issue's; the others show what a handler
# opens next (open and overdue reports) and the grid team's own list.
LIST_CASES = (
    ("a", "first page", "county", "", True),
    ("b", "first page", "township", "", True),
    ("c", "open reports", "county", "status=open", False),
    ("d", "overdue reports", "county", "overdue=1", False),
    ("g", "first page", "grid", "", False),
)


def log(message):
    print(message, flush=True)


# ================================================================================================ list


def list_worker():
    """Serve commands from the parent, one JSON object a line: {"case": key, "n": requests}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridwatch.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.generate import COUNTY_USER, GRID_USER, TOWNSHIP_USER
    from gridwatch.accounts.models import User
    from gridwatch.cases.models import Report

    users = {
        "county": User.objects.get(username=COUNTY_USER),
        "township": User.objects.get(username=TOWNSHIP_USER),
        "grid": User.objects.get(username=GRID_USER),
    }
    clients = {key: signed_in_client(user) for key, user in users.items()}
    base = reverse("cases:case_list")
    requests = {
        key: (clients[who], base + ("?" + query if query else "")) for key, _l, who, query, _t in LIST_CASES
    }

    def get(key):
        client, url = requests[key]
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response

    info = {"reports": Report.objects.count(), **database_info(), "cases": {}}
    for key in requests:
        get(key)  # the first request of a case loads templates, translations and the scope
        with CaptureQueriesContext(connection) as queries:
            response = get(key)
        found = re.search(r'<p class="count">([^<]*)</p>', response.content.decode())
        info["cases"][key] = {
            "queries": len(queries),
            "count": found.group(1).strip() if found else "?",
            "kb": len(response.content) / 1024,
            "sql": [q["sql"] for q in queries.captured_queries],
        }
    print(json.dumps(info, ensure_ascii=False), flush=True)
    serve(get)


class ListWorker:
    def __init__(self, size, env):
        self.size = size
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--list-worker"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker for {size} reports failed to start")
        self.info = json.loads(line)

    def run(self, case, n):
        self.process.stdin.write(json.dumps({"case": case, "n": n}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker for {self.size} reports stopped (see its error above)")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def database_env(name, postgres, settings="gridwatch.settings"):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "GRIDWATCH_DEBUG": "0",
        "GRIDWATCH_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    if postgres:
        env["DATABASE_URL"] = f"{postgres.rstrip('/')}/gridwatch_bench_{name}"
    else:
        env["GRIDWATCH_SQLITE_PATH"] = str(ROOT / "var" / "bench" / f"{name}.sqlite3")
    return env


def postgres_database(postgres, name, *, fresh=False):
    import psycopg

    name = f"gridwatch_bench_{name}"
    with psycopg.connect(f"{postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate_dataset(env, reports, *, force=False):
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--cadres", "1000"]
    command += ["--reports", str(reports), "--quiet"]
    if force:
        command.append("--force")
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def run_list(args):
    sizes = sorted(int(s) for s in args.sizes.split(","))
    wanted = set(filter(None, args.cases.split(",")))
    cases = [c for c in LIST_CASES if not wanted or c[0] in wanted]
    workers = []
    try:
        for size in sizes:
            name = f"cases_{size}"
            if args.postgres:
                postgres_database(args.postgres, name, fresh=args.regenerate)
            env = database_env(name, args.postgres)
            elapsed = generate_dataset(env, size, force=args.regenerate and not args.postgres)
            log(f"dataset of {size:,} reports ready ({elapsed:.0f}s)")
            workers.append(ListWorker(size, env))
        for w in workers:
            if w.info["reports"] < w.size:
                raise SystemExit(f"the database for {w.size} holds {w.info['reports']} reports")
        results = {w.size: {} for w in workers}
        for key, label, who, *_ in cases:
            for w in workers:
                w.run(key, args.warmup)
            timings = {w.size: [] for w in workers}
            for block in range(max(1, args.requests // args.block)):
                for w in workers if block % 2 == 0 else list(reversed(workers)):
                    timings[w.size] += w.run(key, args.block)
            for w in workers:
                values = timings[w.size]
                results[w.size][key] = {
                    **w.info["cases"][key],
                    "median": statistics.median(values),
                    "p95": p95(values),
                }
            a, b = results[sizes[0]][key], results[sizes[-1]][key]
            log(
                f"({key}) {label}, {who}: p95 {a['p95']:.1f} → {b['p95']:.1f} ms "
                f"({b['p95'] / a['p95']:.2f}×), queries {a['queries']} / {b['queries']}"
            )
            if args.sql:
                log("\n".join("    " + q for q in b["sql"]))
    finally:
        for w in workers:
            w.close()
    meta = machine([w.info for w in workers])
    small, large = sizes[0], sizes[-1]
    lines = [
        f"Run of {meta['date']} on {meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, "
        f"Django {meta['django']}, {meta['database']}; load average at the end {meta['load']}. "
        f"{args.requests} timed requests per case and size after {args.warmup} warm-ups, in alternating "
        f"blocks of {args.block}. Times in milliseconds, wall clock of `Client.get`.",
        "",
        f"| case | user | shown ({small:,} / {large:,}) | KB | queries | median {small:,} | p95 {small:,} "
        f"| median {large:,} | p95 {large:,} | median ratio | p95 ratio | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label, who, _query, target in cases:
        a, b = results[small][key], results[large][key]
        ratio = b["p95"] / a["p95"]
        same = a["queries"] == b["queries"]
        queries = str(a["queries"]) if same else f"{a['queries']} / {b['queries']}"
        met = ("yes" if same and ratio <= LIST_RATIO else "**no**") if target else "(not a target)"
        lines.append(
            f"| ({key}) {label} | {who} | {a['count']} / {b['count']} | {a['kb']:.0f} / {b['kb']:.0f} "
            f"| {queries} | {a['median']:.1f} | {a['p95']:.1f} | {b['median']:.1f} | {b['p95']:.1f} "
            f"| {b['median'] / a['median']:.2f}× | {ratio:.2f}× | {met} |"
        )
    table = "\n".join(lines)
    log("\n" + table)
    title = f"Case list, {meta['database'].split()[0]}, {small:,} and {large:,} reports"
    if wanted:
        title += f", cases {', '.join(sorted(wanted))}"
    return title, table


# ================================================================================================ post

SUBJECTS = ("王某", "李局长", "张主任", "刘站长", "陈所长", "杨某某", "赵书记", "黄某")
UNITS = ("县水务局", "某镇政府", "县医院", "某村委会", "县供电局")
CIRCLES = ("social", "life", "family", "public_welfare", "other")
WHAT = (
    "周末多次在城郊农家乐接受企业老板宴请，饭后由老板安排车辆送回家。村里很多人都知道，可以找村民核实。",
    "儿子结婚大操大办，摆酒六十多桌，收受管理服务对象礼金，希望组织上调查处理。",
    "节假日开单位车辆接送家属去外地旅游，车辆停在小区门口，邻居都看见过。",
    "工作日晚上经常出入棋牌室打牌，涉及金额较大，此事已持续半年以上。",
)


class LoadClient:
    """One simulated browser: the CSRF cookie and token of one GET of the form, then POSTs."""

    def __init__(self, port):
        self.port = port
        status, headers, body = self.request("GET", "/report/")
        if status != 200:
            raise SystemExit(f"GET /report/: HTTP {status}")
        cookie = next(v for k, v in headers if k.lower() == "set-cookie" and v.startswith("csrftoken="))
        self.cookie = cookie.split(";", 1)[0]
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            conn.close()

    def post(self, path, fields, address):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **fields})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "X-Forwarded-For": address,
        }
        return self.request("POST", path, body=body, headers=headers)


class Target:
    """One endpoint of the load: what to POST and how to tell that it worked."""

    def __init__(self, key, label, make, check):
        self.key, self.label, self.make, self.check = key, label, make, check


def post_targets(grids):
    """``grids``: [(grid code, [cadre ids supervised there]), ...] for the grid mailboxes."""
    from gridwatch.cases.receipts import submission_token_new

    def report_fields(rng, cadre=None):
        fields = {
            "circle": rng.choice(CIRCLES),
            "what": rng.choice(WHAT),
            "when": "上周六晚",
            "where": "城郊农家乐",
            "named": "0",
            "website": "",
            "submission": submission_token_new(),
        }
        if cadre:
            fields["subject_cadre"] = cadre
        else:
            fields.update(subject_name=rng.choice(SUBJECTS), subject_unit_text=rng.choice(UNITS))
        return fields

    def county(rng):
        return "/report/", report_fields(rng)

    def grid(rng):
        code, cadres = rng.choice(grids)
        # Half the grid reports pick a cadre from the grid's list, half type a name.
        return f"/report/grid/{code}/", report_fields(rng, rng.choice(cadres) if rng.random() < 0.5 else None)

    def insert(rng):
        return "/bench/insert/", {"body": rng.choice(WHAT)}

    def floor(rng):
        return "/bench/report-sql/", {"body": rng.choice(WHAT)}

    def floor_one_commit(rng):
        return "/bench/report-sql-one-commit/", {"body": rng.choice(WHAT)}

    def is_report(status, body):
        return status == 200 and RECEIPT.search(body) is not None

    def is_ok(status, body):
        return status == 200 and body == "ok"

    return [
        Target("insert", "minimal view, INSERT of one row", insert, is_ok),
        Target("county", "report, county-wide mailbox `/report/`", county, is_report),
        Target("grid", "report, grid mailbox `/report/grid/<code>/`", grid, is_report),
        Target(
            "floor", "reference: a report's writes alone, raw SQL (`/bench/report-sql/`)", floor, is_report
        ),
        Target(
            "floor1",
            "reference: the same writes in one transaction (`/bench/report-sql-one-commit/`)",
            floor_one_commit,
            is_report,
        ),
    ]


def load(port, target, clients, seconds, addresses):
    """``len(clients)`` threads POST to ``target`` for ``seconds``; returns (latencies in ms, elapsed
    seconds, errors)."""
    latencies, errors = [], []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def run(client, seed):
        rng = random.Random(seed)
        mine, wrong = [], []
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            path, fields = target.make(rng)
            started = time.perf_counter()
            status, _headers, body = client.post(path, fields, next(addresses))
            mine.append((time.perf_counter() - started) * 1000)
            if not target.check(status, body):
                said = re.findall(r'class="(?:errorlist[^"]*|msg error)"[^>]*>(.*?)</', body, re.S)
                wrong.append(f"{path}: HTTP {status} {said or body[:300]!r}")
                (ROOT / "var" / "bench" / "failed_answer.html").write_text(body)
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)

    threads = [
        threading.Thread(target=run, args=(client, random.random()), daemon=True) for client in clients
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    # The last requests finish after the deadline: count the time until the last one ended.
    return latencies, time.perf_counter() - started, errors


def process_cpu(*, parent=None, title=None):
    """CPU seconds (user + system) by pid of the processes whose parent is ``parent`` (the gunicorn workers)
    or whose title holds ``title`` (the PostgreSQL backends serving one database)."""
    ticks = os.sysconf("SC_CLK_TCK")
    spent = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if title is not None and title not in (proc / "cmdline").read_text():
                continue
        except OSError:
            continue
        if parent is None or int(fields[1]) == parent:  # fields[1] is the parent's pid
            spent[int(proc.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return spent


def cpu_between(before, after):
    """CPU seconds spent between two readings: per process, so that a process that ended in between (a
    database connection closed after its maximum age) takes its earlier time with it instead of making the
    sum go down; what it spent in between is lost, a small undercount."""
    if isinstance(after, dict):
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return after - before


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_post_database(args, env):
    """A fresh database: the 1,000-cadre county with 1,000 reports, the cache table and the bench table."""
    if args.postgres:
        postgres_database(args.postgres, "cases_post", fresh=True)
    elapsed = generate_dataset(env, 1000, force=not args.postgres)
    log(f"post database ready ({elapsed:.0f}s)")
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.db import connection\n"
        "call_command('createcachetable', verbosity=0)\n"
        "key = 'BIGSERIAL' if connection.vendor == 'postgresql' else 'INTEGER PRIMARY KEY AUTOINCREMENT'\n"
        "with connection.cursor() as c:\n"
        "    c.execute(f'CREATE TABLE IF NOT EXISTS bench_insert (id {key}, body TEXT, created TIMESTAMP)')\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)


def run_post(args):
    env = database_env("cases_post", args.postgres, settings="bench.cases_settings")
    prepare_post_database(args, env)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.db import connection

    from gridwatch.cases.models import Report
    from gridwatch.geography.models import Area, Level
    from gridwatch.people.models import Cadre

    grids = {}
    for cadre_id, code in Cadre.objects.filter(status="serving").values_list("id", "supervising_grid__code"):
        grids.setdefault(code, []).append(str(cadre_id))
    grids = sorted(grids.items())
    assert Area.objects.filter(level=Level.GRID).exists() and grids
    reports_before = Report.objects.count()
    vendor = connection.vendor
    info = (
        {"sqlite": connection.cursor().execute("select sqlite_version()").fetchone()[0]}
        if vendor == "sqlite"
        else {"postgres": f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"}
    )
    connection.close()

    port = free_port()
    server_log = ROOT / "var" / "bench" / f"gunicorn_{vendor}.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "gridwatch.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
        stdout=server_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    # The PostgreSQL backends of the benchmark database (their process title names it); none on SQLite,
    # whose work is done inside the gunicorn workers.
    backends = " gridwatch_bench_cases_post " if vendor == "postgresql" else None

    def cpu_now():
        database = process_cpu(title=backends) if backends else 0.0
        return process_cpu(parent=server.pid), database, time.process_time()

    counter = iter(range(1, 1 << 40))
    lock = threading.Lock()

    def addresses():
        while True:
            with lock:
                n = next(counter)
            yield f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    shared = addresses()
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not start (see {server_log})")
        clients = [LoadClient(port) for _ in range(args.concurrency)]
        targets = post_targets(grids)
        wanted = set(filter(None, args.targets.split(",")))
        targets = [t for t in targets if not wanted or t.key in wanted or t.key == "insert"]
        for target in targets:
            _l, _s, errors = load(port, target, clients, args.warmup_seconds, shared)
            if errors:
                raise SystemExit(f"{target.key} failed during the warm-up: {errors[0]}")
        rounds = {t.key: [] for t in targets}
        for r in range(args.rounds):
            order = targets[r % len(targets) :] + targets[: r % len(targets)]
            for target in order:
                before = cpu_now()
                latencies, elapsed, errors = load(port, target, clients, args.seconds, shared)
                cpu = [
                    cpu_between(a, b) * 1000 / max(1, len(latencies))
                    for a, b in zip(before, cpu_now(), strict=True)
                ]
                if errors:
                    raise SystemExit(f"{target.key}: {len(errors)} failed requests, e.g. {errors[0]}")
                n = len(latencies)
                rounds[target.key].append(
                    {"latencies": latencies, "rps": n / elapsed, "cpu": cpu, "cpu_total": sum(cpu)}
                )
                log(
                    f"round {r + 1}: {target.key:7} {n / elapsed:7.1f} requests/s, p95 {p95(latencies):6.1f} "
                    f"ms, CPU ms per request: gunicorn {cpu[0]:.1f}, database {cpu[1]:.1f}, "
                    f"load generator {cpu[2]:.1f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    breakdown = run_breakdown(args, env) if args.breakdown else ""
    connection.connect()
    filed = Report.objects.count() - reports_before
    from gridwatch.audit.services import verify_chain

    chain = verify_chain()  # the reference view writes its links by hand: the chain must still hold
    connection.close()
    if not chain.ok:
        raise SystemExit(f"the audit chain is broken after the run: {chain.problem} (seq {chain.seq})")
    expected = sum(len(x["latencies"]) for k, v in rounds.items() if k != "insert" for x in v)
    if filed < expected:
        raise SystemExit(f"{expected} reports answered with a receipt code but only {filed} were filed")

    meta = machine([info])
    base = rounds["insert"]
    lines = [
        f"Run of {meta['date']} on {meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, "
        f"Django {meta['django']}, {meta['database']}; load average at the end {meta['load']}. gunicorn "
        f"{args.workers} sync workers, {args.concurrency} concurrent clients, {args.rounds} rounds of "
        f"{args.seconds:g} s per endpoint (order rotated every round) after {args.warmup_seconds:g} s of "
        f"warm-up each. Every answer was checked; "
        f"{filed:,} reports were filed. *Share*: requests/s of the endpoint over those of the INSERT view "
        "in the same round, median of the rounds; *by CPU*: the INSERT view's CPU per request over the "
        "endpoint's (gunicorn workers + database backends + load generator), the share a machine doing "
        "nothing else would give.",
        "",
        "| endpoint | requests/s (median) | each round | p50 ms | p95 ms | CPU ms per request: gunicorn "
        "/ database / load generator | share of the INSERT view | share by CPU | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    base_cpu = statistics.median(x["cpu_total"] for x in base)
    for target in targets:
        values = rounds[target.key]
        rps = statistics.median(x["rps"] for x in values)
        latencies = [ms for x in values for ms in x["latencies"]]
        share = statistics.median(x["rps"] / b["rps"] for x, b in zip(values, base, strict=True))
        by_cpu = base_cpu / statistics.median(x["cpu_total"] for x in values)
        if target.key in ("insert", "floor", "floor1"):
            met = "(baseline)" if target.key == "insert" else "(reference)"
        else:
            met = "yes" if share >= POST_SHARE else "**no**"
        each = " / ".join(f"{x['rps']:.0f}" for x in values)
        cpu = " / ".join(f"{statistics.median(x['cpu'][i] for x in values):.1f}" for i in range(3))
        lines.append(
            f"| {target.label} | {rps:.1f} | {each} | {statistics.median(latencies):.1f} "
            f"| {p95(latencies):.1f} | {cpu} | {share:.2f} | {by_cpu:.2f} | {met} |"
        )
    table = "\n".join(lines) + "\n" + breakdown
    log("\n" + table)
    return f"Report POST, {meta['database'].split()[0]}", table


# ============================================================================================ breakdown

BREAKDOWN = (
    # (key, label, module, attribute, parent key): where one report's CPU time goes.
    (
        "claim",
        "submission token claimed (`receipts.submission_claim`, cache)",
        "receipts",
        "submission_claim",
        "",
    ),
    (
        "limit",
        "per-source count (`receipts.submission_allowed`, cache)",
        "receipts",
        "submission_allowed",
        "",
    ),
    ("submit", "`services.report_submit` (one transaction)", "services", "report_submit", ""),
    ("route", "of which the routing (`routing.route`: conflicts of interest)", "services", "route", "submit"),
    ("audit", "of which the audit count (the day's anonymous tally)", "services", "audit_count", "submit"),
    ("render", "the answer page (`render`)", "views", "render", ""),
)


def breakdown_worker(n):
    """In-process (``django.test.Client``, CSRF enforced, form-encoded like a browser): the CPU time of the
    INSERT view and of a report, and of the parts of a report. Prints one JSON object."""
    import django

    django.setup()
    from django.test import Client
    from django.urls import get_resolver

    from gridwatch.cases import receipts, services, views

    get_resolver().url_patterns  # noqa: B018 - loads the bench URLconf before the timing
    from gridwatch.people.models import Cadre

    modules = {"receipts": receipts, "services": services, "views": views}
    spent = {key: 0.0 for key, *_ in BREAKDOWN}
    for key, _label, module, attribute, _parent in BREAKDOWN:
        original = getattr(modules[module], attribute)

        def timed(*a, _original=original, _key=key, **kw):
            started = time.process_time()
            try:
                return _original(*a, **kw)
            finally:
                spent[_key] += time.process_time() - started

        setattr(modules[module], attribute, timed)

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    page = client.get("/report/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cadre = Cadre.objects.filter(status="serving").select_related("supervising_grid").first()
    rng = random.Random(1)
    counter = iter(range(1, 1 << 30))

    def post(path, fields):
        n = next(counter)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, **fields})
        response = client.post(
            path,
            body,
            content_type="application/x-www-form-urlencoded",
            HTTP_X_FORWARDED_FOR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
        )
        assert response.status_code == 200, response.status_code

    def fields(cadre_id=None):
        data = {
            "circle": "social",
            "what": rng.choice(WHAT),
            "when": "上周六晚",
            "where": "城郊农家乐",
            "named": "0",
            "website": "",
            "submission": receipts.submission_token_new(),
        }
        if cadre_id:
            data["subject_cadre"] = cadre_id
        else:
            data.update(subject_name="王某", subject_unit_text="县水务局")
        return data

    requests = {
        "insert": lambda: post("/bench/insert/", {"body": rng.choice(WHAT)}),
        "county": lambda: post("/report/", fields()),
        "grid": lambda: post(f"/report/grid/{cadre.supervising_grid.code}/", fields(str(cadre.pk))),
    }
    result = {}
    for key, request in requests.items():
        for _ in range(max(3, n // 10)):
            request()
        for part in spent:
            spent[part] = 0.0
        started = time.process_time()
        for _ in range(n):
            request()
        result[key] = {"total": (time.process_time() - started) * 1000 / n}
        result[key].update({part: value * 1000 / n for part, value in spent.items()})
    print(json.dumps(result), flush=True)


def run_breakdown(args, env):
    output = subprocess.run(
        [sys.executable, __file__, "--breakdown-worker", "--breakdown", str(args.breakdown)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    lines = [
        "",
        f"Where the CPU time goes, in one process (`django.test.Client`, CSRF enforced, {args.breakdown} "
        "requests each after a warm-up; milliseconds of CPU per request):",
        "",
        "| part | INSERT view | report, county-wide | report, grid |",
        "|---|---|---|---|",
        f"| whole request | {result['insert']['total']:.1f} | {result['county']['total']:.1f} "
        f"| {result['grid']['total']:.1f} |",
    ]
    for key, label, *_ in BREAKDOWN:
        lines.append(f"| {label} | – | {result['county'][key]:.1f} | {result['grid'][key]:.1f} |")
    top = [key for key, *_rest, parent in BREAKDOWN if not parent]
    rest = {k: result[k]["total"] - sum(result[k][p] for p in top) for k in ("county", "grid")}
    lines.append(
        "| the rest (middleware, form validation, the mailbox's own queries) | – "
        f"| {rest['county']:.1f} | {rest['grid']:.1f} |"
    )
    log("\n".join(lines))
    return "\n".join(lines)


# ================================================================================================ main


def write_doc(title, table):
    text = DOC.read_text()
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    inner, tail = rest.split(END, 1)
    blocks = [b for b in re.split(r"(?=^#### )", inner.strip(), flags=re.M) if b.strip()]
    blocks = [b for b in blocks if b.split("\n", 1)[0].strip() != f"#### {title}"]
    blocks.append(f"#### {title}\n\n{table}\n")

    def order(block):
        first = block.split("\n", 1)[0]
        return ("Case list" in first, "PostgreSQL" in first, first)

    blocks.sort(key=order)
    DOC.write_text(f"{head}{BEGIN}\n" + "\n".join(b.rstrip() + "\n" for b in blocks) + f"{END}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--breakdown-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parts", default="post,list", help="post, list or both (default)")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    post = parser.add_argument_group("post")
    post.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    post.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    post.add_argument("--seconds", type=float, default=10, help="seconds per endpoint and round")
    post.add_argument("--rounds", type=int, default=3)
    post.add_argument("--warmup-seconds", type=float, default=3)
    post.add_argument(
        "--targets", default="", help="county, grid, floor, floor1 (the INSERT view always runs)"
    )
    post.add_argument(
        "--breakdown", type=int, default=200, help="requests of the in-process CPU breakdown (0: none)"
    )
    lst = parser.add_argument_group("list")
    lst.add_argument("--sizes", default="1000,100000", help="report counts, comma separated")
    lst.add_argument("--requests", type=int, default=200, help="timed requests per case and size")
    lst.add_argument("--warmup", type=int, default=20)
    lst.add_argument("--block", type=int, default=20, help="requests per alternating block")
    lst.add_argument("--cases", default="", help="only these case keys, comma separated")
    lst.add_argument("--regenerate", action="store_true", help="rebuild the list datasets")
    lst.add_argument("--sql", action="store_true", help="print each case's SQL at the largest size")
    args = parser.parse_args()
    if args.list_worker:
        return list_worker()
    if args.breakdown_worker:
        return breakdown_worker(args.breakdown)
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    parts = set(filter(None, args.parts.split(",")))
    sections = []
    if "list" in parts:
        sections.append(run_list(args))
    if "post" in parts:
        sections.append(run_post(args))
    if not args.no_write:
        for title, table in sections:
            write_doc(title, table)
        log(f"\nwritten to {DOC.relative_to(ROOT)} ({datetime.date.today()})")


if __name__ == "__main__":
    main()
