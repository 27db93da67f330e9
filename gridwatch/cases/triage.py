"""Triage of reports (R13, R16): who the report is about, its circle, whether it is an important matter;
or that it is a duplicate, not accepted, passed to another body, or passed to another level of the county.

Only commission staff who decide on cases (``roles.CASE_DECIDERS``) and who see the report (recusal
included) triage it. Each service is atomic, locks the report, writes one case entry and one audit event;
changing the subject re-routes the report (``routing.route``), which writes a routing entry and event of its
own. No report text, reporter data or free-text reason goes into an audit event (SECURITY.md item 8).

The reads of the triage panel (cadre search, duplicate suggestions, routing history) are here too: each
starts from ``for_user``/``reports_for`` and costs a fixed number of queries.
"""

import datetime
import difflib
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.models import User
from gridwatch.accounts.roles import Role
from gridwatch.accounts.services import notify
from gridwatch.audit.services import audit_log, diff
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.periodic import once
from gridwatch.core.scoping import get_scope
from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area, Level
from gridwatch.people.models import Cadre
from gridwatch.people.selectors import ASCII, cadre_search_q

from .models import CaseEntry, CaseEntryKind, Circle, Report, ReportStatus, RoutedBecause
from .roles import CASE_DECIDERS
from .routing import county_path, level_conflicts, route, township_path
from .selectors import acts_on, conflicted_cadres, conflicted_users, reports_for

REASON_MAX_LENGTH = 1000
BODY_MAX_LENGTH = 100
SEARCH_LIMIT = 20
SEARCH_MAX_LENGTH = 50
# Duplicate suggestions: reports of the same subject within this many days, at most this many compared,
# shown from this similarity of wording on (difflib's ratio over the first characters of the text).
DUPLICATE_WINDOW_DAYS = 90
DUPLICATE_CANDIDATES = 20
DUPLICATE_MIN_RATIO = 0.5
DUPLICATE_COMPARED_CHARS = 1000

# A path's depth (its number of codes) names its level.
PATH_LEVELS = {1: Level.COUNTY, 2: Level.TOWNSHIP, 3: Level.COMMUNITY, 4: Level.GRID}


class InvalidReason(models.TextChoices):
    """Why a report is not accepted (不予受理)."""

    NO_CONTENT = "no_content", _("No content: nothing that could be looked into")
    NOT_CONDUCT = "not_conduct", _("Not about a cadre's conduct outside working hours")
    ABUSIVE = "abusive", _("Abusive or spam")
    OTHER = "other", _("Other")


# Why a report sits where it does, in words the handler can repeat to a colleague.
ROUTING_EXPLANATIONS = {
    RoutedBecause.SUBJECT_GRID: _(
        "It went to the grid that supervises the cadre outside working hours, never to the cadre's own unit."
    ),
    RoutedBecause.FILED_GRID: _(
        "The person reported is not linked to the cadre registry: it went to the grid it was filed from."
    ),
    RoutedBecause.FILER_AREA: _("It went to the area of the staff member who took it."),
    RoutedBecause.COUNTY_FORM: _(
        "It came through the county-wide mailbox and names no cadre of the registry: the county commission "
        "has it."
    ),
    RoutedBecause.GRID_CONFLICTED: _(
        "Everyone in the supervision group of the cadre's grid is conflicted with the cadre (the cadre, a "
        "colleague of the same unit, its liaison or a declared relation): it was passed to the township."
    ),
    RoutedBecause.TOWNSHIP_CONFLICTED: _(
        "The cadre is one of the township's own, or every township commission officer is conflicted: it was "
        "passed to the county commission, and nobody of the township or its grids sees it."
    ),
    RoutedBecause.STAFF: _("Commission staff passed it on; their reason is in the routing history below."),
}

TRIAGE_STATUSES = (ReportStatus.RECEIVED,)
URGENT_STATUSES = (ReportStatus.RECEIVED, ReportStatus.HANDLING)
REROUTE_STATUSES = (ReportStatus.RECEIVED, ReportStatus.HANDLING)


def path_level(path):
    return PATH_LEVELS.get(len(path.strip("/").split("/")), "")


# ------------------------------------------------------------------------------------------- helpers


def _clean_reason(reason, *, required=True, field="reason"):
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed(_("Give the reason."), field=field)
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}, field=field
        )
    return reason


