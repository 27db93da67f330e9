"""Writes to warning notices (R15). Each service is atomic, checks who acts, and writes one audit event
that holds references, counts, dates and statuses, never a text (SECURITY.md item 8): the problem, the
records, the appeal and the reasons are on the rows themselves.

The ladder is decided at issue, with the cadre's row locked so that two notices issued at once count each
other: the notice's ordinal is the cadre's notices not withdrawn, plus this one; every notice requires
warning education by the unit, the third and later the number one's written explanation, the fifth and
later the public notification and accountability. Deadlines are working days
(``settings.GRIDWATCH_WARNING_DAYS``). A notice withdrawn on appeal cancels its open follow-ups and stops
counting for the next notice; the notices issued after it keep their ordinal.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.models import RoleAssignment, User
from gridwatch.accounts.roles import Role
from gridwatch.accounts.services import notify
from gridwatch.audit.services import audit_log
from gridwatch.cases.models import ADVERSE_FINDINGS, Report
from gridwatch.cases.roles import CASE_STAFF
from gridwatch.cases.selectors import acts_on, conflicted_users, covering_paths, reports_for
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.core.workdays import add_working_days
from gridwatch.people.models import Cadre, CadreFileEntry, FileEntryKind

from . import selectors, workflow
from .models import (
    PROBLEM_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    UNIT,
    AppealDecision,
    FollowUp,
    FollowUpStatus,
    ProposalDecline,
    ReferenceCounter,
    WarningNotice,
    required_follow_ups,
)
from .roles import ISSUERS

REFERENCE_PREFIX = "YJ"


# ------------------------------------------------------------------------------------------- helpers


def _text(value, *, field, message, max_length=TEXT_MAX_LENGTH):
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("Keep it to %(max)s characters at most.") % {"max": max_length}, field=field)
    return value


def next_reference(year):
    """The next reference of ``year`` (YJ-2026-0007). The counter row's update holds its lock until the
    issuing transaction ends, so concurrent issues are numbered one after the other."""
    if not ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=1)
        except IntegrityError:
            # Another issue created the year's row meanwhile: take the next number after it.
            ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = ReferenceCounter.objects.get(year=year).last
    return f"{REFERENCE_PREFIX}-{year}-{last:04d}"


def due_date(kind, issued_on):
    return add_working_days(issued_on, settings.GRIDWATCH_WARNING_DAYS[kind])


def issuers_of(cadre):
    """The active users who issue notices for ``cadre`` (an issuer role over the cadre's grid, not
    conflicted)."""
    assignments = (
        RoleAssignment.objects.filter(
            role__in=list(ISSUERS),
            area__path__in=covering_paths(cadre.supervising_path),
            user__is_active=True,
        )
        .exclude(user_id__in=conflicted_users(cadre))
        .select_related("user")
        .order_by("user__username")
    )
    return list({ra.user_id: ra.user for ra in assignments}.values())


def unit_liaisons_of(notice):
    """The active liaisons of the notice's unit, less the cadre themself and those related to them."""
    assignments = (
        RoleAssignment.objects.filter(role=Role.UNIT_LIAISON, unit_id=notice.unit_id, user__is_active=True)
        .exclude(user_id=notice.cadre.user_id)
        .exclude(user__declared_relations__cadre_id=notice.cadre_id)
        .select_related("user")
        .order_by("user__username")
    )
    return list({ra.user_id: ra.user for ra in assignments}.values())


