"""The database cache of production (``gridwatch.core.cache.DatabaseCache``): Django's meaning for ``set``,
``add``, ``get`` and the cull, in one statement a write, on SQLite and PostgreSQL alike."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gridwatch.conftest import run_django_script
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


def test_a_write_that_fails_is_a_miss_and_leaves_the_caller_s_transaction_usable(cache):
    """As Django's: a write that cannot be made answers False. Inside a transaction it is made under a
    savepoint, or PostgreSQL would refuse every later statement of the caller's transaction."""
    broken = DatabaseCache("gridwatch_no_such_table", {})
    with transaction.atomic():
        assert cache.add("before", 1, 60) is True
        assert broken.add("key", 1, 60) is False
        broken.set("key", 1, 60)  # Django's set answers nothing; it must not raise either
        assert cache.get("before") == 1  # the transaction goes on


def test_it_keeps_a_value_without_a_timeout_and_deletes_on_request(cache):
    cache.set("forever", "kept", None)
    cache.set("soon", "gone", 60)
    assert cache.delete("soon") is True
    assert cache.get("soon") is None and cache.get("forever") == "kept"


def test_it_writes_without_a_savepoint_outside_a_transaction(cache, monkeypatch):
    """How the mailbox calls it: with no transaction of the caller's, the one statement commits on its own
    (autocommit), with no savepoint or transaction around it."""
    cache._cull_every = 10**9  # only the write itself
    with monkeypatch.context() as patch, CaptureQueriesContext(connection) as captured:
        patch.setattr(connection, "in_atomic_block", False)
        assert cache.add("claim", 1, 60) is True
    assert [q["sql"].split()[0] for q in captured] == ["INSERT"]


RACE = """
import sys, threading
import django
django.setup()
from django.core.management.commands.createcachetable import Command
from django.db import connection
from gridwatch.conftest import run_django_script
from gridwatch.core.cache import DatabaseCache
table = sys.argv[1]
command = Command()
command.verbosity = 0
command.create_table("default", table, dry_run=False)
outcomes = []
try:
    for trial in range(5):
        barrier, results = threading.Barrier(6), []
        def claim(n, key=f"token{trial}", barrier=barrier, results=results):
            try:
                barrier.wait()
                results.append(DatabaseCache(table, {}).add(key, n, 3600))
            finally:
                connection.close()
        threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        outcomes.append(sorted(results).count(True))
finally:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
print(outcomes)
"""


def test_exactly_one_of_several_concurrent_claims_of_a_key_wins(db, tmp_path):
    """The one-time submission token claimed by six workers at the same instant, five times: one claim wins
    each time. In a subprocess, on a database configured as in production (a file with WAL and a busy
    timeout for SQLite; the test database itself for PostgreSQL), because the test's own connection holds a
    transaction open."""
    import uuid

    database_url = None
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
    result = run_django_script(
        RACE,
        f"race_{uuid.uuid4().hex[:12]}",
        sqlite_path=tmp_path / "race.sqlite3",
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[1, 1, 1, 1, 1]", result.stdout
