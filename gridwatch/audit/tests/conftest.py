import importlib

import pytest
from django.db import connection


def audit_triggers(*, create):
    """Create or drop the append-only triggers (the statements of migration 0002)."""
    migration = importlib.import_module("gridwatch.audit.migrations.0002_append_only_triggers")
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        return
    drop = {"sqlite": migration.SQLITE_REVERSE, "postgresql": migration.POSTGRES_REVERSE}[vendor]
    make = {"sqlite": migration.SQLITE, "postgresql": migration.POSTGRES}[vendor]
    with connection.cursor() as cursor:
        for sql in drop + (make if create else []):
            cursor.execute(sql)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The flush after a transactional test deletes every row, which the triggers refuse: lift them for
    the flush and put them back, so later tests still meet an append-only table."""
    from pytest_django.plugin import blocking_manager_key

    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or False)
    blocker = item.config.stash[blocking_manager_key]
    if transactional:
        with blocker.unblock():
            audit_triggers(create=False)
    try:
        return (yield)
    finally:
        if transactional:
            with blocker.unblock():
                audit_triggers(create=True)
                _restore_migrated_rows()


def _restore_migrated_rows():
    """The flush also took what data migrations loaded (the four-circles checklist, the chain's head), which
    the tests run after this one in the same process expect: load it again from the copy Django serialised
    when it made the test database (kept because the transactional test asks for ``serialized_rollback``)."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        connection.creation.deserialize_db_from_string(contents)
