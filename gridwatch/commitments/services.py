"""Writes to commitments (R7). One service per step of ``workflow.ACTIONS``: atomic, the row locked, the
actor checked against the table, a transition row and one audit event. The cadre's file (一人一档) gets an
entry at publication, at the half-year fulfilment meeting and at the year-end rating.

Audit events hold counts, dates and statuses, not the texts: those are on the commitment itself."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.people.models import Cadre, CadreFileEntry, CadreStatus, FileEntryKind

from . import selectors, workflow
from .models import (
    CONTENT_MAX_LENGTH,
    TARGET_MAX_LENGTH,
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    CommitmentTransition,
    EvaluatorGroup,
    FulfilmentReview,
    ItemProgress,
    ItemRating,
    RatingSource,
    YearEndRating,
)

MAX_ITEMS = 10
TEXT_MAX_LENGTH = 2000
MAX_RATERS = 100000


# ------------------------------------------------------------------------------------------- helpers


def _transition(commitment, *, action, actor, from_status, reason=""):
    return CommitmentTransition.objects.create(
        commitment=commitment,
        action=action,
        from_status=from_status,
        to_status=commitment.status,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )


def _file_entry(commitment, *, actor, title, **params):
    """A line of the cadre's file; ``title`` an untranslated message, read in the reader's language."""
    return CadreFileEntry.objects.create(
        cadre_id=commitment.cadre_id,
        at=timezone.now(),
        kind=FileEntryKind.COMMITMENT,
        title=title,
        details={
            "commitment": str(commitment.pk),
            "year": commitment.year,
            "title_params": {"year": commitment.year, **params},
        },
        recorded_by=actor,
    )


def _begin(actor, commitment, action):
    """Lock the commitment, check that ``actor`` may take ``action`` and that it is open now."""
    locked = Commitment.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=commitment.pk)
    who = workflow.ACTIONS[action][0]
    if who == workflow.AUTHOR:
        if actor is None or locked.cadre.user_id != actor.pk:
            raise NotPermitted
    elif not selectors.acts_on(actor, locked):
        raise NotPermitted
    if not workflow.is_open(action, locked.status):
        raise ValidationFailed(
            _("This step is not possible now: the commitment is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    if workflow.already_done(locked, action):
        raise ValidationFailed(_("This has already been recorded for this commitment."))
    return locked


def _clean_items(items):
    """``items``: dicts with ``content`` and ``target``; blank rows are dropped."""
    cleaned = []
    for item in items:
        content = (item.get("content") or "").strip()
        target = (item.get("target") or "").strip()
        if not content and not target:
            continue
        if not content:
            raise ValidationFailed(_("Each commitment needs its text."), field="items")
        if not target:
            raise ValidationFailed(
                _("Give each commitment a concrete target (how much, how often, by when)."), field="items"
            )
        cleaned.append({"content": content[:CONTENT_MAX_LENGTH], "target": target[:TARGET_MAX_LENGTH]})
    if not cleaned:
        raise ValidationFailed(_("Write at least one commitment."), field="items")
    if len(cleaned) > MAX_ITEMS:
        raise ValidationFailed(
            _("Keep it to %(max)s commitments at most.") % {"max": MAX_ITEMS}, field="items"
        )
    return cleaned


def _text(value, *, field, message=None):
    value = (value or "").strip()
    if message and not value:
        raise ValidationFailed(message, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": TEXT_MAX_LENGTH}, field=field
        )
    return value


def _meeting_date(value, commitment, *, field):
    if value is None:
        raise ValidationFailed(_("Give the date of the meeting."), field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("The date of the meeting cannot be in the future."), field=field)
    if value < timezone.localtime(commitment.published_at).date():
        raise ValidationFailed(_("The meeting cannot be before the commitment was published."), field=field)
    return value


def allowed_years():
    """A cadre writes for this year, or for next year from December on."""
    today = timezone.localdate()
    return [today.year, today.year + 1] if today.month == 12 else [today.year]


# --------------------------------------------------------------------------------------------- author


@transaction.atomic
def commitment_create(*, actor, year, items):
    """The cadre's draft for ``year``."""
    cadre = Cadre.objects.filter(user=actor, status=CadreStatus.SERVING).first() if actor else None
    if cadre is None:
        raise NotPermitted
    if year not in allowed_years():
        raise ValidationFailed(_("Commitments are written for the current year."), field="year")
    if Commitment.objects.filter(cadre=cadre, year=year).exists():
        raise ValidationFailed(_("You already have commitments for this year."), field="year")
    cleaned = _clean_items(items)
    commitment = Commitment.objects.create(cadre=cadre, year=year)
    CommitmentItem.objects.bulk_create(
        CommitmentItem(commitment=commitment, position=i, **values) for i, values in enumerate(cleaned, 1)
    )
    _transition(commitment, action="create", actor=actor, from_status=CommitmentStatus.DRAFT)
    audit_log(
        actor=actor, action="commitment.create", obj=commitment, changes={"year": year, "items": len(cleaned)}
    )
    return commitment


