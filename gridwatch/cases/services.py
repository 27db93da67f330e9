"""Writes to reports. Each is atomic and audited.

What the audit log holds of a reporter's own actions (a report filed on the public form, a reply or files
sent with the receipt code) is a count per day (``audit.services.audit_count``), sealed into the chain once
the day is over: an event per action, even naming no report, would keep its time, and its place among the
staff's timed events would give that time back (SECURITY.md item 1). No report text or receipt code ever
goes into an event (item 8).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridwatch.accounts.roles import Role
from gridwatch.audit.services import audit_count, audit_log
from gridwatch.core.errors import NotPermitted, ValidationFailed

from . import attachments as attachment_store
from . import deadlines
from .models import Channel, Report, ReporterIdentity, ReportMessage, RoutedBecause
from .receipts import receipt_hash, receipt_new
from .routing import route
from .selectors import IDENTITY_REVEAL, acts_on, reports_for

MESSAGE_MAX_LENGTH = 2000
REVEAL_REASON_MIN_LENGTH = 4
REVEAL_REASON_MAX_LENGTH = 500


def report_submit(
    *,
    actor,
    channel,
    circle,
    what,
    when="",
    where="",
    grid=None,
    subject_cadre=None,
    subject_name="",
    subject_unit_text="",
    reporter_name="",
    reporter_phone="",
    fallback_path,
    attachments=(),
    intake_details=None,
):
    """File a report. Returns ``(report, receipt_code)``; the code is shown once and never stored.
    ``attachments`` are checked files (``attachments.CheckedFile``) from the reporter, stored with it.

    The checks and the routing read before the transaction that writes (``_report_file``): on SQLite a
    write transaction holds the database's write lock from its first statement, and no other report should
    wait for them."""
    what = (what or "").strip()
    if not what:
        raise ValidationFailed(_("Say what happened."), field="what")
    subject_name = (subject_name or "").strip()
    if subject_cadre is None and not subject_name:
        raise ValidationFailed(_("Name the person you are reporting."), field="subject_name")
    if channel == Channel.WEB and actor is not None and getattr(actor, "is_authenticated", False):
        actor = None  # the public form is anonymous whoever fills it
    path, because = route(
        subject_cadre=subject_cadre,
        grid=grid,
        fallback_path=fallback_path,
        fallback_because=RoutedBecause.COUNTY_FORM if channel == Channel.WEB else RoutedBecause.FILER_AREA,
    )
    report = Report(
        received_on=timezone.localdate(),
        channel=channel,
        circle=circle,
        subject_cadre=subject_cadre,
        subject_name="" if subject_cadre is not None else subject_name,
        subject_unit_text="" if subject_cadre is not None else (subject_unit_text or "").strip(),
        what=what,
        when=(when or "").strip(),
        where=(where or "").strip(),
        grid=grid,
        supervising_path=path,
        routed_because=because,
    )
    report.transfer_due = deadlines.transfer_due(report.received_on)
    if (reporter_name or "").strip():
        report.acceptance_reply_due = deadlines.acceptance_reply_due(report.received_on)
    code = receipt_new()
    # 118 bits make a collision practically impossible; the unique index makes it certain (the transaction
    # would roll back and the reporter see the error page, which asks to send the form again).
    report.receipt_hash = receipt_hash(code)
    _report_file(
        report,
        actor=actor,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        attachments=attachments,
        intake_details=intake_details,
    )
    return report, code


@transaction.atomic
def _report_file(report, *, actor, reporter_name, reporter_phone, attachments, intake_details):
    """The writes of ``report_submit``, in one transaction: the report, the reporter's identity, the files
    and the one audit event."""
    channel, circle = report.channel, report.circle
    report.save(force_insert=True)
    named = bool((reporter_name or "").strip())
    if named:
        ReporterIdentity.objects.create(
            report=report, name=reporter_name.strip(), phone=(reporter_phone or "").strip()
        )
    # Files the reporter gave staff (a letter, photos shown in person) are the reporter's too.
    staff = None if channel == Channel.WEB else actor
    attachment_store.attach(report=report, files=attachments, from_reporter=True, uploaded_by=staff)
    if channel == Channel.WEB:
        # Counted for the day, not logged with its time (SECURITY.md item 1; ``audit.models.AnonymousTally``).
        audit_count(action="report.submit")
    else:
        audit_log(
            actor=actor,
            action="report.intake",
            obj=report,
            # ``intake_details`` says where a staff intake came from (a diary entry), in the same one event.
            changes={"channel": channel, "circle": circle, "identity_given": named, **(intake_details or {})},
        )


@transaction.atomic
def report_message_send(*, actor, report, body):
    """A handler's message to the reporter, read with the receipt code."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write a message."), field="body")
    if not reports_for(actor).filter(pk=report.pk).exists():
        raise NotPermitted
    message = ReportMessage.objects.create(
        report=report,
        from_reporter=False,
        body=body[:MESSAGE_MAX_LENGTH],
        created_on=timezone.localdate(),
        author=actor,
    )
    audit_log(actor=actor, action="report.message_send", obj=report)
    return message


@transaction.atomic
def report_message_from_reporter(*, report, body, attachments=()):
    """The reporter's reply, sent with the receipt code: a message, files (checked ``attachments``), or
    both. Returns the message, ``None`` when only files were sent."""
    body = (body or "").strip()
    if not body and not attachments:
        raise ValidationFailed(_("Write a message."), field="body")
    message = None
    if body:
        message = ReportMessage.objects.create(
            report=report, from_reporter=True, body=body[:MESSAGE_MAX_LENGTH], created_on=timezone.localdate()
        )
    stored = attachment_store.attach(report=report, files=attachments, from_reporter=True)
    # Counted for the day, not logged with its time, like the report itself.
    if message:
        audit_count(action="report.reporter_message")
    if stored:
        audit_count(action=attachment_store.REPORTER_ATTACHMENT)
    return message


@transaction.atomic
def report_identity_reveal(*, actor, report, reason):
    """Show a named reporter's identity to county commission staff who give a reason (SECURITY.md item
    3). The audit event holds the reason, never the name or the phone. Returns the identity."""
    if not acts_on(actor, report, [Role.COUNTY_STAFF]):
        raise NotPermitted
    if not reports_for(actor).filter(pk=report.pk).exists():
        raise NotPermitted
    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN_LENGTH:
        raise ValidationFailed(
            _("Give the reason for revealing the identity (at least 4 characters)."), field="reason"
        )
    identity = ReporterIdentity.objects.filter(report=report).first()
    if identity is None:
        raise ValidationFailed(_("This report was filed anonymously: there is no identity to reveal."))
    audit_log(
        actor=actor,
        action=IDENTITY_REVEAL,
        obj=report,
        changes={"reason": reason[:REVEAL_REASON_MAX_LENGTH]},
    )
    return identity
