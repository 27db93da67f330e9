"""Reads of reports. Each starts from ``for_user`` and leaves out, for every user, the reports their
conflicts of interest forbid (回避): the selector, not the view, is where recusal holds."""

import re

from django.db.models import Q
from django.utils import timezone

from gridwatch.accounts.models import RoleAssignment, User
from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.people.models import Cadre, DeclaredRelation

from .deadlines import DUE_FIELD, Limit, is_pending, overdue_q
from .models import OPEN_STATUSES, Report, ReporterIdentity, ReportMessage
from .receipts import receipt_hash, receipt_slow_matches

IDENTITY_REVEAL = "report.identity_reveal"
REPORT_VIEW = "report.view"
# A report's reference, or its beginning: hex digits of the id (Report.reference).
REFERENCE_RE = re.compile(r"[0-9A-Fa-f]{4,8}")


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


def conflicted_user_sources(cadre):
    """Where the users conflicted with ``cadre`` come from, as querysets of ``user_id`` (no ordering, no
    NULL): every account of a cadre of the same unit (the cadre's own included), the unit's liaisons, and
    those who declared a relation to the cadre. ``conflicted_users`` reads these three; ``routing.
    level_conflicts`` writes the same three into its one statement by hand (a test keeps them in step)."""
    return (
        Cadre.objects.filter(unit_id=cadre.unit_id, user__isnull=False).order_by().values("user_id"),
        RoleAssignment.objects.filter(role=Role.UNIT_LIAISON, unit_id=cadre.unit_id)
        .order_by()
        .values("user_id"),
        DeclaredRelation.objects.filter(cadre_id=cadre.pk).order_by().values("user_id"),
    )


def conflicted_users(cadre):
    """The mirror of ``conflicted_cadres``: a subquery of the users who may not handle a report about
    ``cadre`` (``conflicted_user_sources``). No NULL is in it, so ``exclude(user_id__in=...)`` is safe."""
    colleagues, liaisons, relations = conflicted_user_sources(cadre)
    return User.objects.filter(Q(pk__in=colleagues) | Q(pk__in=liaisons) | Q(pk__in=relations)).values("pk")


def covering_paths(path):
    """``path`` and every area path above it: the areas whose roles reach a report at ``path``."""
    parts = path.strip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def acts_on(user, report, roles):
    """Whether ``user`` holds one of ``roles`` on an area that covers ``report``. A role held elsewhere does
    not count: a township officer of A who sits on a grid team of B sees B's grid reports as a grid team
    member, and may not decide on them as a township officer."""
    from gridwatch.accounts.jurisdiction import TEAM_ROLE_TO_ROLE
    from gridwatch.geography.models import GridTeamMember

    if user is None or not user.is_authenticated:
        return False
    paths = covering_paths(report.supervising_path)
    if RoleAssignment.objects.filter(user=user, role__in=list(roles), area__path__in=paths).exists():
        return True
    posts = [post for post, role in TEAM_ROLE_TO_ROLE.items() if role in roles]
    return (
        bool(posts)
        and GridTeamMember.objects.filter(user=user, role__in=posts, grid__path__in=paths).exists()
    )


def reports_for(user, *, wide=False):
    """The reports ``user`` may see, less those they are recused from. ``wide`` gives the same rows with the
    scope written as a prefix match, for reading one page of a scope of more than a thousand reports:
    SQLite never serves ``LIKE 'p%'`` from the path index (its ``LIKE`` ignores case), so it walks
    ``report_list_order_idx`` and stops after a page instead of sorting the whole scope (the range of
    ``for_user`` is the better plan for a small scope; docs/performance.md, "the case list")."""
    qs = Report.objects.for_user(user, prefix_match=wide)
    return qs.exclude(subject_cadre_id__in=conflicted_cadres(user))


def report_next_due(report):
    """The earliest time limit still pending on ``report`` (``deadlines.is_pending``: the same rules as the
    overdue filter, ``deadlines.overdue_q``), or ``None``."""
    return min(
        (getattr(report, DUE_FIELD[limit]) for limit in Limit if is_pending(report, limit)),
        default=None,
    )


def report_list(
    *, user, circle=None, channel=None, status=None, urgent=False, mine=False, overdue=False, q="", wide=False
):
    """The reports ``user`` may see, filtered: ``status`` is one status or ``"open"``; ``q`` a reference
    (the first hex digits of the id) or a subject's name. Urgent reports first, then the newest. ``wide``:
    see ``reports_for``."""
    qs = reports_for(user, wide=wide)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if circle:
        qs = qs.filter(circle=circle)
    if channel:
        qs = qs.filter(channel=channel)
    if urgent:
        qs = qs.filter(urgent=True)
    if mine:
        qs = qs.filter(handler=user)
    if overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    if q:
        found = Q(subject_name__contains=q) | Q(subject_cadre__name__contains=q)
        if REFERENCE_RE.fullmatch(q):
            found |= Q(id__startswith=q.lower())
        qs = qs.filter(found)
    return qs.select_related("subject_cadre__unit", "grid__parent", "handler").order_by(
        "-urgent", "-received_on", "id"
    )


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
