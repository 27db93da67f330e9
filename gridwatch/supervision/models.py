"""Grid supervision records: the four-circles checklist (R5), supervision cards (R11), the supervision
register (R10), the sentiment diary (民情日记, R14) and the office's inspections of grids (R22)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gridwatch.cases.models import Circle, Report
from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre


class DiaryEntry(PublicModel):
    """A grid group's visit and what they heard (R14), optionally about a cadre of the grid. What residents
    said and who said it are encrypted; an entry can be turned into a case (a report of the supervisor
    channel)."""

    grid = models.ForeignKey(
        Area,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="diary_entries",
        limit_choices_to={"level": "grid"},
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"), db_index=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    people_met = EncryptedTextField(_("whom we talked to"), blank=True)
    heard = EncryptedTextField(_("what we heard"))
    circle = models.CharField(_("circle"), max_length=16, choices=Circle.choices, blank=True)
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("about the cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="diary_entries",
    )
    report = models.OneToOneField(
        Report,
        verbose_name=_("turned into the case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diary_entry",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        ordering = ["-visited_on", "-created_at"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [models.Index(fields=["grid", "-visited_on"], name="diary_grid_visited_idx")]

    def __str__(self):
        return f"{self.grid} · {self.visited_on}"


# The four circles of the checklist: the report circles without "other".
CHECKLIST_CIRCLES = [(value, label) for value, label in Circle.choices if value != Circle.OTHER]


class ChecklistVersion(PublicModel):
    """One version of the four-circles checklist (R5). Versions are never edited: county staff's edit makes
    a new version, and a card keeps the version it was filled against. The current version is the newest."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")

    def __str__(self):
        return f"v{self.number}"


