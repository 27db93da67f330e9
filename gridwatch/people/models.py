from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridwatch.core.crypto import EncryptedTextField
from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area


class UnitKind(models.TextChoices):
    PARTY = "party", _("Party organ")
    GOVERNMENT = "government", _("Government department")
    TOWNSHIP = "township", _("Township party committee and government")
    INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other")


class Unit(PublicModel):
    """A cadre's employer: a department, bureau, township government or public institution."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("The county for county departments, the township for township units."),
    )
    head = models.ForeignKey(
        "Cadre",
        verbose_name=_("number one (一把手)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="area__path", unit="id")

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class Rank(models.TextChoices):
    DEPARTMENT_CHIEF = "dept_chief", _("Division chief (正处级)")
    DEPARTMENT_DEPUTY = "dept_deputy", _("Deputy division chief (副处级)")
    SECTION_CHIEF = "section_chief", _("Section chief (正科级)")
    SECTION_DEPUTY = "section_deputy", _("Deputy section chief (副科级)")
    STAFF = "staff", _("Staff level (股级)")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CadreStatus(models.TextChoices):
    SERVING = "serving", _("Serving")
    TRANSFERRED = "transferred", _("Transferred")
    RETIRED = "retired", _("Retired")


class Cadre(PublicModel):
    """A leading cadre (R1). Inside working hours managed by ``unit``, outside by ``supervising_grid``
    (R16: the residence grid by default, the township's grid for township cadres)."""

    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres")
    position = models.CharField(_("position"), max_length=100)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    residence_grid = models.ForeignKey(
        Area,
        verbose_name=_("residence grid"),
        on_delete=models.PROTECT,
        related_name="resident_cadres",
        limit_choices_to={"level": "grid"},
    )
    supervising_grid = models.ForeignKey(
        Area,
        verbose_name=_("supervising grid"),
        on_delete=models.PROTECT,
        related_name="supervised_cadres",
        limit_choices_to={"level": "grid"},
    )
    # The supervising grid's path, kept with the row so a jurisdiction filter needs no join.
    supervising_path = models.CharField(max_length=120, editable=False, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="cadre-photos/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CadreStatus.choices, default=CadreStatus.SERVING
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="supervising_path", unit="unit_id", cadre="id")

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        # No index on ``name`` alone: SQLite would take it for a name search inside a jurisdiction and walk
        # every namesake of the province instead of the jurisdiction's rows (docs/performance.md, P5).
        indexes = [
            models.Index(fields=["name_pinyin", "id"], name="cadre_order_idx"),
            models.Index(fields=["supervising_path", "name_pinyin"], name="cadre_scope_order_idx"),
            models.Index(fields=["unit", "name_pinyin"], name="cadre_unit_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900, birth_year__lte=2100), name="cadre_birth_year"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["serving", "transferred", "retired"]), name="cadre_status_valid"
            ),
        ]

    def __str__(self):
        return self.name


class FileEntryKind(models.TextChoices):
    REGISTRY = "registry", _("Registry")
    OBSERVATION = "observation", _("Observation")
    FINDING = "finding", _("Verified finding")
    WARNING = "warning", _("Warning notice")
    COMMITMENT = "commitment", _("Commitment")
    EVALUATION = "evaluation", _("Evaluation")
    CLARIFICATION = "clarification", _("Clarification")


class CadreFileEntry(TimeStampedModel):
    """One line of the one-person-one-file timeline (一人一档, R1). Only recorded and verified facts are
    written here; each later feature adds its own kind."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="file_entries"
    )
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=FileEntryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The entry's free text (a finding's summary of verified facts, why a status changed), encrypted at rest:
    # ``details`` holds only codes, dates and message ids, never a text about the cadre.
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="cadre__supervising_path", unit="cadre__unit_id", cadre="cadre_id")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("cadre file entry")
        verbose_name_plural = _("cadre file entries")
        indexes = [models.Index(fields=["cadre", "-at"], name="file_entry_cadre_at_idx")]

    def __str__(self):
        return f"{self.cadre} · {self.display_title}"

    @property
    def display_changes(self):
        """``(label, before, after)`` for each changed field, with the field's name and choice labels in the
        reader's language instead of the column name."""
        rows = []
        for name, change in ((self.details or {}).get("changes") or {}).items():
            before, after = change.get("before"), change.get("after")
            try:
                field = Cadre._meta.get_field(name)
            except FieldDoesNotExist:
                rows.append((name, before, after))
                continue
            choices = dict(field.flatchoices) if field.choices else {}
            rows.append((field.verbose_name, choices.get(before, before), choices.get(after, after)))
        return rows

    @property
    def display_title(self):
        """The title in the reader's language; parameters are message ids too (a status label, say)."""
        params = (self.details or {}).get("title_params") or {}
        title = gettext(self.title)
        if not params:
            return title
        try:
            return title % {key: gettext(str(value)) for key, value in params.items()}
        except (KeyError, TypeError, ValueError):
            return title


class RelationKind(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    KIN = "kin", _("Close relative")
    IN_LAW = "in_law", _("Relative by marriage")
    ASSOCIATE = "associate", _("Close associate")
    OTHER = "other", _("Other interest")


class DeclaredRelation(TimeStampedModel):
    """A relation a user declared to a cadre; conflict-of-interest rules route cases around it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="declared_relations",
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="declared_relations"
    )
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="cadre__supervising_path", unit="cadre__unit_id")

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        constraints = [models.UniqueConstraint(fields=["user", "cadre"], name="relation_once")]

    def __str__(self):
        return f"{self.user} ~ {self.cadre} ({self.get_kind_display()})"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CollectionRound(PublicModel):
    """A data-collection round (R21): units fill in their cadres' data by a deadline."""

    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("data-collection round")
        verbose_name_plural = _("data-collection rounds")

    def __str__(self):
        return self.title


class UnitSubmission(TimeStampedModel):
    """A unit's confirmation that its cadres' data for a round is complete."""

    round = models.ForeignKey(
        CollectionRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cadre_count = models.PositiveIntegerField(_("cadres at submission"))

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="unit__area__path", unit="unit_id")

    class Meta:
        verbose_name = _("unit submission")
        verbose_name_plural = _("unit submissions")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="submission_once_per_round")]

    def __str__(self):
        return f"{self.round} · {self.unit}"
