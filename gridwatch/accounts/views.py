import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import ValidationFailed
from gridwatch.core.permissions import authenticated, public, roles

from . import services
from .forms import LoginForm, TokenForm
from .middleware import SESSION_EPOCH_KEY
from .models import Notification, User
from .roles import SECURITY_MANAGERS, USER_MANAGERS


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        # A signed-in user is sent here with a `next` only by a page that refused them (the admin for a
        # non-administrator): sending them back there would loop, so say no instead.
        if request.user.is_authenticated and request.GET.get(self.redirect_field_name):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


login_view = public(LoginView.as_view())


@require_http_methods(["GET", "POST"])
@authenticated
def logout_view(request):
    if request.method == "POST":
        return auth_views.LogoutView.as_view()(request)
    return render(request, "accounts/logout.html")


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
@authenticated
def otp_verify(request):
    """Second step of the sign-in: a TOTP code. A code is accepted once only (django-otp)."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                audit_log(actor=request.user, action="auth.otp_verified", obj=request.user)
                return redirect(_safe_next(request))
        audit_log(actor=request.user, action="auth.otp_failed", obj=request.user)
        form.add_error(
            "token", _("The code is wrong or was used already. Wait for the next code and try again.")
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


def _qr_data_uri(text):
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


@require_http_methods(["GET", "POST"])
@authenticated
def otp_enrol(request):
    """First sign-in of a staff member: scan the QR code into an authenticator app, type a code."""
    if any(True for _ in devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = services.totp_device_create(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(user=request.user, device=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_safe_next(request))
        audit_log(actor=request.user, action="auth.otp_failed", obj=request.user, changes={"step": "enrol"})
        form.add_error("token", _("The code does not match. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "secret": secret,
            "qr": _qr_data_uri(device.config_url),
            "next": _safe_next(request),
        },
    )


@require_http_methods(["GET", "POST"])
@authenticated
def logout_everywhere(request):
    if request.method == "POST":
        services.user_logout_everywhere(actor=request.user, user=request.user)
        logout(request)
        messages.info(request, _("You have been signed out on every device."))
        return redirect(settings.LOGIN_URL)
    return render(request, "accounts/logout_everywhere.html")


@require_http_methods(["GET", "POST"])
@authenticated
def password_change(request):
    """Change one's own password: every other session of the user ends, this one goes on."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_password_change(
                actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationFailed as exc:
            form.add_error("new_password1", exc.message)
        else:
            keep_session(request, user)
            messages.success(request, _("Your password has been changed; your other sessions have ended."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form})


def keep_session(request, user):
    """After the user's sessions were ended on purpose, keep the current one (a new epoch, a new hash)."""
    update_session_auth_hash(request, user)
    request.session[SESSION_EPOCH_KEY] = user.session_epoch


@require_http_methods(["GET"])
@authenticated
def inbox(request):
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at")
    page = Paginator(notifications, settings.GRIDWATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"page": page})


@require_POST
@authenticated
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    # Only a path of this site: never another host, not even a protocol-relative "//host/".
    if notification.link.startswith("/") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts=None, require_https=False
    ):
        return redirect(notification.link)
    return redirect("accounts:inbox")


@require_http_methods(["GET"])
@roles(*USER_MANAGERS)
def user_list(request):
    users = User.objects.order_by("username").prefetch_related(
        "role_assignments__area", "role_assignments__unit"
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    page = Paginator(users, settings.GRIDWATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


@require_http_methods(["GET"])
@roles(*SECURITY_MANAGERS)
def lockout_list(request):
    """The security administrator's page: who is locked out of signing in now (SECURITY.md item 5)."""
    return render(
        request,
        "accounts/lockout_list.html",
        {
            "lockouts": services.lockouts_current()[:200],
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@require_POST
@roles(*SECURITY_MANAGERS)
def lockout_release(request, pk):
    attempt = get_object_or_404(services.lockouts_current(), pk=pk)
    services.lockout_release(actor=request.user, attempt=attempt)
    messages.success(request, _("%(user)s may sign in again.") % {"user": attempt.username or "—"})
    return redirect("accounts:lockout_list")
