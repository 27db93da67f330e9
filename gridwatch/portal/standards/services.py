"""Writes to the standards and codes of conduct (亮标准, R8). One service per action of
``workflow.ACTIONS``: atomic, the row changed locked (``select_for_update``), the actor checked against the
area (``selectors.may_edit``), one audit event. Publication is security-relevant (SECURITY.md item 8).

A document's versions share ``series``. The database holds at most one version in force and one draft per
document; publishing supersedes the version in force (status ``superseded``, ``ended_at`` set) before the
draft takes its place, so the constraint never sees two.

Audit events hold the version, status, area and kind, not the text: the text is on the version itself,
which is never changed once published."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed

from ..models import Standard, StandardKind, StandardStatus
from . import selectors, workflow

TITLE_MAX_LENGTH = Standard._meta.get_field("title").max_length
NOTE_MAX_LENGTH = Standard._meta.get_field("change_note").max_length
BODY_MAX_LENGTH = 30000
POSITION_MAX = 999
REASON_MAX_LENGTH = 300


# ------------------------------------------------------------------------------------------- helpers


def _check_area(actor, area):
    if not selectors.may_edit(actor, area):
        raise NotPermitted


def _lock(actor, standard, action):
    """Lock the version, check that ``actor`` edits its area and that ``action`` is open now."""
    locked = Standard.objects.select_for_update(of=("self",)).select_related("area").get(pk=standard.pk)
    _check_area(actor, locked.area)
    if not workflow.is_open(action, locked.status):
        raise ValidationFailed(
            _("This is not possible now: this version is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _clean(*, title, kind, area, body, position, change_note, note_required):
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    change_note = (change_note or "").strip()
    if not title:
        raise ValidationFailed(_("Give the document a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep the title to %(max)s characters at most.") % {"max": TITLE_MAX_LENGTH}, field="title"
        )
    if kind not in StandardKind.values:
        raise ValidationFailed(
            _("Choose whether it is a supervision standard or a code of conduct."), field="kind"
        )
    if area is None:
        raise ValidationFailed(_("Choose where it applies."), field="area")
    if not body:
        raise ValidationFailed(_("Write the text."), field="body")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep the text to %(max)s characters at most.") % {"max": BODY_MAX_LENGTH}, field="body"
        )
    if position is None or not 0 <= position <= POSITION_MAX:
        raise ValidationFailed(
            _("Give the order as a number from 0 to %(max)s.") % {"max": POSITION_MAX}, field="position"
        )
    if note_required and not change_note:
        raise ValidationFailed(_("Say what changed from the version in force."), field="change_note")
    if len(change_note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH}, field="change_note"
        )
    return {
        "title": title,
        "kind": kind,
        "area": area,
        "body": body,
        "position": position,
        "change_note": change_note,
    }


def _facts(standard):
    return {
        "series": str(standard.series),
        "version": standard.version,
        "kind": standard.kind,
        "area": standard.area.code,
        "status": standard.status,
    }


# --------------------------------------------------------------------------------------------- drafts


@transaction.atomic
def standard_create(*, actor, title, kind, area, body, position=0):
    """A new document: its first version, a draft."""
    _check_area(actor, area)
    values = _clean(
        title=title, kind=kind, area=area, body=body, position=position, change_note="", note_required=False
    )
    standard = Standard.objects.create(created_by=actor, version=1, status=StandardStatus.DRAFT, **values)
    audit_log(actor=actor, action="standard.create", obj=standard, changes=_facts(standard))
    return standard


@transaction.atomic
def standard_update(*, actor, standard, title, kind, area, body, position=0, change_note=""):
    """A change to a draft. A later version's draft keeps saying what changed."""
    standard = _lock(actor, standard, "edit")
    _check_area(actor, area)
    values = _clean(
        title=title,
        kind=kind,
        area=area,
        body=body,
        position=position,
        change_note=change_note,
        note_required=standard.version > 1,
    )
    before = {k: getattr(standard, k) for k in values}
    for name, value in values.items():
        setattr(standard, name, value)
    standard.save(update_fields=[*values, "updated_at"])
    changed = sorted(k for k in values if before[k] != values[k])
    audit_log(
        actor=actor, action="standard.update", obj=standard, changes={**_facts(standard), "fields": changed}
    )
    return standard


@transaction.atomic
def standard_new_version(*, actor, standard, title, kind, area, body, change_note, position=0):
    """The draft of the next version of a document in force (``standard``), which stays in force until the
    draft is published."""
    standard = _lock(actor, standard, "new_version")
    _check_area(actor, area)
    if Standard.objects.filter(series=standard.series, status=StandardStatus.DRAFT).exists():
        raise ValidationFailed(_("This document already has a draft of its next version: edit that draft."))
    values = _clean(
        title=title,
        kind=kind,
        area=area,
        body=body,
        position=position,
        change_note=change_note,
        note_required=True,
    )
    number = Standard.objects.filter(series=standard.series).aggregate(n=Max("version"))["n"] + 1
    try:
        with transaction.atomic():
            draft = Standard.objects.create(
                series=standard.series,
                version=number,
                status=StandardStatus.DRAFT,
                created_by=actor,
                **values,
            )
    except IntegrityError:  # another editor made the draft at the same moment
        raise ValidationFailed(
            _("This document already has a draft of its next version: edit that draft.")
        ) from None
    audit_log(
        actor=actor,
        action="standard.new_version",
        obj=draft,
        changes={**_facts(draft), "in_force": standard.version},
    )
    return draft


@transaction.atomic
def standard_delete_draft(*, actor, standard):
    """Delete a draft. A draft was never published, so nothing public goes with it; the versions before it
    stay as they were."""
    standard = _lock(actor, standard, "delete")
    audit_log(actor=actor, action="standard.delete_draft", obj=standard, changes=_facts(standard))
    standard.delete()


# ------------------------------------------------------------------------------------------ publishing


@transaction.atomic
def standard_publish(*, actor, standard):
    """Put a draft in force. The version in force before it, if any, is superseded: it stays readable as
    history, with the dates it was in force."""
    draft = _lock(actor, standard, "publish")
    if not draft.title.strip() or not draft.body.strip():
        raise ValidationFailed(_("Write the title and the text before publishing."))
    if draft.version > 1 and not draft.change_note.strip():
        raise ValidationFailed(_("Say what changed from the version in force."), field="change_note")
    now = timezone.now()
    previous = (
        Standard.objects.select_for_update(of=("self",))
        .filter(series=draft.series, status=StandardStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = StandardStatus.SUPERSEDED
        previous.ended_at = now
        previous.save(update_fields=["status", "ended_at", "updated_at"])
    draft.status = workflow.target("publish")
    draft.published_at = now
    draft.published_by = actor
    draft.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_log(
        actor=actor,
        action="standard.publish",
        obj=draft,
        changes={**_facts(draft), "superseded": previous.version if previous else None},
    )
    return draft


@transaction.atomic
def standard_withdraw(*, actor, standard, reason):
    """Take a document out of force: it leaves the public pages, its versions stay for the record."""
    standard = _lock(actor, standard, "withdraw")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the document is withdrawn."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": REASON_MAX_LENGTH}, field="reason"
        )
    standard.status = workflow.target("withdraw")
    standard.ended_at = timezone.now()
    standard.save(update_fields=["status", "ended_at", "updated_at"])
    audit_log(
        actor=actor, action="standard.withdraw", obj=standard, changes={**_facts(standard), "reason": reason}
    )
    return standard