def _locked(actor, report, *also):
    """The report (and ``also``), locked, as the actor sees them; refuses anyone but a decider who sees
    it. Rows are locked in one order, so two triages of two reports never wait on each other forever."""
    if not has_role(actor, *CASE_DECIDERS):
        raise NotPermitted
    ids = [report.pk, *(r.pk for r in also)]
    rows = {r.pk: r for r in reports_for(actor).select_for_update().filter(pk__in=ids).order_by("pk")}
    if report.pk not in rows or not acts_on(actor, rows[report.pk], CASE_DECIDERS):
        raise NotPermitted
    return rows[report.pk], [rows.get(r.pk) for r in also]


def _require_status(report, allowed):
    if report.status not in allowed:
        raise ValidationFailed(
            _("This cannot be done to a report that is “%(status)s”.")
            % {"status": report.get_status_display()}
        )


def _entry(report, kind, actor, *, body="", details=None):
    return CaseEntry.objects.create(report=report, kind=kind, actor=actor, body=body, details=details or {})


def _move(*, actor, report, path, because, reason, action):
    """Put the report at ``path``: one routing entry (from and to, level and why) when the place changes,
    and one audit event unless ``action`` is ``None`` (the caller's own event then records the move)."""
    before = {"supervising_path": report.supervising_path, "routed_because": report.routed_because}
    details = {
        "from": report.supervising_path,
        "to": path,
        "from_level": path_level(report.supervising_path),
        "to_level": path_level(path),
        "because": because,
    }
    moved = path != report.supervising_path
    report.supervising_path, report.routed_because = path, because
    report.save(update_fields=["supervising_path", "routed_because"])
    if moved:
        _entry(report, CaseEntryKind.ROUTING, actor, body=reason, details=details)
    if action is not None:
        after = {"supervising_path": path, "routed_because": because}
        audit_log(actor=actor, action=action, obj=report, changes=diff(before, after))


def _tell_county(*, actor, report):
    """An important matter (重要事项, R13): the county commission staff of the report's county are told at
    once, in the application and by e-mail, except the one who marked it and anyone conflicted with the
    subject. The message names the report, never its content or subject: e-mail leaves the system."""
    recipients = User.objects.filter(
        is_active=True,
        role_assignments__role=Role.COUNTY_STAFF,
        role_assignments__area__path=county_path(report.supervising_path),
    ).exclude(pk=actor.pk)
    if report.subject_cadre_id:
        recipients = recipients.exclude(pk__in=conflicted_users(report.subject_cadre))
    area = Area.objects.filter(path=report.supervising_path).first()
    link = reverse("cases:case_detail", args=[report.pk])
    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Important matter: report %(ref)s") % {"ref": report.reference}
        body = gettext(
            "%(actor)s marked report %(ref)s (%(area)s) as an important matter (重要事项). Open the case "
            "in GridWatch to follow it up."
        ) % {"actor": str(actor), "ref": report.reference, "area": area.name if area else ""}
        for user in recipients.distinct().order_by("pk"):
            notify(user=user, subject=subject, body=body, link=link, email=True)
            told += 1
    return told


# ------------------------------------------------------------------------------------------ services


