"""The report benchmark's reference views (``bench/cases_urls.py``: ``/bench/report-sql/`` and the same in one
transaction) send a report's writes as raw SQL. Their figures in docs/performance.md are a floor of what a
report costs only if they really write what a report writes: a report row with a fresh receipt hash, the two
cache entries and one more on the day's anonymous count (no chain event: ``audit.models.AnonymousTally``)."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from gridwatch.audit.models import AnonymousTally, AuditEvent
from gridwatch.audit.services import verify_chain
from gridwatch.cases.models import Report

CODE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")
DATABASE_CACHE = {"default": {"BACKEND": "gridwatch.core.cache.DatabaseCache", "LOCATION": "gridwatch_cache"}}


@pytest.mark.urls("bench.cases_urls")
@override_settings(CACHES=DATABASE_CACHE)
@pytest.mark.parametrize("path", ["/bench/report-sql/", "/bench/report-sql-one-commit/"])
def test_the_reference_view_writes_a_report_two_cache_entries_and_the_days_anonymous_count(
    client, county, path
):
    from django.db import connection

    call_command("createcachetable", verbosity=0)
    reports, events = Report.objects.count(), AuditEvent.objects.count()
    for _ in range(3):
        response = client.post(path, {"body": "x"})
        assert response.status_code == 200
        assert CODE.search(response.content.decode())
    assert Report.objects.count() == reports + 3
    assert len(set(Report.objects.values_list("receipt_hash", flat=True))) == reports + 3
    assert AuditEvent.objects.count() == events
    assert AnonymousTally.objects.get(action="report.submit").count == 3
    assert verify_chain().ok
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM gridwatch_cache WHERE cache_key LIKE %s", [":1:cases:%"])
        assert cursor.fetchone()[0] == 6
