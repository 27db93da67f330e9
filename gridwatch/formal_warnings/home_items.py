"""What waits on the home page (``accounts.dashboard.register_home_item``): for a cadre, their warning notices
not yet acknowledged (签收); for a unit liaison, the follow-ups their unit owes on notices in force. One
query each, none for a user who is neither."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridwatch.accounts.dashboard import register_home_item
from gridwatch.accounts.roles import Role

from . import selectors
from .models import OWED_BY, UNIT, FollowUp, FollowUpStatus, NoticeStatus

UNIT_KINDS = [kind for kind, owed_by in OWED_BY.items() if owed_by == UNIT]


@register_home_item
def notices_to_acknowledge(user, scope):
    if Role.CADRE not in scope.roles:
        return None
    waiting = (
        selectors.own_notices(user)
        .filter(acknowledged_at__isnull=True)
        .exclude(status=NoticeStatus.WITHDRAWN)
        .count()
    )
    if not waiting:
        return None
    return {
        "url": reverse("formal_warnings:mine"),
        "title": _("My warning notices"),
        "badge": ngettext("%(n)s to acknowledge", "%(n)s to acknowledge", waiting) % {"n": waiting},
        "meta": _("Read the notice and acknowledge receipt (签收); you may appeal once if you disagree."),
        "urgent": True,
    }


@register_home_item
def unit_follow_ups(user, scope):
    if Role.UNIT_LIAISON not in scope.roles or not scope.unit_ids:
        return None
    today = timezone.localdate()
    owed = FollowUp.objects.filter(
        notice__in=selectors.notices_for(user).filter(unit_id__in=scope.unit_ids),
        notice__status__in=[NoticeStatus.IN_FORCE, NoticeStatus.APPEALED],
        kind__in=UNIT_KINDS,
        status=FollowUpStatus.OPEN,
    ).aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    if not owed["open"]:
        return None
    badge = ngettext("%(n)s to record", "%(n)s to record", owed["open"]) % {"n": owed["open"]}
    if owed["overdue"]:
        badge = ngettext("%(n)s overdue", "%(n)s overdue", owed["overdue"]) % {"n": owed["overdue"]}
    return {
        "url": reverse("formal_warnings:list"),
        "title": _("Warning notices: what your unit owes"),
        "badge": badge,
        "meta": _("Warning education and written explanations the unit must give; record each once done."),
        "urgent": bool(owed["overdue"]),
    }
