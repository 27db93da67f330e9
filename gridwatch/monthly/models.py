"""The monthly information report (信息月报, R13) and urgent matters (重要事项随时报送).

Each township commission sends the 《县社区网格干部监督信息报告表》 for a month to the county commission
before the due day of the following month (``GRIDWATCH_MONTHLY_DUE_DAY``). Its figures are compiled from
the month's cards, register entries, diary entries and cases (``compile.compile_month``) and frozen into
``snapshot`` when it is submitted; until then the page shows them compiled live.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridwatch.cases.models import Circle, Report
from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    RECEIVED = "received", _("Received by the county")


class MonthlyReport(PublicModel):
    """One township's report for one month (``month`` is the first day). Written only by the workflow
    services (``services.py``). The remarks and a return's reason are encrypted: they name cadres and
    matters."""

    township = models.ForeignKey(
        Area,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        limit_choices_to={"level": "township"},
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # The figures and notable items as they were when the report was (last) submitted; empty for a draft.
    snapshot = models.JSONField(_("figures"), default=dict, blank=True)
    remarks = EncryptedTextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set at the first submission: a report returned for correction and sent again is not made late by it.
    late = models.BooleanField(_("submitted late"), default=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = EncryptedTextField(_("reason for returning it"), blank=True)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="township__path")

    class Meta:
        ordering = ["-month", "township__path"]
        verbose_name = _("monthly information report")
        verbose_name_plural = _("monthly information reports")
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="monthly_report_one_per_month"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "received"]),
                name="monthly_report_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["month", "township"], name="monthly_report_month_idx")]

    def __str__(self):
        return f"{self.township.name} · {self.month:%Y-%m}"


class ReportTransition(models.Model):
    """One step of a report's workflow: who did what, when, and why (a return's reason, encrypted as on the
    report)."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16, choices=ReportStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    reason = EncryptedTextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("monthly report step")
        verbose_name_plural = _("monthly report steps")

    def __str__(self):
        return f"{self.report} · {self.action}"


class UrgentMatter(PublicModel):
    """An important matter (重要事项) a township or a grid leader reports at once, any day; the county
    commission staff are told when it is sent and acknowledge it. The details are encrypted: they are
    about a person."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("township or grid"),
        on_delete=models.PROTECT,
        related_name="urgent_matters",
        limit_choices_to={"level__in": ["township", "grid"]},
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("cadre concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="urgent_matters",
    )
    circle = models.CharField(_("circle"), max_length=16, choices=Circle.choices)
    title = models.CharField(_("title"), max_length=100)
    details = EncryptedTextField(_("details"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    report = models.ForeignKey(
        Report,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="urgent_matters",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="area__path")

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("urgent matter")
        verbose_name_plural = _("urgent matters")
        constraints = [
            models.CheckConstraint(
                condition=Q(circle__in=["social", "life", "family", "public_welfare", "other"]),
                name="urgent_matter_circle_valid",
            ),
        ]
        indexes = [models.Index(fields=["-reported_at"], name="urgent_matter_reported_idx")]

    def __str__(self):
        return self.title