def _tell(users, message, link):
    """Notify ``users`` in the site's language (the message is read later, by them, not in the actor's
    language). ``message()`` returns the subject and the body."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = message()
        for user in users:
            notify(user=user, subject=subject, body=body, link=link)


def _tell_cadre(notice, message):
    if notice.cadre.user_id is None:
        return
    _tell([notice.cadre.user], message, reverse("formal_warnings:my_notice", args=[notice.pk]))


def _tell_handler(report, actor, message):
    """Tell the case's handler what became of the finding they proposed (unless they followed it
    themselves), while they still handle the case: a handler who has since lost the post, or become
    conflicted with the cadre (a declared relation, the cadre's unit), is told nothing, as the case page
    would answer them 404. The link is the case's page, which says it; the notification copies no reason."""
    if report.handler_id is None or report.handler_id == actor.pk:
        return
    handler = User.objects.filter(pk=report.handler_id, is_active=True).first()
    if (
        handler is None
        or not acts_on(handler, report, CASE_STAFF)
        or not reports_for(handler).filter(pk=report.pk).exists()
    ):
        return
    _tell([handler], message, reverse("cases:case_detail", args=[report.pk]))


def _file_entry(notice, *, actor, title, **details):
    """A line of the cadre's file; ``title`` an untranslated message, read in the reader's language."""
    params = {"reference": notice.reference, "ordinal": notice.ordinal}
    return CadreFileEntry.objects.create(
        cadre_id=notice.cadre_id,
        at=timezone.now(),
        kind=FileEntryKind.WARNING,
        title=title,
        details={"notice": str(notice.pk), **params, **details, "title_params": params},
        recorded_by=actor,
    )


def _locked_notice(notice):
    return WarningNotice.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=notice.pk)


def _check_proposal(report):
    if (
        not report.warning_proposed
        or report.subject_cadre_id is None
        or report.finding not in ADVERSE_FINDINGS
        or report.status not in selectors.PROPOSAL_STATUSES
    ):
        raise ValidationFailed(
            _("Only a substantiated or partly substantiated finding proposed for a warning can be followed.")
        )
    if WarningNotice.objects.filter(report_id=report.pk).exists():
        raise ValidationFailed(_("A warning notice has already been issued for this finding."))
    if ProposalDecline.objects.filter(report_id=report.pk).exists():
        raise ValidationFailed(_("This proposal has already been declined."))


