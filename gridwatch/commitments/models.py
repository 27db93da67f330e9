"""Cadre commitments (亮承诺、比贡献, R7): what a cadre promises for the year, the community party
organisation's review, the half-year fulfilment meeting (践诺推进会) and the year-end rating.

A commitment is public once published (the plan posts it on the community notice boards), so its text is
not encrypted; the cadre's private registry fields never reach it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.people.models import Cadre

CONTENT_MAX_LENGTH = 300
TARGET_MAX_LENGTH = 200


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")


STATUS_BADGES = {"submitted": "amber", "returned": "red", "published": "green"}


class EvaluatorGroup(models.TextChoices):
    """The three groups the plan has rate commitments at year end (五(二))."""

    REPRESENTATIVES = "representatives", _("Two representatives and one member (两代表一委员)")
    RESIDENTS = "residents", _("Resident representatives")
    SERVICE_RECIPIENTS = "service_recipients", _("Service recipients")


class RatingSource(models.TextChoices):
    """Where the counts came from: entered after the rating meeting, or tallied from ballots (the later
    democratic-evaluation part feeds the same rows)."""

    MEETING = "meeting", _("Entered after the rating meeting")
    BALLOTS = "ballots", _("Tallied from ballots")


class Commitment(PublicModel):
    """One cadre's commitments for one year. Its status is written only by the workflow services."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.DRAFT
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="cadre__supervising_path", unit="cadre__unit_id", cadre="cadre_id")

    class Meta:
        ordering = ["-year", "cadre__name_pinyin", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="commitment_once_a_year"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "published"]),
                name="commitment_status_valid",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="commitment_year_range"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="commitment_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"], name="commitment_status_year_idx")]

    def __str__(self):
        return f"{self.cadre} · {self.year}"

    @property
    def status_badge(self):
        return STATUS_BADGES.get(self.status, "")


class CommitmentItem(TimeStampedModel):
    """One promise with a concrete target; ``progress`` is the latest percentage the fulfilment meeting
    recorded."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    content = models.CharField(_("commitment"), max_length=CONTENT_MAX_LENGTH)
    target = models.CharField(_("target"), max_length=TARGET_MAX_LENGTH)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(
        area_path="commitment__cadre__supervising_path",
        unit="commitment__cadre__unit_id",
        cadre="commitment__cadre_id",
    )

    class Meta:
        ordering = ["commitment", "position"]
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "position"], name="commitment_item_position"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="commitment_item_progress_range",
            ),
        ]

    def __str__(self):
        return self.content


class FulfilmentReview(PublicModel):
    """The half-year fulfilment meeting (践诺推进会) for one commitment: who attended and, per item, the
    progress and its evidence. Recorded once by the community party organisation (or township or county
    staff) and published with the commitment."""

    commitment = models.OneToOneField(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="fulfilment_review"
    )
    held_on = models.DateField(_("meeting date"))
    attendees = models.TextField(_("who attended"))
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    objects = ScopedManager()
    jurisdiction = Jurisdiction(
        area_path="commitment__cadre__supervising_path",
        unit="commitment__cadre__unit_id",
        cadre="commitment__cadre_id",
    )

    class Meta:
        verbose_name = _("fulfilment meeting")
        verbose_name_plural = _("fulfilment meetings")

    def __str__(self):
        return f"{self.commitment} · {self.held_on}"


class ItemProgress(models.Model):
    """One item's progress at the fulfilment meeting."""

    review = models.ForeignKey(
        FulfilmentReview, verbose_name=_("fulfilment meeting"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        CommitmentItem, verbose_name=_("commitment item"), on_delete=models.CASCADE, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["item__position"]
        verbose_name = _("item progress")
        verbose_name_plural = _("item progress")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="item_progress_once"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="item_progress_range"
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.progress}%"


class YearEndRating(PublicModel):
    """The year-end rating of one commitment (R7): the counts per item and evaluator group live in
    ``ItemRating``; the contribution note says what the cadre did for the community."""

    commitment = models.OneToOneField(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="year_end_rating"
    )
    rated_on = models.DateField(_("rating meeting date"))
    contribution = models.TextField(_("contribution"))
    source = models.CharField(
        _("source"), max_length=16, choices=RatingSource.choices, default=RatingSource.MEETING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    objects = ScopedManager()
    jurisdiction = Jurisdiction(
        area_path="commitment__cadre__supervising_path",
        unit="commitment__cadre__unit_id",
        cadre="commitment__cadre_id",
    )

    class Meta:
        verbose_name = _("year-end rating")
        verbose_name_plural = _("year-end ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["meeting", "ballots"]), name="year_end_rating_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.commitment} · {self.rated_on}"


class ItemRating(models.Model):
    """How many raters of one group judged one item satisfied (满意), basically satisfied (基本满意) or
    dissatisfied (不满意): the ballot options of the glossary, so that a ballot tally adds to the same row."""

    rating = models.ForeignKey(
        YearEndRating, verbose_name=_("year-end rating"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        CommitmentItem, verbose_name=_("commitment item"), on_delete=models.CASCADE, related_name="+"
    )
    evaluator_group = models.CharField(_("evaluator group"), max_length=24, choices=EvaluatorGroup.choices)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)

    class Meta:
        ordering = ["item__position", "evaluator_group"]
        verbose_name = _("item rating")
        verbose_name_plural = _("item ratings")
        constraints = [
            models.UniqueConstraint(fields=["rating", "item", "evaluator_group"], name="item_rating_once"),
            models.CheckConstraint(
                condition=Q(evaluator_group__in=["representatives", "residents", "service_recipients"]),
                name="item_rating_group_valid",
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.evaluator_group}"

    @property
    def total(self):
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self):
        """(satisfied + basically satisfied) / raters, as a whole percentage (GLOSSARY: 满意度); ``None``
        without raters."""
        if not self.total:
            return None
        return round(100 * (self.satisfied + self.basically_satisfied) / self.total)


class CommitmentTransition(models.Model):
    """One step of a commitment's history: who did what, when, from which status to which, and why."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16, choices=CommitmentStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=CommitmentStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("commitment step")
        verbose_name_plural = _("commitment steps")

    def __str__(self):
        return f"{self.commitment} · {self.action}"

    @property
    def action_label(self):
        return STEP_LABELS.get(self.action, self.action)


STEP_LABELS = {
    "create": _("Written"),
    "submit": _("Sent for review"),
    "approve": _("Approved and published"),
    "return": _("Returned for changes"),
    "progress": _("Half-year fulfilment meeting recorded"),
    "rate": _("Year-end rating recorded"),
}
