"""Warning notices (预警书, R15) and the ladder of follow-ups they require.

The plan: one notice → the cadre's unit gives warning education (警告教育); three or more in total → the
unit's "number one" (一把手) writes an explanation to the county commission (书面说明); five → the unit is
publicly notified and its principal leader and those responsible are held accountable (通报并追究责任).

A notice is issued from a verified finding (``cases.Report`` concluded as substantiated or partly
substantiated and proposed for a warning): one notice per finding. Its ``ordinal`` is the cadre's count of
notices in force at issue, this one included, and never changes: a notice withdrawn on appeal later does
not renumber the notices issued after it (each one's follow-ups were owed for the count at its issue), it
only leaves the count of the next one.

The notice carries ``problem``, a text the issuer writes for the cadre: never the report's wording, channel,
grid, dates or anything about the reporter (SECURITY.md item 3). It starts from the finding's summary, so it
is encrypted at rest like the summary, and so are the other free texts (the appeal, the reasons, the records
of the follow-ups: SECURITY.md item 4); nothing filters or orders on them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.people.models import Cadre, Unit

PROBLEM_MAX_LENGTH = 2000
TEXT_MAX_LENGTH = 2000
# The notice's encrypted texts: a read that does not show them defers them (no decryption for nothing).
NOTICE_TEXTS = ("problem", "appeal_text", "decision_reason")


class NoticeStatus(models.TextChoices):
    IN_FORCE = "in_force", pgettext_lazy("warning notice status", "In force")
    APPEALED = "appealed", pgettext_lazy("warning notice status", "Appeal under review")
    WITHDRAWN = "withdrawn", pgettext_lazy("warning notice status", "Withdrawn")


STATUS_BADGES = {"in_force": "red", "appealed": "amber", "withdrawn": ""}


class AppealDecision(models.TextChoices):
    GRANTED = "granted", _("Appeal granted: notice withdrawn")
    DISMISSED = "dismissed", _("Appeal dismissed: notice stays in force")


class FollowUpKind(models.TextChoices):
    EDUCATION = "education", _("Warning education by the unit (警告教育)")
    EXPLANATION = "explanation", _("Written explanation by the unit's number one (书面说明)")
    NOTIFICATION = "notification", _("Public notification and accountability (通报并追究责任)")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "Open")
    DONE = "done", pgettext_lazy("follow-up status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("follow-up status", "Cancelled")


FOLLOW_UP_BADGES = {"open": "amber", "done": "green", "cancelled": ""}

# Who owes each follow-up: the cadre's unit (recorded by its liaisons) or the county side (the issuers).
UNIT = "unit"
COUNTY = "county"
OWED_BY = {FollowUpKind.EDUCATION: UNIT, FollowUpKind.EXPLANATION: UNIT, FollowUpKind.NOTIFICATION: COUNTY}
# The ladder: the follow-up a notice requires from the cadre's count at issue (R15).
LADDER = ((1, FollowUpKind.EDUCATION), (3, FollowUpKind.EXPLANATION), (5, FollowUpKind.NOTIFICATION))


def required_follow_ups(ordinal):
    """The kinds of follow-up a notice with ``ordinal`` requires, in the ladder's order."""
    return [kind for threshold, kind in LADDER if ordinal >= threshold]


class ReferenceCounter(models.Model):
    """The last number given to a notice of a year: references (YJ-2026-0007) are numbered without gaps
    from a row that the issuing transaction updates, so two notices issued at once never share one."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("notice reference counter")
        verbose_name_plural = _("notice reference counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class WarningNotice(PublicModel):
    """One written warning notice (预警书) to one cadre, issued from one verified finding."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="warning_notices"
    )
    # The unit the cadre belonged to at issue: the unit that owes the follow-ups, even after a transfer.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit at issue"), on_delete=models.PROTECT, related_name="warning_notices"
    )
    report = models.OneToOneField(
        "cases.Report", verbose_name=_("basis"), on_delete=models.PROTECT, related_name="warning_notice"
    )
    ordinal = models.PositiveSmallIntegerField(_("notice number in force at issue"))
    problem = EncryptedTextField(_("prominent problem"))
    issued_on = models.DateField(_("issued on"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.IN_FORCE
    )
    appeal_text = EncryptedTextField(_("appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=AppealDecision.choices, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="cadre__supervising_path", unit="unit_id", cadre="cadre_id")

    class Meta:
        ordering = ["-issued_on", "-reference"]
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["in_force", "appealed", "withdrawn"]), name="warning_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", "granted", "dismissed"]), name="warning_decision_valid"
            ),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="warning_ordinal_positive"),
            models.CheckConstraint(
                condition=~Q(status="appealed") | Q(appealed_at__isnull=False, decision=""),
                name="warning_appealed_undecided",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(appealed_at__isnull=False, decided_at__isnull=False),
                name="warning_decision_after_appeal",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "status"], name="warning_cadre_status_idx")]

    def __str__(self):
        return self.reference

    @property
    def status_badge(self):
        return STATUS_BADGES.get(self.status, "")


class FollowUp(TimeStampedModel):
    """A follow-up a notice requires (警告教育, 书面说明, 通报并追究责任), with its deadline and, once done,
    the record of it. A notice withdrawn on appeal cancels its open follow-ups."""

    notice = models.ForeignKey(
        WarningNotice, verbose_name=_("warning notice"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(
        pgettext_lazy("kind of a warning notice's follow-up", "follow-up"),
        max_length=16,
        choices=FollowUpKind.choices,
    )
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    record = EncryptedTextField(_("record"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(
        area_path="notice__cadre__supervising_path", unit="notice__unit_id", cadre="notice__cadre_id"
    )

    class Meta:
        ordering = ["notice", "due_on", "id"]
        verbose_name = _("required follow-up")
        verbose_name_plural = _("required follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["notice", "kind"], name="follow_up_once_per_notice"),
            models.CheckConstraint(
                condition=Q(kind__in=["education", "explanation", "notification"]),
                name="follow_up_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "cancelled"]), name="follow_up_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="follow_up_done_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="follow_up_status_due_idx")]

    def __str__(self):
        return f"{self.notice} · {self.get_kind_display()}"

    @property
    def status_badge(self):
        if self.is_overdue:
            return "red"
        return FOLLOW_UP_BADGES.get(self.status, "")

    @property
    def is_overdue(self):
        return self.status == FollowUpStatus.OPEN and self.due_on < timezone.localdate()

    @property
    def done_late(self):
        return self.done_on is not None and self.done_on > self.due_on

    @property
    def owed_by(self):
        return OWED_BY[self.kind]


class ProposalDecline(TimeStampedModel):
    """A proposal for a notice the issuers decided not to follow, with the reason: it leaves the queue."""

    report = models.OneToOneField(
        "cases.Report", verbose_name=_("report"), on_delete=models.CASCADE, related_name="warning_decline"
    )
    reason = EncryptedTextField(_("reason"))
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declined by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declined_at = models.DateTimeField(_("declined at"))

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="report__supervising_path")

    class Meta:
        verbose_name = _("declined warning proposal")
        verbose_name_plural = _("declined warning proposals")

    def __str__(self):
        return str(self.report)
