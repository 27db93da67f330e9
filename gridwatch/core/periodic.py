"""Periodic jobs: idempotent functions that cron (or ``run_periodic --loop``) calls.

Apps register jobs in their AppConfig.ready(); ``run_periodic`` runs each. A job uses ``once(key)`` around
anything that must happen only once (a reminder, a flag), so running the command twice sends nothing twice.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction

JOBS: dict[str, Callable[[datetime], int]] = {}


def periodic_job(name):
    def decorator(function):
        JOBS[name] = function
        return function

    return decorator


def once(key: str) -> bool:
    """True the first time ``key`` is claimed, False ever after (safe under concurrency)."""
    from .models import JobMark

    try:
        with transaction.atomic():
            JobMark.objects.create(key=key[:200])
        return True
    except IntegrityError:
        return False
