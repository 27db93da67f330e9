"""What the notice-board sheets print: for every grid of an area (one grid, a community, a township) its
serving cadres (name, unit, position), the newest year's published commitments of the grid, its
supervision group, the standards in force there and its supervision phone. Six queries at most, whatever
the number of grids; only what the public portal shows is read (``portal.selectors``)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from gridwatch.commitments.models import Commitment, CommitmentItem, CommitmentStatus
from gridwatch.core.text import prefix_range
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from ..models import Standard, StandardKind, StandardStatus
from ..selectors import TEAM_ORDER, path_prefixes


@dataclass
class SheetPage:
    """One grid's sheet. ``rows`` are (cadre, published commitment items of ``year`` or []), in the grid
    page's order; ``team`` (role, name) pairs, leader first."""

    grid: Area
    county: Area | None
    year: int | None = None
    rows: list = field(default_factory=list)
    team: list = field(default_factory=list)
    standards: list = field(default_factory=list)

    @property
    def township(self):
        return self.grid.parent.parent if self.grid.parent else None

    @property
    def community(self):
        return self.grid.parent

    @property
    def phone(self):
        """The grid's supervision phone, else the county's."""
        return self.grid.supervision_phone or (self.county.supervision_phone if self.county else "")

    @property
    def code_of_conduct(self):
        """The county-wide code of conduct in force (the first of them), or None."""
        return next(
            (s for s in self.standards if s.kind == StandardKind.CODE and s.area.level == Level.COUNTY), None
        )


def sheet_pages(area):
    """The sheets of every grid in ``area`` (an ``Area`` of any level: a grid gives its own), in the order of
    the grid division table (the path). Six queries at most, whatever the number of grids."""
    grids = list(
        Area.objects.filter(level=Level.GRID, **prefix_range("path", area.path))
        .select_related("parent__parent__parent")
        .order_by("path")
    )
    if not grids:
        return []
    pages = {g.pk: SheetPage(grid=g, county=_county(g)) for g in grids}

    cadres = defaultdict(list)
    for cadre in (
        Cadre.objects.filter(status=CadreStatus.SERVING, **prefix_range("supervising_path", area.path))
        .select_related("unit")
        .only("id", "name", "name_pinyin", "position", "unit__name", "supervising_grid_id")
        .order_by("name_pinyin", "id")
    ):
        cadres[cadre.supervising_grid_id].append(cadre)

    members = list(
        GridTeamMember.objects.filter(**prefix_range("grid__path", area.path))
        .select_related("user")
        .only("id", "grid_id", "role", "user__display_name")
        .order_by("id")
    )
    members.sort(key=lambda m: (TEAM_ORDER.get(m.role, 9), m.id))
    for member in members:
        name = (member.user.display_name or "").strip()
        if name and member.grid_id in pages:
            pages[member.grid_id].team.append((TeamRole(member.role), name))

    years, items = _commitments(area)

    for standard in _standards(area):
        for page in pages.values():
            if page.grid.path.startswith(standard.area.path):
                page.standards.append(standard)

    for grid_id, page in pages.items():
        page.year = years.get(grid_id)
        page.rows = [(c, items.get(c.pk, [])) for c in cadres[grid_id]]
    return [pages[g.pk] for g in grids]


def _county(grid):
    node = grid
    while node.parent_id is not None:
        node = node.parent
    return node if node.level == Level.COUNTY else None


def _commitments(area):
    """The newest year with a published commitment of a serving cadre, per grid; and the items of those
    commitments of that year, keyed by cadre id (two queries)."""
    rows = list(
        Commitment.objects.filter(
            status=CommitmentStatus.PUBLISHED,
            cadre__status=CadreStatus.SERVING,
            **prefix_range("cadre__supervising_path", area.path),
        ).values_list("id", "cadre_id", "year", "cadre__supervising_grid_id")
    )
    years = {}
    for _pk, _cadre, year, grid_id in rows:
        years[grid_id] = max(year, years.get(grid_id, year))
    chosen = {pk: cadre_id for pk, cadre_id, year, grid_id in rows if years[grid_id] == year}
    items = defaultdict(list)
    if chosen:
        for item in (
            CommitmentItem.objects.filter(commitment_id__in=list(chosen))
            .only("id", "commitment_id", "position", "content")
            .order_by("commitment_id", "position")
        ):
            items[chosen[item.commitment_id]].append(item)
    return years, items


def _standards(area):
    """The standards in force in ``area`` or anywhere inside it, and those of the areas above it (one
    query), in the grid page's order."""
    return list(
        Standard.objects.filter(
            Q(area__path__in=path_prefixes(area.path)) | Q(**prefix_range("area__path", area.path)),
            status=StandardStatus.PUBLISHED,
        )
        .select_related("area")
        .only("id", "kind", "title", "body", "position", "area__path", "area__level", "area__depth")
        .order_by("kind", "area__depth", "position", "title")
    )
