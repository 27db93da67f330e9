"""The supervision card (《县领导干部社区网格表现情况监督卡》, R11): one per cadre per month, filled item by
item by the grid team of the cadre's supervising grid on a phone, submitted, and reviewed by the grid leader.

Workflow (``ACTIONS``: action -> (who, the statuses it may be taken from, the status it leads to)):

    start   -> draft       a grid team member, for a serving cadre of the grid, this month or the last
    save    draft/returned -> (same)    one item at a time, as the supervisor goes (draft saved as they go)
    submit  draft/returned -> submitted every item rated; an item of concern needs a note
    accept  submitted -> reviewed      the grid leader; writes the cadre-file entry (facts only)
    return  submitted -> returned      the grid leader, with the reason; the team corrects and resubmits

Each service is atomic, locks the card, checks the actor's post in the card's grid *and* that they see the
card through ``card_selectors.cards_for`` (so recusal holds here as on the pages), and writes one audit
event. Audit events never hold a note, the remarks or a photo: those are observations about a person.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gridwatch.audit.services import audit_log
from gridwatch.cases.attachments import JPEG, PNG, WEBP, check_upload, sniff
from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.models import Cadre, CadreFileEntry, CadreStatus, FileEntryKind

from . import card_selectors as sel
from .checklist import current_version
from .models import CardItem, CardRating, CardStatus, SupervisionCard

NOTE_MAX_LENGTH = 1000
SUMMARY_MAX_LENGTH = 2000
EDITABLE = (CardStatus.DRAFT, CardStatus.RETURNED)

WRITER, REVIEWER = "writer", "reviewer"
# action -> (who may take it, statuses it may be taken from, status it leads to; None: unchanged)
ACTIONS = {
    "save": (WRITER, EDITABLE, None),
    "submit": (WRITER, EDITABLE, CardStatus.SUBMITTED),
    "accept": (REVIEWER, (CardStatus.SUBMITTED,), CardStatus.REVIEWED),
    "return": (REVIEWER, (CardStatus.SUBMITTED,), CardStatus.RETURNED),
}


def _allowed(user, card, who):
    return sel.may_review(user, card) if who == REVIEWER else sel.may_write(user, card)


def available_actions(card, user):
    """The steps ``user`` may take on ``card`` now; the card page shows these only. The user is assumed to
    see the card (the page is reached through ``card_selectors.cards_for``)."""
    return {
        action
        for action, (who, sources, _target) in ACTIONS.items()
        if card.status in sources and _allowed(user, card, who)
    }


def _begin(actor, card, action):
    """Check the post and visibility, lock the card and check its status. Returns the locked, fresh row."""
    who, sources, _target = ACTIONS[action]
    if actor is None or not sel.cards_for(actor).filter(pk=card.pk).exists():
        raise NotPermitted
    locked = SupervisionCard.objects.select_for_update().get(pk=card.pk)
    if not _allowed(actor, locked, who):
        raise NotPermitted
    if locked.status not in sources:
        raise ValidationFailed(
            _("This step is not possible now: the card is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


# ------------------------------------------------------------------------------------------- services


@transaction.atomic
def card_start(*, actor, cadre, month=None):
    """The card of ``cadre`` for ``month`` (this month by default) against the current checklist version,
    one line per item. A card that is already there is returned as it is (two supervisors, or a double
    tap, start the same card once)."""
    month = (month or sel.this_month()).replace(day=1)
    grid_id = cadre.supervising_grid_id
    if not sel.may_write(actor, grid_id):
        raise NotPermitted
    if Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(actor)).exists():
        raise NotPermitted(_("You may not fill a card about this cadre: you are conflicted (回避)."))
    if month not in sel.fillable_months():
        raise ValidationFailed(_("A card can be started for this month or the last one only."))
    existing = SupervisionCard.objects.filter(cadre=cadre, month=month).first()
    if existing is not None:
        return existing
    if cadre.status != CadreStatus.SERVING:
        raise ValidationFailed(_("This cadre is no longer serving: no card is needed."))
    version = current_version()
    if version is None:
        raise ValidationFailed(_("There is no checklist yet: ask the county commission to load it."))
    card = SupervisionCard.objects.create(
        cadre=cadre, grid_id=grid_id, month=month, checklist_version=version, started_by=actor
    )
    CardItem.objects.bulk_create(CardItem(card=card, checklist_item=item) for item in version.items.all())
    audit_log(
        actor=actor,
        action="card.start",
        obj=card,
        changes={"month": month.strftime("%Y-%m"), "checklist_version": version.number},
    )
    return card


def check_photo(upload, *, field="photo"):
    """A photo checked as report attachments are (content, size, virus check when configured) and
    re-encoded without EXIF or GPS. Returns the JPEG bytes, or raises ``ValidationFailed``. Called while
    the form is cleaned, before the transaction."""
    upload.seek(0)
    if sniff(upload.read(16)) not in (JPEG, PNG, WEBP):
        raise ValidationFailed(_("Only photos (JPEG, PNG or WebP) can be added to a card."), field=field)
    upload.seek(0)
    return check_upload(upload, field=field).content


@transaction.atomic
def card_item_save(*, actor, item, rating="", note="", photo=None, remove_photo=False):
    """Save one line of a draft (or returned) card: ``rating`` blank, normal or concern; ``photo`` the bytes
    ``check_photo`` returned. The rules of a complete card wait for the submit: a draft may be unfinished."""
    card = _begin(actor, item.card, "save")
    item = CardItem.objects.select_for_update().get(pk=item.pk, card=card)
    if rating not in ("", *CardRating.values):
        raise ValidationFailed(_("Choose normal or concern."), field="rating")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH}, field="note"
        )
    changed = []
    if item.rating != rating:
        item.rating = rating
        changed.append("rating")
    if item.note != note:
        item.note = note
        changed.append("note")
    old_photo = item.photo.name if item.photo else ""
    if photo is not None:
        item.photo.save("photo", ContentFile(photo), save=False)
        changed.append("photo")
    elif remove_photo and old_photo:
        item.photo = ""
        changed.append("photo")
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
        if old_photo and "photo" in changed:
            transaction.on_commit(lambda: item.photo.storage.delete(old_photo))
        SupervisionCard.objects.filter(pk=card.pk).update(updated_at=timezone.now())
        audit_log(
            actor=actor,
            action="card.item_save",
            obj=card,
            # Which line and which fields: never the note or the rating's reason.
            changes={"item": item.checklist_item.position, "fields": changed},
        )
    return item


@transaction.atomic
def card_submit(*, actor, card, summary=""):
    """Hand the card to the grid leader: every item rated, a note on every item of concern."""
    card = _begin(actor, card, "submit")
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": SUMMARY_MAX_LENGTH}, field="summary"
        )
    items = sel.card_items(card)
    unanswered = [i.checklist_item.position for i in items if not i.rating]
    if unanswered:
        raise ValidationFailed(
            _("Rate every item before submitting: %(count)s still open (items %(items)s).")
            % {"count": len(unanswered), "items": "、".join(str(n) for n in unanswered)}
        )
    unexplained = [i.checklist_item.position for i in items if i.rating == CardRating.CONCERN and not i.note]
    if unexplained:
        raise ValidationFailed(
            _("Write a note for every item of concern (items %(items)s).")
            % {"items": "、".join(str(n) for n in unexplained)}
        )
    card.summary = summary
    card.concern_count = sum(1 for i in items if i.rating == CardRating.CONCERN)
    card.status = CardStatus.SUBMITTED
    card.submitted_at = timezone.now()
    card.submitted_by = actor
    card.save(
        update_fields=["summary", "concern_count", "status", "submitted_at", "submitted_by", "updated_at"]
    )
    audit_log(
        actor=actor,
        action="card.submit",
        obj=card,
        changes={"month": card.month.strftime("%Y-%m"), "concerns": card.concern_count},
    )
    return card


@transaction.atomic
def card_review(*, actor, card, accept, note=""):
    """The grid leader accepts the card (reviewed; the cadre's file records it, facts only) or returns it
    with the reason (the team corrects it and submits again)."""
    card = _begin(actor, card, "accept" if accept else "return")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH}, field="note"
        )
    if not accept and not note:
        raise ValidationFailed(_("Say what needs correcting."), field="note")
    card.review_note = note
    card.status = CardStatus.REVIEWED if accept else CardStatus.RETURNED
    update = ["review_note", "status", "updated_at"]
    if accept:
        card.reviewed_at = timezone.now()
        card.reviewed_by = actor
        update += ["reviewed_at", "reviewed_by"]
    card.save(update_fields=update)
    if accept:
        _file_entry(card, actor)
    audit_log(
        actor=actor,
        action="card.accept" if accept else "card.return",
        obj=card,
        changes={"month": card.month.strftime("%Y-%m"), "concerns": card.concern_count},
    )
    return card


FILE_TITLE = gettext_noop(
    "Supervision card of %(month)s reviewed: %(concerns)s item(s) of concern (social %(social)s, life "
    "%(life)s, family %(family)s, public welfare %(public_welfare)s)"
)


def _file_entry(card, actor):
    """The reviewed card in the cadre's file (一人一档) as an observation: the month, that it was reviewed
    and the number of items of concern by circle. Never a note, the remarks or who filled it: the file
    shows facts, and the cadre never reads these entries (people.selectors.cadre_timeline)."""
    by_circle = sel.concerns_by_circle(card)
    counts = {
        circle: str(by_circle.get(circle, 0)) for circle in ("social", "life", "family", "public_welfare")
    }
    return CadreFileEntry.objects.create(
        cadre_id=card.cadre_id,
        at=card.reviewed_at,
        kind=FileEntryKind.OBSERVATION,
        title=FILE_TITLE,
        details={
            "card": str(card.pk),
            "month": card.month.strftime("%Y-%m"),
            "reviewed": True,
            "concerns": card.concern_count,
            "concerns_by_circle": {k: int(v) for k, v in counts.items()},
            "title_params": {
                "month": card.month.strftime("%Y-%m"),
                "concerns": str(card.concern_count),
                **counts,
            },
        },
        recorded_by=actor,
    )


def card_open(*, actor, card):
    """Reading a card is a read of sensitive data (notes about a person): one audit event per page view."""
    audit_log(actor=actor, action="card.view", obj=card)


def card_photo_open(*, actor, item):
    """One audit event for each photo opened, naming the card and the line. Returns the open file."""
    handle = item.photo.open("rb")
    audit_log(
        actor=actor,
        action="card.photo_view",
        obj=item.card,
        changes={"item": item.checklist_item.position},
    )
    return handle
