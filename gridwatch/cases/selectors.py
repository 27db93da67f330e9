"""Reads of reports. Each starts from ``for_user`` and leaves out, for every user, the reports their
conflicts of interest forbid (回避): the selector, not the view, is where recusal holds."""

from django.db.models import Q

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.people.models import Cadre, DeclaredRelation

from .models import Report, ReporterIdentity, ReportMessage
from .receipts import receipt_hash, receipt_slow_matches

IDENTITY_REVEAL = "report.identity_reveal"


def conflicted_cadres(user):
    """A subquery of the cadres ``user`` may not handle: themselves, the cadres of a unit they hold a unit
    role on or belong to, and the cadres they declared a relation to."""
    liaison_units = RoleAssignment.objects.filter(user=user, role=Role.UNIT_LIAISON).values("unit_id")
    own_units = Cadre.objects.filter(user=user).values("unit_id")
    return Cadre.objects.filter(
        Q(user=user)
        | Q(unit_id__in=liaison_units)
        | Q(unit_id__in=own_units)
        | Q(id__in=DeclaredRelation.objects.filter(user=user).values("cadre_id"))
    ).values("id")


def reports_for(user):
    return Report.objects.for_user(user).exclude(subject_cadre_id__in=conflicted_cadres(user))


def report_list(*, user, circle=None, channel=None):
    qs = reports_for(user)
    if circle:
        qs = qs.filter(circle=circle)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.select_related("subject_cadre__unit", "grid__parent").order_by("-received_on", "id")


def report_messages(report):
    return ReportMessage.objects.filter(report=report).order_by("id")


def report_by_receipt(code):
    """The report a (normalised) receipt code belongs to, or ``None``."""
    if not code:
        return None
    report = Report.objects.filter(receipt_hash=receipt_hash(code)).first()
    if report is None or not receipt_slow_matches(code, report.receipt_slow_hash):
        return None
    return report


def identity_given(report):
    return ReporterIdentity.objects.filter(report=report).exists()


def identity_reveals(report):
    """Who revealed the reporter's identity, when and why: the audit events themselves, so the list and
    the audit trail can never disagree."""
    return AuditEvent.objects.filter(
        action=IDENTITY_REVEAL, object_type="cases.report", object_id=str(report.pk)
    ).order_by("seq")
