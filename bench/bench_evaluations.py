"""The democratic evaluation benchmark (issue 5): 100,000 synthetic ballots, their tally checked against an
independent computation, and the tally timed against one hand-written SQL GROUP BY over the same rows.

    .venv/bin/python bench/bench_evaluations.py                       # SQLite (a fresh file in --sqlite-dir)
    .venv/bin/python bench/bench_evaluations.py --postgres postgresql://postgres@127.0.0.1:5432

The database is made afresh each run (SQLite ``<sqlite-dir>/evaluations.sqlite3``, PostgreSQL
``gridwatch_bench_evaluations``) and migrated. One community, 20 cadres, the three evaluator groups; the
campaign is opened through the service (its counters created). 100,000 ballots are drawn with a fixed seed:
the first ``--cast`` of them go through ``services.ballot_cast`` with real codes (the path a voter takes);
the rest are added to the counters in bulk, exactly as the same calls would add them (one UPDATE per
counter), which keeps the run to a minute. A ballot is never stored, by design (anonymity): the counters
are "the rows" both sides read.

Checked: ``selectors.campaign_tally`` against an independent computation from the list of 100,000 ballots
(per ballot, in Python: valid answers, (满意+基本满意)/valid per group, weighted over groups with at least 5
valid, mean over dimensions), to 1e-9, and the counts against the SQL's.

Timed, in alternating order each round: ``campaign_tally`` (one statement, then the rates, composites,
ranks and flags in Python) and the baseline, ONE hand-written statement run with ``cursor.execute`` that
returns the figures the tally shows: per group, cadre and dimension, the group, the cadre and a count per
option (``SUM(CASE …) … GROUP BY`` over the counters joined to groups, cadres and units). For reference also
the tally's own statement run by hand (how much of the tally is SQL) and the bare minimum (valid and
satisfied-or-basically counts, no joins). Reported: median and 95th percentile and the ratios of the
medians; the target is tally / baseline at most 1.5.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_cadres import p95  # noqa: E402

TARGET_RATIO = 1.5
BALLOTS = 100_000
CADRES = 20
GROUPS = [("representatives", 2.0, 15_000), ("residents", 1.0, 60_000), ("service_recipients", 1.5, 25_000)]
DB_NAME = "gridwatch_bench_evaluations"


def configure(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridwatch.settings"
    os.environ["GRIDWATCH_DEBUG"] = "0"
    os.environ["GRIDWATCH_LOG_LEVEL"] = "WARNING"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("GRIDWATCH_SQLITE_PATH", None)
    if args.postgres:
        import psycopg

        with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        os.environ["DATABASE_URL"] = f"{args.postgres.rstrip('/')}/{DB_NAME}"
    else:
        path = Path(args.sqlite_dir).resolve() / "evaluations.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["GRIDWATCH_SQLITE_PATH"] = str(path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build():
    """The community, its cadres, the users and an open campaign."""
    from gridwatch.accounts.models import RoleAssignment, User
    from gridwatch.accounts.roles import Role
    from gridwatch.evaluations import services
    from gridwatch.geography import services as geo
    from gridwatch.geography.models import Kind, Level
    from gridwatch.people import services as people
    from gridwatch.people.models import Gender, Rank, UnitKind

    county = geo.area_create(
        actor=None, code="522729000000", name="长顺县", level=Level.COUNTY, kind=Kind.COUNTY
    )
    town = geo.area_create(
        actor=None,
        code="522729001000",
        name="长寨街道",
        level=Level.TOWNSHIP,
        kind=Kind.STREET,
        parent=county,
    )
    community = geo.area_create(
        actor=None,
        code="522729001002",
        name="和平社区",
        level=Level.COMMUNITY,
        kind=Kind.COMMUNITY,
        parent=town,
    )
    grid = geo.area_create(
        actor=None,
        code="522729001002001",
        name="和平社区第1网格",
        level=Level.GRID,
        kind=Kind.GRID,
        parent=community,
    )
    unit = people.unit_create(actor=None, name="县财政局", kind=UnitKind.GOVERNMENT, area=county)
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋"
    cadres = [
        people.cadre_create(
            actor=None,
            name=surnames[i % 10] + given[(i * 3) % 10] + ("" if i < 10 else given[i % 10]),
            unit=unit,
            residence_grid=grid,
            gender=Gender.MALE,
            birth_year=1975,
            position="副局长",
            rank=Rank.SECTION_DEPUTY,
        )
        for i in range(CADRES)
    ]
    party = User.objects.create_user(username="bench_party", password="x")
    RoleAssignment.objects.create(user=party, role=Role.COMMUNITY_ORG, area=community)
    evaluation = services.evaluation_create(
        actor=party,
        community=community,
        year=__import__("datetime").date.today().year,
        title="和平社区年度领导干部民主测评",
        scale="satisfaction",
        cadres=cadres,
        groups=[(kind, str(weight), expected) for kind, weight, expected in GROUPS],
    )
    services.evaluation_open(actor=party, evaluation=evaluation)
    return party, evaluation, cadres


def draw_ballots(cadres):
    """100,000 ballots with a fixed seed: each cadre has its own mix of answers."""
    from gridwatch.evaluations.models import Dimension

    rng = random.Random(20261202)
    options = ["satisfied", "basically_satisfied", "dissatisfied", "unknown"]
    mixes = [[60 - 2 * i, 25, 5 + 2 * i, 10] for i in range(len(cadres))]
    ballots = []
    for kind, _weight, count in GROUPS:
        for _ in range(count):
            ballots.append(
                (
                    kind,
                    {
                        str(c.pk): {d: rng.choices(options, weights=mixes[j])[0] for d in Dimension.values}
                        for j, c in enumerate(cadres)
                    },
                )
            )
    rng.shuffle(ballots)
    return ballots


def cast(party, evaluation, ballots, through_service):
    from django.db import transaction
    from django.db.models import F

    from gridwatch.evaluations import services
    from gridwatch.evaluations.models import BallotCount, EvaluatorGroup

    groups = {g.kind: g for g in EvaluatorGroup.objects.filter(evaluation=evaluation)}
    first, rest = ballots[:through_service], ballots[through_service:]
    for kind, choices in first:
        code = services.codes_generate(actor=party, evaluation=evaluation, group=groups[kind], count=1)[0]
        services.ballot_cast(code=code, choices=choices)
    added = defaultdict(int)
    per_group = defaultdict(int)
    for kind, choices in rest:
        per_group[kind] += 1
        for cadre_id, marks in choices.items():
            for dimension, option in marks.items():
                added[(groups[kind].pk, cadre_id, dimension, option)] += 1
    rows = {
        (r.group_id, str(r.cadre_id), r.dimension, r.option): r.pk
        for r in BallotCount.objects.filter(evaluation=evaluation)
    }
    with transaction.atomic():
        for key, n in added.items():
            BallotCount.objects.filter(pk=rows[key]).update(count=F("count") + n)
        for kind, n in per_group.items():
            EvaluatorGroup.objects.filter(pk=groups[kind].pk).update(cast=F("cast") + n)


def independent(ballots, cadres):
    """From the ballots themselves, not the counters."""
    from gridwatch.evaluations.models import Dimension

    weights = {kind: weight for kind, weight, _n in GROUPS}
    tallies = defaultdict(lambda: [0, 0])  # (group, cadre, dimension) -> [valid, satisfied or basically]
    for kind, choices in ballots:
        for cadre_id, marks in choices.items():
            for dimension, option in marks.items():
                if option != "unknown":
                    t = tallies[(kind, cadre_id, dimension)]
                    t[0] += 1
                    t[1] += option in ("satisfied", "basically_satisfied")
    out = {}
    for c in cadres:
        per_dim = []
        for dimension in Dimension.values:
            shown = [(weights[k], tallies[(k, str(c.pk), dimension)]) for k in weights]
            shown = [(w, t) for w, t in shown if t[0] >= 5]
            if shown:
                per_dim.append(sum(w * t[1] / t[0] for w, t in shown) / sum(w for w, _t in shown))
        out[c.pk] = sum(per_dim) / len(per_dim)
    return out


OPTIONS = ("satisfied", "basically_satisfied", "dissatisfied", "unknown", "invalid")
# The figure the tally shows, for every group, cadre and dimension: the group (kind, weight, turnout), the
# cadre (name, position, unit) and a count per option.
BASELINE = (
    'SELECT g.id, g.kind, g.weight, g.expected, g."cast", c.id, c.name, c.name_pinyin, c.position, u.name, '
    "bc.dimension, "
    + ", ".join(f"SUM(CASE WHEN bc.option = '{o}' THEN bc.count ELSE 0 END)" for o in OPTIONS)
    + " FROM evaluations_ballotcount bc"
    " JOIN evaluations_evaluatorgroup g ON g.id = bc.group_id"
    " JOIN people_cadre c ON c.id = bc.cadre_id"
    " JOIN people_unit u ON u.id = c.unit_id"
    " WHERE bc.evaluation_id = %s"
    ' GROUP BY g.id, g.kind, g.weight, g.expected, g."cast", c.id, c.name, c.name_pinyin, c.position, u.name,'
    " bc.dimension"
)
# The bare minimum over the same rows: valid and satisfied-or-basically counts per group, cadre, dimension.
BARE = """
SELECT group_id, cadre_id, dimension,
       SUM(CASE WHEN option IN ('unknown', 'invalid') THEN 0 ELSE count END) AS valid,
       SUM(CASE WHEN option IN ('satisfied', 'basically_satisfied') THEN count ELSE 0 END) AS good
