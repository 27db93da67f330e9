"""Inspections of grids (督促检查, R22): reads and writes.

The leading-group office (county-wide) and the commission liaisons (their townships and their grid) record
regular and random inspections of a grid: what they found, the corrections required by a date, and the
cadres concerned. An inspection with corrections stays open until an inspector of the grid's area, or
county commission staff, records the follow-up, which closes it; an open one past its date is overdue.

Reads start from ``inspections_for``: the user's jurisdiction (``Inspection.objects.for_user``: the
inspectors, the county and township commission staff of the area and the grid team of the inspected grid)
minus the inspections naming a cadre the user is conflicted with (回避: themselves, a cadre of their unit, a
declared relation), as for the diary and the register. One such cadre among those named is enough: the
page shows the findings about all of them together. The inspector is no exception (as a diary entry's
author is not): one who declares a relation later no longer reads or follows up the inspection.

Each cadre an inspection names gets a line in their file (一人一档, R1) of the kind "observation": the kind
of inspection and its date, nothing of the findings.
"""

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_log
from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.text import prefix_range
from gridwatch.core.text import untranslated as _msgid
from gridwatch.geography.models import Area, GridTeamMember, Level, Liaison
from gridwatch.people.models import Cadre, CadreFileEntry, CadreStatus, FileEntryKind

from .models import Inspection, InspectionKind, InspectionStatus

TEXT_MAX_LENGTH = 5000
# The list's status filter: the two statuses, and "overdue" (open past the date for corrections).
OVERDUE = "overdue"
FILE_TITLE = gettext_noop("%(kind)s of the grid on %(date)s")


# ----------------------------------------------------------------------------------------------- reads


def overdue_q(today=None):
    today = today or timezone.localdate()
    return Q(status=InspectionStatus.OPEN, correct_by__isnull=False, correct_by__lt=today)


def inspections_for(user):
    """The inspections ``user`` may read: their jurisdiction, less those naming a cadre they are conflicted
    with (one subquery: no query per inspection or per cadre)."""
    named = Inspection.cadres.through.objects.filter(cadre_id__in=conflicted_cadres(user))
    return Inspection.objects.for_user(user).exclude(pk__in=named.values("inspection_id"))


def inspection_list(*, user, kind="", status="", township=None):
    """The inspections ``user`` may read, newest first, each with ``is_overdue``; without the corrections and
    the follow-up (the list shows the start of the findings only: nothing else is decrypted for it)."""
    qs = inspections_for(user)
    if kind:
        qs = qs.filter(kind=kind)
    if status == OVERDUE:
        qs = qs.filter(overdue_q())
    elif status:
        qs = qs.filter(status=status)
    if township is not None:
        qs = qs.filter(**prefix_range("grid__path", township.path))
    return (
        qs.annotate(is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()))
        .defer("corrections", "follow_up")
        .select_related("grid__parent__parent", "inspector")
        .order_by("-inspected_on", "-created_at", "id")
    )


def inspection_for(user, pk):
    """One inspection ``user`` may read (``inspections_for``), with ``is_overdue``; else ``DoesNotExist``."""
    return (
        inspections_for(user)
        .annotate(is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()))
        .select_related("grid__parent__parent", "inspector", "followed_up_by")
        .get(pk=pk)
    )


def list_townships(user):
    """The townships of the reader's jurisdiction, for the list's township filter."""
    return Area.objects.for_user(user).filter(level=Level.TOWNSHIP).order_by("path")


def inspector_paths(user):
    """The area paths ``user`` inspects: the office's area, and a liaison's townships and grid."""
    paths = set(
        RoleAssignment.objects.filter(user=user, role=Role.OFFICE, area__isnull=False).values_list(
            "area__path", flat=True
        )
    )
    liaison = Liaison.objects.filter(user=user).select_related("grid").prefetch_related("townships").first()
    if liaison is not None:
        paths.add(liaison.grid.path)
        paths.update(t.path for t in liaison.townships.all())
    return sorted(paths)


def _closer_paths(user):
    county = RoleAssignment.objects.filter(user=user, role=Role.COUNTY_STAFF, area__isnull=False)
    return inspector_paths(user) + list(county.values_list("area__path", flat=True))


def inspection_grids(user):
    """The grids ``user`` may inspect."""
    q = Q(pk__in=[])
    for path in inspector_paths(user):
        q |= Q(**prefix_range("path", path))
    return Area.objects.filter(q, level=Level.GRID).select_related("parent__parent").order_by("path")


def may_close(user, inspection):
    """Whether ``user`` is one who follows up inspections of its grid: an inspector of the grid's area, or
    county commission staff."""
    return any(inspection.grid.path.startswith(path) for path in _closer_paths(user))


def may_follow_up(user, inspection):
    """``may_close``, while the inspection is open."""
    return inspection.status == InspectionStatus.OPEN and may_close(user, inspection)


