"""Resident reports (群众反映 / 举报, R9, R12) and the messages between reporter and handler.

An anonymous report keeps no address, no browser data and no fine timestamp (SECURITY.md item 1): a report
and its messages carry only the day they arrived, and the receipt code only as a keyed hash (item 2).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre


class Channel(models.TextChoices):
    WEB = "web", _("Supervision mailbox (web)")
    HOTLINE = "hotline", _("Supervision phone")
    IN_PERSON = "in_person", _("In person")
    SUPERVISOR = "supervisor", _("Grid supervisor")
    LETTER = "letter", _("Letter")


class Circle(models.TextChoices):
    SOCIAL = "social", _("Social circle (社交圈)")
    LIFE = "life", _("Life circle (生活圈)")
    FAMILY = "family", _("Family circle (家庭圈)")
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare circle (公益圈)")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("report status", "Received")  # 待受理: waiting for triage
    HANDLING = "handling", _("Being handled")  # 办理中: a disposal was chosen
    CONCLUDED = "concluded", _("Concluded, reply due")  # 已出结论: a finding, the reply not yet given
    CLOSED = "closed", pgettext_lazy("report status", "Closed")  # 已办结
    TRANSFERRED = "transferred", _("Passed to another body")  # 已转办
    DUPLICATE = "duplicate", _("Duplicate")  # 重复件
    INVALID = "invalid", _("Not accepted")  # 不予受理 (no content, not about a cadre, abuse)


OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.HANDLING, ReportStatus.CONCLUDED)


class Disposal(models.TextChoices):
    """How a report is disposed of (问题线索处置方式), as discipline commissions practise it."""

    TALK_LETTER = "talk_letter", _("Talk or letter inquiry (谈话函询)")
    PRELIMINARY = "preliminary", _("Preliminary verification (初步核实)")
    SHELVED = "shelved", _("Shelved pending (暂存待查)")
    CLOSED = "closed", _("Closed without action (予以了结)")
    HANDED_OVER = "handed_over", _("Handed over to the county commission's procedure (移送)")


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    UNVERIFIABLE = "unverifiable", _("Cannot be verified")
    MISTAKEN = "mistaken", _("Mistaken report (错告)")
    # Only a prefecture-level body may confirm a false accusation: GridWatch records it as referred.
    FALSE_SUSPECTED = "false_suspected", _("Suspected false accusation (诬告陷害), referred upward")


# Findings that count against the cadre and go into their file (R1).
ADVERSE_FINDINGS = (Finding.SUBSTANTIATED, Finding.PARTLY)
# Findings after which the cadre's name may be cleared (澄清正名).
CLEARING_FINDINGS = (Finding.NOT_SUBSTANTIATED, Finding.MISTAKEN, Finding.FALSE_SUSPECTED)


class RoutedBecause(models.TextChoices):
    """Why a report sits at the level it does (R16, conflicts of interest)."""

    SUBJECT_GRID = "subject_grid", _("The grid that supervises the cadre")
    FILED_GRID = "filed_grid", _("The grid it was filed from")
    FILER_AREA = "filer_area", _("The area of the person who took it")
    COUNTY_FORM = "county_form", _("The county-wide mailbox")
    GRID_CONFLICTED = "grid_conflicted", _("Everyone in the grid is conflicted: passed to the township")
    TOWNSHIP_CONFLICTED = (
        "township_conflicted",
        _("The township is conflicted (the cadre is one of its own): passed to the county"),
    )
    STAFF = "staff", _("Passed on by commission staff")


class Report(PublicModel):
    """What a resident tells the commission. ``supervising_path`` decides who sees it: the grid that
    supervises the subject cadre, else the grid it was filed from, else the county."""

    # PublicModel's fine timestamps are left out: an anonymous report keeps only the day it arrived.
    created_at = None
    updated_at = None

    received_on = models.DateField(_("received on"), db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    circle = models.CharField(_("circle"), max_length=16, choices=Circle.choices)
    subject_cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("subject cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    subject_name = models.CharField(_("name of the person reported"), max_length=50, blank=True)
    subject_unit_text = models.CharField(_("their unit or post"), max_length=100, blank=True)
    what = EncryptedTextField(_("what happened"))
    when = EncryptedTextField(_("when"), blank=True)
    where = EncryptedTextField(_("where"), blank=True)
    grid = models.ForeignKey(
        Area,
        verbose_name=_("filed from grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        limit_choices_to={"level": "grid"},
    )
    supervising_path = models.CharField(max_length=120, editable=False, db_index=True)
    routed_because = models.CharField(
        _("routed because"), max_length=24, choices=RoutedBecause.choices, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    # Triage.
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("An important matter (重要事项): the county is told at once.")
    )
    # Why it was not accepted, is a duplicate or was passed on: it may name the cadre or the matter.
    status_reason = EncryptedTextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Disposal: who decided what, when and why.
    disposal = models.CharField(_("disposal"), max_length=16, choices=Disposal.choices, blank=True)
    disposal_reason = EncryptedTextField(_("reason for the disposal"), blank=True)
    disposal_on = models.DateField(_("disposal decided on"), null=True, blank=True)
    disposal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposal decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The finding.
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    # What the cadre may read: the verified facts, never the allegation's wording or the reporter.
    finding_summary = EncryptedTextField(_("summary of the finding"), blank=True)
    finding_on = models.DateField(_("concluded on"), null=True, blank=True)
    finding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    warning_proposed = models.BooleanField(
        _("proposed for a warning notice"),
        default=False,
        help_text=_("A substantiated, prominent problem: the warnings workflow takes it up."),
    )
    # Time limits in working days (settings), as dates; an extension moves one and says why.
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    transfer_due = models.DateField(_("pass on to the right level by"), null=True, blank=True)
    verify_due = models.DateField(_("verify by"), null=True, blank=True)
    acceptance_reply_due = models.DateField(_("tell the reporter it was accepted by"), null=True, blank=True)
    acceptance_replied_on = models.DateField(_("reporter told it was accepted on"), null=True, blank=True)
    result_reply_due = models.DateField(_("tell the reporter the result by"), null=True, blank=True)
    result_replied_on = models.DateField(_("reporter told the result on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # keyed_hash(code, "receipt"): the code itself is shown once and never stored.
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A slow, salted hash of the code (the configured password hasher), checked after the keyed-hash lookup:
    # a stolen database and pepper still leave each code to be guessed slowly. Null for reports filed
    # before it existed, which are checked by the keyed hash alone.
    receipt_slow_hash = models.CharField(max_length=255, null=True, editable=False)

    objects = ScopedManager()
    # Reports are seen by area only: never by unit (the subject's own unit) nor by cadre (the subject).
    jurisdiction = Jurisdiction(area_path="supervising_path")

    class Meta:
        ordering = ["-received_on", "id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["supervising_path", "-received_on"], name="report_scope_order_idx"),
            models.Index(fields=["subject_cadre", "-received_on"], name="report_cadre_idx"),
            # The case list's order (urgent first, then newest) with the columns its filters read: the first
            # page of a wide scope is read in index order instead of sorting every report (docs/performance.md).
            models.Index(
                fields=["-urgent", "-received_on", "id", "supervising_path", "subject_cadre"],
                name="report_list_order_idx",
            ),
            # The analysis pack counts the findings concluded in a period.
            models.Index(fields=["finding_on"], name="report_finding_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["web", "hotline", "in_person", "supervisor", "letter"]),
                name="report_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(circle__in=["social", "life", "family", "public_welfare", "other"]),
                name="report_circle_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "received",
                        "handling",
                        "concluded",
                        "closed",
                        "transferred",
                        "duplicate",
                        "invalid",
                    ]
                ),
                name="report_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", result_replied_on__isnull=False) | ~Q(status="closed"),
                name="report_closed_after_reply",
            ),
            models.CheckConstraint(
                condition=Q(subject_cadre__isnull=False) | ~Q(subject_name=""),
                name="report_has_subject",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        """A short handle for staff to name a report by (not the receipt code)."""
        return self.pk.hex[:8].upper()

    @property
    def subject_label(self):
        if self.subject_cadre_id:
            return self.subject_cadre.name
        return self.subject_name


class ReporterIdentity(models.Model):
    """A named reporter's identity, in its own table, encrypted (SECURITY.md item 3). Anonymous reports
    have none."""

    report = models.OneToOneField(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="identity"
    )
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"))

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")

    def __str__(self):
        return str(self.report)


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    ACCEPTANCE = "acceptance", _("Acceptance notice")  # 受理告知
    RESULT = "result", _("Result")  # 结果反馈


class ReportMessage(models.Model):
    """One message between the reporter (with the receipt code) and the handlers. Neither side's identity
    is shown to the other."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="messages"
    )
    from_reporter = models.BooleanField(_("from the reporter"))
    body = EncryptedTextField(_("message"))
    # The day only, like the report itself.
    created_on = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("report message")
        verbose_name_plural = _("report messages")

    def __str__(self):
        return f"{self.report} · {self.created_on}"


