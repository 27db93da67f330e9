"""Reads of warning notices and proposals.

Staff reads start from ``notices_for``: the user's reader scope (``reader_scope``: the cadre's supervising
area under a reader role the user holds, the unit at issue for unit liaisons), less the notices of cadres
the user is conflicted with (``cases.selectors.conflicted_cadres``: themselves, a colleague of their unit, a
declared relation). The reader scope is not the user's whole jurisdiction (``for_user``): that is the union
of every area the user holds anything on, grid-team posts and community roles included, and a township
officer of A who sits on a grid team of B would read the notices of B's cadres through it. One exception: a unit
liaison reads and records the follow-ups of their own unit's notices (that is their post, R15), so the
unit link does not recuse them there; being the cadre or having declared a relation to them still does.

The issuers' queue (``proposals_for``) is the proposed adverse findings of the reports they may see
(``cases.selectors.reports_for``, recusal included) that are neither issued nor declined.

The cadre reads their own notices through ``own_notices`` only.
"""

from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone

from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.cases.models import ADVERSE_FINDINGS, Report, ReportStatus
from gridwatch.cases.selectors import conflicted_cadres, covering_paths, reports_for
from gridwatch.core.scoping import get_scope
from gridwatch.core.text import prefix_range
from gridwatch.people.models import Cadre, DeclaredRelation

from .models import COUNTY, NOTICE_TEXTS, FollowUp, FollowUpStatus, NoticeStatus, WarningNotice
from .roles import ISSUERS, READERS

# The report's columns the queue and the issue form read: the texts of the allegation stay encrypted.
REPORT_TEXTS = ("what", "when", "where", "disposal_reason", "status_reason")
PROPOSAL_STATUSES = (ReportStatus.CONCLUDED, ReportStatus.CLOSED)


def _liaison_units(user):
    return RoleAssignment.objects.filter(user=user, role=Role.UNIT_LIAISON).values("unit_id")


def _personally_conflicted(user):
    """The cadres ``user`` is, or declared a relation to."""
    return Cadre.objects.filter(
        Q(user=user) | Q(id__in=DeclaredRelation.objects.filter(user=user).values("cadre_id"))
    ).values("id")


def reader_scope(user):
    """Where ``user`` reads notices: what their reader roles alone give (the office's, county and township
    commission staff's areas, a commission liaison's townships and grid, a unit liaison's unit). Nothing
    else they hold (a grid-team post, a community role) widens it. No query beyond the request's scope."""
    return get_scope(user).narrowed(READERS)


def notices_for(user):
    """The notices ``user`` may read as staff (see the module's docstring)."""
    return (
        WarningNotice.objects.for_scope(reader_scope(user))
        .exclude(cadre_id__in=_personally_conflicted(user))
        .exclude(Q(cadre_id__in=conflicted_cadres(user)) & ~Q(unit_id__in=_liaison_units(user)))
    )


def is_conflicted(user, cadre_id):
    return conflicted_cadres(user).filter(id=cadre_id).exists()


def issuer_paths(user):
    """The area paths on which ``user`` holds an issuer role."""
    return list(
        RoleAssignment.objects.filter(user=user, role__in=list(ISSUERS), area__isnull=False).values_list(
            "area__path", flat=True
        )
    )


def issues_for(user, cadre):
    """Whether ``user`` issues notices for ``cadre``: an issuer role on an area that covers the cadre's
    supervising grid, and no conflict with the cadre."""
    if user is None or not user.is_authenticated:
        return False
    paths = covering_paths(cadre.supervising_path)
    if not RoleAssignment.objects.filter(user=user, role__in=list(ISSUERS), area__path__in=paths).exists():
        return False
    return not is_conflicted(user, cadre.pk)


def is_unit_liaison(user, unit_id):
    """Whether ``user`` is a liaison of the unit ``unit_id``."""
    if user is None or not user.is_authenticated:
        return False
    return RoleAssignment.objects.filter(user=user, role=Role.UNIT_LIAISON, unit_id=unit_id).exists()


def records_for(user, follow_up, notice, *, issuer=None, unit_liaison=None):
    """Whether ``user`` records ``follow_up`` of ``notice``. What the unit owes (the warning education, the
    number one's explanation): the liaisons of the unit at issue, and the issuers too (a unit without a
    liaison's account, an explanation handed in at the commission). What the county side owes (the public
    notification and accountability): the issuers only. The user is assumed to see the notice.

    ``issuer`` (``issues_for(user, notice.cadre)``) and ``unit_liaison`` (``is_unit_liaison(user,
    notice.unit_id)``) may be given by a page that asks for every follow-up of a notice, so that it asks the
    database once; left out, they are looked up."""
    if follow_up.owed_by != COUNTY:
        if unit_liaison is None:
            unit_liaison = is_unit_liaison(user, notice.unit_id)
        if unit_liaison:
            return True
    if issuer is None:
        issuer = issues_for(user, notice.cadre)
    return issuer


def active_count(cadre_id):
    """The cadre's notices that count: every one not withdrawn."""
    return WarningNotice.objects.filter(cadre_id=cadre_id).exclude(status=NoticeStatus.WITHDRAWN).count()


def overdue_q(today=None):
    today = today or timezone.localdate()
    return Exists(
        FollowUp.objects.filter(notice=OuterRef("pk"), status=FollowUpStatus.OPEN, due_on__lt=today)
    )


def notice_list(*, user, status="", overdue=False):
    """The notices ``user`` may read, newest first, with the date of the next open follow-up (one query a
    page). The lists show none of the notice's encrypted texts: they are left unread (not decrypted)."""
    qs = notices_for(user)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q())
    return (
        qs.select_related("cadre", "unit")
        .defer(*NOTICE_TEXTS)
        .annotate(next_due=Min("follow_ups__due_on", filter=Q(follow_ups__status=FollowUpStatus.OPEN)))
        .order_by("-issued_on", "-reference")
    )


def notice_page(queryset):
    """What the page of a notice shows, in a fixed number of queries."""
    return queryset.select_related("cadre__unit", "unit", "issued_by", "decided_by").prefetch_related(
        "follow_ups__recorded_by"
    )


def all_proposals_for(user):
    """The reports proposed for a notice that ``user`` may follow, whether followed already or not."""
    paths = issuer_paths(user)
    if not paths:
        return Report.objects.none()
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(**prefix_range("supervising_path", path))
    return reports_for(user).filter(
        within,
        warning_proposed=True,
        finding__in=ADVERSE_FINDINGS,
        status__in=PROPOSAL_STATUSES,
        subject_cadre__isnull=False,
    )


def proposals_for(user):
    """The reports proposed for a notice that ``user`` may issue (or decline), oldest finding first."""
    return (
        all_proposals_for(user)
        .filter(warning_notice__isnull=True, warning_decline__isnull=True)
        .select_related("subject_cadre__unit")
        .defer(*REPORT_TEXTS)
        .order_by("finding_on", "id")
    )


def own_notices(user):
    """The cadre's own notices, newest first."""
    if user is None or not user.is_authenticated:
        return WarningNotice.objects.none()
    return (
        WarningNotice.objects.filter(cadre__user=user)
        .select_related("unit")
        .order_by("-issued_on", "-reference")
    )