@transaction.atomic
def commitment_update(*, actor, commitment, items):
    """The cadre's change to a draft or a returned commitment: the items are replaced."""
    commitment = _begin(actor, commitment, "edit")
    cleaned = _clean_items(items)
    commitment.items.all().delete()
    CommitmentItem.objects.bulk_create(
        CommitmentItem(commitment=commitment, position=i, **values) for i, values in enumerate(cleaned, 1)
    )
    commitment.save(update_fields=["updated_at"])
    audit_log(actor=actor, action="commitment.update", obj=commitment, changes={"items": len(cleaned)})
    return commitment


@transaction.atomic
def commitment_submit(*, actor, commitment):
    """The cadre sends the commitment to the community party organisation for review."""
    commitment = _begin(actor, commitment, "submit")
    if not commitment.items.exists():
        raise ValidationFailed(_("Write at least one commitment."))
    before = commitment.status
    commitment.status = workflow.target("submit", before)
    commitment.submitted_at = timezone.now()
    commitment.save(update_fields=["status", "submitted_at", "updated_at"])
    _transition(commitment, action="submit", actor=actor, from_status=before)
    audit_log(
        actor=actor,
        action="commitment.submit",
        obj=commitment,
        changes={"status": {"before": before, "after": commitment.status}},
    )
    return commitment


# ------------------------------------------------------------------------------------------- reviewer


@transaction.atomic
def commitment_approve(*, actor, commitment):
    """Approve and publish: the commitment appears on the grid's public page and notice-board sheet."""
    commitment = _begin(actor, commitment, "approve")
    before = commitment.status
    now = timezone.now()
    commitment.status = workflow.target("approve", before)
    commitment.reviewed_by, commitment.reviewed_at, commitment.published_at = actor, now, now
    commitment.return_reason = ""
    commitment.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "published_at", "return_reason", "updated_at"]
    )
    _transition(commitment, action="approve", actor=actor, from_status=before)
    _file_entry(commitment, actor=actor, title=gettext_noop("Commitments for %(year)s published"))
    audit_log(
        actor=actor,
        action="commitment.publish",
        obj=commitment,
        changes={"status": {"before": before, "after": commitment.status}},
    )
    return commitment


@transaction.atomic
def commitment_return(*, actor, commitment, reason):
    """Send the commitment back to the cadre with the reason (what to make concrete, what to add)."""
    commitment = _begin(actor, commitment, "return")
    reason = _text(reason, field="reason", message=_("Say why the commitment goes back to the cadre."))
    before = commitment.status
    commitment.status = workflow.target("return", before)
    commitment.return_reason = reason
    commitment.reviewed_by, commitment.reviewed_at = actor, timezone.now()
    commitment.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
    _transition(commitment, action="return", actor=actor, from_status=before, reason=reason)
    audit_log(
        actor=actor,
        action="commitment.return",
        obj=commitment,
        changes={"status": {"before": before, "after": commitment.status}},
    )
    return commitment


