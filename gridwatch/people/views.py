from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.roles import REGISTRY_READERS, Role
from gridwatch.core.pagination import paginate
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.geography.models import Area, Level

from . import selectors, services
from .models import Cadre, CadreStatus, Rank, Unit


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS)
def cadre_list(request):
    filters = {
        "q": request.GET.get("q", "").strip()[:50],
        "unit": request.GET.get("unit") or None,
        "status": request.GET.get("status") if request.GET.get("status") in CadreStatus.values else None,
        "rank": request.GET.get("rank") if request.GET.get("rank") in Rank.values else None,
    }
    area_code = request.GET.get("area") or ""
    area = None
    if area_code:
        area = Area.objects.for_user(request.user).filter(code=area_code).first()
        filters["area_path"] = area.path if area else "-"
    try:
        page = paginate(request, selectors.cadre_list(user=request.user, **filters), settings.GRIDWATCH_PAGE_SIZE)
    except Exception as exc:  # a malformed unit id in the query string
        if exc.__class__.__name__ != "ValidationError":
            raise
        filters["unit"] = None
        page = paginate(request, selectors.cadre_list(user=request.user, **filters), settings.GRIDWATCH_PAGE_SIZE)
    context = {
        "page": page,
        "filters": filters,
        "area": area,
        "units": Unit.objects.for_user(request.user).order_by("name").only("id", "name"),
        "townships": Area.objects.for_user(request.user).filter(level=Level.TOWNSHIP).only("code", "name"),
        "statuses": CadreStatus.choices,
        "ranks": Rank.choices,
    }
    template = "people/cadre_list.html#results" if request.htmx else "people/cadre_list.html"
    return render(request, template, context)


@require_http_methods(["GET"])
@roles(*REGISTRY_READERS, Role.CADRE)
def cadre_detail(request, pk):
    """The one-person-one-file page (一人一档): registry data and the timeline."""
    cadre = get_for_user_or_404(
        Cadre.objects.select_related("unit", "residence_grid__parent__parent", "supervising_grid__parent__parent"),
        request.user, pk=pk,
    )
    timeline = selectors.cadre_timeline(user=request.user, cadre=cadre)
    return render(request, "people/cadre_detail.html", {"cadre": cadre, "timeline": timeline[:200]})


@require_POST
@roles(*REGISTRY_READERS, Role.CADRE)
def cadre_phone(request, pk):
    """Show a cadre's phone: a sensitive read, audited each time."""
    cadre = get_for_user_or_404(Cadre, request.user, pk=pk)
    phone = services.cadre_phone_reveal(actor=request.user, cadre=cadre)
    return render(request, "people/cadre_detail.html#phone", {"cadre": cadre, "phone": phone})


@require_http_methods(["GET"])
@roles(Role.CADRE)
def my_file(request):
    cadre = request.user.cadre
    return cadre_detail(request, pk=cadre.pk)
