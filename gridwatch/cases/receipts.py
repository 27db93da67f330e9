"""Receipt codes (查询码, SECURITY.md item 2) and per-source throttles (item 1).

A code is 24 characters of a 31-character alphabet without look-alikes (118 bits from ``secrets``), written
in six groups of four to be read aloud. Only its keyed hash (HMAC-SHA256 with the pepper from the
environment) is stored, and the lookup goes by it.

Why no slow hash beside it: a slow (salted, memory-hard) hash protects a secret that can be guessed; a code
of 112 bits or more cannot be, however fast the hash. NIST SP 800-63B (§5.1.2.2, look-up secrets) asks for
exactly this: a secret of at least 112 bits is stored under an approved one-way function, one of fewer bits
salted and under a password hash. Codes were 20 characters (99 bits) and carried a slow hash until
2026-12 (docs/performance.md, "Report POST"): it cost about a third of a report's CPU time and protected
nothing the keyed hash and the code's length do not. Reports filed then keep their 20-character codes and
their slow hash (``receipt-scrypt1$n$r$p$salt$digest``, or the password hasher's ``argon2$…`` before that),
which ``receipt_slow_matches`` still checks after the keyed lookup.

Throttles key on a keyed hash of the client address that changes every day, and live only in the cache.
"""

import base64
import datetime
import hashlib
import hmac
import re
import secrets

from django.contrib.auth.hashers import check_password
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from gridwatch.accounts.lockout import client_ip
from gridwatch.core.crypto import keyed_hash

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
GROUPS, GROUP_SIZE = 6, 4
CODE_LENGTH = GROUPS * GROUP_SIZE
# Codes given before 2026-12 are 20 characters (five groups) and are still accepted.
LEGACY_CODE_LENGTH = 20
# What a reporter may type for a code: the groups, with spaces or dashes between them or none.
CODE_INPUT = re.compile(rf"^(?:[{ALPHABET}]{{{CODE_LENGTH}}}|[{ALPHABET}]{{{LEGACY_CODE_LENGTH}}})$")

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
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def receipt_hash(code):
    return keyed_hash(code, "receipt")


# Reports filed before 2026-12 carry a slow hash of their 20-character code: scrypt with its salt and
# parameters in the value (``receipt-scrypt1$n$r$p$salt$digest``; 2**11 × 8 × 128 bytes = 2 MiB).
SLOW_HASH_ALGORITHM = "receipt-scrypt1"
# What a stored value may ask for: refuses absurd parameters rather than allocating them.
SLOW_HASH_MAX_MEMORY = 64 * 1024 * 1024


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(code, salt, n, r, p):
    return hashlib.scrypt(
        code.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=SLOW_HASH_MAX_MEMORY + 1024 * 1024
    )


def receipt_slow_matches(code, stored):
    """Whether ``code`` matches the slow hash stored with a report filed before 2026-12 (``None``: a report
    filed before the slow hash existed, or after it was dropped). A value written before the scrypt hash (by
    the password hasher: ``argon2$…``) is checked by the hasher."""
    if stored is None:
        return True
    if not stored.startswith(SLOW_HASH_ALGORITHM + "$"):
        return check_password(code, stored)
    try:
        _algorithm, n, r, p, salt, digest = stored.split("$")
        n, r, p = int(n), int(r), int(p)
        if 128 * n * r * p > SLOW_HASH_MAX_MEMORY:
            return False
        computed = _scrypt(code, _unb64(salt), n, r, p)
        return hmac.compare_digest(computed, _unb64(digest))
    except ValueError:  # a damaged value (split, int, base64 or scrypt parameters) matches nothing
        return False


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
    # Kept at least as long as a token is valid, and until a midnight: the cache row's expiry says the day a
    # report was filed at most, never its time (SECURITY.md item 1; production's cache is a database table).
    if cache.add(key, 1, until_midnight(days=SUBMISSION_MAX_AGE // 86400 + 1)):
        return "ok"
    # The database cache of production also answers False when it could not write at all (a locked SQLite
    # database: Django swallows the error). Only a key that is there means a report was filed with this
    # token; otherwise the form is sent back to be sent again, never answered "already received".
    return "used" if cache.get(key) is not None else "invalid"


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


def until_midnight(days=1):
    """Seconds from now to local midnight ``days`` days on: a cache entry written with it expires at a day's
    boundary, whenever it was written, so its expiry keeps no time of its writing."""
    now = timezone.localtime()
    end = datetime.datetime.combine(now.date() + datetime.timedelta(days=days), datetime.time.min)
    return (timezone.make_aware(end, now.tzinfo) - now).total_seconds()


def submission_allowed(request):
    """Counts one submission from the client; ``False`` once it is over the limit of the clock hour. The
    counter holds a number only, under a key that hashes the hour with the source (nothing in it reads as a
    time), and every counter of a day expires at the same midnight: no row of the cache says when a report
    was filed (SECURITY.md item 1). The first report from a source costs one cache write (most reporters file
    one); later ones a read and a write. Two reports from one source at the same instant may both be counted
    as the same one: a limit against floods, not an exact count."""
    # Its own prefix: the counters of the releases before (``cases:submit:``, ``cases:submit-hour:``) are
    # other keys, so no release ever reads another's value.
    hour = timezone.localtime().strftime("%H")
    key = f"cases:submit-clock-hour:{_source(request, f'submit:{hour}')}"
    ttl = until_midnight()
    if cache.add(key, 1, ttl):
        return True
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, ttl)
    return count <= REPORTS_PER_SOURCE_PER_HOUR


def _wrong_key(request):
    return f"cases:wrong-code:{_source(request, 'follow-up')}"


def follow_up_locked(request):
    return (cache.get(_wrong_key(request)) or 0) >= WRONG_CODES_ALLOWED


def wrong_code(request):
    """Counts a wrong code; the lock lasts a quarter of an hour from the last wrong one."""
    key = _wrong_key(request)
    cache.set(key, (cache.get(key) or 0) + 1, WRONG_CODE_LOCK_SECONDS)
