"""What the public portal reads. Every function costs a fixed number of queries whatever the size of the
county, and reads only what is published: serving cadres' name, unit, position and photo; published
commitments, results, standards and articles. Nothing else of the registry is ever selected."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Subquery
from django.http import Http404

from gridwatch.commitments.models import Commitment, CommitmentItem, CommitmentStatus
from gridwatch.evaluations import selectors as evaluation_selectors
from gridwatch.geography.models import Area, GridTeamMember, Level, TeamRole
from gridwatch.people.models import Cadre, CadreStatus

from .models import Article, ArticleStatus, Standard, StandardStatus

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


def grid_cadres(grid):
    return list(
        Cadre.objects.filter(supervising_grid=grid, status=CadreStatus.SERVING)
        .select_related("unit")
        .only("id", "name", "name_pinyin", "position", "photo", "unit__name", "supervising_grid_id")
        .order_by("name_pinyin", "id")
    )


def grid_team(grid):
    """The grid's supervision group by the names its members go by (``display_name``): never a login name,
    never a disabled account (one query)."""
    members = list(
        GridTeamMember.objects.filter(grid=grid, user__is_active=True)
        .exclude(user__display_name="")
        .select_related("user")
        .order_by("id")
    )
    members.sort(key=lambda m: (TEAM_ORDER.get(m.role, 9), m.id))
    return members


def grid_commitments(grid):
    """The newest year's published commitments of the grid's serving cadres, with their items, keyed by
    cadre id; and that year (three queries)."""
    years = (
        Commitment.objects.filter(
            status=CommitmentStatus.PUBLISHED, cadre__supervising_grid=grid, cadre__status=CadreStatus.SERVING
        )
        .order_by("-year")
        .values_list("year", flat=True)[:1]
    )
    year = next(iter(years), None)
    if year is None:
        return None, {}
    rows = (
        Commitment.objects.filter(
            status=CommitmentStatus.PUBLISHED,
            cadre__supervising_grid=grid,
            cadre__status=CadreStatus.SERVING,
            year=year,
        )
        .only("id", "cadre_id", "year")
        .prefetch_related(Prefetch("items", queryset=CommitmentItem.objects.order_by("position")))
    )
    return year, {c.cadre_id: c for c in rows}


def grid_results(grid):
    """The newest published democratic evaluation of the grid's community and the results of the grid's
    cadres in it, keyed by cadre id (two queries)."""
    evaluation = evaluation_selectors.public_evaluations(grid.parent).first() if grid.parent else None
    if evaluation is None:
        return None, {}
    result = evaluation_selectors.campaign_tally(evaluation)
    return evaluation, {row.cadre.pk: row for row in result.cadres}


@dataclass
class GridPage:
    grid: object
    cadres: list
    team: list
    standards: list
    commitments_year: int | None
    commitments: dict
    evaluation: object
    results: dict
    rows: list = field(default_factory=list)  # (cadre, commitment or None, result or None)


def grid_page(code):
    """Everything the public grid page and its notice-board sheet show (about nine queries)."""
    grid = public_area(code, Level.GRID)
    cadres = grid_cadres(grid)
    year, commitments = grid_commitments(grid)
    evaluation, results = grid_results(grid)
    page = GridPage(
        grid=grid,
        cadres=cadres,
        team=grid_team(grid),
        standards=standards_in_force(grid),
        commitments_year=year,
        commitments=commitments,
        evaluation=evaluation,
        results=results,
    )
    page.rows = [(c, commitments.get(c.pk), results.get(c.pk)) for c in cadres]
    return page


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