@transaction.atomic
def report_triage(*, actor, report, subject_cadre=None, circle=None, urgent=None):
    """Link the subject cadre (or change it), set the circle, mark the report urgent. ``None`` leaves a
    value as it is. A new subject re-routes the report. Marking it urgent tells the county commission at
    once, the first time only. The subject and circle change only while the report is received; urgency
    while it is handled too. Returns the report."""
    report, _also = _locked(actor, report)
    changes = {}
    if subject_cadre is not None and subject_cadre.pk != report.subject_cadre_id:
        changes["subject_cadre"] = subject_cadre
    if circle is not None and circle != report.circle:
        if circle not in Circle.values:
            raise ValidationFailed(_("Choose one of the circles."), field="circle")
        changes["circle"] = circle
    if urgent is not None and bool(urgent) != report.urgent:
        changes["urgent"] = bool(urgent)
    if not changes:
        raise ValidationFailed(_("Nothing was changed."))
    if ("subject_cadre" in changes or "circle" in changes) and report.status not in TRIAGE_STATUSES:
        raise ValidationFailed(
            _("The subject and the circle can only be changed while the report waits for triage.")
        )
    if "urgent" in changes:
        _require_status(report, URGENT_STATUSES)
    if "subject_cadre" in changes:
        eligible = Cadre.objects.for_user(actor).exclude(id__in=conflicted_cadres(actor))
        if not eligible.filter(pk=subject_cadre.pk).exists():
            raise ValidationFailed(
                _("Pick a cadre of your jurisdiction whom you are not conflicted with."),
                field="subject_cadre",
            )
    old_cadre = report.subject_cadre
    before = {
        "subject_cadre": str(report.subject_cadre_id) if report.subject_cadre_id else None,
        "circle": report.circle,
        "urgent": report.urgent,
        "supervising_path": report.supervising_path,
        "routed_because": report.routed_because,
    }
    shown = {}
    if "subject_cadre" in changes:
        report.subject_cadre = subject_cadre
        shown["subject_cadre"] = {
            "before": old_cadre.name if old_cadre else None,
            "after": subject_cadre.name,
        }
    if "circle" in changes:
        shown["circle"] = {"before": report.circle, "after": changes["circle"]}
        report.circle = changes["circle"]
    if "urgent" in changes:
        shown["urgent"] = {"before": report.urgent, "after": changes["urgent"]}
        report.urgent = changes["urgent"]
    report.save(update_fields=list(changes))
    entry = _entry(report, CaseEntryKind.TRIAGE, actor, details={"changes": shown})
    if "subject_cadre" in changes:
        path, because = route(
            subject_cadre=report.subject_cadre,
            grid=report.grid,
            fallback_path=report.supervising_path,
            fallback_because=report.routed_because,
        )
        if (path, because) != (report.supervising_path, report.routed_because):
            # One event for the whole triage: the move is in its changes.
            _move(actor=actor, report=report, path=path, because=because, reason="", action=None)
    after = {
        "subject_cadre": str(report.subject_cadre_id) if report.subject_cadre_id else None,
        "circle": report.circle,
        "urgent": report.urgent,
        "supervising_path": report.supervising_path,
        "routed_because": report.routed_because,
    }
    audit_log(actor=actor, action="report.triage", obj=report, changes=diff(before, after))
    # Told once per report, after routing, so that the message names where the report now is.
    if changes.get("urgent") and once(f"report-urgent:{report.pk}"):
        entry.details["county_told"] = _tell_county(actor=actor, report=report)
        entry.save(update_fields=["details"])
    return report


@transaction.atomic
def report_mark_duplicate(*, actor, report, original, reason):
    """Mark a received report as a duplicate (重复件) of another report of the same county the actor
    sees. Never of itself, of a duplicate, nor when others are duplicates of it (no chains)."""
    reason = _clean_reason(reason)
    if original is None or original.pk == report.pk:
        raise ValidationFailed(_("A report cannot be a duplicate of itself."), field="original")
    report, (original_locked,) = _locked(actor, report, original)
    if original_locked is None or county_path(original_locked.supervising_path) != county_path(
        report.supervising_path
    ):
        raise ValidationFailed(_("No report you can see has this reference."), field="original")
    original = original_locked
    _require_status(report, TRIAGE_STATUSES)
    if original.status == ReportStatus.DUPLICATE:
        raise ValidationFailed(
            _("That report is itself a duplicate: mark this one as a duplicate of the report it repeats."),
            field="original",
        )
    if Report.objects.filter(duplicate_of=report).exists():
        raise ValidationFailed(
            _("Other reports are marked as duplicates of this one: it cannot become a duplicate itself."),
            field="original",
        )
    before = report.status
    report.status = ReportStatus.DUPLICATE
    report.duplicate_of = original
    report.status_reason = reason
    report.save(update_fields=["status", "duplicate_of", "status_reason"])
    _entry(
        report,
        CaseEntryKind.DUPLICATE,
        actor,
        body=reason,
        details={"original": original.reference, "original_id": str(original.pk)},
    )
    audit_log(
        actor=actor,
        action="report.duplicate",
        obj=report,
        changes={"status": {"before": before, "after": report.status}, "duplicate_of": str(original.pk)},
    )
    return report


