"""Clearing a cadre's name (澄清正名) and what the cadre reads of the findings about them.

After a finding that clears the cadre (not substantiated, mistaken report, suspected false accusation), the
cadre may ask for a clarification, or the staff who handle the report may propose one; county commission
staff approve it, with its scope and date, or decline it. An approved clarification is written in the
cadre's file (一人一档) and the cadre is told.

The cadre reads only what the finding established: the finding, its summary (written for them) and its date,
never the report's wording, its channel, grid or dates, the messages, the attachments, the handler or
anything about the reporter (SECURITY.md item 3).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.roles import Role
from gridwatch.accounts.services import notify
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.scoping import get_scope
from gridwatch.core.text import untranslated as _msgid
from gridwatch.people.models import Cadre, CadreFileEntry, FileEntryKind

from .models import (
    ADVERSE_FINDINGS,
    CLEARING_FINDINGS,
    CaseEntry,
    CaseEntryKind,
    Clarification,
    ClarificationScope,
    ClarificationStatus,
    Finding,
    Report,
    ReportStatus,
)
from .roles import CASE_DECIDERS
from .selectors import acts_on, reports_for

REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 1000
# Statuses in which a report carries a finding the cadre may read.
FINDING_STATUSES = (ReportStatus.CONCLUDED, ReportStatus.CLOSED)
LIVE_STATUSES = (ClarificationStatus.REQUESTED, ClarificationStatus.PROPOSED, ClarificationStatus.APPROVED)
PENDING_STATUSES = (ClarificationStatus.REQUESTED, ClarificationStatus.PROPOSED)


# ---------------------------------------------------------------------------------------------- reads


def own_cadre_id(user):
    """The id of the cadre linked to ``user`` (from the request's scope, no query), or ``None``."""
    cadre_ids = get_scope(user).cadre_ids
    return cadre_ids[0] if cadre_ids else None


def findings_about(cadre_id):
    """The reports about the cadre ``cadre_id`` that carry a finding, newest finding first, each with its
    clarifications (newest first) in ``clarification_list``. Only the columns the cadre may read are
    loaded: the report's wording, channel, grid and dates stay in the database."""
    if cadre_id is None:
        return Report.objects.none()
    return (
        # Only verified conclusions: "cannot be verified" leaves an allegation unverified, and that never
        # reaches the cadre.
        Report.objects.filter(
            subject_cadre_id=cadre_id,
            status__in=FINDING_STATUSES,
            finding__in=[*ADVERSE_FINDINGS, *CLEARING_FINDINGS],
        )
        .only("id", "status", "subject_cadre_id", "finding", "finding_summary", "finding_on")
        .prefetch_related(
            Prefetch(
                "clarifications",
                queryset=Clarification.objects.order_by("-created_at"),
                to_attr="clarification_list",
            )
        )
        .order_by("-finding_on", "id")
    )


def finding_about_or_404(user, pk):
    """One finding about the cadre linked to ``user``; anything else (another cadre's finding, a report
    without a finding, a user who is no cadre) is the same 404 as not found."""
    try:
        return findings_about(own_cadre_id(user)).get(pk=pk)
    except (Report.DoesNotExist, ValueError):
        raise Http404 from None


def findings_count(cadre_id):
    return findings_about(cadre_id).order_by().count() if cadre_id is not None else 0


def clarifications_of(report):
    """The clarifications of a report, newest first."""
    return list(report.clarifications.select_related("requested_by", "decided_by").order_by("-created_at"))


def live_clarification(clarifications):
    """The clarification under way or approved among ``clarifications`` (at most one), or ``None``."""
    return next((c for c in clarifications if c.status in LIVE_STATUSES), None)


def pending_clarifications(user):
    """Clarifications waiting for the county's decision on the reports ``user`` may handle (recusal
    holds: the reports come from ``reports_for``), oldest first."""
    return (
        Clarification.objects.filter(status__in=PENDING_STATUSES, report__in=reports_for(user))
        .select_related("cadre__unit", "report")
        # The list names the cadre and the finding: the encrypted texts need not be decrypted.
        .defer(
            "reason",
            "decision_note",
            "report__what",
            "report__when",
            "report__where",
            "report__disposal_reason",
            "report__status_reason",
            "report__finding_summary",
        )
        .order_by("created_at", "id")
    )


def may_clear(report):
    """Whether the report's finding allows a clarification (whoever asks)."""
    return (
        report.subject_cadre_id is not None
        and report.status in FINDING_STATUSES
        and report.finding in CLEARING_FINDINGS
    )


# --------------------------------------------------------------------------------------------- writes


def _locked_report(report):
    return Report.objects.select_for_update().get(pk=report.pk)


def _check_clearing_finding(report):
    if report.subject_cadre_id is None:
        raise ValidationFailed(
            _("The report is not about a cadre of the registry: there is no name to clear.")
        )
    if report.status not in FINDING_STATUSES or not report.finding:
        raise ValidationFailed(_("A clarification may be asked for only once a finding has been recorded."))
    if report.finding not in CLEARING_FINDINGS:
        raise ValidationFailed(
            _(
                "A clarification follows only a finding of not substantiated, a mistaken report or a "
                "suspected false accusation."
            )
        )


def _check_none_live(report):
    live = Clarification.objects.filter(report=report, status__in=LIVE_STATUSES).first()
    if live is None:
        return
    if live.status == ClarificationStatus.APPROVED:
        raise ValidationFailed(_("The cadre's name has already been cleared for this finding."))
    raise ValidationFailed(_("A clarification of this finding is already waiting for the county's decision."))


def _reason(value, *, message, field="reason"):
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value[:REASON_MAX_LENGTH]


def _create(*, actor, report, status, reason, scope=""):
    try:
        with transaction.atomic():
            return Clarification.objects.create(
                report=report,
                cadre_id=report.subject_cadre_id,
                status=status,
                reason=reason,
                requested_by=actor,
                scope=scope,
            )
    except IntegrityError:
        # Another request won the race between the check and the insert (the unique constraint).
        raise ValidationFailed(
            _("A clarification of this finding is already waiting for the county's decision.")
        ) from None


def _history(*, actor, report, clarification, body, **details):
    CaseEntry.objects.create(
        report=report,
        kind=CaseEntryKind.CLARIFICATION,
        body=body,
        details={"clarification": str(clarification.pk), "status": clarification.status, **details},
        actor=actor,
    )


@transaction.atomic
def clarification_request(*, actor, report, reason):
    """The cadre asks for their name to be cleared after a clearing finding about them."""
    report = _locked_report(report)
    if (
        report.subject_cadre_id is None
        or not Cadre.objects.filter(pk=report.subject_cadre_id, user_id=getattr(actor, "pk", None)).exists()
    ):
        raise NotPermitted
    _check_clearing_finding(report)
    _check_none_live(report)
    reason = _reason(reason, message=_("Say why you ask for your name to be cleared."))
    clarification = _create(actor=actor, report=report, status=ClarificationStatus.REQUESTED, reason=reason)
    _history(actor=actor, report=report, clarification=clarification, body=reason)
    audit_log(
        actor=actor,
        action="clarification.request",
        obj=report,
        changes={"clarification": str(clarification.pk), "status": clarification.status},
    )
    return clarification


@transaction.atomic
def clarification_propose(*, actor, report, reason, scope):
    """The staff who handle the report propose to clear the cadre's name, with a suggested scope."""
    if not acts_on(actor, report, CASE_DECIDERS) or not reports_for(actor).filter(pk=report.pk).exists():
        raise NotPermitted
    report = _locked_report(report)
    _check_clearing_finding(report)
    _check_none_live(report)
    if scope not in ClarificationScope.values:
        raise ValidationFailed(_("Choose the scope of the clarification."), field="scope")
    reason = _reason(reason, message=_("Say why the cadre's name should be cleared."))
    clarification = _create(
        actor=actor, report=report, status=ClarificationStatus.PROPOSED, reason=reason, scope=scope
    )
    _history(actor=actor, report=report, clarification=clarification, body=reason, scope=scope)
    audit_log(
        actor=actor,
        action="clarification.propose",
        obj=report,
        changes={"clarification": str(clarification.pk), "status": clarification.status, "scope": scope},
    )
    return clarification


def _locked_pending(actor, clarification):
    report = Report.objects.filter(pk=clarification.report_id).first()
    if report is None or not acts_on(actor, report, [Role.COUNTY_STAFF]):
        raise NotPermitted
    if not reports_for(actor).filter(pk=clarification.report_id).exists():
        raise NotPermitted
    clarification = (
        Clarification.objects.select_for_update().select_related("report").get(pk=clarification.pk)
    )
    if clarification.status not in PENDING_STATUSES:
        raise ValidationFailed(_("This clarification is no longer waiting for a decision."))
    return clarification


def _tell_cadre(clarification, message):
    """Tell the cadre, if they have an account, in the site's language: the message is read later, by
    the cadre, not by the county officer whose language happens to be active. ``message()`` returns the
    subject and the body."""
    cadre = Cadre.objects.select_related("user").get(pk=clarification.cadre_id)
    if cadre.user is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = message()
        return notify(
            user=cadre.user,
            subject=subject,
            body=body,
            link=reverse("cases:my_finding", args=[clarification.report_id]),
        )


@transaction.atomic
def clarification_approve(*, actor, clarification, scope, clarified_on, note=""):
    """County commission staff approve a clarification: its scope and the date it was or will be given.
    The cadre's file gets one entry (the scope, the date and the finding, nothing of the report) and the
    cadre is told."""
    clarification = _locked_pending(actor, clarification)
    report = clarification.report
    if scope not in ClarificationScope.values:
        raise ValidationFailed(_("Choose the scope of the clarification."), field="scope")
    if clarified_on is None:
        raise ValidationFailed(_("Give the date the name was or will be cleared."), field="clarified_on")
    if report.finding_on and clarified_on < report.finding_on:
        raise ValidationFailed(
            _("The clarification cannot come before the finding (%(date)s).")
            % {"date": report.finding_on.isoformat()},
            field="clarified_on",
        )
    note = (note or "").strip()[:NOTE_MAX_LENGTH]
    clarification.status = ClarificationStatus.APPROVED
    clarification.scope = scope
    clarification.clarified_on = clarified_on
    clarification.decided_by = actor
    clarification.decided_on = timezone.localdate()
    clarification.decision_note = note
    clarification.save(
        update_fields=[
            "status",
            "scope",
            "clarified_on",
            "decided_by",
            "decided_on",
            "decision_note",
            "updated_at",
        ]
    )
    date = clarified_on.isoformat()
    scope_label = _msgid(ClarificationScope(scope).label)
    finding_label = _msgid(Finding(report.finding).label)
    CadreFileEntry.objects.create(
        cadre_id=clarification.cadre_id,
        at=timezone.now(),
        kind=FileEntryKind.CLARIFICATION,
        # An untranslated message: the file is read in the reader's language (CadreFileEntry.display_title).
        title=gettext_noop("Name cleared (澄清正名) after the finding “%(finding)s”: %(scope)s, on %(date)s"),
        details={
            "scope": scope,
            "clarified_on": date,
            "finding": report.finding,
            "title_params": {"finding": finding_label, "scope": scope_label, "date": date},
        },
        recorded_by=actor,
    )
    _history(
        actor=actor, report=report, clarification=clarification, body=note, scope=scope, clarified_on=date
    )
    _tell_cadre(
        clarification,
        lambda: (
            gettext("Your name is cleared (澄清正名)"),
            gettext(
                "The county commission approved clearing your name after the finding “%(finding)s”: "
                "%(scope)s, on %(date)s. It is recorded in your file."
            )
            % {"finding": gettext(finding_label), "scope": gettext(scope_label), "date": date},
        ),
    )
    audit_log(
        actor=actor,
        action="clarification.approve",
        obj=report,
        changes={
            "clarification": str(clarification.pk),
            "status": clarification.status,
            "scope": scope,
            "clarified_on": date,
        },
    )
    return clarification


@transaction.atomic
def clarification_decline(*, actor, clarification, note):
    """County commission staff decline a clarification and say why; a cadre who asked for it is told where
    to read the reason (the finding's page): the notification is a plain table, the note is kept encrypted."""
    clarification = _locked_pending(actor, clarification)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say why the clarification is declined."), field="note")
    note = note[:NOTE_MAX_LENGTH]
    requested_by_cadre = clarification.status == ClarificationStatus.REQUESTED
    clarification.status = ClarificationStatus.DECLINED
    clarification.decided_by = actor
    clarification.decided_on = timezone.localdate()
    clarification.decision_note = note
    clarification.save(update_fields=["status", "decided_by", "decided_on", "decision_note", "updated_at"])
    _history(actor=actor, report=clarification.report, clarification=clarification, body=note)
    if requested_by_cadre:
        _tell_cadre(
            clarification,
            lambda: (
                gettext("Your request for a clarification was declined"),
                gettext("The reason is on the finding's page."),
            ),
        )
    audit_log(
        actor=actor,
        action="clarification.decline",
        obj=clarification.report,
        changes={"clarification": str(clarification.pk), "status": clarification.status},
    )
    return clarification
