"""Integrity analysis meetings (廉情分析会, R15): the leading-group office meets regularly to study the
difficulties and problems of the work. A meeting's record keeps, beside what was said and decided, the
figures of the analysis pack as they were when it was recorded (``snapshot``): cases move on, the record
does not.

The record is never edited. A mistake in it, or a later development, is written as a ``MeetingCorrection``
beneath it, with who wrote it and when: minutes that change silently are not minutes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area

from .periods import parse_period

TEXT_MAX_LENGTH = 5000


class PeriodKind(models.TextChoices):
    MONTH = "month", pgettext_lazy("period of a meeting", "Month")
    QUARTER = "quarter", pgettext_lazy("period of a meeting", "Quarter")
    YEAR = "year", pgettext_lazy("period of a meeting", "Year")


class AnalysisMeeting(PublicModel):
    """One integrity analysis meeting on the county or on one township, for one period."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="analysis_meetings",
        limit_choices_to={"level__in": ["county", "township"]},
    )
    held_on = models.DateField(_("held on"), db_index=True)
    # The period discussed, as its key: "2026-11", "2026-Q4" or "2026" (dashboard.periods).
    period = models.CharField(_("period discussed"), max_length=8)
    period_kind = models.CharField(_("kind of period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # Encrypted at rest like the diary's and the cards' texts: the problems found name cadres and matters.
    attendees = EncryptedTextField(_("attended by"))
    problems = EncryptedTextField(_("problems found"))
    decisions = EncryptedTextField(_("decisions and tasks"))
    # The pack's figures for the period and the scope when the meeting was recorded (counts only).
    snapshot = models.JSONField(_("figures"), default=dict, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="area__path")

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("integrity analysis meeting")
        verbose_name_plural = _("integrity analysis meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_kind__in=["month", "quarter", "year"]), name="analysis_meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="analysis_meeting_period_order"
            ),
        ]

    def __str__(self):
        return f"{self.area.name} · {self.held_on:%Y-%m-%d}"

    @property
    def period_label(self):
        """The period discussed as people read it ("Q4 2026"), not its key."""
        period = parse_period(self.period)
        return period.label if period else self.period


class MeetingCorrection(TimeStampedModel):
    """A note added beneath a meeting's record: a correction or a later development. Never edited."""

    meeting = models.ForeignKey(
        AnalysisMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="corrections"
    )
    text = EncryptedTextField(_("correction"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("meeting correction")
        verbose_name_plural = _("meeting corrections")

    def __str__(self):
        return f"{self.meeting} · {self.created_at:%Y-%m-%d}"
