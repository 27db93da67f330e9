"""Resident reports (群众反映 / 举报, R9, R12) and the messages between reporter and handler.

An anonymous report keeps no address, no browser data and no fine timestamp (SECURITY.md item 1): a report
and its messages carry only the day they arrived, and the receipt code only as a keyed hash (item 2).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    RECEIVED = "received", _("Received")


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
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
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
        indexes = [models.Index(fields=["supervising_path", "-received_on"], name="report_scope_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["web", "hotline", "in_person", "supervisor", "letter"]),
                name="report_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(circle__in=["social", "life", "family", "public_welfare", "other"]),
                name="report_circle_valid",
            ),
            models.CheckConstraint(condition=Q(status__in=["received"]), name="report_status_valid"),
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
