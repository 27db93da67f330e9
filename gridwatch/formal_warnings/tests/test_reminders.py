"""The reminder of an overdue follow-up reaches somebody: the unit's liaisons, or, for a unit without one,
the issuers of the cadre (who may record it too). A follow-up with nobody to tell is not marked as reminded,
so that whoever is given the post later is told; the mark and the notifications are written together."""

import datetime

import pytest
import time_machine

from gridwatch.accounts.models import Notification
from gridwatch.accounts.roles import Role
from gridwatch.conftest import make_user
from gridwatch.core.models import JobMark
from gridwatch.core.periodic import JOBS
from gridwatch.formal_warnings.reminders import reminder_key

from .conftest import issue

ISSUED = datetime.datetime(2025, 9, 1, 9, 0, tzinfo=datetime.UTC)
LATE = datetime.datetime(2025, 10, 20, 9, 0, tzinfo=datetime.UTC)
NEXT_DAY = LATE + datetime.timedelta(days=1)


def job(now):
    return JOBS["warning_followup_reminders"](now)


def overdue_notice(office, cadre):
    with time_machine.travel(ISSUED, tick=False):
        return issue(office, cadre)


def told(user, notice):
    return Notification.objects.filter(user=user, subject__contains=notice.reference).count()


def test_it_reminds_the_issuers_when_the_unit_has_no_liaison(office, county_officer, unit_a, cadre_a):
    notice = overdue_notice(office, cadre_a)
    before = {user: told(user, notice) for user in (office, county_officer)}
    assert job(LATE) == 2
    assert {user: told(user, notice) - before[user] for user in (office, county_officer)} == {
        office: 1,
        county_officer: 1,
    }
    assert job(NEXT_DAY) == 0


def test_it_keeps_the_reminder_for_whoever_is_given_the_post_later(office, unit_a, cadre_a):
    notice = overdue_notice(office, cadre_a)
    follow_up = notice.follow_ups.get()
    office.is_active = False  # nobody left to tell: no liaison, no active issuer
    office.save(update_fields=["is_active"])
    assert job(LATE) == 0
    assert not JobMark.objects.filter(key=reminder_key(follow_up)).exists()
    liaison = make_user("liaison_later", role=Role.UNIT_LIAISON, unit=unit_a)
    assert job(NEXT_DAY) == 1
    assert told(liaison, notice) == 1
    assert job(NEXT_DAY) == 0


def test_it_leaves_the_reminder_unmarked_when_telling_fails(monkeypatch, office, unit_liaison, cadre_a):
    notice = overdue_notice(office, cadre_a)
    follow_up = notice.follow_ups.get()

    def broken(**kwargs):
        raise RuntimeError("the inbox is down")

    monkeypatch.setattr("gridwatch.accounts.services.notify", broken)
    with pytest.raises(RuntimeError):
        job(LATE)
    assert not JobMark.objects.filter(key=reminder_key(follow_up)).exists()
    monkeypatch.undo()
    assert job(NEXT_DAY) == 1 and told(unit_liaison, notice) == 2
