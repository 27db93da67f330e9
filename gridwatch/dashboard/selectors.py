"""The analysis pack's figures (廉情分析会, R15), and the reads of recorded meetings.

Every figure is counted from the selector of the list it summarises, so a reader never counts a row that
list would not show them: ``cases.selectors.reports_for`` (jurisdiction and recusal),
``supervision.card_selectors.cards_for``, ``supervision.selectors.diary_entries_for`` and
``supervision.inspections.inspections_for`` (recusal too), ``monthly.selectors.urgent_matters_for`` and
``MonthlyReport.objects.for_user``, ``formal_warnings.selectors.notices_for``. Each part is a handful of
aggregate queries (``values(...).annotate(Count(...))`` or ``aggregate(Count(..., filter=...))``), whatever
the number of rows.

Every part is also restricted to the reader's *pack scope* (``pack_scope``: the areas of their pack-reader
roles and liaison links only, not a grid post or unit-liaison unit held besides), and computed only for a
reader of the list it summarises (a part they may not list is left out of the pack).

The pack is plain data (numbers, codes, ISO dates): the page, the exports and a meeting's frozen snapshot
are all drawn from it. A snapshot also keeps, under ``counted``, the ids of the cadres its recusal-sensitive
figures count; ``snapshot_for_reader`` drops it and hides those figures from a reader recused from one. It holds counts only; the one list of names (the cadres at the ladder's thresholds,
``ladder_cadres``) is added for readers of warning notices and never frozen into a meeting's record.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from gridwatch.accounts.jurisdiction import has_role, user_roles
from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import COUNTY_WIDE_ROLES, Role
from gridwatch.cases import deadlines
from gridwatch.cases.models import (
    OPEN_STATUSES,
    Channel,
    Circle,
    Clarification,
    ClarificationStatus,
    Finding,
    ReportStatus,
)
from gridwatch.cases.roles import CASE_READERS
from gridwatch.cases.selectors import conflicted_cadres, reports_for
from gridwatch.core.scoping import get_scope
from gridwatch.core.text import prefix_range
from gridwatch.formal_warnings import roles as warning_roles
from gridwatch.formal_warnings import selectors as warning_selectors
from gridwatch.formal_warnings.models import FollowUp, FollowUpKind, FollowUpStatus, NoticeStatus
from gridwatch.formal_warnings.roles import READERS as WARNING_READERS
from gridwatch.geography.models import Area, Level
from gridwatch.monthly import workflow as monthly_workflow
from gridwatch.monthly.models import MonthlyReport
from gridwatch.monthly.models import ReportStatus as MonthlyStatus
from gridwatch.monthly.roles import READERS as MONTHLY_READERS
from gridwatch.monthly.roles import URGENT_READERS
from gridwatch.monthly.selectors import urgent_matters_for
from gridwatch.supervision.card_selectors import cards_for
from gridwatch.supervision.inspections import inspections_for
from gridwatch.supervision.inspections import overdue_q as inspection_overdue_q
from gridwatch.supervision.models import CardStatus, InspectionKind, InspectionStatus
from gridwatch.supervision.roles import CARD_READERS, DIARY_READERS, INSPECTION_READERS
from gridwatch.supervision.selectors import diary_entries_for

from .models import AnalysisMeeting
from .roles import PACK_READERS

PACK_VERSION = 2
# The ladder's thresholds (R15): at 3 notices the number one explains in writing, at 5 the unit is notified.
LADDER_THRESHOLDS = (3, 5)


def _within(field, scope, township):
    """Rows of ``scope`` (a ``PackScope``), and under ``township`` when one is chosen (or the county a
    meeting is held on; ``None``: the whole pack scope)."""
    q = scope.q(field)
    return q & Q(**prefix_range(field, township.path)) if township is not None else q


def _covers(area, township):
    """Whether ``township`` lies in ``area`` (the county, the township itself; ``None``: everywhere)."""
    return area is None or township.path.startswith(area.path)


def _dates(field, period):
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _ids(queryset, *fields):
    """The distinct non-null cadre ids in ``fields`` of ``queryset``, as sorted strings: one query."""
    ids = set()
    for row in queryset.order_by().values_list(*fields).distinct():
        ids.update(str(value) for value in row if value is not None)
    return sorted(ids)


# ---------------------------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class PackScope:
    """Where the pack reads: the areas of the user's pack-reader roles only (``roles.PACK_READERS``), never
    the grid-team posts, community roles or unit-liaison units the same user may also hold (those widen the
    user's jurisdiction for other lists, not the pack).

    ``paths``: every area path (minimal); ``county_paths``: those of the county-wide roles (the office,
    county staff); ``township_paths``: the townships of township staff and the liaison's townships."""

    paths: tuple = ()
    county_paths: tuple = ()
    township_paths: tuple = ()

    def q(self, field):
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**prefix_range(field, path))
        return q