class ChecklistItem(TimeStampedModel):
    """One item of a checklist version, in Chinese with its English, under one of the four circles."""

    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    circle = models.CharField(_("circle"), max_length=16, choices=CHECKLIST_CIRCLES)
    position = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.CharField(_("item (Chinese)"), max_length=300)
    text_en = models.CharField(_("item (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="checklist_item_position_unique"),
            models.CheckConstraint(
                condition=Q(circle__in=[value for value, _label in CHECKLIST_CIRCLES]),
                name="checklist_item_circle_valid",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        """The item in the reader's language (the Chinese when no English was written)."""
        language = translation.get_language() or ""
        if language.startswith("en") and self.text_en:
            return self.text_en
        return self.text_zh


class CardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    REVIEWED = "reviewed", _("Reviewed")


class SupervisionCard(PublicModel):
    """The 《县领导干部社区网格表现情况监督卡》 (R11): one per cadre per month, filled item by item by the
    supervisors of the cadre's supervising grid and reviewed by the grid leader. ``month`` is the first day
    of the month. The notes, the overall remarks and the grid leader's remarks are encrypted: they are
    observations about a person."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="supervision_cards"
    )
    grid = models.ForeignKey(
        Area,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="supervision_cards",
        limit_choices_to={"level": "grid"},
    )
    month = models.DateField(_("month"))
    checklist_version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("checklist version"), on_delete=models.PROTECT, related_name="cards"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.DRAFT
    )
    summary = EncryptedTextField(_("overall remarks"), blank=True)
    concern_count = models.PositiveSmallIntegerField(_("items of concern"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = EncryptedTextField(_("grid leader's remarks"), blank=True)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        ordering = ["-month", "cadre__name_pinyin"]
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "month"], name="card_one_per_cadre_month"),
            models.CheckConstraint(condition=Q(status__in=CardStatus.values), name="card_status_valid"),
        ]
        indexes = [models.Index(fields=["grid", "month"], name="card_grid_month_idx")]

    def __str__(self):
        return f"{self.cadre} · {self.month:%Y-%m}"


class CardRating(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONCERN = "concern", _("Concern")


def card_photo_path(instance, filename):
    """A random name: nothing of the phone's file name is kept."""
    return f"cards/{uuid.uuid4().hex}"


class CardItem(TimeStampedModel):
    """One line of a card: a checklist item of the card's version, rated normal or concern (blank while the
    draft is unfinished), with a note and an optional photo (re-encoded without metadata)."""

    card = models.ForeignKey(
        SupervisionCard, verbose_name=_("card"), on_delete=models.CASCADE, related_name="items"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(_("rating"), max_length=8, choices=CardRating.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    photo = models.FileField(_("photo"), upload_to=card_photo_path, max_length=200, blank=True)

    class Meta:
        ordering = ["checklist_item__position"]
        verbose_name = _("card item")
        verbose_name_plural = _("card items")
        constraints = [
            models.UniqueConstraint(fields=["card", "checklist_item"], name="card_item_unique"),
            models.CheckConstraint(
                condition=Q(rating__in=["", *CardRating.values]), name="card_item_rating_valid"
            ),
        ]

    def __str__(self):
        return f"{self.card} · {self.checklist_item_id}"


class RegisterAspect(models.TextChoices):
    """The headings of the 干部监督工作登记册 (R10)."""

    LIFE_STYLE = "life_style", _("Life style")
    FAMILY_RELATIONS = "family_relations", _("Family relations")
    NEIGHBOUR_RELATIONS = "neighbour_relations", _("Neighbour relations")
    SOCIAL_MORALITY = "social_morality", _("Social morality")
    COMMUNITY_WELFARE = "community_welfare", _("Part in community welfare activities")
    PARTY_ASSESSMENT = "party_assessment", _("Community party organisation's assessment")


class RegisterEntry(PublicModel):
    """One entry of the supervision register (干部监督工作登记册, R10) about one cadre, kept by the
    community party organisation and the grid team of the cadre's supervising grid."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="register_entries"
    )
    grid = models.ForeignKey(
        Area,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="register_entries",
        limit_choices_to={"level": "grid"},
    )
    aspect = models.CharField(_("heading"), max_length=24, choices=RegisterAspect.choices)
    recorded_on = models.DateField(_("date"), db_index=True)
    content = EncryptedTextField(_("what was recorded"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(aspect__in=RegisterAspect.values), name="register_aspect_valid"
            )
        ]
        indexes = [models.Index(fields=["grid", "-recorded_on"], name="register_grid_recorded_idx")]

    def __str__(self):
        return f"{self.cadre} · {self.get_aspect_display()} · {self.recorded_on}"


class InspectionKind(models.TextChoices):
    REGULAR = "regular", _("Regular inspection")
    RANDOM = "random", _("Random inspection")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("Corrections required")
    CLOSED = "closed", _("Closed")


class Inspection(PublicModel):
    """The office's or a commission liaison's inspection of a grid (督促检查, R22): what was found, the
    corrections required by a date, and the follow-up that closes it. The three texts are encrypted: they
    are about the grid and the cadres it names."""

    grid = models.ForeignKey(
        Area,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="inspections",
        limit_choices_to={"level": "grid"},
    )
    kind = models.CharField(_("kind"), max_length=8, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("inspected on"), db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspected by"), on_delete=models.PROTECT, related_name="+"
    )
    findings = EncryptedTextField(_("findings"))
    corrections = EncryptedTextField(_("corrections required"), blank=True)
    correct_by = models.DateField(_("correct by"), null=True, blank=True)
    cadres = models.ManyToManyField(
        Cadre, verbose_name=_("cadres concerned"), blank=True, related_name="inspections"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )
    follow_up = EncryptedTextField(_("follow-up"), blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed up by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        ordering = ["-inspected_on", "-created_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InspectionKind.values), name="inspection_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=InspectionStatus.values), name="inspection_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["grid", "-inspected_on"], name="inspection_grid_date_idx")]

    def __str__(self):
        return f"{self.grid} · {self.inspected_on}"
