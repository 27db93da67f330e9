"""Sign-in events go to the audit trail (SECURITY.md item 8)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gridwatch.audit.services import audit_log

from .middleware import SESSION_EPOCH_KEY, SESSION_STARTED_KEY


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    request.session[SESSION_STARTED_KEY] = time.time()
    request.session[SESSION_EPOCH_KEY] = user.session_epoch
    audit_log(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The user name only: never the password, never the address.
    audit_log(
        actor=None,
        action="auth.login_failed",
        object_type="accounts.user",
        object_label=str(credentials.get("username", ""))[:150],
    )
