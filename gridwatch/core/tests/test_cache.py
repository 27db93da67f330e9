"""The database cache of production (``gridwatch.core.cache.DatabaseCache``): Django's meaning for ``set``,
``add``, ``get`` and the cull, in one statement a write, on SQLite and PostgreSQL alike."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gridwatch.core.cache import DatabaseCache

TABLE = "gridwatch_test_cache"
START = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cache(db, settings):
    settings.CACHES = {
        **settings.CACHES,
        "db_test": {"BACKEND": "gridwatch.core.cache.DatabaseCache", "LOCATION": TABLE},
    }
    call_command("createcachetable", "--database", "default", verbosity=0)
    return DatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2, "CULL_EVERY": 1}})


def writes(captured):
    return [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]


def test_it_sets_and_reads_back_any_value_in_one_statement(cache):
    cache._cull_every = 10**9  # no cull in this test: only the write itself
    with CaptureQueriesContext(connection) as captured:
        cache.set("answer", {"count": 3, "started": 1.5}, 60)
    statements = writes(captured)  # the savepoint of the test's own transaction aside
    assert len(statements) == 1 and "ON CONFLICT" in statements[0]
    assert cache.get("answer") == {"count": 3, "started": 1.5}
    cache.set("answer", (4, 2.5), 60)  # over an existing key
    assert cache.get("answer") == (4, 2.5)


def test_it_adds_only_over_a_missing_or_expired_key(cache):
    with time_machine.travel(START, tick=False):
        assert cache.add("token", "first", 60) is True
        assert cache.add("token", "second", 60) is False
        assert cache.get("token") == "first"
    with time_machine.travel(START + datetime.timedelta(seconds=61), tick=False):
        assert cache.get("token") is None  # expired
        assert cache.add("token", "third", 60) is True
        assert cache.get("token") == "third"


def test_it_adds_once_when_many_try_the_same_key(cache):
    """The one-time submission token: of several claims of one key, exactly one wins."""
    results = [cache.add("claim", n, 3600) for n in range(5)]
    assert results == [True, False, False, False, False]
    assert cache.get("claim") == 0


def test_it_keeps_the_caller_s_transaction_usable(cache):
    with transaction.atomic():
        assert cache.add("inside", 1, 60) is True
        assert cache.add("inside", 2, 60) is False
        assert cache.get("inside") == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone()[0] == 1


def test_it_deletes_and_forgets_the_timeout_none_entries_last(cache):
    cache.set("forever", "kept", None)
    cache.set("soon", "gone", 60)
    assert cache.delete("soon") is True
    assert cache.get("soon") is None and cache.get("forever") == "kept"


def test_it_culls_expired_entries_first_and_keeps_the_table_near_its_limit(cache):
    with time_machine.travel(START, tick=False):
        for n in range(8):
            cache.set(f"old{n}", n, 10)
    with time_machine.travel(START + datetime.timedelta(seconds=20), tick=False):
        for n in range(6):
            cache.set(f"new{n}", n, 3600)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {TABLE}")
            keys = {row[0] for row in cursor.fetchall()}
        # The expired entries went at the first write over the limit; the live ones are all there.
        assert not any(":old" in key for key in keys)
        assert {f":1:new{n}" for n in range(6)} <= keys
        for n in range(6):
            assert cache.get(f"new{n}") == n