@transaction.atomic
def report_mark_invalid(*, actor, report, reason_kind, reason=""):
    """Not accept a received report (不予受理), for one of ``InvalidReason``; a text is required with
    "other"."""
    if reason_kind not in InvalidReason.values:
        raise ValidationFailed(_("Choose why the report is not accepted."), field="reason_kind")
    reason = _clean_reason(reason, required=reason_kind == InvalidReason.OTHER)
    report, _also = _locked(actor, report)
    _require_status(report, TRIAGE_STATUSES)
    before = report.status
    report.status = ReportStatus.INVALID
    report.status_reason = reason
    report.save(update_fields=["status", "status_reason"])
    _entry(report, CaseEntryKind.INVALID, actor, body=reason, details={"reason": reason_kind})
    audit_log(
        actor=actor,
        action="report.invalid",
        obj=report,
        changes={"status": {"before": before, "after": report.status}, "reason": reason_kind},
    )
    return report


@transaction.atomic
def report_transfer(*, actor, report, to_body, reason):
    """Pass a received report to a body outside GridWatch (转办), e.g. about someone who is not a cadre
    of the county: the body is named and the reason given."""
    to_body = " ".join((to_body or "").split())
    if not to_body:
        raise ValidationFailed(_("Name the body the report is passed to."), field="to_body")
    if len(to_body) > BODY_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep the name under %(max)d characters.") % {"max": BODY_MAX_LENGTH}, field="to_body"
        )
    reason = _clean_reason(reason)
    report, _also = _locked(actor, report)
    _require_status(report, TRIAGE_STATUSES)
    before = report.status
    report.status = ReportStatus.TRANSFERRED
    report.status_reason = reason
    report.save(update_fields=["status", "status_reason"])
    _entry(report, CaseEntryKind.TRANSFER, actor, body=reason, details={"to": to_body})
    audit_log(
        actor=actor,
        action="report.transfer",
        obj=report,
        changes={"status": {"before": before, "after": report.status}, "to": to_body},
    )
    return report


def reroute_refusal(report, area):
    """Why ``report`` may not be put at ``area`` because of a conflict of interest, or ``None``."""
    cadre = report.subject_cadre
    if cadre is None or area.level == Level.COUNTY:
        return None
    grid_id = area.pk if area.level == Level.GRID else None
    conflicts = level_conflicts(cadre, township=township_path(area.path), grid_id=grid_id)
    if conflicts.own_township:
        return _("The cadre is one of this township's own: the township may not handle the report.")
    if conflicts.township_staff:
        return _("Every commission officer of this township is conflicted with the cadre.")
    if conflicts.grid:
        return _("Everyone in this grid's supervision group is conflicted with the cadre.")
    return None


@transaction.atomic
def report_reroute(*, actor, report, to_area, reason):
    """Pass a report to another level or area of its county: county staff down to a township or grid or
    back up to the county, township staff up to the county. Never to a level conflicted with the
    subject."""
    reason = _clean_reason(reason)
    report, _also = _locked(actor, report)
    _require_status(report, REROUTE_STATUSES)
    if to_area is None or to_area.level not in (Level.COUNTY, Level.TOWNSHIP, Level.GRID):
        raise ValidationFailed(_("Choose the county, a township or a grid."), field="to_area")
    if county_path(to_area.path) != county_path(report.supervising_path):
        raise ValidationFailed(_("Choose an area of the report's county."), field="to_area")
    county_wide = has_role(actor, Role.COUNTY_STAFF) and get_scope(actor).covers_path(
        county_path(report.supervising_path)
    )
    if to_area.level != Level.COUNTY and not county_wide:
        raise ValidationFailed(
            _("Township commission staff may pass a report up to the county commission only."),
            field="to_area",
        )
    if to_area.path == report.supervising_path:
        raise ValidationFailed(_("The report is there already."), field="to_area")
    refusal = reroute_refusal(report, to_area)
    if refusal is not None:
        raise ValidationFailed(refusal, field="to_area")
    _move(
        actor=actor,
        report=report,
        path=to_area.path,
        because=RoutedBecause.STAFF,
        reason=reason,
        action="report.reroute",
    )
    return report


# ------------------------------------------------------------------------------------------ reads


def triage_cadres(user):
    """The cadres ``user`` may name as a report's subject: in their jurisdiction, not conflicted."""
    return Cadre.objects.for_user(user).exclude(id__in=conflicted_cadres(user))