def cadre_choices(user, grid):
    """The cadres an inspection of ``grid`` may name: the serving cadres supervised in the grid and the
    cadres on its grid team, less those ``user`` is conflicted with."""
    team = GridTeamMember.objects.filter(grid=grid).values("user_id")
    return (
        Cadre.objects.filter(Q(supervising_grid=grid) | Q(user_id__in=team), status=CadreStatus.SERVING)
        .exclude(id__in=conflicted_cadres(user))
        .select_related("unit")
        .order_by("name_pinyin", "id")
    )


# ---------------------------------------------------------------------------------------------- writes


def _text(value, *, field, required_message=None):
    value = (value or "").strip()
    if required_message and not value:
        raise ValidationFailed(required_message, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationFailed(_("Keep it under %(n)d characters.") % {"n": TEXT_MAX_LENGTH}, field=field)
    return value


@transaction.atomic
def inspection_record(
    *, actor, grid, kind, inspected_on, findings, corrections="", correct_by=None, cadres=()
):
    """An inspection of ``grid`` by an inspector of its area. With corrections it is open until followed
    up (and needs the date they are due); without, there is nothing to follow and it is closed at once."""
    if not inspection_grids(actor).filter(pk=grid.pk).exists():
        raise NotPermitted
    if kind not in InspectionKind.values:
        raise ValidationFailed(_("Choose regular or random inspection."), field="kind")
    today = timezone.localdate()
    if inspected_on is None:
        raise ValidationFailed(_("Give the date of the inspection."), field="inspected_on")
    if inspected_on > today:
        raise ValidationFailed(_("The date cannot be in the future."), field="inspected_on")
    findings = _text(findings, field="findings", required_message=_("Write what the inspection found."))
    corrections = _text(corrections, field="corrections")
    if corrections and correct_by is None:
        raise ValidationFailed(_("Give the date the corrections are due."), field="correct_by")
    if not corrections and correct_by is not None:
        raise ValidationFailed(
            _("Write the corrections required, or leave the date empty."), field="corrections"
        )
    if correct_by is not None and correct_by < inspected_on:
        raise ValidationFailed(_("The corrections cannot be due before the inspection."), field="correct_by")
    cadres = list(cadres)
    allowed = set(
        cadre_choices(actor, grid).filter(pk__in=[c.pk for c in cadres]).values_list("pk", flat=True)
    )
    if any(c.pk not in allowed for c in cadres):
        raise ValidationFailed(_("Name only cadres of the inspected grid."), field="cadres")
    inspection = Inspection.objects.create(
        grid=grid,
        kind=kind,
        inspected_on=inspected_on,
        inspector=actor,
        findings=findings,
        corrections=corrections,
        correct_by=correct_by,
        status=InspectionStatus.OPEN if corrections else InspectionStatus.CLOSED,
    )
    if cadres:
        inspection.cadres.set(cadres)
        date = inspected_on.isoformat()
        details = {
            "inspection": str(inspection.pk),
            "inspection_kind": kind,
            "date": date,
            "title_params": {"kind": _msgid(InspectionKind(kind).label), "date": date},
        }
        now = timezone.now()
        CadreFileEntry.objects.bulk_create(
            CadreFileEntry(
                cadre=cadre,
                at=now,
                kind=FileEntryKind.OBSERVATION,
                title=FILE_TITLE,
                details=details,
                recorded_by=actor,
            )
            for cadre in cadres
        )
    audit_log(
        actor=actor,
        action="inspection.record",
        obj=inspection,
        changes={
            "grid": grid.code,
            "kind": kind,
            "inspected_on": inspected_on,
            "correct_by": correct_by,
            "status": inspection.status,
            "cadres": len(cadres),
        },
    )
    return inspection


@transaction.atomic
def inspection_follow_up(*, actor, inspection, follow_up):
    """Record how the corrections were followed up, and close the inspection."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",)).select_related("grid").get(pk=inspection.pk)
    )
    if not inspections_for(actor).filter(pk=inspection.pk).exists():
        raise NotPermitted
    if inspection.status != InspectionStatus.OPEN:
        raise ValidationFailed(_("This inspection is already closed."))
    if not may_follow_up(actor, inspection):
        raise NotPermitted
    follow_up = _text(
        follow_up, field="follow_up", required_message=_("Write how the corrections were checked.")
    )
    inspection.follow_up = follow_up
    inspection.status = InspectionStatus.CLOSED
    inspection.followed_up_at = timezone.now()
    inspection.followed_up_by = actor
    inspection.save(update_fields=["follow_up", "status", "followed_up_at", "followed_up_by", "updated_at"])
    audit_log(
        actor=actor,
        action="inspection.follow_up",
        obj=inspection,
        changes={
            "status": {"before": InspectionStatus.OPEN, "after": InspectionStatus.CLOSED},
            "late": inspection.correct_by is not None and inspection.correct_by < timezone.localdate(),
        },
    )
    return inspection