def pack_scope(user):
    """The ``PackScope`` of ``user``, from what their pack-reader roles alone give (``Scope.narrowed``). No
    query beyond the request's scope."""
    scope = get_scope(user).narrowed(PACK_READERS)
    # A township's path is the county's and its own code: a liaison's grid, further down, is not one.
    townships = {p for p in scope.paths_of({Role.TOWNSHIP_STAFF, Role.LIAISON}) if p.count("/") == 2}
    return PackScope(
        paths=scope.area_paths,
        county_paths=tuple(sorted(scope.paths_of(COUNTY_WIDE_ROLES))),
        township_paths=tuple(sorted(townships)),
    )


def pack_townships(user):
    """The townships of the reader's pack scope, for the scope select and the rows by township."""
    return list(
        Area.objects.filter(pack_scope(user).q("path"), level=Level.TOWNSHIP)
        .select_related("parent")
        .order_by("path")
    )


def pack_township(townships, code):
    """The township chosen by its ``code`` among ``townships`` (``None`` for no code); another code is
    outside the reader's jurisdiction, the same 404 as one that does not exist."""
    if not code:
        return None
    for township in townships:
        if township.code == code:
            return township
    raise Http404


def county_wide(user):
    return has_role(user, *COUNTY_WIDE_ROLES)


def scope_of(user, township, townships):
    """``{"code", "name", "level", "partial"}`` of what the pack covers: the township chosen, else the
    county (for county-wide roles) or "all your areas". ``partial``: a township that is less than the
    reader's whole pack scope is chosen (the lists that cannot filter by township then show more)."""
    if township is not None:
        partial = pack_scope(user).paths != (township.path,)
        return {"code": township.code, "name": township.name, "level": township.level, "partial": partial}
    county = townships[0].parent if townships and townships[0].parent_id else None
    if county_wide(user) and county is not None:
        return {"code": county.code, "name": county.name, "level": Level.COUNTY, "partial": False}
    return {"code": "", "name": "", "level": "", "partial": False}


# ---------------------------------------------------------------------------------------------- cases