class CaseEntryKind(models.TextChoices):
    """One line of a case's history: a handler's note or evidence, or a step with who took it and why."""

    NOTE = "note", _("Note")
    EVIDENCE = "evidence", _("Evidence")
    TRIAGE = "triage", _("Triage")
    ROUTING = "routing", _("Routing")
    ASSIGNMENT = "assignment", _("Handler assigned")
    DISPOSAL = "disposal", _("Disposal")
    EXTENSION = "extension", _("Time limit extended")
    FINDING = "finding", _("Finding")
    REPLY = "reply", _("Reply to the reporter")
    CLOSING = "closing", pgettext_lazy("report status", "Closed")
    DUPLICATE = "duplicate", _("Marked as a duplicate")
    INVALID = "invalid", _("Not accepted")
    TRANSFER = "transfer", _("Passed to another body")
    CLARIFICATION = "clarification", _("Clarification")


class CaseEntry(models.Model):
    """The case history the handlers see. Staff entries carry a time; nothing here is the reporter's."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CaseEntryKind.choices)
    body = EncryptedTextField(_("text"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case entry")
        verbose_name_plural = _("case entries")

    def __str__(self):
        return f"{self.report} · {self.get_kind_display()}"


def attachment_path(instance, filename):
    """A random name under a folder of its own: nothing of the uploader's file name is kept."""
    return f"cases/{uuid.uuid4().hex}"


