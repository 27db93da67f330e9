"""Settings of the report POST benchmark (``bench/bench_cases.py``): the application's settings, made
production-like where it matters for the cost of a report, plus one bench-only view. Never used by the
application itself.

- ``DEBUG`` off, the database cache and the database task queue of production (the submission token and the
  per-source counter are cache writes; a task is a row), Argon2 first among the password hashers as in
  every mode.
- ``ROOT_URLCONF`` adds the minimal INSERT view the report POST is compared with (``bench/cases_urls.py``).
- The per-source rate limit (``receipts.submission_allowed``: 5 reports an hour from one address) is not
  switched off: the benchmark sets ``AXES_IPWARE_PROXY_COUNT = 1``, the setting of a deployment behind one
  nginx (docs/operations.md, ``GRIDWATCH_PROXY_COUNT``), and the load generator sends every request from a
  different address in ``X-Forwarded-For``, like many residents behind the proxy. The counter code runs
  for every report as it would in production.
"""

import os

from gridwatch.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.cases_urls"
CACHES = {
    "default": {
        "BACKEND": "gridwatch.core.cache.DatabaseCache",
        "LOCATION": "gridwatch_cache",
    }
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AXES_IPWARE_PROXY_COUNT = 1
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GRIDWATCH_LOG_LEVEL", "WARNING")},
    "loggers": {"django.server": {"handlers": [], "propagate": False}},
}
