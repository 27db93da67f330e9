"""Django admin for the county's system administrators only (and behind two-factor sign-in)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


def restrict_admin(site):
    from gridwatch.accounts.jurisdiction import has_role
    from gridwatch.accounts.roles import Role

    def has_permission(request):
        user = request.user
        return user.is_active and user.is_staff and has_role(user, Role.SYSTEM_ADMIN)

    def login(request, extra_context=None):
        # The application's own sign-in (with two-factor) is the only way in; a signed-in user without the
        # post gets a plain refusal instead of a loop through the sign-in page.
        if has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path())

    site.has_permission = has_permission
    site.login = login
    site.site_header = "GridWatch"
    site.site_title = "GridWatch"
