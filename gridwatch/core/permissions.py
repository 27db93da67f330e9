"""View permission policies. Every view in the URLconf carries one (a test walks the URLconf).

- ``public``: anyone, no login (opts out of LoginRequiredMiddleware).
- ``authenticated``: any signed-in user; the view scopes what it shows itself.
- ``roles(...)``: signed-in users holding one of the roles; others get 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied


def public(view):
    view = login_not_required(view)
    view.gridwatch_policy = "public"
    return view


def authenticated(view):
    # Some views (DRF's, e.g. the API schema) mark themselves login_not_required; this policy says
    # otherwise, so LoginRequiredMiddleware applies to them too.
    view.login_required = True
    view.gridwatch_policy = "authenticated"
    return view


def roles(*allowed):
    """Allow users who hold any of ``allowed`` roles (see accounts.roles.Role)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from gridwatch.accounts.jurisdiction import user_roles

            if not user_roles(request.user) & set(allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.gridwatch_policy = ("roles", tuple(allowed))
        return wrapper

    return decorator
