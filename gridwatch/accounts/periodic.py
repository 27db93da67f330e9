"""Periodic jobs of the accounts app: reminders to units in data-collection rounds (R21)."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridwatch.core.periodic import once, periodic_job
from gridwatch.people.models import CollectionRound, RoundStatus, Unit, UnitSubmission

from .models import RoleAssignment
from .roles import Role
from .services import notify

DUE_SOON_DAYS = 3


@periodic_job("collection_round_reminders")
def collection_round_reminders(now: datetime.datetime) -> int:
    """Remind unit liaisons of units that have not submitted: once when the deadline is 3 days away or
    less, once more when it has passed. Returns the number of notifications sent."""
    today = timezone.localdate(now)
    sent = 0
    rounds = CollectionRound.objects.filter(
        status=RoundStatus.OPEN, deadline__lte=today + datetime.timedelta(DUE_SOON_DAYS)
    )
    for rnd in rounds:
        stage = "overdue" if rnd.deadline < today else "due_soon"
        pending = Unit.objects.exclude(Exists(UnitSubmission.objects.filter(round=rnd, unit=OuterRef("pk"))))
        liaisons = RoleAssignment.objects.filter(role=Role.UNIT_LIAISON, unit__in=pending).select_related(
            "user", "unit"
        )
        for ra in liaisons:
            if not once(f"round:{rnd.pk}:{ra.unit_id}:{ra.user_id}:{stage}"):
                continue
            if stage == "overdue":
                subject = _("Overdue: cadre data for %(round)s") % {"round": rnd.title}
            else:
                subject = _("Due %(date)s: cadre data for %(round)s") % {
                    "round": rnd.title,
                    "date": rnd.deadline,
                }
            body = _("%(unit)s has not yet submitted its cadres' data for this round.") % {
                "unit": ra.unit.name
            }
            notify(user=ra.user, subject=subject, body=body, link=reverse("core:home"), email=True, sms=True)
            sent += 1
    return sent
