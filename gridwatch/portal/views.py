"""The public portal's pages: the landing page, the grid search, each grid's page (亮身份, R6) and each
township's page (R23). No login; nothing unpublished is read (``portal.selectors``)."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from gridwatch.geography.models import Level
from gridwatch.people.models import Cadre, CadreStatus

from . import selectors
from .public import public_page


@public_page
def landing(request):
    context = {
        "areas": selectors.top_areas(),
        "articles": selectors.latest_articles(),
        "standards": selectors.county_standards(),
    }
    return render(request, "portal/landing.html", context)


@public_page
def grid_search(request):
    q = request.GET.get("q", "").strip()[:100]
    areas = selectors.top_areas()
    area = selectors.search_area(request.GET.get("area") or request.GET.get("township"))
    searched = bool(q or area)
    grids = selectors.search_grids(q=q, area=area) if searched else []
    context = {
        "q": q,
        "area": area,
        "areas": areas,
        "searched": searched,
        "grids": grids[: selectors.SEARCH_MAX],
        "more": len(grids) > selectors.SEARCH_MAX,
    }
    return render(request, "portal/grid_search.html", context)


@public_page
def grid_page(request, code):
    return render(request, "portal/grid.html", {"page": selectors.grid_page(code)})


@public_page
def county_page(request, code):
    county, townships = selectors.county_page(code)
    return render(request, "portal/county.html", {"county": county, "townships": townships})


@public_page
def township_page(request, code):
    township, communities = selectors.township_page(code)
    context = {
        "township": township,
        "communities": communities,
        "grid_count": sum(len(grids) for _, grids in communities),
        "standards": selectors.standards_in_force(township),
    }
    return render(request, "portal/township.html", context)


@public_page
def cadre_photo(request, code, pk):
    """A serving cadre's photo on the page of the grid that supervises them, and nowhere else."""
    cadre = (
        Cadre.objects.filter(
            pk=pk, status=CadreStatus.SERVING, supervising_grid__code=code, supervising_grid__level=Level.GRID
        )
        .only("id", "photo")
        .first()
    )
    if cadre is None or not cadre.photo:
        raise Http404
    try:
        photo = cadre.photo.open("rb")
    except FileNotFoundError:  # the row names a file the storage no longer holds
        raise Http404 from None
    response = FileResponse(photo, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return response


@public_page
def language(request):
    """Switch the language from a public page with a plain link, so that public pages carry no CSRF token
    and no cookie and can be cached."""
    chosen = request.GET.get("lang")
    target = request.GET.get("next") or "/portal/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/portal/"
    response = HttpResponseRedirect(target)
    if chosen in {code for code, _ in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
