"""Reads of the monthly reports and urgent matters. Each starts from the user's jurisdiction
(``for_user``); urgent matters also leave out those about a cadre the user is conflicted with (回避)."""

import datetime

from django.db.models import Min
from django.http import Http404
from django.utils import timezone

from gridwatch.cases.selectors import conflicted_cadres
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from .compile import compile_month, empty_figures
from .models import MonthlyReport, ReportStatus, UrgentMatter

OVERVIEW_MONTHS = 6
LIST_MONTHS = 12


def townships_for(user):
    return Area.objects.for_user(user).filter(level=Level.TOWNSHIP).order_by("path")


def township_for_user_or_404(user, code):
    township = townships_for(user).filter(code=code).first()
    if township is None:
        raise Http404
    return township


def parse_month(value):
    """The first day of the month written ``YYYY-MM``, or 404."""
    if len(value or "") != 7:
        raise Http404
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise Http404 from None


def recent_months(today, count, *, include_current=True):
    """First days of the last ``count`` months, newest first (the running month first if included)."""
    month = today.replace(day=1)
    if not include_current:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    months = []
    for _i in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months


def _in_use(user, months, keep):
    """``months`` (newest first) without those before the first month any township of the user's scope
    wrote a report for (the county was not using the monthly report yet); the first ``keep`` always."""
    first = MonthlyReport.objects.for_user(user).aggregate(first=Min("month"))["first"]
    if first is None:
        return months[:keep]
    return [m for i, m in enumerate(months) if i < keep or m >= first]


def overview_months(user, today):
    """The ended months the county overview shows: the last ``OVERVIEW_MONTHS`` in use, at least two."""
    return _in_use(user, recent_months(today, OVERVIEW_MONTHS, include_current=False), 2)


def list_months(user, today):
    """The months a township's list shows: the running month and the last ``LIST_MONTHS`` in use, at
    least three."""
    return _in_use(user, recent_months(today, LIST_MONTHS), 3)


def report_for(user, township, month):
    """The report row of ``township`` for ``month`` (None while nobody has written to it)."""
    return (
        MonthlyReport.objects.for_user(user)
        .select_related("township", "submitted_by", "received_by")
        .filter(township=township, month=month)
        .first()
    )


def figures_of(report, township, month):
    """The figures the report shows: frozen at submission while the county holds it, else (a draft, or a
    report returned for correction) compiled live."""
    if (
        report is not None
        and report.status in (ReportStatus.SUBMITTED, ReportStatus.RECEIVED)
        and report.snapshot
    ):
        return report.snapshot
    return compile_month(townships=[township], month=month).get(township.pk) or empty_figures(township, month)


def hidden_cadres(user):
    """Ids (str) of the cadres ``user`` is conflicted with: their notable items are not shown to them."""
    return {
        str(pk) for pk in Cadre.objects.filter(id__in=conflicted_cadres(user)).values_list("id", flat=True)
    }


def reports_matrix(user, townships, months, *, figures=False):
    """``{(township id, month): report}`` for the overview: one query. Without the remarks and the return's
    reason (the cells show the state only: nothing is decrypted for them), and without the figures unless
    ``figures`` (the month summary reads them)."""
    deferred = ("remarks", "return_reason") if figures else ("snapshot", "remarks", "return_reason")
    rows = (
        MonthlyReport.objects.for_user(user).filter(township__in=townships, month__in=months).defer(*deferred)
    )
    return {(r.township_id, r.month): r for r in rows}


def transitions_of(report):
    if report is None:
        return []
    return list(report.transitions.select_related("actor").order_by("at", "id"))


# ------------------------------------------------------------------------------------------ urgent matters


def urgent_matters_for(user):
    return UrgentMatter.objects.for_user(user).exclude(cadre_id__in=conflicted_cadres(user))


def urgent_list(user, *, pending_only=False):
    qs = urgent_matters_for(user).select_related(
        "area__parent", "cadre__unit", "reported_by", "acknowledged_by"
    )
    if pending_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.defer("details").order_by("acknowledged_at", "-reported_at", "id")


def urgent_areas(user):
    """Where ``user`` may report from: the townships they are township staff of (and their grids), and the
    grids they lead."""
    from gridwatch.accounts.models import RoleAssignment
    from gridwatch.accounts.roles import Role

    township_paths = list(
        RoleAssignment.objects.filter(user=user, role=Role.TOWNSHIP_STAFF, area__isnull=False).values_list(
            "area__path", flat=True
        )
    )
    led = GridTeamMember.objects.filter(user=user, role=TeamRole.LEADER).values("grid_id")
    from django.db.models import Q

    from gridwatch.core.text import prefix_range

    wanted = Q(id__in=led)
    for path in township_paths:
        wanted |= Q(level__in=[Level.TOWNSHIP, Level.GRID], **prefix_range("path", path))
    return Area.objects.filter(wanted).select_related("parent").order_by("path")


def urgent_cadres(user, areas):
    """The serving cadres supervised in ``areas`` the user is not conflicted with."""
    from django.db.models import Q

    from gridwatch.core.text import prefix_range

    wanted = Q(pk__in=[])
    for area in areas:
        wanted |= Q(**prefix_range("supervising_path", area.path))
    return (
        Cadre.objects.filter(wanted, status=CadreStatus.SERVING)
        .exclude(id__in=conflicted_cadres(user))
        .select_related("unit")
        .order_by("name_pinyin", "id")
    )


def today():
    return timezone.localdate()
