"""Writes of the monthly report and urgent matters. Each is atomic, checks who may act, writes a transition
row (reports) and one audit event. No audit event holds the remarks, a return's reason or an urgent
matter's details: only what happened (SECURITY.md item 8)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.accounts.services import notify
from gridwatch.audit.services import audit_log
from gridwatch.cases.models import Circle
from gridwatch.cases.selectors import conflicted_cadres, covering_paths
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.geography.models import GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre

from . import workflow
from .compile import compile_month, month_bounds
from .models import MonthlyReport, ReportStatus, ReportTransition, UrgentMatter

REMARKS_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 100
DETAILS_MAX_LENGTH = 5000


def county_staff_over(path):
    """The county commission staff whose area covers ``path``."""
    return [
        ra.user
        for ra in RoleAssignment.objects.filter(role=Role.COUNTY_STAFF, area__path__in=covering_paths(path))
        .select_related("user")
        .order_by("user_id")
        if ra.user.is_active
    ]


def township_staff_of(township):
    return [
        ra.user
        for ra in RoleAssignment.objects.filter(role=Role.TOWNSHIP_STAFF, area=township)
        .select_related("user")
        .order_by("user_id")
        if ra.user.is_active
    ]


def _report_link(township, month):
    return reverse("monthly:report_detail", args=[township.code, month.strftime("%Y-%m")])


def _locked_report(*, township, month, create):
    """The report row, locked; created as a draft when ``create`` and missing."""
    month = month_bounds(month)[0]
    report = (
        MonthlyReport.objects.select_for_update(of=("self",)).filter(township=township, month=month).first()
    )
    if report is None and create:
        try:
            with transaction.atomic():
                MonthlyReport.objects.create(township=township, month=month)
        except IntegrityError:  # created at the same moment by someone else
            pass
        report = MonthlyReport.objects.select_for_update(of=("self",)).get(township=township, month=month)
    return report


def _check_township(township):
    if township.level != Level.TOWNSHIP:
        raise ValidationFailed(_("A monthly report belongs to a township."))


@transaction.atomic
def report_remarks_save(*, actor, township, month, remarks):
    """The township staff's remarks on their report, while they hold it (draft or returned)."""
    _check_township(township)
    if not workflow.holds_role_over(actor, Role.TOWNSHIP_STAFF, township.path):
        raise NotPermitted
    report = _locked_report(township=township, month=month, create=True)
    if report.status not in workflow.EDITABLE_STATUSES:
        raise ValidationFailed(_("The report was sent to the county: its remarks can no longer be changed."))
    remarks = (remarks or "").strip()[:REMARKS_MAX_LENGTH]
    if remarks != report.remarks:
        report.remarks = remarks
        report.save(update_fields=["remarks", "updated_at"])
        audit_log(actor=actor, action="monthly.remarks", obj=report, changes={"length": len(remarks)})
    return report


