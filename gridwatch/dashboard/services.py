"""Writes of integrity analysis meetings: recording one (with the pack's figures frozen) and adding a
correction note beneath it. Each is one transaction with one audit event that names the meeting, its scope
and its period, never what was said."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed

from . import selectors
from .models import TEXT_MAX_LENGTH, AnalysisMeeting, MeetingCorrection
from .roles import RECORDERS


def _text(value, *, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationFailed(_("Keep it to %(n)s characters.") % {"n": TEXT_MAX_LENGTH}, field=field)
    return value


@transaction.atomic
def meeting_record(*, actor, area, held_on, period, attendees, problems, decisions, today=None):
    """Record a meeting held on ``area`` (the county or one of its townships) about ``period``
    (``periods.Period``), freezing the pack's figures as ``actor`` sees them now."""
    today = today or timezone.localdate()
    if not has_role(actor, *RECORDERS) or not selectors.meeting_areas(actor).filter(pk=area.pk).exists():
        raise NotPermitted()
    if held_on is None:
        raise ValidationFailed(_("Give the day the meeting was held."), field="held_on")
    if held_on > today:
        raise ValidationFailed(_("The meeting cannot be recorded before it is held."), field="held_on")
    if period.start > today:
        raise ValidationFailed(_("The period discussed has not begun yet."), field="period")
    if held_on < period.start:
        raise ValidationFailed(
            _("The meeting was held before the period it discusses began: check the day or the period."),
            field="held_on",
        )
    attendees = _text(attendees, field="attendees", message=_("Say who attended."))
    problems = _text(problems, field="problems", message=_("Write down the problems found."))
    decisions = _text(decisions, field="decisions", message=_("Write down the decisions and tasks."))
    # The county's figures are those under its path: a recorder holding roles in two counties (a province
    # deployment) records each county's meeting with that county's figures only.
    snapshot = selectors.analysis_pack(
        user=actor,
        period=period,
        township=area,
        townships=selectors.pack_townships(actor),
        today=today,
        with_names=False,
        record=True,
    )
    meeting = AnalysisMeeting.objects.create(
        area=area,
        held_on=held_on,
        period=period.key,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.last_day,
        attendees=attendees,
        problems=problems,
        decisions=decisions,
        snapshot=snapshot,
        recorded_by=actor,
    )
    audit_log(
        actor=actor,
        action="analysis_meeting.record",
        obj=meeting,
        changes={"area": area.code, "period": period.key, "held_on": held_on.isoformat()},
    )
    return meeting


@transaction.atomic
def meeting_correct(*, actor, meeting, text):
    """Add a correction note beneath ``meeting``'s record (which stays as it was)."""
    if (
        not has_role(actor, *RECORDERS)
        or not selectors.meeting_areas(actor).filter(pk=meeting.area_id).exists()
    ):
        raise NotPermitted()
    text = _text(text, field="text", message=_("Write the correction."))
    meeting = AnalysisMeeting.objects.select_for_update().get(pk=meeting.pk)
    correction = MeetingCorrection.objects.create(meeting=meeting, text=text, written_by=actor)
    audit_log(
        actor=actor,
        action="analysis_meeting.correct",
        obj=meeting,
        changes={"correction": correction.pk},
    )
    return correction