def case_figures(user, scope, period, township, townships, today, *, counted=None):
    """Reports received in the period (by township, circle, channel and status now, and how many of them
    are overdue now), what is open and overdue now whenever it came in, the findings concluded in the period
    by kind, and the clarifications approved in it. Five queries; a sixth for ``counted`` (a dict): the
    cadres of the reports counted, under ``"cases"``."""
    reports = reports_for(user).filter(_within("supervising_path", scope, township))
    received = reports.filter(_dates("received_on", period))
    overdue = deadlines.overdue_q(today)
    by_circle = dict.fromkeys(Circle.values, 0)
    by_channel = dict.fromkeys(Channel.values, 0)
    by_status = dict.fromkeys(ReportStatus.values, 0)
    total = overdue_received = 0
    for row in (
        received.order_by()
        .values("circle", "channel", "status")
        .annotate(n=Count("id"), overdue=Count("id", filter=overdue))
    ):
        total += row["n"]
        overdue_received += row["overdue"]
        by_circle[row["circle"]] = by_circle.get(row["circle"], 0) + row["n"]
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    # By the area each report sits in (at most one row per grid), then summed per township here.
    by_path = received.order_by().values("supervising_path").annotate(n=Count("id"))
    rows = {t.code: 0 for t in townships if _covers(township, t)}
    elsewhere = 0
    for row in by_path:
        code = next((t.code for t in townships if row["supervising_path"].startswith(t.path)), None)
        if code in rows:
            rows[code] += row["n"]
        else:
            elsewhere += row["n"]
    now = reports.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue),
    )
    findings = dict.fromkeys(Finding.values, 0)
    for row in (
        reports.filter(_dates("finding_on", period))
        .exclude(finding="")
        .order_by()
        .values("finding")
        .annotate(n=Count("id"))
    ):
        findings[row["finding"]] = row["n"]
    # Through the report's path and the recusal subquery, as ``reports_for`` reads them: never the report
    # scope as a list.
    approved = Clarification.objects.filter(
        _within("report__supervising_path", scope, township),
        _dates("decided_on", period),
        status=ClarificationStatus.APPROVED,
    ).exclude(report__subject_cadre_id__in=conflicted_cadres(user))
    clarifications = approved.count()
    if counted is not None:
        counted["cases"] = _ids(
            reports.filter(
                _dates("received_on", period)
                | Q(status__in=OPEN_STATUSES)
                | overdue
                | (_dates("finding_on", period) & ~Q(finding=""))
                | Q(pk__in=approved.values("report_id"))
            ),
            "subject_cadre_id",
        )
    return {
        "received": total,
        "received_overdue": overdue_received,
        "by_township": [{"code": code, "n": n} for code, n in rows.items()],
        "elsewhere": elsewhere,
        "by_circle": by_circle,
        "by_channel": by_channel,
        "by_status": by_status,
        "open_now": now["open"],
        "overdue_now": now["overdue"],
        "findings": findings,
        "concluded": sum(findings.values()),
        "clarifications": clarifications,
    }


# -------------------------------------------------------------------------------------------- monthly


def monthly_figures(user, scope, period, township, townships, today, *, roles, counted=None):
    """For each month of the period begun by today: how many townships sent their report on time, late,
    had it returned for correction, or have not sent it (for readers of the monthly reports); and the
    urgent matters reported in the period (for readers of urgent matters). Two queries at most (and one
    for ``counted``: the cadres of the urgent matters counted)."""
    result = {}
    if roles & MONTHLY_READERS:
        result.update(_monthly_reports(user, scope, period, township, townships, today))
    if roles & URGENT_READERS:
        urgent = urgent_matters_for(user).filter(
            _within("area__path", scope, township),
            reported_at__gte=_aware(period.start),
            reported_at__lt=_aware(period.end),
        )
        result["urgent"] = urgent.count()
        if counted is not None:
            counted["urgent"] = _ids(urgent, "cadre_id")
    return result


def _monthly_reports(user, scope, period, township, townships, today):
    running = today.replace(day=1)
    months = [m for m in period.months() if m <= running]
    counted = [t for t in townships if _covers(township, t)]
    rows = {m: {"on_time": 0, "late": 0, "returned": 0} for m in months}
    sent = (MonthlyStatus.SUBMITTED, MonthlyStatus.RECEIVED)
    if months:
        reports = (
            MonthlyReport.objects.for_user(user)
            .filter(_within("township__path", scope, township), month__in=months)
            .order_by()
            .values("month", "status", "late")
            .annotate(n=Count("id"))
        )
        for row in reports:
            cell = rows[row["month"]]
            if row["status"] in sent:
                cell["late" if row["late"] else "on_time"] += row["n"]
            elif row["status"] == MonthlyStatus.RETURNED:
                cell["returned"] += row["n"]
    out = []
    for month in months:
        cell = rows[month]
        due = monthly_workflow.due_date(month)
        if not monthly_workflow.month_is_over(month, today):
            state = "running"
        elif today <= due:
            state = "not_due"
        else:
            state = "past_due"
        out.append(
            {
                "month": f"{month:%Y-%m}",
                "due": due.isoformat(),
                "state": state,
                **cell,
                "not_sent": max(len(counted) - cell["on_time"] - cell["late"] - cell["returned"], 0),
            }
        )
    return {"townships": len(counted), "months": out}


