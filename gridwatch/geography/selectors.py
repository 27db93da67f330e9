from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from gridwatch.core.text import prefix_range

from .models import Area, GridTeamMember, Level, Liaison


def _team_prefetch():
    return Prefetch(
        "team_members", queryset=GridTeamMember.objects.select_related("user").order_by("role", "id")
    )


def area_children(*, user, parent):
    """Children of an area inside the user's jurisdiction with their counts: the grids below a township or
    community, the cadres supervised in a grid (fixed queries)."""
    qs = Area.objects.for_user(user).filter(parent=parent).order_by("code")
    if parent is not None and parent.level == Level.COMMUNITY:
        qs = qs.prefetch_related(_team_prefetch())
        return qs.annotate(cadre_count=Count("supervised_cadres", distinct=True))
    # The grids whose path starts with the area's, as a range that the index on ``path`` serves.
    grids = (
        Area.objects.filter(level=Level.GRID, **prefix_range("path", OuterRef("path")))
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        child_count=Count("children", distinct=True),
        grid_count=Coalesce(Subquery(grids, output_field=IntegerField()), 0),
    )


def roots_for(user):
    """The top areas a user sees: the county for county-wide roles, otherwise their own areas."""
    qs = Area.objects.for_user(user)
    top_depth = qs.order_by("depth").values_list("depth", flat=True).first()
    if top_depth is None:
        return Area.objects.none()
    return qs.filter(depth=top_depth).order_by("code")


def grid_team(*, grid):
    """A grid's supervision group, leader first."""
    order = {"leader": 0, "deputy": 1, "supervisor": 2}
    members = list(GridTeamMember.objects.filter(grid=grid).select_related("user"))
    return sorted(members, key=lambda m: (order.get(m.role, 9), m.pk))


def grid_table(*, user):
    """The grids of the user's jurisdiction for the grid division table, with their community, township
    and team: four queries whatever the size."""
    return (
        Area.objects.for_user(user)
        .filter(level=Level.GRID)
        .select_related("parent__parent__parent")
        .prefetch_related(_team_prefetch())
        .order_by("path")
    )


def liaison_list(*, user, only_own=False):
    """Commission liaisons in the user's jurisdiction with their grid and townships."""
    qs = Liaison.objects.for_user(user)
    if only_own:
        qs = qs.filter(user=user)
    return (
        qs.select_related("user", "grid__parent__parent")
        .prefetch_related(Prefetch("townships", queryset=Area.objects.order_by("code")))
        .order_by("grid__path", "user__username")
    )


def request_counties(request):
    """The first two counties by path, read once a request: the portal's header and footer name the county
    of a one-county installation, and the county-wide mailbox files into the first county
    (``cases.views.report_form``), from the same query."""
    counties = getattr(request, "_request_counties", None) if request is not None else None
    if counties is None:
        counties = list(
            Area.objects.filter(level=Level.COUNTY)
            .only("name", "code", "path", "supervision_phone")
            .order_by("path")[:2]
        )
        if request is not None:
            request._request_counties = counties
    return counties
