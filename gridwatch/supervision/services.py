"""Writes to the sentiment diary (民情日记, R14). Each is atomic and audited; no audit event holds what
was heard, whom it was heard from, the place, or the cadre an entry is about (SECURITY.md item 8)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridwatch.audit.services import audit_log
from gridwatch.cases.models import Channel, Circle
from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.cases.services import report_submit
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.geography.models import GridTeamMember
from gridwatch.people.models import Cadre

from . import selectors
from .models import DiaryEntry

PLACE_MAX_LENGTH = 100
PEOPLE_MET_MAX_LENGTH = 1000
HEARD_MAX_LENGTH = 5000
# The fields an edit may change; the audit event names those that did.
EDITABLE = ("visited_on", "place", "people_met", "heard", "circle", "cadre_id")


def _clean(*, grid, visited_on, place, people_met, heard, circle, cadre, actor, current_cadre_id=None):
    """The values to store, or ``ValidationFailed`` naming the field."""
    if visited_on is None:
        raise ValidationFailed(_("Give the date of the visit."), field="visited_on")
    if visited_on > timezone.localdate():
        raise ValidationFailed(_("The date of the visit cannot be in the future."), field="visited_on")
    heard = (heard or "").strip()
    if not heard:
        raise ValidationFailed(_("Write what you heard."), field="heard")
    if circle and circle not in Circle.values:
        raise ValidationFailed(_("Choose one of the four circles, or none."), field="circle")
    # A cadre the entry already names stays allowed (they may have moved since); a new one must be
    # supervised in the grid, and not one the writer is conflicted with.
    if cadre is not None and cadre.pk != current_cadre_id:
        if cadre.supervising_grid_id != grid.pk:
            raise ValidationFailed(_("Pick a cadre supervised in this grid."), field="cadre")
        if Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(actor)).exists():
            raise ValidationFailed(
                _("You may not write about this cadre: you are conflicted (回避)."), field="cadre"
            )
    return {
        "visited_on": visited_on,
        "place": (place or "").strip()[:PLACE_MAX_LENGTH],
        "people_met": (people_met or "").strip()[:PEOPLE_MET_MAX_LENGTH],
        "heard": heard[:HEARD_MAX_LENGTH],
        "circle": circle or "",
        "cadre": cadre,
    }


@transaction.atomic
def diary_entry_create(*, actor, grid, visited_on, heard, place="", people_met="", circle="", cadre=None):
    """A grid team member's entry for a grid they hold a post in."""
    if not GridTeamMember.objects.filter(user=actor, grid=grid).exists():
        raise NotPermitted
    values = _clean(
        grid=grid,
        visited_on=visited_on,
        place=place,
        people_met=people_met,
        heard=heard,
        circle=circle,
        cadre=cadre,
        actor=actor,
    )
    entry = DiaryEntry.objects.create(grid=grid, author=actor, **values)
    audit_log(
        actor=actor,
        action="diary.create",
        obj=entry,
        changes={
            "grid": grid.code,
            "visited_on": entry.visited_on,
            "circle": entry.circle,
            "about_a_cadre": entry.cadre_id is not None,
        },
    )
    return entry


@transaction.atomic
def diary_entry_update(*, actor, entry, visited_on, heard, place="", people_met="", circle="", cadre=None):
    """The author's correction of their entry, as long as it has not been turned into a case (the case
    keeps what was filed)."""
    entry = DiaryEntry.objects.select_for_update(of=("self",)).select_related("grid").get(pk=entry.pk)
    if entry.author_id != actor.pk:
        raise NotPermitted
    if entry.report_id is not None:
        raise ValidationFailed(_("This entry was turned into a case: it can no longer be changed."))
    values = _clean(
        grid=entry.grid,
        visited_on=visited_on,
        place=place,
        people_met=people_met,
        heard=heard,
        circle=circle,
        cadre=cadre,
        actor=actor,
        current_cadre_id=entry.cadre_id,
    )
    before = {f: getattr(entry, f) for f in EDITABLE}
    for name, value in values.items():
        setattr(entry, name, value)
    changed = [f for f in EDITABLE if getattr(entry, f) != before[f]]
    if changed:
        entry.save(update_fields=[f.removesuffix("_id") for f in changed] + ["updated_at"])
        audit_log(
            actor=actor,
            action="diary.update",
            obj=entry,
            # Names of the changed fields only: their values are what was heard.
            changes={"fields": [f.removesuffix("_id") for f in changed]},
        )
    return entry


@transaction.atomic
def diary_entry_to_case(*, actor, entry, subject_name="", subject_unit_text=""):
    """File the entry as a report of the grid-supervisor channel, once. The report is routed like any
    other (to the supervising grid of the cadre it is about, else to the entry's grid). No receipt code is
    handed out: the supervisor follows their own report in the case pages. Returns the report."""
    entry = (
        DiaryEntry.objects.select_for_update(of=("self",)).select_related("grid", "cadre").get(pk=entry.pk)
    )
    if not selectors.diary_entries_for(actor).filter(pk=entry.pk).exists():
        raise NotPermitted
    if not selectors.may_convert(actor, entry):
        raise NotPermitted
    if entry.report_id is not None:
        raise ValidationFailed(_("This entry was already turned into a case."))
    subject_name = (subject_name or "").strip()
    if entry.cadre is None and not subject_name:
        raise ValidationFailed(
            _("The entry names no cadre: give the name of the person it is about."), field="subject_name"
        )
    report, _code = report_submit(
        actor=actor,
        channel=Channel.SUPERVISOR,
        circle=entry.circle or Circle.OTHER,
        what=entry.heard,
        where=entry.place,
        when=entry.visited_on.isoformat(),
        grid=entry.grid,
        subject_cadre=entry.cadre,
        subject_name="" if entry.cadre is not None else subject_name,
        subject_unit_text="" if entry.cadre is not None else (subject_unit_text or "").strip(),
        fallback_path=entry.grid.path,
        # One audit event for the conversion: the intake's, naming the entry.
        intake_details={"diary_entry": str(entry.pk)},
    )
    # The receipt code is dropped here: nobody needs it for a supervisor's own report.
    entry.report = report
    entry.save(update_fields=["report", "updated_at"])
    return report
