"""Handling a report once it is in (issue 3, part 4): the handler, the disposal (问题线索处置), time limits and
their extensions, notes and evidence, the finding, the replies to the reporter and closing.

Each service is atomic, locks the report, checks that the actor holds the right role *and* sees the report
through ``selectors.reports_for`` (so recusal holds here as on the pages), writes one line of the case
history (``CaseEntry``, with the reason) and one audit event. Audit events never hold report text, reasons,
summaries or anything about the reporter (SECURITY.md item 8): those stay in the encrypted fields.

Which step is possible when (``ACTIONS``), and for whom, is decided here: ``available_actions`` tells the
case page which forms to show.
"""

import datetime

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.models import RoleAssignment
from gridwatch.accounts.roles import Role
from gridwatch.accounts.services import notify
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.text import untranslated as _msgid
from gridwatch.core.workdays import add_working_days
from gridwatch.people.models import CadreFileEntry, FileEntryKind

from . import deadlines
from .models import (
    ADVERSE_FINDINGS,
    OPEN_STATUSES,
    CaseEntry,
    CaseEntryKind,
    Circle,
    Disposal,
    Finding,
    MessageKind,
    Report,
    ReporterIdentity,
    ReportMessage,
    ReportStatus,
)
from .roles import CASE_DECIDERS, CASE_STAFF
from .routing import county_path
from .selectors import acts_on, conflicted_users, covering_paths, reports_for

TEXT_MAX_LENGTH = 5000
# Disposals that are a verification and so must end with a finding (核实结论).
FINDING_REQUIRED = (Disposal.TALK_LETTER, Disposal.PRELIMINARY)
NOTE_KINDS = (CaseEntryKind.NOTE, CaseEntryKind.EVIDENCE)
REPLY_KINDS = (MessageKind.ACCEPTANCE, MessageKind.RESULT)


class ReplyWay(models.TextChoices):
    MESSAGE = "message", gettext_lazy("Message read with the receipt code")
    PHONE = "phone", gettext_lazy("By phone")
    LETTER = "letter", gettext_lazy("By letter")
    IN_PERSON = "in_person", gettext_lazy("In person")


# Reports set aside in triage: the reporter is still told the outcome (not accepted, a duplicate, passed on).
SET_ASIDE = (ReportStatus.DUPLICATE, ReportStatus.INVALID, ReportStatus.TRANSFERRED)
RESULT_STATUSES = (ReportStatus.CONCLUDED, *SET_ASIDE)

# action -> (roles that may take it, statuses it may be taken from)
ACTIONS = {
    "assign": (CASE_DECIDERS, OPEN_STATUSES),
    "dispose": (CASE_DECIDERS, (ReportStatus.RECEIVED, ReportStatus.HANDLING)),
    "extend": (CASE_DECIDERS, (ReportStatus.HANDLING, ReportStatus.CONCLUDED)),
    "note": (CASE_STAFF, tuple(ReportStatus)),
    "conclude": (CASE_DECIDERS, (ReportStatus.HANDLING,)),
    "reply": (CASE_DECIDERS, (ReportStatus.HANDLING, *RESULT_STATUSES)),
    "close": (CASE_DECIDERS, (ReportStatus.CONCLUDED,)),
}


# ----------------------------------------------------------------------------------------- who may act


def decider_assignments(report, roles=CASE_DECIDERS):
    """The decider posts whose area covers the report, held by active users who are not conflicted."""
    qs = RoleAssignment.objects.filter(
        role__in=roles, area__path__in=covering_paths(report.supervising_path), user__is_active=True
    )
    if report.subject_cadre_id:
        qs = qs.exclude(user_id__in=conflicted_users(report.subject_cadre))
    return qs.select_related("user", "area").order_by("area__path", "user__username")


def handler_candidates(report):
    """Users who may be made the handler: commission staff (county or township) who see the report."""
    seen, users = set(), []
    for ra in decider_assignments(report):
        if ra.user_id not in seen:
            seen.add(ra.user_id)
            users.append(ra.user)
    return users


def county_staff_for(report):
    seen, users = set(), []
    for ra in decider_assignments(report, roles=(Role.COUNTY_STAFF,)):
        if ra.user_id not in seen:
            seen.add(ra.user_id)
            users.append(ra.user)
    return users


def can_see(user, report):
    return reports_for(user).filter(pk=report.pk).exists()