def cadre_search(*, user, q, limit=SEARCH_LIMIT, within=None):
    """Cadres for linking a report's subject, by name (any part), full pinyin, pinyin initials or unit
    name; every word of ``q`` must match. One query. ``within``: the cadres searched, when fewer than
    ``triage_cadres(user)`` (the staff intake's: only those serving)."""
    words = (q or "").split()[:4]
    if not words:
        return []
    qs = triage_cadres(user) if within is None else within
    for word in words:
        word = word[:SEARCH_MAX_LENGTH]
        match = cadre_search_q(word) | Q(unit__name__contains=word)
        if not ASCII.match(word):
            match |= Q(name__contains=word)
        qs = qs.filter(match)
    return list(qs.select_related("unit", "supervising_grid__parent").order_by("name_pinyin", "id")[:limit])


@dataclass
class Suggestion:
    report: Report
    similarity: int  # per cent


def duplicate_suggestions(*, user, report):
    """Reports ``user`` sees about the same subject (the same cadre, or the same name while unlinked),
    received within ``DUPLICATE_WINDOW_DAYS`` of this one, whose wording is similar: the most similar
    first. At most ``DUPLICATE_CANDIDATES`` are compared: one query, a bounded cost."""
    if report.subject_cadre_id:
        same = Q(subject_cadre_id=report.subject_cadre_id) | Q(
            subject_cadre__isnull=True, subject_name=report.subject_cadre.name
        )
    elif report.subject_name:
        same = Q(subject_name=report.subject_name) | Q(subject_cadre__name=report.subject_name)
    else:
        return []
    window = datetime.timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        reports_for(user)
        .filter(same)
        .filter(
            received_on__gte=report.received_on - window,
            received_on__lte=report.received_on + window,
            **prefix_range("supervising_path", county_path(report.supervising_path)),
        )
        .exclude(pk=report.pk)
        .exclude(status=ReportStatus.DUPLICATE)
        .select_related("subject_cadre")
        .only("id", "received_on", "status", "subject_name", "what", "subject_cadre", "subject_cadre__name")
        .order_by("-received_on", "id")[:DUPLICATE_CANDIDATES]
    )
    text = report.what[:DUPLICATE_COMPARED_CHARS]
    found = []
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, text, candidate.what[:DUPLICATE_COMPARED_CHARS])
        if matcher.real_quick_ratio() < DUPLICATE_MIN_RATIO or matcher.quick_ratio() < DUPLICATE_MIN_RATIO:
            continue
        ratio = matcher.ratio()
        if ratio >= DUPLICATE_MIN_RATIO:
            found.append(Suggestion(report=candidate, similarity=round(ratio * 100)))
    found.sort(key=lambda s: -s.similarity)
    return found


def report_by_reference(*, user, reference):
    """The report ``user`` sees whose reference (``Report.reference``, 8 hex digits) is ``reference``."""
    reference = (reference or "").strip().lower()
    if len(reference) != 8 or any(c not in "0123456789abcdef" for c in reference):
        return None
    found = list(reports_for(user).filter(id__startswith=reference)[:2])
    return found[0] if len(found) == 1 else None


def routing_history(report):
    return list(
        CaseEntry.objects.filter(report=report, kind=CaseEntryKind.ROUTING)
        .select_related("actor")
        .order_by("at", "id")
    )


def outcome_entry(report):
    """The entry that closed triage (duplicate, not accepted, passed to another body), if any."""
    kind = {
        ReportStatus.DUPLICATE: CaseEntryKind.DUPLICATE,
        ReportStatus.INVALID: CaseEntryKind.INVALID,
        ReportStatus.TRANSFERRED: CaseEntryKind.TRANSFER,
    }.get(report.status)
    if kind is None:
        return None
    return (
        CaseEntry.objects.filter(report=report, kind=kind)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def reroute_targets(*, user, report):
    """Where ``user`` may pass ``report``: the county for every decider; for county staff also each
    township of the county and the grids the report concerns (the subject's, the one it was filed from).
    One query."""
    county = county_path(report.supervising_path)
    wanted = Q(path=county)
    if has_role(user, Role.COUNTY_STAFF) and get_scope(user).covers_path(county):
        wanted |= Q(level=Level.TOWNSHIP, **prefix_range("path", county))
        grids = [report.grid_id]
        if report.subject_cadre_id:
            grids.append(report.subject_cadre.supervising_grid_id)
        wanted |= Q(pk__in=[g for g in grids if g])
    return list(
        Area.objects.filter(wanted)
        .exclude(path=report.supervising_path)
        .select_related("parent__parent__parent")
        .order_by("path")
    )
