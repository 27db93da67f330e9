"""Democratic evaluation (民主测评, R8) and the dual evaluation (双向考评, R17).

Anonymity by design (docs/workflows/democratic-evaluation.md): there is no per-ballot row. A vote adds one
to counters (``BallotCount``: campaign, evaluator group, cadre, dimension, option) that exist from the
opening of the campaign, in one UPDATE, and adds one to its group's turnout. Nothing is inserted when a
person votes, so neither an insertion order (SQLite rowid, PostgreSQL heap order) nor a timestamp nor a key
can tell one ballot from another; the ballot code's row is only marked used, with no time and no reference
to what was chosen. The GLOSSARY's ``Ballot`` is the vote itself (``services.ballot_cast``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager
from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class Scale(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction (satisfied / basically satisfied / dissatisfied)")
    COMPETENCE = "competence", _("Competence (excellent / competent / basically competent / incompetent)")


class Option(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")
    UNKNOWN = "unknown", _("Don't know")
    INVALID = "invalid", _("Invalid")


# The options of each scale, best first; ``UNKNOWN`` (abstain) and ``INVALID`` (a spoilt paper mark) are
# counted but are not valid ballots.
SCALE_OPTIONS = {
    Scale.SATISFACTION: (Option.SATISFIED, Option.BASICALLY_SATISFIED, Option.DISSATISFIED),
    Scale.COMPETENCE: (Option.EXCELLENT, Option.COMPETENT, Option.BASICALLY_COMPETENT, Option.INCOMPETENT),
}
NOT_VALID = (Option.UNKNOWN, Option.INVALID)


class Formula(models.TextChoices):
    """How the satisfaction rate is computed from the valid ballots (the best option is 满意 or 优秀, the
    second 基本满意 or 称职)."""

    STANDARD = "standard", _("Best two options / valid ballots")
    STRICT = "strict", _("Best option only / valid ballots")
    WEIGHTED = "weighted", _("Best option + half the second / valid ballots")


class Dimension(models.TextChoices):
    COMMUNITY = "community", _("Serving the community")
    ENTERPRISES = "enterprises", _("Serving enterprises")
    RESIDENTS = "residents", _("Serving residents")
    SUPERVISION = "supervision", _("Accepting supervision")


class GroupKind(models.TextChoices):
    REPRESENTATIVES = "representatives", _("Two representatives and one member (两代表一委员)")
    RESIDENTS = "residents", _("Grid resident representatives")
    SERVICE_RECIPIENTS = "service_recipients", _("Service recipients")


class Evaluation(PublicModel):
    """A campaign of the community party organisation for one year: the cadres evaluated, the evaluator
    groups with their weights, the scale and the formula. Flag thresholds and the minimum number of ballots
    are copied from the settings when it is created, so a result stays what it was."""

    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        limit_choices_to={"level": "community"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    scale = models.CharField(_("scale"), max_length=16, choices=Scale.choices, default=Scale.SATISFACTION)
    formula = models.CharField(_("satisfaction formula"), max_length=16, choices=Formula.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    min_group_ballots = models.PositiveSmallIntegerField(_("minimum ballots shown per group"))
    flag_negative_share = models.DecimalField(
        _("flag when the worst option is over"), max_digits=4, decimal_places=3
    )
    flag_positive_below = models.DecimalField(
        _("flag when the best two are under"), max_digits=4, decimal_places=3
    )
    # Coarse dates only (anonymity): the day of each step.
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="community__path")

    class Meta:
        ordering = ["-year", "community__path"]
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="evaluation_community_year_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed", "published"]),
                name="evaluation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(scale__in=["satisfaction", "competence"]), name="evaluation_scale_valid"
            ),
            models.CheckConstraint(
                condition=Q(formula__in=["standard", "strict", "weighted"]), name="evaluation_formula_valid"
            ),
        ]

    def __str__(self):
        return f"{self.community.name} · {self.year} · {self.title}"

    @property
    def options(self):
        return SCALE_OPTIONS[self.scale]

    @property
    def status_badge(self):
        return {"draft": "", "open": "blue", "closed": "amber", "published": "green"}.get(self.status, "")


class EvaluationTransition(models.Model):
    """One step of a campaign's workflow, for its history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at"]
        verbose_name = _("campaign step")
        verbose_name_plural = _("campaign steps")

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"


