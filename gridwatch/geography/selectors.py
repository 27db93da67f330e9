from django.db.models import Count, Prefetch

from .models import Area, GridTeamMember, Level


def area_children(*, user, parent):
    """Children of an area inside the user's jurisdiction, with their grid counts and teams (fixed queries)."""
    qs = Area.objects.for_user(user).filter(parent=parent).order_by("code")
    if parent is not None and parent.level == Level.COMMUNITY:
        qs = qs.prefetch_related(
            Prefetch("team_members", queryset=GridTeamMember.objects.select_related("user").order_by("role", "id"))
        )
    return qs.annotate(cadre_count=Count("supervised_cadres", distinct=True))


def roots_for(user):
    """The top areas a user sees: the county for county-wide roles, otherwise their own areas."""
    qs = Area.objects.for_user(user)
    top_depth = qs.order_by("depth").values_list("depth", flat=True).first()
    if top_depth is None:
        return Area.objects.none()
    return qs.filter(depth=top_depth).order_by("code")