def _transition(*, report, action, actor, reason=""):
    target, sources, role = workflow.ACTIONS[action]
    if report.status not in sources:
        raise ValidationFailed(
            _("This cannot be done to a report that is %(status)s.")
            % {"status": ReportStatus(report.status).label.lower()}
        )
    before = report.status
    report.status = target
    ReportTransition.objects.create(
        report=report,
        action=action,
        from_status=before,
        to_status=target,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    return before


@transaction.atomic
def report_submit(*, actor, township, month, remarks=None):
    """Send the township's report for a month that is over to the county: the figures are compiled and
    frozen, lateness is decided at the first submission, and the county staff are told."""
    _check_township(township)
    if not workflow.holds_role_over(actor, Role.TOWNSHIP_STAFF, township.path):
        raise NotPermitted
    today = timezone.localdate()
    month = month_bounds(month)[0]
    if not workflow.month_is_over(month, today):
        raise ValidationFailed(
            _("The month is not over yet: its report can be sent from the 1st of next month.")
        )
    report = _locked_report(township=township, month=month, create=True)
    before = _transition(report=report, action=workflow.SUBMIT, actor=actor)
    if remarks is not None:
        report.remarks = remarks.strip()[:REMARKS_MAX_LENGTH]
    first = report.submitted_at is None
    if first:
        report.late = workflow.is_late(month, today)
    report.snapshot = compile_month(townships=[township], month=month)[township.pk]
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.return_reason = ""
    report.save(
        update_fields=[
            "status",
            "remarks",
            "late",
            "snapshot",
            "submitted_at",
            "submitted_by",
            "return_reason",
            "updated_at",
        ]
    )
    audit_log(
        actor=actor,
        action="monthly.submit",
        obj=report,
        changes={"from": before, "late": report.late, "again": not first},
    )
    params = {"township": township.name, "month": month.strftime("%Y-%m")}
    if report.late:
        subject = _("Monthly report of %(township)s for %(month)s submitted (late)") % params
    else:
        subject = _("Monthly report of %(township)s for %(month)s submitted") % params
    for user in county_staff_over(township.path):
        notify(
            user=user,
            subject=subject,
            body=_("Open it to receive it or return it."),
            link=_report_link(township, month),
        )
    return report


@transaction.atomic
def report_receive(*, actor, report):
    """The county staff accept a submitted report."""
    report = (
        MonthlyReport.objects.select_for_update(of=("self",)).select_related("township").get(pk=report.pk)
    )
    if not workflow.holds_role_over(actor, Role.COUNTY_STAFF, report.township.path):
        raise NotPermitted
    before = _transition(report=report, action=workflow.RECEIVE, actor=actor)
    report.received_at = timezone.now()
    report.received_by = actor
    report.save(update_fields=["status", "received_at", "received_by", "updated_at"])
    audit_log(actor=actor, action="monthly.receive", obj=report, changes={"from": before})
    return report


@transaction.atomic
def report_return(*, actor, report, reason):
    """The county staff send a submitted report back for correction, saying why; the township staff are
    told."""
    report = (
        MonthlyReport.objects.select_for_update(of=("self",)).select_related("township").get(pk=report.pk)
    )
    if not workflow.holds_role_over(actor, Role.COUNTY_STAFF, report.township.path):
        raise NotPermitted
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise ValidationFailed(_("Say what is to be corrected."), field="reason")
    before = _transition(report=report, action=workflow.RETURN, actor=actor, reason=reason)
    report.return_reason = reason
    report.save(update_fields=["status", "return_reason", "updated_at"])
    audit_log(actor=actor, action="monthly.return", obj=report, changes={"from": before})
    params = {"month": report.month.strftime("%Y-%m")}
    for user in township_staff_of(report.township):
        notify(
            user=user,
            subject=_("Monthly report for %(month)s returned for correction") % params,
            body=_("Open it to read the county's reason, correct it and send it again."),
            link=_report_link(report.township, report.month),
            email=True,
        )
    return report


# ------------------------------------------------------------------------------------------ urgent matters


def _may_report_from(actor, area):
    if (
        area.level == Level.GRID
        and GridTeamMember.objects.filter(user=actor, grid=area, role=TeamRole.LEADER).exists()
    ):
        return True
    if area.level in (Level.TOWNSHIP, Level.GRID):
        return workflow.holds_role_over(actor, Role.TOWNSHIP_STAFF, area.path)
    return False


@transaction.atomic
def urgent_matter_create(*, actor, area, circle, title, details, cadre=None, report=None):
    """An important matter, reported at once: the county commission staff over the area are told now (in
    the application, by e-mail and SMS). The message names the area, never the details."""
    if not _may_report_from(actor, area):
        raise NotPermitted
    title = (title or "").strip()[:TITLE_MAX_LENGTH]
    details = (details or "").strip()[:DETAILS_MAX_LENGTH]
    if not title:
        raise ValidationFailed(_("Give the matter a short title."), field="title")
    if not details:
        raise ValidationFailed(_("Write what happened."), field="details")
    if circle not in Circle.values:
        raise ValidationFailed(_("Choose a circle."), field="circle")
    if cadre is not None:
        if not cadre.supervising_path.startswith(area.path):
            raise ValidationFailed(_("Pick a cadre supervised in this area."), field="cadre")
        if Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(actor)).exists():
            raise ValidationFailed(
                _("You may not report on this cadre: you are conflicted (回避)."), field="cadre"
            )
    matter = UrgentMatter.objects.create(
        area=area,
        cadre=cadre,
        circle=circle,
        title=title,
        details=details,
        reported_by=actor,
        reported_at=timezone.now(),
        report=report,
    )
    audit_log(
        actor=actor,
        action="urgent.create",
        obj=matter,
        object_label=area.name,
        changes={
            "area": area.code,
            "circle": circle,
            "about_a_cadre": cadre is not None,
            "case": bool(report),
        },
    )
    link = reverse("monthly:urgent_detail", args=[matter.pk])
    subject = _("Urgent matter reported from %(area)s") % {"area": area.name}
    for user in county_staff_over(area.path):
        if cadre is not None and Cadre.objects.filter(pk=cadre.pk, id__in=conflicted_cadres(user)).exists():
            continue
        notify(
            user=user,
            subject=subject,
            body=_("Open it in the urgent matters inbox."),
            link=link,
            email=True,
            sms=True,
        )
    return matter


@transaction.atomic
def urgent_matter_acknowledge(*, actor, matter):
    """The county staff confirm they have taken the matter up (once)."""
    matter = UrgentMatter.objects.select_for_update(of=("self",)).select_related("area").get(pk=matter.pk)
    if not workflow.holds_role_over(actor, Role.COUNTY_STAFF, matter.area.path):
        raise NotPermitted
    if matter.acknowledged_at is not None:
        raise ValidationFailed(_("This matter was already acknowledged."))
    matter.acknowledged_at = timezone.now()
    matter.acknowledged_by = actor
    matter.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    audit_log(actor=actor, action="urgent.acknowledge", obj=matter, object_label=matter.area.name)
    return matter
