import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .jurisdiction import user_roles
from .roles import TWO_FACTOR_ROLES

SESSION_EPOCH_KEY = "gridwatch_epoch"
SESSION_STARTED_KEY = "gridwatch_started"


class SessionPolicyMiddleware:
    """Ends sessions past their absolute lifetime and sessions older than the user's session epoch
    (raised by 'logout everywhere', role removal and disabling). Idle timeout is SESSION_COOKIE_AGE with
    SESSION_SAVE_EVERY_REQUEST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            epoch = request.session.get(SESSION_EPOCH_KEY)
            expired = (
                started is not None and time.time() - started > settings.GRIDWATCH_SESSION_ABSOLUTE_SECONDS
            )
            if expired or epoch != user.session_epoch:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def needs_two_factor(user):
    return settings.GRIDWATCH_REQUIRE_2FA and bool(user_roles(user) & TWO_FACTOR_ROLES)


class TwoFactorRequiredMiddleware:
    """County and township staff must pass TOTP before any staff page: a password-only session reaches
    only the two-factor pages and logout."""

    ALLOWED_NAMES = {"accounts:otp_verify", "accounts:otp_enrol", "accounts:logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or getattr(view_func, "gridwatch_policy", None) == "public":
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        if needs_two_factor(user) and not user.is_verified():
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return None


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's, except that a visitor who is not signed in and opens the site's root gets the public
    portal (residents reach the site by its bare address), not the staff sign-in page."""

    def handle_no_permission(self, request, view_func):
        if request.path == "/":
            return redirect("portal:home")
        return super().handle_no_permission(request, view_func)