# ---------------------------------------------------------------------------------------- supervision


def supervision_figures(user, scope, period, township, today, *, roles, counted=None):
    """The supervision cards of the period's months by status (and the items of concern on those sent),
    the sentiment diary entries of visits in the period, the inspections made in it by kind, and the
    inspections whose corrections are open and overdue now; each for the readers of its list only. Three
    queries at most (and three for ``counted``: the cadres of the cards, of the diary entries and of the
    inspections counted)."""
    result = {}
    if roles & CARD_READERS:
        cards = cards_for(user).filter(_within("grid__path", scope, township), _dates("month", period))
        figures = cards.aggregate(
            total=Count("id"),
            **{status: Count("id", filter=Q(status=status)) for status in CardStatus.values},
            concerns=Sum(
                "concern_count", filter=Q(status__in=[CardStatus.SUBMITTED, CardStatus.REVIEWED]), default=0
            ),
        )
        result["cards"] = {status: figures[status] for status in CardStatus.values}
        result["cards_total"] = figures["total"]
        result["concerns"] = figures["concerns"] or 0
        if counted is not None:
            counted["cards"] = _ids(cards, "cadre_id")
    if roles & DIARY_READERS:
        diary = diary_entries_for(user).filter(
            _within("grid__path", scope, township), _dates("visited_on", period)
        )
        result["diary"] = diary.count()
        if counted is not None:
            counted["diary"] = _ids(diary, "cadre_id", "report__subject_cadre_id")
    if roles & INSPECTION_READERS:
        in_period = _dates("inspected_on", period)
        rows = inspections_for(user).filter(_within("grid__path", scope, township))
        inspections = rows.aggregate(
            total=Count("id", filter=in_period),
            **{kind: Count("id", filter=in_period & Q(kind=kind)) for kind in InspectionKind.values},
            open_now=Count("id", filter=Q(status=InspectionStatus.OPEN)),
            overdue_now=Count("id", filter=inspection_overdue_q(today)),
        )
        result["inspections"] = {kind: inspections[kind] for kind in InspectionKind.values}
        result["inspections_total"] = inspections["total"]
        result["inspections_open_now"] = inspections["open_now"]
        result["inspections_overdue_now"] = inspections["overdue_now"]
        if counted is not None:
            # The cadres named by the inspections counted: those of the period, and those open now (the
            # overdue ones are open).
            counted["inspections"] = _ids(
                rows.filter(in_period | Q(status=InspectionStatus.OPEN)), "cadres__id"
            )
    return result


# ------------------------------------------------------------------------------------------- warnings


def may_see_names(user):
    """The cadres at the ladder's thresholds are named only to readers of warning notices."""
    return has_role(user, *warning_roles.READERS)