def _begin_proposal(actor, report):
    """Lock the report and check that ``actor`` may follow its proposal now."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    cadre = Cadre.objects.filter(pk=report.subject_cadre_id).first()
    if cadre is None or not selectors.issues_for(actor, cadre):
        raise NotPermitted
    if not selectors.proposals_for(actor).filter(pk=report.pk).exists():
        _check_proposal(report)
        raise NotPermitted
    return report, cadre


# --------------------------------------------------------------------------------------------- issue


def ladder_preview(cadre):
    """What issuing one more notice to ``cadre`` means now: its ordinal and the follow-ups it requires."""
    ordinal = selectors.active_count(cadre.pk) + 1
    return ordinal, required_follow_ups(ordinal)


@transaction.atomic
def notice_issue(*, actor, report, problem):
    """Issue a notice from the finding of ``report``: numbered in the ladder, its follow-ups due, written in
    the cadre's file; the cadre and the unit's liaisons are told."""
    report, cadre = _begin_proposal(actor, report)
    problem = _text(
        problem,
        field="problem",
        message=_("Write the prominent problem for the cadre."),
        max_length=PROBLEM_MAX_LENGTH,
    )
    # Two notices to the same cadre wait here for each other, so each counts the other (the ordinal).
    # ``no_key``: the lock must not wait on the key-share locks that rows pointing at the cadre take.
    cadre = Cadre.objects.select_for_update(no_key=True).get(pk=cadre.pk)
    issued_on = timezone.localdate()
    ordinal = selectors.active_count(cadre.pk) + 1
    try:
        with transaction.atomic():
            notice = WarningNotice.objects.create(
                reference=next_reference(issued_on.year),
                cadre=cadre,
                unit_id=cadre.unit_id,
                report=report,
                ordinal=ordinal,
                problem=problem,
                issued_on=issued_on,
                issued_by=actor,
            )
    except IntegrityError:
        raise ValidationFailed(_("A warning notice has already been issued for this finding.")) from None
    follow_ups = FollowUp.objects.bulk_create(
        FollowUp(notice=notice, kind=kind, due_on=due_date(kind, issued_on))
        for kind in required_follow_ups(ordinal)
    )
    _file_entry(
        notice,
        actor=actor,
        title=gettext_noop("Warning notice %(reference)s issued (notice no. %(ordinal)s)"),
    )
    link = reverse("formal_warnings:detail", args=[notice.pk])
    _tell_cadre(
        notice,
        lambda: (
            gettext("You received a warning notice (预警书) %(reference)s") % {"reference": notice.reference},
            gettext(
                "It is your notice no. %(ordinal)s in force. Acknowledge it (签收); you may appeal (申诉) "
                "once if you disagree."
            )
            % {"ordinal": ordinal},
        ),
    )
    for follow_up in follow_ups:
        if follow_up.owed_by != UNIT:
            continue
        _tell(
            unit_liaisons_of(notice),
            lambda follow_up=follow_up: (
                gettext("Warning notice %(reference)s: %(kind)s due by %(date)s")
                % {
                    "reference": notice.reference,
                    "kind": str(follow_up.get_kind_display()),
                    "date": follow_up.due_on.isoformat(),
                },
                gettext("Record it on the notice's page once done."),
            ),
            link,
        )
    _tell_handler(
        report,
        actor,
        lambda: (
            gettext("Report %(report)s: warning notice %(reference)s issued")
            % {"report": report.reference, "reference": notice.reference},
            gettext("The finding you proposed for a warning notice was followed."),
        ),
    )
    audit_log(
        actor=actor,
        action="warning.issue",
        obj=notice,
        changes={
            "report": str(report.pk),
            "cadre": str(cadre.pk),
            "unit": str(cadre.unit_id),
            "ordinal": ordinal,
            "follow_ups": {f.kind: f.due_on for f in follow_ups},
        },
    )
    return notice


@transaction.atomic
def proposal_decline(*, actor, report, reason):
    """Decline a proposal and say why: it leaves the queue."""
    report, _cadre = _begin_proposal(actor, report)
    reason = _text(reason, field="reason", message=_("Say why no warning notice is issued."))
    try:
        with transaction.atomic():
            decline = ProposalDecline.objects.create(
                report=report, reason=reason, declined_by=actor, declined_at=timezone.now()
            )
    except IntegrityError:
        raise ValidationFailed(_("This proposal has already been declined.")) from None
    _tell_handler(
        report,
        actor,
        lambda: (
            gettext("Report %(report)s: no warning notice issued") % {"report": report.reference},
            gettext("The proposal for a warning notice was declined. The reason is on the report's page."),
        ),
    )
    audit_log(
        actor=actor,
        action="warning.proposal_decline",
        obj=report,
        changes={"cadre": str(report.subject_cadre_id), "declined": True},
    )
    return decline


# ----------------------------------------------------------------------------------------- follow-ups


@transaction.atomic
def followup_record(*, actor, follow_up, done_on, record):
    """Record a follow-up as done: the date and what was done (the education given, the explanation
    received, the notification made and who was held accountable)."""
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",)).select_related("notice__cadre").get(pk=follow_up.pk)
    )
    notice = follow_up.notice
    if not selectors.notices_for(actor).filter(pk=notice.pk).exists():
        raise NotPermitted
    if not selectors.records_for(actor, follow_up, notice):
        raise NotPermitted
    if follow_up.status != FollowUpStatus.OPEN:
        raise ValidationFailed(_("This follow-up is no longer open."))
    if done_on is None:
        raise ValidationFailed(_("Give the date it was done."), field="done_on")
    if done_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="done_on")
    if done_on < notice.issued_on:
        raise ValidationFailed(_("The date cannot be before the notice was issued."), field="done_on")
    record = _text(record, field="record", message=_("Write down what was done."))
    follow_up.status = FollowUpStatus.DONE
    follow_up.done_on = done_on
    follow_up.record = record
    follow_up.recorded_by = actor
    follow_up.save(update_fields=["status", "done_on", "record", "recorded_by", "updated_at"])
    audit_log(
        actor=actor,
        action="warning.followup_record",
        obj=notice,
        changes={
            "follow_up": follow_up.pk,
            "kind": follow_up.kind,
            "done_on": done_on,
            "late": done_on > follow_up.due_on,
        },
    )
    return follow_up


# ------------------------------------------------------------------------------------------- the cadre


def _own_locked(actor, notice):
    notice = _locked_notice(notice)
    if actor is None or notice.cadre.user_id != actor.pk:
        raise NotPermitted
    return notice


@transaction.atomic
def notice_acknowledge(*, actor, notice):
    """The cadre acknowledges receipt (签收)."""
    notice = _own_locked(actor, notice)
    if workflow.already_done(notice, "acknowledge"):
        raise ValidationFailed(_("You have already acknowledged this notice."))
    if not workflow.is_open("acknowledge", notice.status):
        raise ValidationFailed(_("This notice was withdrawn."))
    notice.acknowledged_at = timezone.now()
    notice.save(update_fields=["acknowledged_at", "updated_at"])
    audit_log(actor=actor, action="warning.acknowledge", obj=notice, changes={"acknowledged": True})
    return notice


@transaction.atomic
def notice_appeal(*, actor, notice, statement):
    """The cadre appeals (申诉) once, with a statement, while the notice is in force; the issuers are
    told."""
    notice = _own_locked(actor, notice)
    if workflow.already_done(notice, "appeal"):
        raise ValidationFailed(_("You have already appealed against this notice."))
    if not workflow.is_open("appeal", notice.status):
        raise ValidationFailed(_("This notice can no longer be appealed against."))
    statement = _text(statement, field="statement", message=_("Say why you appeal against the notice."))
    before = notice.status
    notice.status = workflow.target("appeal", before)
    notice.appeal_text = statement
    notice.appealed_at = timezone.now()
    notice.save(update_fields=["status", "appeal_text", "appealed_at", "updated_at"])
    _tell(
        issuers_of(notice.cadre),
        lambda: (
            gettext("Appeal against warning notice %(reference)s") % {"reference": notice.reference},
            gettext("The cadre appealed (申诉). Decide on the appeal on the notice's page."),
        ),
        reverse("formal_warnings:detail", args=[notice.pk]),
    )
    audit_log(
        actor=actor,
        action="warning.appeal",
        obj=notice,
        changes={"status": {"before": before, "after": notice.status}},
    )
    return notice


# -------------------------------------------------------------------------------------------- decision


@transaction.atomic
def appeal_decide(*, actor, notice, decision, reason):
    """Decide an appeal: granted withdraws the notice (its open follow-ups are cancelled; it no longer
    counts for the next notice; the cadre's file says so), dismissed puts it back in force. The cadre is
    told, the reason included (it is written for them).

    The cadre's row is locked first, as ``notice_issue`` locks it: a grant (the notice stops counting) and
    an issue to the same cadre (which counts the notices in force) wait for each other."""
    Cadre.objects.select_for_update(no_key=True).get(pk=notice.cadre_id)
    notice = _locked_notice(notice)
    if not selectors.issues_for(actor, notice.cadre):
        raise NotPermitted
    if decision not in AppealDecision.values:
        raise ValidationFailed(_("Choose the decision."), field="decision")
    action = workflow.decision_action(decision)
    if not workflow.is_open(action, notice.status):
        raise ValidationFailed(_("There is no appeal waiting for a decision on this notice."))
    reason = _text(reason, field="reason", message=_("Give the reason for the decision."))
    before = notice.status
    granted = decision == AppealDecision.GRANTED
    notice.status = workflow.target(action, before)
    notice.decision = decision
    notice.decision_reason = reason
    notice.decided_at = timezone.now()
    notice.decided_by = actor
    notice.save(
        update_fields=["status", "decision", "decision_reason", "decided_at", "decided_by", "updated_at"]
    )
    cancelled = 0
    if granted:
        cancelled = notice.follow_ups.filter(status=FollowUpStatus.OPEN).update(
            status=FollowUpStatus.CANCELLED, updated_at=timezone.now()
        )
        _file_entry(
            notice, actor=actor, title=gettext_noop("Warning notice %(reference)s withdrawn on appeal")
        )
    label = AppealDecision(decision).label
    _tell_cadre(
        notice,
        lambda: (
            gettext("Your appeal against warning notice %(reference)s was decided")
            % {"reference": notice.reference},
            # Not the reason itself: it is encrypted at rest, and a notification is not (the notice's page
            # shows it to the cadre).
            gettext("%(decision)s. The reason is on the notice's page.") % {"decision": str(label)},
        ),
    )
    audit_log(
        actor=actor,
        action="warning.appeal_decide",
        obj=notice,
        changes={
            "decision": decision,
            "status": {"before": before, "after": notice.status},
            "follow_ups_cancelled": cancelled,
        },
    )
    return notice
