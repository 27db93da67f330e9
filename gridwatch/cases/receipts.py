"""Receipt codes (查询码, SECURITY.md item 2) and per-source throttles (item 1).

A code is 20 characters of a 31-character alphabet without look-alikes (99 bits from ``secrets``), written
in five groups of four to be read aloud. Only its keyed hash is stored. Throttles key on a keyed hash of
the client address that changes every day, and live only in the cache.
"""

import re
import secrets

from django.core.cache import cache
from django.utils import timezone

from gridwatch.accounts.lockout import client_ip
from gridwatch.core.crypto import keyed_hash

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
GROUPS, GROUP_SIZE = 5, 4
CODE_LENGTH = GROUPS * GROUP_SIZE
# What a reporter may type for a code: the groups, with spaces or dashes between them or none.
CODE_INPUT = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")

REPORTS_PER_SOURCE_PER_HOUR = 5
WRONG_CODES_ALLOWED = 10
WRONG_CODE_LOCK_SECONDS = 15 * 60


def receipt_new():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def receipt_normalise(text):
    """The code in canonical form, or ``None`` when it cannot be one (the caller answers as for an unknown
    code)."""
    raw = re.sub(r"[\s\-]", "", (text or "")[:64]).upper()
    if not CODE_INPUT.match(raw):
        return None
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def receipt_hash(code):
    return keyed_hash(code, "receipt")


def _source(request, purpose):
    """A keyed hash of the client address that rotates daily: yesterday's keys cannot be linked to today's,
    and no address is kept anywhere."""
    day = timezone.localdate().isoformat()
    return keyed_hash(client_ip(request), f"cases-source:{purpose}:{day}")


def submission_allowed(request):
    """Counts one submission from the client; ``False`` once it is over the hourly limit."""
    key = f"cases:submit:{_source(request, 'submit')}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count <= REPORTS_PER_SOURCE_PER_HOUR


def _wrong_key(request):
    return f"cases:wrong-code:{_source(request, 'follow-up')}"


def follow_up_locked(request):
    return (cache.get(_wrong_key(request)) or 0) >= WRONG_CODES_ALLOWED


def wrong_code(request):
    """Counts a wrong code; the lock lasts a quarter of an hour from the last wrong one."""
    key = _wrong_key(request)
    cache.set(key, (cache.get(key) or 0) + 1, WRONG_CODE_LOCK_SECONDS)
