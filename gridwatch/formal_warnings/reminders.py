"""The periodic reminder of overdue follow-ups: once a follow-up a notice requires is past its deadline and
still open, those who owe it are told once: the unit's liaisons, or the issuers for the county's part and for
a unit that has no liaison. A follow-up with nobody to tell is not marked as reminded: it is reminded of once
somebody is there."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridwatch.core.models import JobMark
from gridwatch.core.periodic import once, periodic_job

from .models import NOTICE_TEXTS, UNIT, FollowUp, FollowUpStatus, NoticeStatus


def reminder_key(follow_up):
    # The due date is in the key: a follow-up whose deadline moved would be reminded of again.
    return f"warning-followup:{follow_up.pk}:{follow_up.due_on.isoformat()}:overdue"


@periodic_job("warning_followup_reminders")
def warning_followup_reminders(now: datetime.datetime) -> int:
    """Tell those who owe an open follow-up once it is past due, once. Returns the notifications sent."""
    from gridwatch.accounts.services import notify

    today = timezone.localdate(now)
    overdue = list(
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on__lt=today)
        .exclude(notice__status=NoticeStatus.WITHDRAWN)
        .select_related("notice__cadre")
        .defer(*(f"notice__{name}" for name in NOTICE_TEXTS), "record")
        .order_by("due_on", "id")
    )
    keys = [reminder_key(f) for f in overdue]
    sent_before = set(JobMark.objects.filter(key__in=keys).values_list("key", flat=True))
    sent = 0
    for follow_up, key in zip(overdue, keys, strict=True):
        if key in sent_before:
            continue
        notice = follow_up.notice
        users = recipients(follow_up)
        if not users:
            # Nobody to tell yet: the key stays free, so whoever is given the post later is told.
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Overdue: warning notice %(reference)s, %(kind)s (due %(date)s)") % {
                "reference": notice.reference,
                "kind": str(follow_up.get_kind_display()),
                "date": follow_up.due_on.isoformat(),
            }
            body = _("Record it on the notice's page once done.")
        link = reverse("formal_warnings:detail", args=[notice.pk])
        # The claim and the notifications stand or fall together.
        with transaction.atomic():
            if not once(key):
                continue
            for user in users:
                notify(user=user, subject=subject, body=body, link=link, email=True)
                sent += 1
    return sent


def recipients(follow_up):
    """Who is reminded of ``follow_up``: for what the unit owes, its liaisons, or the issuers of the cadre
    when the unit has no liaison (they may record it too); for the county's part, the issuers."""
    from .services import issuers_of, unit_liaisons_of

    notice = follow_up.notice
    if follow_up.owed_by == UNIT:
        return unit_liaisons_of(notice) or issuers_of(notice.cadre)
    return issuers_of(notice.cadre)