def responsible_users(report):
    """Who is told when a time limit falls due: the handler, or without one (or one who may no longer see
    the report), the deciders of the nearest level that has any (一级抓一级: a township's cases go to the
    township's staff, the county's to the county's)."""
    handler = report.handler
    if handler is not None and handler.is_active and can_see(handler, report):
        return [handler]
    assignments = list(decider_assignments(report))
    if not assignments:
        return []
    nearest = max(len(ra.area.path) for ra in assignments)
    seen, users = set(), []
    for ra in assignments:
        if len(ra.area.path) == nearest and ra.user_id not in seen:
            seen.add(ra.user_id)
            users.append(ra.user)
    return users


def _action_open(report, action):
    """Whether ``action`` makes sense for the report as it is (roles aside)."""
    if report.status not in ACTIONS[action][1]:
        return False
    if action == "extend":
        return any(deadlines.is_pending(report, limit) for limit in deadlines.EXTENDABLE)
    if action == "reply":
        return bool(reply_kinds_open(report))
    return True


def reply_kinds_open(report):
    kinds = []
    if report.accepted_on is not None and report.acceptance_replied_on is None:
        if report.status in (ReportStatus.HANDLING, ReportStatus.CONCLUDED):
            kinds.append(MessageKind.ACCEPTANCE)
    if report.status in RESULT_STATUSES and report.result_replied_on is None:
        kinds.append(MessageKind.RESULT)
    return kinds


def available_actions(report, user):
    """The steps ``user`` may take on ``report`` now; the case page shows a form for these only. The user
    is assumed to see the report (the page is reached through ``reports_for``)."""
    actions = set()
    # Roles count only where they are held over the report's area (selectors.acts_on).
    deciding = acts_on(user, report, CASE_DECIDERS)
    staffing = deciding or acts_on(user, report, CASE_STAFF)
    for action, (roles, _sources) in ACTIONS.items():
        allowed = deciding if roles == CASE_DECIDERS else staffing
        if allowed and _action_open(report, action):
            actions.add(action)
    # Closing waits for the replies: the page says so instead of offering a button that would refuse.
    if "close" in actions and close_refusal(report) is not None:
        actions.discard("close")
    return actions