FROM evaluations_ballotcount
WHERE evaluation_id = %s
GROUP BY group_id, cadre_id, dimension
"""


def run_baseline(evaluation, sql=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            sql or BASELINE, [evaluation.pk.hex if connection.vendor == "sqlite" else evaluation.pk]
        )
        return cursor.fetchall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", help="a postgresql:// URL of a server (database gridwatch_bench_evaluations)"
    )
    parser.add_argument("--sqlite-dir", default="/tmp/gridwatch-bench")
    parser.add_argument("--cast", type=int, default=1000, help="ballots cast through the service")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", help="append the result table (Markdown) to this file")
    args = parser.parse_args()
    configure(args)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridwatch.evaluations import selectors

    started = time.perf_counter()
    party, evaluation, cadres = build()
    ballots = draw_ballots(cadres)
    cast(party, evaluation, ballots, args.cast)
    loaded = time.perf_counter() - started

    result = selectors.campaign_tally(evaluation)
    expected = independent(ballots, cadres)
    worst = max(abs(r.composite - expected[r.cadre.pk]) for r in result.cadres)
    assert worst < 1e-9, f"tally differs from the independent computation by {worst}"
    assert sum(g.cast for g in result.groups) == BALLOTS
    sql = {(g, str(c), d): (v, good) for g, c, d, v, good in run_baseline(evaluation, BARE)}
    assert len(run_baseline(evaluation)) == len(sql)
    for r in result.cadres:
        for dim in r.dimensions:
            for cell in dim.cells:
                v, good = sql[
                    (
                        cell.group.pk,
                        str(r.cadre.pk).replace("-", "")
                        if connection.vendor == "sqlite"
                        else str(r.cadre.pk),
                        dim.dimension,
                    )
                ]
                assert v == cell.valid and good == cell.counts.get("satisfied", 0) + cell.counts.get(
                    "basically_satisfied", 0
                )
    with CaptureQueriesContext(connection) as queries:
        selectors.campaign_tally(evaluation)

    from gridwatch.evaluations.selectors import _rows_sql

    own = _rows_sql(evaluation.scale, connection.vendor)
    timings = {"tally": [], "sql": [], "own": [], "bare": []}
    for i in range(args.warmup + args.runs):
        order = [
            ("tally", lambda: selectors.campaign_tally(evaluation)),
            ("sql", lambda: run_baseline(evaluation)),
            ("own", lambda: run_baseline(evaluation, own)),
            ("bare", lambda: run_baseline(evaluation, BARE)),
        ]
        if i % 2:
            order.reverse()
        for name, fn in order:
            t = time.perf_counter()
            fn()
            if i >= args.warmup:
                timings[name].append((time.perf_counter() - t) * 1000)
    med = {k: statistics.median(v) for k, v in timings.items()}
    ratio = med["tally"] / med["sql"]
    engine = (
        f"PostgreSQL {connection.cursor().connection.info.server_version}"
        if connection.vendor == "postgresql"
        else f"SQLite {__import__('sqlite3').sqlite_version}"
    )
    lines = [
        f"### Democratic evaluation tally ({engine}, {platform.python_version()}, {os.cpu_count()} CPUs)",
        "",
        f"{BALLOTS:,} ballots ({args.cast:,} cast through `ballot_cast`, the rest added to the counters in bulk), "
        f"{CADRES} cadres × 4 dimensions × 3 groups; the tally equals the independent computation (max difference "
        f"{worst:.1e}); loaded in {loaded:.0f} s. `campaign_tally`: {len(queries)} queries.",
        "",
        "| | median ms | p95 ms |",
        "|---|---:|---:|",
        f"| `campaign_tally` | {med['tally']:.2f} | {p95(timings['tally']):.2f} |",
        f"| hand-written SQL GROUP BY, the tally's figures (baseline) | {med['sql']:.2f} | {p95(timings['sql']):.2f} |",
        f"| the tally's own statement run by hand (its SQL share) | {med['own']:.2f} | {p95(timings['own']):.2f} |",
        f"| hand-written SQL GROUP BY, valid and good counts only | {med['bare']:.2f} | {p95(timings['bare']):.2f} |",
        f"| ratio tally / baseline (target ≤ {TARGET_RATIO}) | {ratio:.2f} | |",
        f"| ratio tally / its own statement | {med['tally'] / med['own']:.2f} | |",
        f"| ratio tally / bare counts | {med['tally'] / med['bare']:.2f} | |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write(text + "\n")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
