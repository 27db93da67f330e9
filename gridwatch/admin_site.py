"""Django admin for the county's system administrators only (and behind two-factor sign-in)."""

from django.contrib.auth.views import redirect_to_login


def restrict_admin(site):
    from gridwatch.accounts.jurisdiction import has_role
    from gridwatch.accounts.roles import Role

    def has_permission(request):
        user = request.user
        return user.is_active and user.is_staff and has_role(user, Role.SYSTEM_ADMIN)

    def login(request, extra_context=None):
        return redirect_to_login(request.get_full_path())

    site.has_permission = has_permission
    site.login = login
    site.site_header = "GridWatch"
    site.site_title = "GridWatch"