def _begin(actor, report, action):
    """Check role and visibility, lock the report and check its status. Returns the locked, fresh row."""
    roles, sources = ACTIONS[action]
    if actor is None or not acts_on(actor, report, roles) or not can_see(actor, report):
        raise NotPermitted
    # ``of=("self",)``: PostgreSQL cannot lock the nullable side of the joins.
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("subject_cadre", "handler")
        .get(pk=report.pk)
    )
    if locked.status not in sources:
        raise ValidationFailed(
            _("This step is not possible now: the report is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _text(value, *, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationFailed(
            _("Keep it to %(max)s characters at most.") % {"max": TEXT_MAX_LENGTH}, field=field
        )
    return value


def _entry(report, kind, actor, body="", **details):
    return CaseEntry.objects.create(report=report, kind=kind, body=body, details=details, actor=actor)


def _link(report):
    return reverse("cases:case_detail", args=[report.pk])


# --------------------------------------------------------------------------------------------- services


@transaction.atomic
def report_assign(*, actor, report, handler, note=""):
    """Make ``handler`` (county or township commission staff who see the report and are not conflicted)
    the report's handler, and tell them."""
    report = _begin(actor, report, "assign")
    if handler is None:
        raise ValidationFailed(_("Choose the handler."), field="handler")
    if not (handler.is_active and acts_on(handler, report, CASE_DECIDERS) and can_see(handler, report)):
        raise ValidationFailed(
            _(
                "%(name)s cannot handle this report: only commission staff who see it and are not conflicted can."
            )
            % {"name": handler},
            field="handler",
        )
    if handler.pk == report.handler_id:
        raise ValidationFailed(_("%(name)s is already the handler.") % {"name": handler}, field="handler")
    note = (note or "").strip()[:TEXT_MAX_LENGTH]
    before = report.handler
    report.handler = handler
    report.save(update_fields=["handler"])
    _entry(
        report,
        CaseEntryKind.ASSIGNMENT,
        actor,
        note,
        handler=handler.pk,
        handler_label=str(handler),
        before_label=str(before) if before else "",
    )
    audit_log(
        actor=actor,
        action="report.assign",
        obj=report,
        changes={
            "handler": {"before": before.get_username() if before else "", "after": handler.get_username()}
        },
    )
    with translation.override(settings.LANGUAGE_CODE):  # the site's language, not the actor's
        if handler.pk != actor.pk:
            notify(
                user=handler,
                subject=_("You are the handler of report %(ref)s") % {"ref": report.reference},
                body=_("Open the case to see the report and its time limits."),
                link=_link(report),
                email=True,
            )
    return report


@transaction.atomic
def report_dispose(*, actor, report, disposal, reason):
    """Decide how the report is disposed of. From *received* this accepts it (受理): the verification time
    limit starts; while *being handled* it changes the disposal. Either way with a reason. A township that
    hands a report over (移送) hands it to the county commission: the report moves to the county's level."""
    report = _begin(actor, report, "dispose")
    if disposal not in Disposal.values:
        raise ValidationFailed(_("Choose the disposal."), field="disposal")
    reason = _text(reason, field="reason", message=_("Give the reason for the disposal."))
    if report.status == ReportStatus.HANDLING and report.disposal == disposal:
        raise ValidationFailed(_("The report already has this disposal."), field="disposal")
    today = timezone.localdate()
    before, status_before = report.disposal, report.status
    accepting = report.status == ReportStatus.RECEIVED
    fields = ["disposal", "disposal_reason", "disposal_on", "disposal_by"]
    if accepting:
        report.status = ReportStatus.HANDLING
        report.accepted_on = today
        report.verify_due = deadlines.verify_due(today)
        fields += ["status", "accepted_on", "verify_due"]
    report.disposal, report.disposal_reason = disposal, reason
    report.disposal_on, report.disposal_by = today, actor
    to_county = county_path(report.supervising_path)
    handed_to_county = disposal == Disposal.HANDED_OVER and report.supervising_path != to_county
    if handed_to_county:
        report.supervising_path = to_county
        fields.append("supervising_path")
        if report.handler is not None and not has_role(report.handler, Role.COUNTY_STAFF):
            report.handler = None
            fields.append("handler")
    report.save(update_fields=fields)
    _entry(
        report,
        CaseEntryKind.DISPOSAL,
        actor,
        reason,
        disposal=disposal,
        before=before,
        accepted=accepting,
        handed_to_county=handed_to_county,
    )
    changes = {"disposal": {"before": before, "after": disposal}}
    if accepting:
        changes["status"] = {"before": status_before, "after": report.status}
    if handed_to_county:
        changes["handed_to_county"] = True
    audit_log(actor=actor, action="report.dispose", obj=report, changes=changes)
    with translation.override(settings.LANGUAGE_CODE):  # the site's language, not the actor's
        if handed_to_county:
            for user in county_staff_for(report):
                notify(
                    user=user,
                    subject=_("Report %(ref)s handed over to the county commission")
                    % {"ref": report.reference},
                    body=_("A township handed the report over to the county commission's procedure."),
                    link=_link(report),
                    email=True,
                )
    return report


@transaction.atomic
def report_extend(*, actor, report, limit, days, reason):
    """Move a running time limit (verification or the result reply) by 1–30 working days, with a reason."""
    report = _begin(actor, report, "extend")
    if limit not in [str(item) for item in deadlines.EXTENDABLE]:
        raise ValidationFailed(_("Choose the time limit to extend."), field="limit")
    limit = deadlines.Limit(limit)
    if not deadlines.is_pending(report, limit):
        raise ValidationFailed(
            _("This time limit is not running: there is nothing to extend."), field="limit"
        )
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= deadlines.EXTENSION_MAX_DAYS:
        raise ValidationFailed(
            _("Extend by 1 to %(max)s working days.") % {"max": deadlines.EXTENSION_MAX_DAYS}, field="days"
        )
    reason = _text(reason, field="reason", message=_("Give the reason for the extension."))
    field = deadlines.DUE_FIELD[limit]
    before = getattr(report, field)
    after = add_working_days(before, days)
    setattr(report, field, after)
    report.save(update_fields=[field])
    _entry(
        report,
        CaseEntryKind.EXTENSION,
        actor,
        reason,
        limit=limit.value,
        days=days,
        before=before.isoformat(),
        after=after.isoformat(),
    )
    audit_log(
        actor=actor,
        action="report.extend",
        obj=report,
        changes={"limit": limit.value, "days": days, field: {"before": before, "after": after}},
    )
    return report


@transaction.atomic
def report_note_add(*, actor, report, body, kind=CaseEntryKind.NOTE):
    """A handler's note or a piece of evidence in words, kept encrypted in the case history. Case staff who
    see the report (grid teams too) may add one at any stage."""
    report = _begin(actor, report, "note")
    if kind not in NOTE_KINDS:
        raise ValidationFailed(_("Choose whether it is a note or evidence."), field="kind")
    body = _text(body, field="body", message=_("Write the note."))
    entry = _entry(report, kind, actor, body)
    audit_log(actor=actor, action="report.note_add", obj=report, changes={"kind": str(kind)})
    return entry


@transaction.atomic
def report_conclude(*, actor, report, finding="", summary, warning_proposed=False):
    """Record the conclusion of a report being handled. A talk or letter inquiry and a preliminary
    verification end with a finding and its summary (the verified facts in neutral words: the cadre may
    read them); a shelved, closed or handed-over report may end with a conclusion alone. The result reply
    falls due 15 working days later. An adverse finding goes into the cadre's file; a suspected false
    accusation is recorded as referred upward and the county commission is told."""
    report = _begin(actor, report, "conclude")
    finding = finding or ""
    if finding and finding not in Finding.values:
        raise ValidationFailed(_("Choose the finding."), field="finding")
    if not finding and report.disposal in FINDING_REQUIRED:
        raise ValidationFailed(
            _("Record the finding: a talk or letter inquiry and a preliminary verification end with one."),
            field="finding",
        )
    if finding:
        message = _("Write the verified facts in neutral words: the cadre may read them.")
    else:
        message = _("Write the conclusion.")
    summary = _text(summary, field="summary", message=message)
    warning_proposed = bool(warning_proposed)
    if warning_proposed and finding not in ADVERSE_FINDINGS:
        raise ValidationFailed(
            _("Only a substantiated or partly substantiated finding can be proposed for a warning notice."),
            field="warning_proposed",
        )
    today = timezone.localdate()
    report.finding = finding
    report.finding_summary = summary if finding else ""
    report.finding_on, report.finding_by = today, actor
    report.warning_proposed = warning_proposed
    report.status = ReportStatus.CONCLUDED
    report.result_reply_due = deadlines.result_reply_due(today)
    report.save(
        update_fields=[
            "finding",
            "finding_summary",
            "finding_on",
            "finding_by",
            "warning_proposed",
            "status",
            "result_reply_due",
        ]
    )
    _entry(
        report,
        CaseEntryKind.FINDING,
        actor,
        summary,
        finding=finding,
        disposal=report.disposal,
        warning_proposed=warning_proposed,
    )
    file_entry = None
    if finding in ADVERSE_FINDINGS and report.subject_cadre_id:
        file_entry = _finding_file_entry(report, actor)
    county_staff = None
    if finding == Finding.FALSE_SUSPECTED:
        _entry(report, CaseEntryKind.NOTE, actor, referred_upward=True)
        county_staff = county_staff_for(report)
        with translation.override(settings.LANGUAGE_CODE):  # the site's language, not the actor's
            for user in county_staff:
                notify(
                    user=user,
                    subject=_("Report %(ref)s: suspected false accusation referred upward")
                    % {"ref": report.reference},
                    body=_(
                        "Only a prefecture-level commission may confirm a false accusation. Refer the case to it."
                    ),
                    link=_link(report),
                    email=True,
                )
    with translation.override(settings.LANGUAGE_CODE):  # the site's language, not the actor's
        if report.urgent and not has_role(actor, Role.COUNTY_STAFF):
            for user in county_staff if county_staff is not None else county_staff_for(report):
                notify(
                    user=user,
                    subject=_("Urgent report %(ref)s concluded") % {"ref": report.reference},
                    body=_("The township commission recorded its conclusion on an urgent report."),
                    link=_link(report),
                    email=True,
                )
    audit_log(
        actor=actor,
        action="report.conclude",
        obj=report,
        changes={
            "finding": finding,
            "warning_proposed": warning_proposed,
            "status": {"before": ReportStatus.HANDLING, "after": ReportStatus.CONCLUDED},
            "file_entry": file_entry is not None,
        },
    )
    return report


def _finding_file_entry(report, actor):
    """The verified finding in the cadre's file (一人一档): the finding, the circle, the date and the
    summary of verified facts. Never the reporter, the channel, the report's wording or the grid it came
    from. The summary is the entry's ``note``, encrypted like the report's own copy (the plain ``details``
    keep only codes and the date), and the text the file timeline shows."""
    finding = Finding(report.finding)
    return CadreFileEntry.objects.create(
        cadre_id=report.subject_cadre_id,
        at=timezone.now(),
        kind=FileEntryKind.FINDING,
        title=gettext_noop("Verified finding (%(circle)s): %(finding)s"),
        details={
            "finding": finding.value,
            "circle": report.circle,
            "date": report.finding_on.isoformat(),
            "title_params": {"circle": _msgid(Circle(report.circle).label), "finding": _msgid(finding.label)},
        },
        note=report.finding_summary,
        recorded_by=actor,
    )


@transaction.atomic
def report_reply(*, actor, report, reply, way, body, given_on=None):
    """Give the acceptance notice (受理告知) or the result (结果反馈): as a message the reporter reads with
    the receipt code, or, to a named reporter, recorded as given by phone, letter or in person on a date."""
    report = _begin(actor, report, "reply")
    if reply not in [str(kind) for kind in REPLY_KINDS]:
        raise ValidationFailed(_("Choose which reply it is."), field="reply")
    if way not in ReplyWay.values:
        raise ValidationFailed(_("Choose how the reporter is told."), field="way")
    if reply == MessageKind.ACCEPTANCE:
        if report.accepted_on is None:
            raise ValidationFailed(
                _("The report has not been accepted yet: decide the disposal first."), field="reply"
            )
        if report.acceptance_replied_on is not None:
            raise ValidationFailed(
                _("The reporter was already told that the report was accepted."), field="reply"
            )
    else:
        if report.status not in RESULT_STATUSES:
            raise ValidationFailed(_("There is no result yet: record the conclusion first."), field="reply")
        if report.result_replied_on is not None:
            raise ValidationFailed(_("The reporter was already told the result."), field="reply")
    today = timezone.localdate()
    if way == ReplyWay.MESSAGE:
        body = _text(body, field="body", message=_("Write the text the reporter will read."))
        given_on = today
    else:
        if not ReporterIdentity.objects.filter(report=report).exists():
            raise ValidationFailed(
                _("An anonymous reporter can only be answered by a message read with the receipt code."),
                field="way",
            )
        body = _text(body, field="body", message=_("Write what the reporter was told."))
        if not isinstance(given_on, datetime.date):
            raise ValidationFailed(_("Give the date the reporter was told."), field="given_on")
        if given_on > today:
            raise ValidationFailed(_("The date cannot be in the future."), field="given_on")
        if given_on < report.received_on:
            raise ValidationFailed(_("The date cannot be before the report arrived."), field="given_on")
    if way == ReplyWay.MESSAGE:
        ReportMessage.objects.create(
            report=report, from_reporter=False, body=body, created_on=today, kind=reply, author=actor
        )
    field = "acceptance_replied_on" if reply == MessageKind.ACCEPTANCE else "result_replied_on"
    setattr(report, field, given_on)
    report.save(update_fields=[field])
    # The text of a message is in the thread; what was said another way is kept here.
    _entry(
        report,
        CaseEntryKind.REPLY,
        actor,
        "" if way == ReplyWay.MESSAGE else body,
        reply=str(reply),
        way=str(way),
        on=given_on.isoformat(),
    )
    audit_log(actor=actor, action="report.reply", obj=report, changes={"reply": str(reply), "way": str(way)})
    return report


def close_refusal(report):
    """Why ``report`` may not be closed yet, or ``None``: the result reply must be given, and a named
    reporter must also have been told the report was accepted."""
    if report.result_replied_on is None:
        return _(
            "The case cannot be closed before the reporter is told the result. Give the result reply first."
        )
    if report.acceptance_reply_due is not None and report.acceptance_replied_on is None:
        return _(
            "The case cannot be closed before the named reporter is told the report was accepted. Give the "
            "acceptance notice first."
        )
    return None


@transaction.atomic
def report_close(*, actor, report, note=""):
    """Close a concluded report (办结): only once the reporter has been told the result."""
    report = _begin(actor, report, "close")
    refusal = close_refusal(report)
    if refusal is not None:
        raise ValidationFailed(refusal)
    report.status = ReportStatus.CLOSED
    report.closed_on = timezone.localdate()
    report.save(update_fields=["status", "closed_on"])
    _entry(report, CaseEntryKind.CLOSING, actor, (note or "").strip()[:TEXT_MAX_LENGTH])
    audit_log(
        actor=actor,
        action="report.close",
        obj=report,
        changes={"status": {"before": ReportStatus.CONCLUDED, "after": ReportStatus.CLOSED}},
    )
    return report