def warning_figures(user, scope, period, township, today, *, with_names, counted=None):
    """Notices issued in the period by status now; notices in force and under appeal now; the follow-ups
    open past their date, by kind, and the notices that have one; the cadres whose notices that count (not
    withdrawn) reach 3 and 5. Three queries (and one for ``counted``: the cadres of the notices counted)."""
    notices = warning_selectors.notices_for(user).filter(_within("cadre__supervising_path", scope, township))
    in_period = _dates("issued_on", period)
    late_follow_up = Q(status=FollowUpStatus.OPEN, due_on__lt=today)
    figures = notices.aggregate(
        issued=Count("id", filter=in_period),
        **{f"issued_{s}": Count("id", filter=in_period & Q(status=s)) for s in NoticeStatus.values},
        in_force_now=Count("id", filter=Q(status=NoticeStatus.IN_FORCE)),
        appealed_now=Count("id", filter=Q(status=NoticeStatus.APPEALED)),
        with_overdue=Count("id", filter=Q(warning_selectors.overdue_q(today))),
    )
    overdue = dict.fromkeys(FollowUpKind.values, 0)
    for row in (
        FollowUp.objects.filter(late_follow_up, notice__in=notices)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    ):
        overdue[row["kind"]] = row["n"]
    fields = ("cadre_id", "cadre__name") if with_names else ("cadre_id",)
    at_threshold = list(
        notices.exclude(status=NoticeStatus.WITHDRAWN)
        .order_by()
        .values(*fields)
        .annotate(n=Count("id"))
        .filter(n__gte=LADDER_THRESHOLDS[0])
    )
    result = {
        "issued": figures["issued"],
        "issued_by_status": {s: figures[f"issued_{s}"] for s in NoticeStatus.values},
        "in_force_now": figures["in_force_now"],
        "appealed_now": figures["appealed_now"],
        "notices_overdue_now": figures["with_overdue"],
        "follow_ups_overdue_now": overdue,
        "cadres_at_3": sum(1 for row in at_threshold if row["n"] >= LADDER_THRESHOLDS[0]),
        "cadres_at_5": sum(1 for row in at_threshold if row["n"] >= LADDER_THRESHOLDS[1]),
    }
    if counted is not None:
        counted["warnings"] = _ids(notices.filter(in_period | ~Q(status=NoticeStatus.WITHDRAWN)), "cadre_id")
    if with_names:
        result["ladder_cadres"] = sorted(
            ({"name": row["cadre__name"], "n": row["n"]} for row in at_threshold),
            key=lambda row: (-row["n"], row["name"]),
        )
    return result


# ----------------------------------------------------------------------------------------------- pack


def analysis_pack(*, user, period, township, townships, today=None, with_names=False, record=False):
    """The figures of the pack for ``period`` over ``township`` (``None``: the reader's pack scope), as
    plain data. ``townships`` are the reader's (``pack_townships``); ``with_names`` adds the cadres at the
    ladder's thresholds (for readers of warning notices only: ``may_see_names``). A part is left out when
    the reader does not hold the reader roles of the list it summarises.

    ``record``: for a meeting's snapshot, ``counted`` keeps the ids of the cadres whose rows the
    recusal-sensitive figures count (never shown), so that ``snapshot_for_reader`` can hide those figures
    from a reader recused from one of them."""
    today = today or timezone.localdate()
    scope = pack_scope(user)
    roles = pack_roles(user)
    counted = {} if record else None
    pack = {
        "version": PACK_VERSION,
        "period": period.key,
        "as_of": today.isoformat(),
        "scope": scope_of(user, township, townships),
        "townships": {t.code: t.name for t in townships if _covers(township, t)},
    }
    if roles & CASE_READERS:
        pack["cases"] = case_figures(user, scope, period, township, townships, today, counted=counted)
    pack["monthly"] = monthly_figures(
        user, scope, period, township, townships, today, roles=roles, counted=counted
    )
    pack["supervision"] = supervision_figures(
        user, scope, period, township, today, roles=roles, counted=counted
    )
    if roles & WARNING_READERS:
        pack["warnings"] = warning_figures(
            user, scope, period, township, today, with_names=with_names, counted=counted
        )
    if record:
        pack["counted"] = counted
    return pack


# What a snapshot holds, section by section: (pack part, its keys or ``None`` for the whole part, the roles
# that read the list it summarises, the ``counted`` key of the cadres its rows are about or ``None``). The
# same gates as ``analysis_pack`` applies when it counts.
SECTIONS = (
    ("cases", None, CASE_READERS, "cases"),
    ("warnings", None, WARNING_READERS, "warnings"),
    ("monthly", ("townships", "months"), MONTHLY_READERS, None),
    ("monthly", ("urgent",), URGENT_READERS, "urgent"),
    ("supervision", ("cards", "cards_total", "concerns"), CARD_READERS, "cards"),
    ("supervision", ("diary",), DIARY_READERS, "diary"),
    (
        "supervision",
        ("inspections", "inspections_total", "inspections_open_now", "inspections_overdue_now"),
        INSPECTION_READERS,
        "inspections",
    ),
)


