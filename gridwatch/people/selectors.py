"""Reads of the cadre registry. Each starts from ``for_user`` and costs a fixed number of queries."""

import re
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from gridwatch.accounts.roles import REGISTRY_EDITORS, Role
from gridwatch.core.scoping import Scope, get_scope
from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area, Level

from .models import (
    Cadre,
    CadreFileEntry,
    CadreStatus,
    CollectionRound,
    DeclaredRelation,
    FileEntryKind,
    RoundStatus,
    Unit,
    UnitSubmission,
)

ASCII = re.compile(r"^[A-Za-z]+$")


def cadre_search_q(q):
    """Chinese names by prefix (surname, full name); pinyin by initials (``zhw``) or full (``zhangwei``)."""
    q = q.strip()
    if not q:
        return Q()
    if ASCII.match(q):
        q = q.lower()
        return Q(**prefix_range("name_initials", q)) | Q(**prefix_range("name_pinyin", q))
    return Q(**prefix_range("name", q))


def cadre_list(*, user, q="", unit=None, area_path=None, status=None, rank=None):
    qs = Cadre.objects.for_user(user).filter(cadre_search_q(q))
    if unit:
        qs = qs.filter(unit_id=unit)
    if area_path:
        qs = qs.filter(**prefix_range("supervising_path", area_path))
    if status:
        qs = qs.filter(status=status)
    if rank:
        qs = qs.filter(rank=rank)
    return qs.select_related("unit", "supervising_grid__parent").order_by("name_pinyin", "id")


# Who reads the observations of a cadre's file (supervision cards, register entries): the staff and grid
# teams over the cadre's grid. The cadre sees only verified findings, warnings, commitments and evaluation
# results (the plan), and recusal keeps their unit (liaison, colleagues) and declared relations out too.
OBSERVATION_READERS = {
    Role.COUNTY_STAFF,
    Role.OFFICE,
    Role.LIAISON,
    Role.TOWNSHIP_STAFF,
    Role.COMMUNITY_ORG,
    Role.GRID_LEADER,
    Role.GRID_DEPUTY,
    Role.GRID_SUPERVISOR,
}


def reads_observations(user, cadre):
    """Whether the observations of ``cadre``'s file are shown to ``user``: a role of
    ``OBSERVATION_READERS`` over the cadre's supervising grid, and no conflict (回避: the cadre themself,
    their unit's liaison or colleagues, a declared relation). At most two small queries."""
    scope = get_scope(user)
    if not (scope.roles & OBSERVATION_READERS) or not scope.covers_path(cadre.supervising_path):
        return False
    if cadre.user_id is not None and cadre.user_id == user.pk:
        return False
    if cadre.unit_id in scope.unit_ids:
        return False
    if Cadre.objects.filter(user=user, unit_id=cadre.unit_id).exists():
        return False
    return not DeclaredRelation.objects.filter(user=user, cadre=cadre).exists()


def cadre_timeline(*, user, cadre):
    qs = CadreFileEntry.objects.for_user(user).filter(cadre=cadre)
    if not reads_observations(user, cadre):
        qs = qs.exclude(kind=FileEntryKind.OBSERVATION)
    return qs.select_related("recorded_by").order_by("-at", "-id")


def unit_list(*, user, q=""):
    qs = Unit.objects.for_user(user).select_related("area", "head")
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("name")


# ------------------------------------------------------------------------------------------ editing


@dataclass(frozen=True)
class EditorScope:
    """What a registry editor may change (accounts.roles.REGISTRY_EDITORS): county staff the cadres
    supervised in their county, township staff those supervised in their township (``area_paths``, the
    area the role is held on); a unit liaison their unit's cadres. ``grid_paths`` is where their cadres'
    residence and supervising grids may be chosen: the county or township for county and township staff,
    the unit's own area (the county for a county department) for a unit liaison."""

    area_paths: tuple = ()
    unit_ids: tuple = ()
    grid_paths: tuple = ()

    @property
    def is_empty(self):
        return not (self.area_paths or self.unit_ids)

    @property
    def units_only(self):
        """Only a unit liaison's rights: the unit is fixed to theirs."""
        return not self.area_paths

    @property
    def county_paths(self):
        """The counties of the areas the editor's roles are held on."""
        return tuple(sorted({county_path(p) for p in self.area_paths}))

    def covers_grid(self, grid):
        return any(grid.path.startswith(p) for p in self.grid_paths)

    def covers_cadre(self, cadre):
        return cadre.unit_id in self.unit_ids or any(
            cadre.supervising_path.startswith(p) for p in self.area_paths
        )

    def cadre_q(self):
        q = Q(pk__in=[])
        for prefix in self.area_paths:
            q |= Q(**prefix_range("supervising_path", prefix))
        if self.unit_ids:
            q |= Q(unit_id__in=list(self.unit_ids))
        return q


