"""Accounts: users, roles, sessions, two-factor devices, notifications."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridwatch.audit.services import audit_log
from gridwatch.core.errors import ValidationFailed
from gridwatch.core.sessions import end_user_sessions

from . import tasks
from .models import Notification, RoleAssignment, User
from .roles import AREA_ROLES, UNIT_ROLES, Role


@transaction.atomic
def user_create(*, actor, username, password=None, display_name="", phone="", email=""):
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("The user name %(name)s is taken.") % {"name": username}, field="username")
    user = User(username=username, display_name=display_name, phone=phone, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_log(actor=actor, action="user.create", obj=user, changes={"username": username})
    return user


@transaction.atomic
def role_grant(*, actor, user, role, area=None, unit=None):
    if role in AREA_ROLES and area is None:
        raise ValidationFailed(_("This role is held on an area."), field="area")
    if role in UNIT_ROLES and unit is None:
        raise ValidationFailed(_("This role is held on a unit."), field="unit")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, unit=unit, defaults={"granted_by": actor}
    )
    if created:
        audit_log(
            actor=actor,
            action="role.grant",
            obj=assignment,
            changes={
                "user": user.pk,
                "role": role,
                "area": getattr(area, "code", None),
                "unit": str(unit or ""),
            },
        )
    _forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment):
    audit_log(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        changes={"user": assignment.user_id, "role": assignment.role},
    )
    assignment.delete()
    end_user_sessions(assignment.user)


@transaction.atomic
def user_set_active(*, actor, user, active):
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_log(actor=actor, action="user.enable" if active else "user.disable", obj=user)
    if not active:
        end_user_sessions(user)
    return user


@transaction.atomic
def user_password_change(*, actor, user, password):
    """Set a new password (checked against the password policy) and end every session of the user.
    The caller keeps its own session alive with ``keep_session`` if the user changed their own password."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="new_password1") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    end_user_sessions(user)
    audit_log(actor=actor, action="user.password_change", obj=user)
    return user


@transaction.atomic
def user_logout_everywhere(*, actor, user):
    end_user_sessions(user)
    audit_log(actor=actor, action="user.logout_everywhere", obj=user)


def totp_device_create(*, user, confirmed=False, name="default"):
    """A TOTP device for the user (confirmed once the user types a first valid code)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)


@transaction.atomic
def totp_device_confirm(*, user, device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log(actor=user, action="otp.enrol", obj=user)


def notify(*, user, subject, body="", link="", email=False, sms=False):
    """Send one message: always to the in-application inbox; by e-mail and SMS when asked and possible."""
    notification = Notification.objects.create(user=user, subject=subject, body=body, link=link)
    if email and user.email:
        transaction.on_commit(lambda: tasks.deliver_email.enqueue(user.email, str(subject), str(body)))
    if sms and user.phone:
        transaction.on_commit(lambda: tasks.deliver_sms.enqueue(user.phone, f"{subject} {body}".strip()))
    return notification


def notification_mark_read(*, user, notification):
    if notification.user_id != user.pk:
        raise ValidationFailed(_("Not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def _forget(user):
    if hasattr(user, "_gridwatch_scope"):
        del user._gridwatch_scope


def is_cadre_role(role):
    return role == Role.CADRE


def lockouts_current():
    """Sign-ins that django-axes is refusing now: as many failures as the limit, within the cool-off time."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


@transaction.atomic
def lockout_release(*, actor, attempt):
    """The security administrator lets a locked-out user try again before the cool-off ends (audited)."""
    username = attempt.username or ""
    failures = attempt.failures_since_start
    attempt.delete()
    audit_log(
        actor=actor,
        action="auth.unlock",
        object_type="axes.accessattempt",
        object_id=username,
        object_label=username,
        changes={"failures": failures},
    )
