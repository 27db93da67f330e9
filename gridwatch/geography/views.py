from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from gridwatch.accounts.roles import REGISTRY_READERS
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404

from . import selectors
from .models import Area, GridTeamMember, Level


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def area_list(request):
    roots = selectors.roots_for(request.user)
    return render(request, "geography/area_list.html", {"areas": roots})


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def area_detail(request, code):
    area = get_for_user_or_404(Area.objects.select_related("parent__parent__parent"), request.user, code=code)
    children = selectors.area_children(user=request.user, parent=area)
    team = []
    if area.level == Level.GRID:
        team = GridTeamMember.objects.filter(grid=area).select_related("user").order_by("role", "id")
    return render(request, "geography/area_detail.html", {"area": area, "children": children, "team": team})
