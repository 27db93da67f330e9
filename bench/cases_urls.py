"""The application's URLs plus the benchmark's minimal view (``bench/cases_settings.py`` only).

``/bench/insert/`` is the baseline of the report POST benchmark: a Django view behind the same middleware
(sessions, CSRF, authentication, two-factor, axes, security headers) that INSERTs one row into a table of
its own and answers ``ok``. The table, ``bench_insert``, is created by ``bench/bench_cases.py``; it is no
model and no migration of the application.

``/bench/report-sql/`` is a reference, not a baseline: behind the same middleware, it sends the statements
of a county-wide report as the application writes them (the submission token and the per-source counter in
the cache table, then in one transaction the report row and the day's anonymous count moved on:
``audit.models.AnonymousTally``), with fresh keys and a fresh report id and receipt hash, and answers a
receipt page rendered once. No form, no encryption, no routing, no template and
no ORM per request: what is left is the floor that a report making these writes cannot go below, whatever
the code around them. ``/bench/report-sql-one-commit/`` sends the same writes in one transaction.
"""

import re
import secrets
import uuid

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from gridwatch.audit.services import audit_count
from gridwatch.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

BENCH_TABLE = "bench_insert"


@login_not_required
@require_POST
def insert_one_row(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BENCH_TABLE} (body, created) VALUES (%s, %s)",
            [request.POST.get("body", ""), timezone.now()],
        )
    return HttpResponse("ok", content_type="text/plain")


_FLOOR = {}


def _floor_capture(request):
    """Once per process: the statements of one real county-wide report (``services.report_submit``), taken
    as they reach the database and rolled back, and the answer page rendered once."""
    from django.core.cache import cache

    from gridwatch.cases import services
    from gridwatch.cases.models import Channel, Circle
    from gridwatch.geography.selectors import request_counties

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    county = request_counties(request)[0]
    with transaction.atomic():
        audit_count(action="report.submit")  # the day's row exists: the report's own count is its one UPDATE
        with connection.execute_wrapper(capture):
            cache.add(
                f"bench:{secrets.token_hex(8)}", 1, 24 * 3600
            )  # the token's and the counter's statement
            _report, code = services.report_submit(
                actor=None,
                channel=Channel.WEB,
                circle=Circle.SOCIAL,
                what="节假日开单位车辆接送家属去外地旅游。",
                when="上周六晚",
                where="城郊农家乐",
                subject_name="王某",
                subject_unit_text="县水务局",
                fallback_path=county.path,
            )
        transaction.set_rollback(True)

    def statement(prefix):
        sql, params = next((s, p) for s, p in captured if s.lstrip().startswith(prefix))
        columns = re.search(r"\((.*?)\) VALUES", sql)
        names = [c.strip().strip('"`') for c in columns.group(1).split(",")] if columns else []
        return sql, params, names

    _FLOOR.update(
        report=statement('INSERT INTO "cases_report"'),
        count=statement('UPDATE "audit_anonymoustally"'),
        cache=statement('INSERT INTO "gridwatch_cache"'),
        page=render_to_string("cases/report_done.html", {"code": code}, request=request).encode(),
    )


@login_not_required
@require_POST
def report_statements(request):
    return _report_writes(request)


@login_not_required
@require_POST
def report_statements_one_commit(request):
    """The same writes in one transaction: the one change of their structure left (the token and the counter
    written in the report's own transaction, one commit instead of three)."""
    with transaction.atomic():
        return _report_writes(request)


def _report_writes(request):
    if not _FLOOR:
        _floor_capture(request)
    sql, params, _names = _FLOOR["cache"]  # the cache's ``add``: (key, value, expires, now)
    with connection.cursor() as cursor:
        for prefix in ("cases:submitted:", "cases:submit-clock-hour:"):
            cursor.execute(sql, [f":1:{prefix}{secrets.token_hex(32)}", *params[1:]])
    # No savepoint when the one-commit view has begun the transaction already.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        sql, params, names = _FLOOR["report"]
        params = list(params)
        at = names.index("id")  # a UUID: its hex on SQLite, the object on PostgreSQL, as the ORM sends it
        params[at] = uuid.uuid4().hex if isinstance(params[at], str) else uuid.uuid4()
        params[names.index("receipt_hash")] = secrets.token_hex(32)
        cursor.execute(sql, params)
        sql, params, _names = _FLOOR["count"]  # SET "count" = ("count" + 1) WHERE day, action, not sealed
        cursor.execute(sql, params)
        if cursor.rowcount == 0:  # the first report of a new day (the captured day's row was rolled back)
            audit_count(action="report.submit")
    return HttpResponse(_FLOOR["page"])


urlpatterns = [
    path("bench/insert/", insert_one_row, name="bench_insert"),
    path("bench/report-sql/", report_statements, name="bench_report_sql"),
    path("bench/report-sql-one-commit/", report_statements_one_commit, name="bench_report_sql_one_commit"),
    *urlpatterns,
]