class EvaluatedCadre(models.Model):
    """A cadre on the ballot of a campaign."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="cadres")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"))

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="evaluation__community__path")

    class Meta:
        ordering = ["evaluation", "position"]
        verbose_name = _("evaluated cadre")
        verbose_name_plural = _("evaluated cadres")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "cadre"], name="evaluated_cadre_unique"),
        ]

    def __str__(self):
        return f"{self.evaluation_id} · {self.cadre_id}"


class EvaluatorGroup(models.Model):
    """One of the campaign's evaluator groups: its weight in the composite, how many evaluators are
    expected and how many ballots were cast (a counter: no row per ballot, no time)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("evaluator group"), max_length=24, choices=GroupKind.choices)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2)
    expected = models.PositiveIntegerField(_("evaluators expected"))
    cast = models.PositiveIntegerField(_("ballots cast"), default=0)

    class Meta:
        ordering = ["evaluation", "kind"]
        verbose_name = _("evaluator group")
        verbose_name_plural = _("evaluator groups")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "kind"], name="evaluator_group_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="evaluator_group_weight_positive"),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def participation(self):
        return self.cast / self.expected if self.expected else None


class BallotCode(models.Model):
    """A single-use ballot code of a group, stored only as a keyed hash. ``used`` is all that changes when
    it is used: no time, no reference to the vote. The key is random so the table's order says nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    batch = models.PositiveSmallIntegerField(_("batch"))
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")

    def __str__(self):
        return f"ballot code {self.pk}"


class BallotCount(models.Model):
    """How many ballots of a group gave ``option`` for a cadre on a dimension. Created at zero when the
    campaign opens; a ballot adds one to its rows in a single UPDATE."""

    id = models.BigAutoField(primary_key=True)  # created all at once at opening: the order is the key's
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="counts")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.CASCADE, related_name="counts")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    option = models.CharField(max_length=24, choices=Option.choices)
    count = models.PositiveIntegerField(default=0)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="evaluation__community__path")

    class Meta:
        verbose_name = _("ballot count")
        verbose_name_plural = _("ballot counts")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "group", "cadre", "dimension", "option"], name="ballot_count_unique"
            ),
        ]

    def __str__(self):
        return f"{self.dimension} · {self.option}: {self.count}"


class PaperBallot(models.Model):
    """A paper ballot typed in by one staff member and waiting for a second to confirm it against the slip.
    Deleted when confirmed (its choices are then only in the counts) or discarded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="paper_ballots")
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    spoilt = models.BooleanField(_("whole ballot invalid"), default=False)
    # {"<cadre id>": {"<dimension>": "<option>"}}
    choices = models.JSONField(default=dict)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("paper ballot awaiting confirmation")
        verbose_name_plural = _("paper ballots awaiting confirmation")

    def __str__(self):
        return f"paper ballot {self.pk}"


class UnitGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class DualEvaluation(TimeStampedModel):
    """One record per cadre per year (双向考评, R17): the unit's annual grade and the grid evaluation,
    combined by the configured rule."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="dual_evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    unit_grade = models.CharField(
        _("unit's annual grade"), max_length=24, choices=UnitGrade.choices, blank=True
    )
    unit_graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("grid evaluation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grid_rate = models.DecimalField(
        _("grid satisfaction rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    grid_grade = models.CharField(
        _("grid evaluation grade"), max_length=24, choices=UnitGrade.choices, blank=True
    )
    combined_grade = models.CharField(
        _("combined grade"), max_length=24, choices=UnitGrade.choices, blank=True
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="cadre__supervising_path", unit="cadre__unit_id", cadre="cadre_id")

    class Meta:
        ordering = ["-year", "cadre__name_pinyin"]
        verbose_name = _("dual evaluation")
        verbose_name_plural = _("dual evaluations")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="dual_evaluation_cadre_year_unique"),
        ]

    def __str__(self):
        return f"{self.cadre} · {self.year}"