@transaction.atomic
def fulfilment_record(*, actor, commitment, held_on, attendees, summary="", progress):
    """The half-year fulfilment meeting (践诺推进会): who attended and, for every item, the progress in per
    cent and its evidence; published with the commitment. ``progress`` maps each item's id to
    ``(percent, evidence)``."""
    commitment = _begin(actor, commitment, "progress")
    held_on = _meeting_date(held_on, commitment, field="held_on")
    attendees = _text(attendees, field="attendees", message=_("Say who attended the meeting."))
    summary = _text(summary, field="summary")
    items = list(commitment.items.order_by("position"))
    lines = []
    for item in items:
        percent, evidence = progress.get(item.pk, (None, ""))
        if percent is None or not 0 <= percent <= 100:
            raise ValidationFailed(
                _("Give the progress of every commitment, from 0 to 100 per cent."), field="progress"
            )
        lines.append((item, percent, _text(evidence, field="progress")))
    review = FulfilmentReview.objects.create(
        commitment=commitment,
        held_on=held_on,
        attendees=attendees,
        summary=summary,
        recorded_by=actor,
        published_at=timezone.now(),
    )
    ItemProgress.objects.bulk_create(
        ItemProgress(review=review, item=item, progress=percent, evidence=evidence)
        for item, percent, evidence in lines
    )
    for item, percent, _evidence in lines:
        item.progress = percent
    CommitmentItem.objects.bulk_update(items, ["progress"])
    _transition(commitment, action="progress", actor=actor, from_status=commitment.status)
    average = round(sum(p for _i, p, _e in lines) / len(lines)) if lines else 0
    _file_entry(
        commitment,
        actor=actor,
        title=gettext_noop("Commitments for %(year)s: half-year fulfilment meeting on %(date)s"),
        date=held_on.isoformat(),
    )
    audit_log(
        actor=actor,
        action="commitment.progress",
        obj=commitment,
        changes={"held_on": held_on, "items": len(lines), "average_progress": average},
    )
    return review


@transaction.atomic
def rating_record(*, actor, commitment, rated_on, contribution, counts, source=RatingSource.MEETING):
    """The year-end rating, as the community party organisation enters it after the rating meeting: per
    item and evaluator group, how many raters were satisfied, basically satisfied or dissatisfied, and a
    note of what the cadre contributed. ``counts`` maps ``(item id, group)`` to the three counts; a group
    that did not rate an item is left out (or all zeros). Published with the commitment."""
    commitment = _begin(actor, commitment, "rate")
    rated_on = _meeting_date(rated_on, commitment, field="rated_on")
    contribution = _text(
        contribution, field="contribution", message=_("Write down what the cadre contributed.")
    )
    items = {item.pk: item for item in commitment.items.all()}
    lines = []
    for (item_id, group), values in counts.items():
        if item_id not in items or group not in EvaluatorGroup.values:
            raise ValidationFailed(_("The rating names an item or a group that does not exist."))
        values = [int(v or 0) for v in values]
        if any(v < 0 or v > MAX_RATERS for v in values):
            raise ValidationFailed(_("Counts of raters are whole numbers from 0."), field="counts")
        if sum(values):
            lines.append(
                ItemRating(
                    item=items[item_id],
                    evaluator_group=group,
                    **dict(zip(("satisfied", "basically_satisfied", "dissatisfied"), values, strict=True)),
                )
            )
    rated_items = {line.item.pk for line in lines}
    if rated_items != set(items):
        raise ValidationFailed(
            _("Enter the counts of at least one group for every commitment."), field="counts"
        )
    rating = YearEndRating.objects.create(
        commitment=commitment,
        rated_on=rated_on,
        contribution=contribution,
        source=source,
        recorded_by=actor,
        published_at=timezone.now(),
    )
    for line in lines:
        line.rating = rating
    ItemRating.objects.bulk_create(lines)
    _transition(commitment, action="rate", actor=actor, from_status=commitment.status)
    _file_entry(
        commitment,
        actor=actor,
        title=gettext_noop("Commitments for %(year)s: year-end rating recorded on %(date)s"),
        date=rated_on.isoformat(),
    )
    audit_log(
        actor=actor,
        action="commitment.rate",
        obj=commitment,
        changes={
            "rated_on": rated_on,
            "source": source,
            "raters": sum(line.total for line in lines),
        },
    )
    return rating
