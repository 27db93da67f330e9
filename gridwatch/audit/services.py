"""The audit trail: ``audit_log`` appends one event to the hash chain; ``verify_chain`` checks it."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import AnonymousTally, AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(event_fields: dict) -> bytes:
    return json.dumps(event_fields, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


def compute_hash(
    *, seq, at, actor_id, actor_label, action, object_type, object_id, object_label, changes, prev_hash
):
    payload = _canonical(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label,
            "changes": changes,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(payload).hexdigest()


def _normalise(changes):
    # Round-trip through JSON so the stored value hashes exactly as it will be read back.
    return json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_log(*, actor, action, obj=None, object_type="", object_id="", object_label="", changes=None):
    """Append one event. Call inside the transaction of the change it records: an event that cannot be
    written rolls the change back with it (no savepoint of its own)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = actor.get_username() if actor_id is not None else ""
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        at = timezone.now()
        fields = {
            "seq": head.seq + 1,
            "at": at,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "object_label": object_label[:200],
            "changes": _normalise(changes),
            "prev_hash": head.hash,
        }
        digest = compute_hash(**fields)
        event = AuditEvent.objects.create(hash=digest, **fields)
        head.seq, head.hash = event.seq, digest
        head.save(update_fields=["seq", "hash"])
    return event


# The one chain event a day's anonymous counts are sealed in (``tallies_seal``).
TALLY_ACTION = "audit.anonymous_tally"


def audit_count(*, action):
    """Count one anonymous action of today (a report sent through the mailbox, a reply sent with a receipt
    code) instead of logging it with its time: see ``AnonymousTally``. Call inside the transaction of the
    write, like ``audit_log``: one statement, two on the day's first."""
    for _attempt in range(3):
        day = timezone.localdate()
        counted = AnonymousTally.objects.filter(day=day, action=action, sealed_seq__isnull=True)
        if counted.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                AnonymousTally.objects.create(day=day, action=action, count=1)
            return
        except IntegrityError:
            # Created at the same moment by another report of the same day (count again), or the day
            # ended and was sealed meanwhile (count on the new day).
            continue
    raise RuntimeError(f"could not count {action!r}")


# Days left unsealed after they end: a write begun just before midnight (its day's first of its kind, a row a
# seal could not yet see) commits before the seal, and a cron host's clock ahead of the web hosts' cannot seal a
# day still being counted. One event a day, whatever the timing.
SEAL_GRACE_DAYS = 1


def tallies_seal(today=None):
    """Write the anonymous counts of each day ended more than ``SEAL_GRACE_DAYS`` ago into the chain: one
    event a day (``TALLY_ACTION``) with the day and the count of each action, and mark the rows sealed with
    its sequence number. Idempotent; the days are sealed in order. Returns the number of days sealed."""
    today = (today or timezone.localdate()) - datetime.timedelta(days=SEAL_GRACE_DAYS)
    sealed = 0
    while True:
        with transaction.atomic():
            rows = list(
                AnonymousTally.objects.select_for_update()
                .filter(sealed_seq__isnull=True, day__lt=today)
                .order_by("day", "action")
            )
            if not rows:
                return sealed
            day = rows[0].day
            rows = [row for row in rows if row.day == day]
            event = audit_log(
                actor=None,
                action=TALLY_ACTION,
                object_type="audit.anonymoustally",
                object_label=day.isoformat(),
                changes={"day": day.isoformat(), "counts": {row.action: row.count for row in rows}},
            )
            AnonymousTally.objects.filter(pk__in=[row.pk for row in rows]).update(sealed_seq=event.seq)
            sealed += 1


def diff(before: dict, after: dict) -> dict:
    """Before/after of the fields that changed, for an update event."""
    keys = sorted(set(before) | set(after))
    return {
        k: {"before": before.get(k), "after": after.get(k)} for k in keys if before.get(k) != after.get(k)
    }


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify_chain(batch_size=5000) -> VerifyResult:
    """Walk the chain in order; report the first broken, missing or reordered event, or a cut tail."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    start = 0
    while True:
        batch = list(qs.filter(seq__gt=start)[:batch_size])
        if not batch:
            break
        for ev in batch:
            if ev.seq != expected_seq:
                return VerifyResult(
                    False, checked, f"event #{expected_seq} is missing (next is #{ev.seq})", expected_seq
                )
            if ev.prev_hash != prev_hash:
                return VerifyResult(
                    False, checked, f"event #{ev.seq} does not link to the event before it", ev.seq
                )
            recomputed = compute_hash(
                seq=ev.seq,
                at=ev.at,
                actor_id=ev.actor_id,
                actor_label=ev.actor_label,
                action=ev.action,
                object_type=ev.object_type,
                object_id=ev.object_id,
                object_label=ev.object_label,
                changes=ev.changes,
                prev_hash=ev.prev_hash,
            )
            if recomputed != ev.hash:
                return VerifyResult(False, checked, f"event #{ev.seq} was altered", ev.seq)
            prev_hash, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
            checked += 1
        start = batch[-1].seq
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            f"the chain ends at #{last_seq} but event #{head.seq} was written: the tail was cut",
            last_seq + 1,
        )
    return VerifyResult(True, checked)
