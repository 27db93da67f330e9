"""Ballot codes (SECURITY.md item 2, as the receipt codes of gridwatch.cases.receipts): 12 characters of a
31-character alphabet without look-alikes (59 bits from ``secrets``: single-use, valid only while one
campaign is open, and wrong codes are throttled), in three groups of four. Only a keyed hash is stored; the
code is shown once, on the printed slips. Wrong codes are counted per client on a daily-rotated keyed hash
of the address, in the cache only."""

import re
import secrets

from django.core.cache import cache
from django.utils import timezone

from gridwatch.accounts.lockout import client_ip
from gridwatch.core.crypto import keyed_hash

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 3, 4
CODE_LENGTH = GROUPS * GROUP_SIZE
CODE_INPUT = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
WRONG_CODES_ALLOWED = 10
WRONG_CODE_LOCK_SECONDS = 15 * 60


def code_new():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def code_normalise(text):
    """The code in canonical form, or ``None`` when it cannot be one."""
    raw = re.sub(r"[\s\-]", "", (text or "")[:64]).upper()
    if not CODE_INPUT.match(raw):
        return None
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def code_hash(code):
    return keyed_hash(code, "ballot-code")


def _wrong_key(request):
    day = timezone.localdate().isoformat()
    return f"evaluations:wrong-code:{keyed_hash(client_ip(request), f'evaluations-source:{day}')}"


def locked(request):
    return (cache.get(_wrong_key(request)) or 0) >= WRONG_CODES_ALLOWED


def wrong_code(request):
    key = _wrong_key(request)
    cache.set(key, (cache.get(key) or 0) + 1, WRONG_CODE_LOCK_SECONDS)
