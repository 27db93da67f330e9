"""Receipt codes (查询码, SECURITY.md item 2) and per-source throttles (item 1).

A code is 20 characters of a 31-character alphabet without look-alikes (99 bits from ``secrets``), written
in five groups of four to be read aloud. Only its keyed hash (for the lookup) and a slow salted hash (checked
after it) are stored. Throttles key on a keyed hash of
the client address that changes every day, and live only in the cache.

The slow hash is scrypt with its own salt and parameters written into the stored value
(``receipt-scrypt1$n$r$p$salt$digest``), about 2 MiB and a few milliseconds per code. It is defence in
depth, not the protection: with 99 bits a code cannot be guessed however fast the hash, and the keyed hash
needs the pepper, which is not in the database. The slow hash only makes a stolen database *and* pepper
still cost a memory-hard computation per guess. It was the configured password hasher (Argon2id, 100 MiB,
0.25–0.6 s per report on the benchmark machine), which held the public form to a few reports a second
(docs/performance.md, "Report POST"); values stored then start with the hasher's name (``argon2$…``) and
are still checked by ``check_password``. Raising ``SLOW_HASH_N`` later leaves old values verifiable: each
is checked with the parameters it carries.
"""

import base64
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


SLOW_HASH_ALGORITHM = "receipt-scrypt1"
# 2**11 × 8 × 128 bytes = 2 MiB of memory per hash, 3–5 ms on the benchmark machine (docs/performance.md).
SLOW_HASH_N, SLOW_HASH_R, SLOW_HASH_P = 2**11, 8, 1
# What a stored value may ask for: refuses absurd parameters rather than allocating them.
SLOW_HASH_MAX_MEMORY = 64 * 1024 * 1024


def _b64(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(code, salt, n, r, p):
    return hashlib.scrypt(
        code.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=SLOW_HASH_MAX_MEMORY + 1024 * 1024
    )


def receipt_slow_hash(code):
    """A salted scrypt hash of the code, with its parameters, for ``Report.receipt_slow_hash``."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(code, salt, SLOW_HASH_N, SLOW_HASH_R, SLOW_HASH_P)
    return f"{SLOW_HASH_ALGORITHM}${SLOW_HASH_N}${SLOW_HASH_R}${SLOW_HASH_P}${_b64(salt)}${_b64(digest)}"


def receipt_slow_matches(code, stored):
    """Whether ``code`` matches the stored slow hash; reports filed before it existed have none. A value
    written before the scrypt hash (by the password hasher: ``argon2$…``) is checked by the hasher."""
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
    if cache.add(key, 1, SUBMISSION_MAX_AGE):
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