class ReportAttachment(models.Model):
    """An image or PDF attached to a report, by the reporter (with the form or the receipt code) or by a
    handler (evidence). Checked by content, images re-encoded without metadata, stored under a random name
    and served only through the authorising view (SECURITY.md item 7)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    # A name made up by GridWatch (e.g. "1.jpg"): the uploader's file name may identify them.
    display_name = models.CharField(_("name"), max_length=100)
    from_reporter = models.BooleanField(_("from the reporter"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The day only, like the report.
    added_on = models.DateField(_("date"))

    class Meta:
        ordering = ["added_on", "display_name"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.report} · {self.display_name}"


class ClarificationStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked for by the cadre")
    PROPOSED = "proposed", _("Proposed by the handler")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ClarificationScope(models.TextChoices):
    UNIT = "unit", _("Within the cadre's unit")
    MEETING = "meeting", _("At a meeting")
    PUBLIC = "public", _("In public")


class Clarification(PublicModel):
    """Clearing a cadre's name (澄清正名) after a finding of not substantiated, mistaken or suspected false:
    proposed by the handler or asked for by the cadre, decided by the county, with its scope and date."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="clarifications"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="clarifications"
    )
    status = models.CharField(_("status"), max_length=16, choices=ClarificationStatus.choices)
    # The reason and the decision note speak of the finding and the cadre: encrypted like the case history
    # that holds the same texts.
    reason = EncryptedTextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope = models.CharField(_("scope"), max_length=16, choices=ClarificationScope.choices, blank=True)
    clarified_on = models.DateField(_("clarified on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = EncryptedTextField(_("decision note"), blank=True)

    objects = ScopedManager()
    # The handlers of the report see it; the cadre sees their own. Never the unit before it is approved
    # (then it is in the cadre's file).
    jurisdiction = Jurisdiction(area_path="report__supervising_path", cadre="cadre_id")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        # The analysis pack counts the clarifications approved in a period.
        indexes = [models.Index(fields=["status", "decided_on"], name="clarification_status_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status__in=["requested", "proposed", "approved"]),
                name="clarification_one_live_per_report",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} · {self.get_status_display()}"
