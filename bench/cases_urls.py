"""The application's URLs plus the benchmark's minimal view (``bench/cases_settings.py`` only).

``/bench/insert/`` is the baseline of the report POST benchmark: a Django view behind the same middleware
(sessions, CSRF, authentication, two-factor, axes, security headers) that INSERTs one row into a table of
its own and answers ``ok``. The table, ``bench_insert``, is created by ``bench/bench_cases.py``; it is no
model and no migration of the application.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

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


urlpatterns = [path("bench/insert/", insert_one_row, name="bench_insert"), *urlpatterns]
