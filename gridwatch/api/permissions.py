from rest_framework.permissions import BasePermission

from gridwatch.accounts.jurisdiction import user_roles
from gridwatch.accounts.middleware import needs_two_factor


class HasRole(BasePermission):
    """Signed in, past two-factor where the role needs it, and holding one of the view's roles."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if needs_two_factor(user) and not user.is_verified():
            return False
        return bool(user_roles(user) & set(view.allowed_roles))
