from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridwatch.core.models import TimeStampedModel
from gridwatch.core.scoping import Jurisdiction, ScopedManager


class Level(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township / street")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


LEVEL_DEPTH = {Level.COUNTY: 0, Level.TOWNSHIP: 1, Level.COMMUNITY: 2, Level.GRID: 3}
CHILD_LEVEL = {Level.COUNTY: Level.TOWNSHIP, Level.TOWNSHIP: Level.COMMUNITY, Level.COMMUNITY: Level.GRID}


class Kind(models.TextChoices):
    COUNTY = "county", _("County")
    STREET = "street", _("Street (街道)")
    TOWN = "town", _("Town (镇)")
    TOWNSHIP = "township", _("Township (乡)")
    COMMUNITY = "community", _("Community (社区)")
    VILLAGE = "village", _("Village (村)")
    GRID = "grid", _("Grid")


class Area(TimeStampedModel):
    """County → township/street → community/village → grid, keyed by the official statistical code.

    ``path`` is the materialised path of codes (``522729000000/522729101000/…/``): a jurisdiction is a
    path prefix, so every scoped query is one indexed prefix match.
    """

    code = models.CharField(_("official code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=120, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    description = models.CharField(_("description of the area"), max_length=300, blank=True)
    supervision_phone = models.CharField(_("supervision phone"), max_length=40, blank=True)

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="path")

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[c.value for c in Level]), name="area_level_valid"),
            models.CheckConstraint(
                condition=Q(level="county", parent__isnull=True) | Q(parent__isnull=False),
                name="area_only_county_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_grid(self):
        return self.level == Level.GRID

    def township_path(self):
        """The path prefix of this area's township (or the area's own path above that level)."""
        parts = self.path.strip("/").split("/")
        return "/".join(parts[:2]) + "/" if len(parts) >= 2 else self.path

    def full_name(self):
        """Names from the township down, e.g. 广顺镇 南场社区 第1网格."""
        return " ".join(self.ancestor_names()[1:] + [self.name]) if self.depth else self.name

    def place(self, levels=2):
        """Where the area is, for people: its name after those of its ``levels - 1`` nearest parents, top
        first, joined by " · ". A parent's name that the next name starts with is left out, so a grid named
        after its community reads 和平社区第1网格, not 和平社区 · 和平社区第1网格. Reads the parents already
        loaded (``select_related``), like the templates it replaces."""
        nodes = [self]
        while len(nodes) < levels and nodes[-1].parent_id is not None:
            nodes.append(nodes[-1].parent)
        names = [n.name for n in reversed(nodes)]
        kept = [name for name, below in zip(names, names[1:], strict=False) if not _repeats(name, below)]
        return " · ".join([*kept, names[-1]])

    def ancestor_names(self):
        names, node = [], self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return list(reversed(names))


def _repeats(parent, name):
    """Whether ``name`` is ``parent``'s name followed by a number (和平社区 → 和平社区第1网格, 和平社区2号网格),
    so that the parent's name can be left out before it; 新村 → 新村路网格 is another name."""
    rest = name.removeprefix(parent)
    return rest != name and rest[:1] in ("第", *"0123456789")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Grid leader")
    DEPUTY = "deputy", _("Deputy leader")
    SUPERVISOR = "supervisor", _("Supervisor")


MAX_SUPERVISORS = 5


class GridTeamMember(TimeStampedModel):
    """A member of a grid's supervision group (R3): one leader, one deputy, 1–5 supervisors.

    The database holds at most one leader and one deputy per grid; the service layer holds the 1–5
    supervisors (``geography.services.team_member_add`` / ``team_member_remove``)."""

    grid = models.ForeignKey(
        Area,
        verbose_name=_("grid"),
        on_delete=models.CASCADE,
        related_name="team_members",
        limit_choices_to={"level": Level.GRID},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="grid_posts"
    )
    role = models.CharField(_("role"), max_length=16, choices=TeamRole.choices)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("e.g. the deputy's post in the grid")
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        ordering = ["grid__path", "role", "id"]
        verbose_name = _("grid team member")
        verbose_name_plural = _("grid team members")
        constraints = [
            models.UniqueConstraint(fields=["grid", "user"], name="team_member_once_per_grid"),
            models.UniqueConstraint(fields=["grid"], condition=Q(role="leader"), name="team_one_leader"),
            models.UniqueConstraint(fields=["grid"], condition=Q(role="deputy"), name="team_one_deputy"),
            models.CheckConstraint(
                condition=Q(role__in=["leader", "deputy", "supervisor"]), name="team_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.grid} · {self.get_role_display()} · {self.user}"


class Liaison(TimeStampedModel):
    """A member of the county commission's leadership linked to townships by division of work and to
    exactly one grid in the county seat (R4)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commission leader"),
        on_delete=models.PROTECT,
        related_name="liaison",
    )
    grid = models.ForeignKey(
        Area,
        verbose_name=_("linked grid in the county seat"),
        on_delete=models.PROTECT,
        related_name="liaisons",
        limit_choices_to={"level": Level.GRID},
    )
    townships = models.ManyToManyField(
        Area,
        verbose_name=_("linked townships"),
        related_name="township_liaisons",
        blank=True,
        limit_choices_to={"level": Level.TOWNSHIP},
    )

    objects = ScopedManager()
    jurisdiction = Jurisdiction(area_path="grid__path")

    class Meta:
        verbose_name = _("commission liaison")
        verbose_name_plural = _("commission liaisons")

    def __str__(self):
        return f"{self.user} → {self.grid}"