def county_path(path):
    """The path of the county an area path lies in: its first code."""
    return path.split("/", 1)[0] + "/"


def editor_scope(user):
    """One query, cached on the user object for the request."""
    cached = getattr(user, "_gridwatch_editor_scope", None)
    if cached is not None:
        return cached
    area_paths, unit_ids, grid_paths = set(), set(), set()
    if user is not None and user.is_authenticated:
        held = user.role_assignments.filter(role__in=list(REGISTRY_EDITORS)).select_related(
            "area", "unit__area"
        )
        for ra in held:
            if ra.role in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF) and ra.area_id:
                area_paths.add(ra.area.path)
                grid_paths.add(ra.area.path)
            elif ra.role == Role.UNIT_LIAISON and ra.unit_id:
                unit_ids.add(ra.unit_id)
                grid_paths.add(ra.unit.area.path)
    scope = EditorScope(
        area_paths=tuple(sorted(area_paths)),
        unit_ids=tuple(sorted(unit_ids, key=str)),
        grid_paths=tuple(sorted(grid_paths)),
    )
    if user is not None:
        user._gridwatch_editor_scope = scope
    return scope


def editable_cadres(user):
    """The cadres the user may edit: inside what they see, and inside what their editor roles cover."""
    return Cadre.objects.for_user(user).filter(editor_scope(user).cadre_q())


def editor_grids(user):
    """Grids an editor may pick for a cadre, with their community and township for the label."""
    scope = editor_scope(user)
    grids = Area.objects.for_scope(Scope(area_paths=scope.grid_paths))
    return grids.filter(level=Level.GRID).select_related("parent__parent").order_by("path")


def editor_units(user):
    """Units an editor may choose for a cadre. Township staff register cadres of county departments who
    are supervised in their township, so county and township staff choose among all units of their
    county (unit names are public: R6 publishes them); a unit liaison only their own unit."""
    scope = editor_scope(user)
    units = Scope(area_paths=scope.county_paths, unit_ids=scope.unit_ids)
    return Unit.objects.for_scope(units).order_by("name")


def cadre_table(*, user, unit=None):
    """Rows of the cadre information form (附件一): one query."""
    qs = Cadre.objects.for_user(user)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("unit", "residence_grid__parent__parent", "supervising_grid").order_by(
        "unit__name", "name_pinyin", "id"
    )


def declared_relations(*, user, cadre):
    return (
        DeclaredRelation.objects.for_user(user)
        .filter(cadre=cadre)
        .select_related("user")
        .order_by("created_at")
    )


# ------------------------------------------------------------------------------------------ units


def unit_cadres(*, user, unit):
    return (
        Cadre.objects.for_user(user)
        .filter(unit=unit)
        .select_related("supervising_grid__parent")
        .order_by("status", "name_pinyin", "id")
    )


def unit_submissions(*, user, unit):
    return (
        UnitSubmission.objects.for_user(user)
        .filter(unit=unit)
        .select_related("round")
        .order_by("-submitted_at")
    )


# ------------------------------------------------------------------------------------------ rounds


def _complete_q(prefix=""):
    """A cadre whose data is complete (services.REQUIRED_FOR_COMPLETENESS), as SQL. An empty phone is
    stored as '' (EncryptedTextField keeps empty empty), so no phone needs decrypting."""
    q = Q(**{f"{prefix}birth_year__isnull": False})
    for field in ("name", "gender", "position", "rank", "phone"):
        q &= ~Q(**{f"{prefix}{field}": ""})
    return q


def round_completeness(*, user, round):
    """Every unit in the user's jurisdiction with its serving cadres, how many are complete, and its
    submission for ``round``: one query."""
    serving = Q(cadres__status=CadreStatus.SERVING)
    submission = UnitSubmission.objects.filter(round=round, unit=OuterRef("pk"))
    return (
        Unit.objects.for_user(user)
        .annotate(
            serving_count=Count("cadres", filter=serving, distinct=True),
            complete_count=Count("cadres", filter=serving & _complete_q("cadres__"), distinct=True),
            submitted_at=Subquery(submission.values("submitted_at")[:1]),
        )
        .select_related("area")
        .order_by("name")
    )


def round_list(*, user):
    return CollectionRound.objects.order_by("-deadline", "-created_at")


def open_rounds():
    return CollectionRound.objects.filter(status=RoundStatus.OPEN).order_by("deadline")
