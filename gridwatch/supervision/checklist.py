"""The four-circles checklist (四圈, R5) as data: the reference file of the plan's items, its loading, and
county staff's edits, each of which makes the next version.

A version is never changed once made: a card keeps the version it was started against, so an edit never
alters what a filled card asked. The current version is the one with the highest number.
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed

from .models import CHECKLIST_CIRCLES, ChecklistItem, ChecklistVersion
from .roles import CHECKLIST_EDITORS

REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / "checklist_v1.json"
TEXT_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 200
CIRCLE_VALUES = [value for value, _label in CHECKLIST_CIRCLES]


def read_reference(path=REFERENCE_FILE):
    """``(number, note, items)`` of a reference file; items are dicts with circle, text_zh and text_en."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return data["version"], data.get("note", ""), data["items"]


def load_reference(version_model, item_model, *, path=REFERENCE_FILE, created_by=None):
    """Create the reference version if no version of that number exists yet; the models are passed in so
    that the data migration can use its historical ones. Returns the new version, or ``None`` when there
    was nothing to do (safe to run again)."""
    number, note, items = read_reference(path)
    if version_model.objects.filter(number__gte=number).exists():
        return None
    version = version_model.objects.create(number=number, note=note[:NOTE_MAX_LENGTH], created_by=created_by)
    item_model.objects.bulk_create(
        item_model(
            version=version,
            circle=item["circle"],
            position=position,
            text_zh=item["text_zh"],
            text_en=item.get("text_en", ""),
        )
        for position, item in enumerate(_by_circle(items), start=1)
    )
    return version


def _by_circle(items):
    """The items grouped in the order of the four circles, each circle keeping its items' order."""
    order = {value: index for index, value in enumerate(CIRCLE_VALUES)}
    return sorted(items, key=lambda item: order.get(item["circle"], len(order)))


def current_version():
    """The newest version, or ``None`` before any was loaded."""
    return ChecklistVersion.objects.order_by("-number").first()


def version_items(version):
    return list(ChecklistItem.objects.filter(version=version).order_by("position"))


def grouped(items):
    """``[(circle value, circle label, [items])]`` in the order of the four circles."""
    return [(value, label, [i for i in items if i.circle == value]) for value, label in CHECKLIST_CIRCLES]


@transaction.atomic
def checklist_edit(*, actor, items, note):
    """County staff's edit: ``items`` is the whole new list, in order, as dicts with circle, text_zh and
    text_en. Makes the next version (the old ones and the cards filled against them stay as they are).
    Refused when nothing changed, when a circle would be left without an item, or without a note."""
    if not has_role(actor, *CHECKLIST_EDITORS):
        raise NotPermitted
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say in a few words what changed."), field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH}, field="note"
        )
    cleaned = []
    for item in items:
        circle = item.get("circle", "")
        text_zh = (item.get("text_zh") or "").strip()
        text_en = (item.get("text_en") or "").strip()
        if circle not in CIRCLE_VALUES:
            raise ValidationFailed(_("Choose one of the four circles for every item."))
        if not text_zh:
            raise ValidationFailed(_("Every item needs its Chinese wording."))
        if len(text_zh) > TEXT_MAX_LENGTH or len(text_en) > TEXT_MAX_LENGTH:
            raise ValidationFailed(
                _("Keep each item to %(max)s characters at most.") % {"max": TEXT_MAX_LENGTH}
            )
        cleaned.append({"circle": circle, "text_zh": text_zh, "text_en": text_en})
    cleaned = _by_circle(cleaned)
    empty = [label for value, label in CHECKLIST_CIRCLES if not any(i["circle"] == value for i in cleaned)]
    if empty:
        raise ValidationFailed(
            _("Each of the four circles needs at least one item (missing: %(circles)s).")
            % {"circles": "、".join(str(label) for label in empty)}
        )
    # The lock on the newest version keeps two edits at once from taking the same number.
    latest = ChecklistVersion.objects.select_for_update().order_by("-number").first()
    before = version_items(latest) if latest is not None else []
    if [(i.circle, i.text_zh, i.text_en) for i in before] == [
        (i["circle"], i["text_zh"], i["text_en"]) for i in cleaned
    ]:
        raise ValidationFailed(_("Nothing changed: the checklist is the same as the current version."))
    version = ChecklistVersion.objects.create(
        number=(latest.number + 1) if latest is not None else 1, note=note, created_by=actor
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, position=position, **item)
        for position, item in enumerate(cleaned, start=1)
    )
    old_texts = {(i.circle, i.text_zh) for i in before}
    new_texts = {(i["circle"], i["text_zh"]) for i in cleaned}
    audit_log(
        actor=actor,
        action="checklist.version_create",
        obj=version,
        changes={
            "number": version.number,
            "previous": latest.number if latest is not None else None,
            "items": len(cleaned),
            "added": len(new_texts - old_texts),
            "removed": len(old_texts - new_texts),
        },
    )
    return version