def pack_roles(user):
    """The user's roles that open the pack (``roles.PACK_READERS``). The pack's sections are gated on these
    only, so that a grid-team, community or unit post held beside them adds no section, as it adds no area
    (``pack_scope``)."""
    return user_roles(user) & set(PACK_READERS)


def snapshot_for_reader(user, snapshot):
    """A meeting's ``snapshot`` as ``user`` may read it, without its ``counted`` ids (never shown):

    - a section is left out when the reader does not read the list it summarises (a liaison and the urgent
      matters), as in their live pack;
    - a section counted from rows about cadres is left out when the reader is recused from one of *its*
      cadres (``recused`` is then set, for a note); the other sections stay.
    - a section whose cadres the snapshot did not keep is left out for every reader (``unchecked``, for a
      note of its own: the reader is not said to be recused).

    One query (none for a snapshot that counted no cadre). A snapshot without its ids cannot be checked:
    its sections about cadres stay hidden (fail closed), and so does a section whose ids it lacks (the
    inspections of a meeting recorded before their cadres were kept)."""
    if not snapshot:
        return snapshot
    shown = {key: (dict(value) if isinstance(value, dict) else value) for key, value in snapshot.items()}
    counted = shown.pop("counted", None)
    roles = pack_roles(user)
    ids = sorted({i for values in (counted or {}).values() for i in values})
    conflicted = (
        {str(pk) for pk in conflicted_cadres(user).filter(id__in=ids).values_list("id", flat=True)}
        if ids
        else set()
    )
    recused = unchecked = False
    for part, keys, readers, counted_key in SECTIONS:
        if part not in shown:
            continue
        if keys is not None and not any(key in shown[part] for key in keys):
            continue  # not a figure of the recorder's pack: nothing to show or hide
        hide = not (roles & readers)
        if not hide and counted_key is not None:
            about = (counted or {}).get(counted_key)
            if about is None:
                hide = unchecked = True  # kept before its cadres were: it cannot be checked, nor said to be
            elif set(about) & conflicted:
                hide = recused = True
        if not hide:
            continue
        if keys is None:
            del shown[part]
        else:
            shown[part] = {k: v for k, v in shown[part].items() if k not in keys}
    if recused:
        shown["recused"] = True
    if unchecked:
        shown["unchecked"] = True
    return shown


# ------------------------------------------------------------------------------------------- meetings


def meetings_for(user):
    """The meetings ``user`` may read, from their pack-reader roles only (``pack_scope``): the office and
    county staff those of their county and its townships; township staff and liaisons those of their own
    townships only (not the county's, which count the other townships too; a liaison whose grid lies in
    another township does not read that township's). Grid posts, community roles and unit-liaison units
    give none."""
    scope = pack_scope(user)
    wanted = Q(pk__in=[])
    for path in scope.county_paths:
        wanted |= Q(**prefix_range("area__path", path))
    if scope.township_paths:
        wanted |= Q(area__path__in=list(scope.township_paths), area__level=Level.TOWNSHIP)
    return AnalysisMeeting.objects.filter(wanted)


def meeting_list(user):
    return (
        meetings_for(user)
        .select_related("area", "recorded_by")
        .defer("snapshot")
        .order_by("-held_on", "-created_at")
    )


def meeting_for_user_or_404(user, pk):
    try:
        return meetings_for(user).select_related("area", "recorded_by").get(pk=pk)
    except (AnalysisMeeting.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def meeting_areas(user):
    """Where ``user`` may record a meeting: the county they hold a county-wide role on, and its townships."""
    from .roles import RECORDERS

    county_paths = list(
        RoleAssignment.objects.filter(
            user=user, role__in=list(RECORDERS), area__level=Level.COUNTY
        ).values_list("area__path", flat=True)
    )
    wanted = Q(pk__in=[])
    for path in county_paths:
        wanted |= Q(path=path) | Q(level=Level.TOWNSHIP, **prefix_range("path", path))
    return Area.objects.filter(wanted).order_by("path")
