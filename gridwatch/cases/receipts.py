"""Receipt codes (查询码, SECURITY.md item 2) and per-source throttles (item 1).

A code is 20 characters of a 31-character alphabet without look-alikes (99 bits from ``secrets``), written
in five groups of four to be read aloud. Only its keyed hash (for the lookup) and a slow salted hash (checked
after it) are stored. Throttles key on a keyed hash of
the client address that changes every day, and live only in the cache.
"""

import re
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
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


def receipt_slow_hash(code):
    """A salted hash by the configured password hasher (Argon2id in production)."""
    return make_password(code)


def receipt_slow_matches(code, stored):
    """Whether ``code`` matches the stored slow hash; reports filed before it existed have none."""
    if stored is None:
        return True
    return check_password(code, stored)


# One-time submission tokens (SECURITY.md item 10): a signed random nonce in a hidden field; once a report
# is filed with it, a keyed hash of the nonce is remembered in the cache, and a second POST with the same
# token files nothing.
SUBMISSION_SALT = "gridwatch.cases.submission"
SUBMISSION_MAX_AGE = 24 * 3600


def submission_token_new():
    return signing.dumps(secrets.token_urlsafe(16), salt=SUBMISSION_SALT)


def _submission_key(token):
    """The cache key of a valid token, or ``None`` when the token is missing, forged or expired."""
    try:
        nonce = signing.loads(token or "", salt=SUBMISSION_SALT, max_age=SUBMISSION_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(nonce, str):
        return None
    return f"cases:submitted:{keyed_hash(nonce, 'cases-submission')}"


def submission_claim(token):
    """Claims the token for one report: ``"ok"``, ``"used"`` (a report was filed with it already) or
    ``"invalid"``. The claim is atomic (``cache.add``), so concurrent double submits file one report."""
    key = _submission_key(token)
    if key is None:
        return "invalid"
    return "ok" if cache.add(key, 1, SUBMISSION_MAX_AGE) else "used"


def submission_release(token):
    """Gives the token back when the report could not be filed, so that the corrected form can be sent."""
    key = _submission_key(token)
    if key is not None:
        cache.delete(key)


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
