"""How a public portal page answers: no login, GET or HEAD only, cacheable by browsers and proxies when
nothing in it depends on who asks, and embeddable (``?embed=1``) in the pages of the origins the county
configures."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from gridwatch.core.permissions import public


def is_embedded(request):
    return request.GET.get("embed") == "1"


def public_page(view):
    """Mark ``view`` public and read-only (GET and HEAD); set ``request.portal_embed``; make its response
    cacheable (``public, max-age``) for anonymous visitors and private for signed-in ones; let the
    configured origins frame it when embedded (``GRIDWATCH_EMBED_ORIGINS``; ``frame-ancestors 'none'``
    otherwise)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.portal_embed = is_embedded(request)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not request.user.is_authenticated:
            patch_cache_control(response, public=True, max_age=settings.GRIDWATCH_PUBLIC_MAX_AGE)
        else:
            patch_cache_control(response, private=True, max_age=0)
        origins = settings.GRIDWATCH_EMBED_ORIGINS
        if request.portal_embed and origins:
            response._csp_replace = {"frame-ancestors": ["'self'", *origins]}
            response.xframe_options_exempt = True
        return response

    return public(require_safe(wrapper))
