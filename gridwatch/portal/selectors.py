"""What the public portal reads. Every function costs a fixed number of queries whatever the size of the
county, and reads only what is published: serving cadres' name, unit, position and photo; published
commitments, results, standards and articles. Nothing else of the registry is ever selected."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Subquery
from django.http import Http404

from gridwatch.commitments.models import Commitment, CommitmentItem, CommitmentStatus
from gridwatch.core.text import prefix_range
from gridwatch.evaluations import selectors as evaluation_selectors
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from .models import Article, ArticleStatus, Standard, StandardKind, StandardStatus

SEARCH_MAX = 50  # grids listed for one search; the page says when there are more
TEAM_ORDER = {TeamRole.LEADER: 0, TeamRole.DEPUTY: 1, TeamRole.SUPERVISOR: 2}


def public_area(code, level):
    area = Area.objects.filter(code=code, level=level).select_related("parent__parent").first()
    if area is None:
        raise Http404
    return area


def path_prefixes(path):
    """``a/b/c/`` → ``["a/", "a/b/", "a/b/c/"]``: the paths of an area and all its ancestors."""
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def standards_in_force(area):
    """The standards and codes in force for ``area``: county-wide ones and those of its township,
    community or grid (one query)."""
    return list(
        Standard.objects.filter(status=StandardStatus.PUBLISHED, area__path__in=path_prefixes(area.path))
        .select_related("area")
        .order_by("kind", "area__depth", "position", "title")
    )


def grid_results(grid):
    """The newest published democratic evaluation of the grid's community and the results of the grid's
    cadres in it, keyed by cadre id (two queries)."""
    evaluation = evaluation_selectors.public_evaluations(grid.parent).first() if grid.parent else None
    if evaluation is None:
        return None, {}
    result = evaluation_selectors.campaign_tally(evaluation)
    return evaluation, {row.cadre.pk: row for row in result.cadres}


def grid_page(code):
    """Everything the public grid page shows: what its notice-board sheet prints (``grid_pages``) and the
    cadres' results in the newest published evaluation (about ten queries)."""
    page = grid_pages(public_area(code, Level.GRID))[0]
    page.evaluation, page.results = grid_results(page.grid)
    return page


@dataclass
class GridPage:
    """What one grid publishes, for its page and its notice-board sheet. ``rows`` are (cadre, published
    commitment items of ``year`` or []); ``team`` (role, name) pairs, leader first; ``evaluation`` and
    ``results`` (by cadre id) are filled for the page only (``grid_page``)."""

    grid: Area
    county: Area | None
    year: int | None = None
    rows: list = field(default_factory=list)
    team: list = field(default_factory=list)
    standards: list = field(default_factory=list)
    evaluation: object = None
    results: dict = field(default_factory=dict)

    @property
    def township(self):
        return self.grid.parent.parent if self.grid.parent else None

    @property
    def community(self):
        return self.grid.parent

    @property
    def people(self):
        """(cadre, commitment items, evaluation result or None): the rows of the grid page."""
        return [(cadre, items, self.results.get(cadre.pk)) for cadre, items in self.rows]

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


def grid_pages(area):
    """What every grid in ``area`` (an ``Area`` of any level: a grid gives its own) publishes, in the order
    of the grid division table (the path). Six queries at most, whatever the number of grids."""
    grids = list(
        Area.objects.filter(level=Level.GRID, **prefix_range("path", area.path))
        .select_related("parent__parent__parent")
        .order_by("path")
    )
    if not grids:
        return []
    pages = {g.pk: GridPage(grid=g, county=_county(g)) for g in grids}

    cadres = defaultdict(list)
    for cadre in (
        Cadre.objects.filter(status=CadreStatus.SERVING, **prefix_range("supervising_path", area.path))
        .select_related("unit")
        .only("id", "name", "name_pinyin", "position", "photo", "unit__name", "supervising_grid_id")
        .order_by("name_pinyin", "id")
    ):
        cadres[cadre.supervising_grid_id].append(cadre)

    members = list(
        # Named by the name they go by, never a login name; never a disabled account.
        GridTeamMember.objects.filter(user__is_active=True, **prefix_range("grid__path", area.path))
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


def township_page(code):
    """A township with its communities and grids, and the number of serving cadres supervised in each grid
    (three queries)."""
    township = public_area(code, Level.TOWNSHIP)
    grids = list(
        Area.objects.filter(level=Level.GRID, path__startswith=township.path)
        .select_related("parent")
        .annotate(
            cadre_count=Count("supervised_cadres", filter=Q(supervised_cadres__status=CadreStatus.SERVING))
        )
        .order_by("path")
    )
    communities = []
    for grid in grids:
        if not communities or communities[-1][0].pk != grid.parent_id:
            communities.append((grid.parent, []))
        communities[-1][1].append(grid)
    return township, communities


def county_standards():
    """The standards in force county-wide (one query)."""
    return list(
        Standard.objects.filter(status=StandardStatus.PUBLISHED, area__level=Level.COUNTY).order_by(
            "kind", "position", "title"
        )
    )


def top_areas():
    """Where a visitor starts: the townships of a one-county installation, the counties of a larger one
    (one query)."""
    county_count = (
        Area.objects.filter(level=Level.COUNTY).order_by().values("level").annotate(n=Count("pk")).values("n")
    )
    areas = list(
        Area.objects.alias(counties=Subquery(county_count))
        .filter(Q(level=Level.COUNTY) | Q(level=Level.TOWNSHIP, counties=1))
        .only("code", "name", "level", "path")
        .order_by("path")
    )
    counties = [a for a in areas if a.level == Level.COUNTY]
    return counties if len(counties) > 1 else [a for a in areas if a.level == Level.TOWNSHIP]


def search_area(code):
    """The county or township a search is narrowed to, or None (one query when a code is given)."""
    if not code:
        return None
    return Area.objects.filter(code=code[:15], level__in=[Level.COUNTY, Level.TOWNSHIP]).first()


def townships():
    return list(Area.objects.filter(level=Level.TOWNSHIP).order_by("path"))


def county_page(code):
    """A county of a larger installation with its townships (two queries)."""
    county = public_area(code, Level.COUNTY)
    return county, list(Area.objects.filter(level=Level.TOWNSHIP, parent=county).order_by("path"))


def search_grids(*, q="", area=None):
    """Grids (inside ``area`` when given) whose name, community, township or description (roads, estates)
    holds every word of ``q``; at most ``SEARCH_MAX`` plus one to tell there are more (one query)."""
    qs = Area.objects.filter(level=Level.GRID).select_related("parent__parent")
    if area:
        qs = qs.filter(path__startswith=area.path)
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(parent__name__icontains=word)
            | Q(parent__parent__name__icontains=word)
        )
    return list(qs.order_by("path")[: SEARCH_MAX + 1])


def latest_articles(limit=5):
    return list(
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .select_related("category")
        .only("id", "title", "summary", "published_at", "pinned", "category__name", "category__slug")
        .order_by("-pinned", "-published_at")[:limit]
    )
