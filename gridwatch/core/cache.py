"""The database cache of production, with a write in one statement.

Django's ``DatabaseCache`` spends five statements on every ``set`` and ``add``: a ``COUNT(*)`` of the
whole table (to decide whether to cull), then a transaction that reads the key and updates or inserts it.
The public report form writes the cache twice per report (the one-time submission token and the
per-source counter, SECURITY.md items 1 and 10), so this was most of the statements of a report
(docs/performance.md, "Report POST"); the ``COUNT(*)`` also grows with the table.

Here ``set`` and ``add`` are one ``INSERT … ON CONFLICT`` statement (SQLite ≥ 3.24 and PostgreSQL), with
the same meaning as Django's: ``add`` writes only when the key is missing or expired, and says whether it
wrote. The cull (expired entries first, then Django's own rule above ``MAX_ENTRIES``) runs on one write in
``CULL_EVERY`` on average (drawn at random) instead of counting the table every time, so the table may
overrun ``MAX_ENTRIES`` by about ``CULL_EVERY`` entries between two culls. Other databases and ``touch``
use Django's code unchanged.
"""

import base64
import pickle
import random
from contextlib import nullcontext
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

UPSERT_VENDORS = {"sqlite", "postgresql"}


class DatabaseCache(DjangoDatabaseCache):
    """``django.core.cache.backends.db.DatabaseCache`` whose ``set`` and ``add`` are one statement.
    ``OPTIONS``: Django's (``MAX_ENTRIES``, ``CULL_FREQUENCY``) and ``CULL_EVERY`` (default 100)."""

    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", 100)))

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode == "touch" or connection.vendor not in UPSERT_VENDORS:
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table, cache_key, column_value, column_expires = (
            quote(self._table),
            quote("cache_key"),
            quote("value"),
            quote("expires"),
        )
        sql = (
            f"INSERT INTO {table} ({cache_key}, {column_value}, {column_expires}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({cache_key}) DO UPDATE SET {column_value} = excluded.{column_value}, "
            f"{column_expires} = excluded.{column_expires}"
        )
        params = [key, encoded, expires]
        if mode == "add":  # only over an expired entry
            sql += f" WHERE {table}.{column_expires} < %s"
            params.append(connection.ops.adapt_datetimefield_value(now))
        try:
            # Inside a transaction a failed statement must not spoil it: a savepoint only there.
            with transaction.atomic(using=db) if connection.in_atomic_block else nullcontext():
                with connection.cursor() as cursor:
                    if random.randrange(self._cull_every) == 0:
                        self._cull_if_full(db, cursor, table, now)
                    cursor.execute(sql, params)
                    return cursor.rowcount > 0
        except DatabaseError:
            # As Django's: a write that could not be made (a locked SQLite database) is a miss, not an error.
            return False

    def _cull_if_full(self, db, cursor, table, now):
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, now, count)
