from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridwatch.core.models import PublicModel, TimeStampedModel
from gridwatch.geography.models import Area
from gridwatch.people.models import Unit

from .roles import AREA_ROLES, UNIT_ROLES, Role


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Raised to end every session of the user at once: logout everywhere, role removal, disabling.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_username()


class RoleAssignment(TimeStampedModel):
    """A role held on an area (county, township, community) or on a unit."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area", "unit"], name="role_assignment_once"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in AREA_ROLES), area__isnull=False, unit__isnull=True)
                    | Q(role__in=sorted(r.value for r in UNIT_ROLES), unit__isnull=False, area__isnull=True)
                    | Q(role=Role.CADRE, area__isnull=True, unit__isnull=True)
                ),
                name="role_held_on_area_or_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area or self.unit or ''}"


class Notification(PublicModel):
    """An in-application notification: the inbox every outgoing message also lands in."""

    user = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.subject
