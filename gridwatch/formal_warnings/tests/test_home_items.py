"""The home page says what waits about warning notices: the cadre's notices to acknowledge (签收), and the
follow-ups a unit liaison's unit owes (overdue ones in red). Nothing for whoever has nothing waiting."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridwatch.conftest import zh
from gridwatch.formal_warnings import services

from .conftest import issue

pytestmark = pytest.mark.django_db


def home(as_user, user):
    """The page's main part (the menus name every section anyway)."""
    response = as_user(user).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index('id="main"') : body.index('id="all-nav"')]


def test_the_cadre_sees_a_notice_to_acknowledge_until_they_do(as_user, office, cadre_a, cadre_user):
    assert zh("My warning notices") not in home(as_user, cadre_user)
    notice = issue(office, cadre_a)
    page = home(as_user, cadre_user)
    assert zh("My warning notices") in page and zh("%(n)s to acknowledge", n=1) in page
    services.notice_acknowledge(actor=cadre_user, notice=notice)
    assert zh("%(n)s to acknowledge", n=1) not in home(as_user, cadre_user)


def test_the_unit_liaison_sees_what_the_unit_owes_and_when_it_is_late(as_user, office, cadre_a, unit_liaison):
    title = zh("Warning notices: what your unit owes")
    assert title not in home(as_user, unit_liaison)
    notice = issue(office, cadre_a)
    page = home(as_user, unit_liaison)
    assert title in page and zh("%(n)s to record", n=1) in page
    later = datetime.datetime.combine(notice.follow_ups.get().due_on, datetime.time(12)) + datetime.timedelta(
        days=2
    )
    with time_machine.travel(later, tick=False):
        page = home(as_user, unit_liaison)
    assert zh("%(n)s overdue", n=1) in page
    follow_up = notice.follow_ups.get()
    services.followup_record(
        actor=unit_liaison, follow_up=follow_up, done_on=notice.issued_on, record="已进行警告教育谈话。"
    )
    assert title not in home(as_user, unit_liaison)


def test_the_items_cost_no_query_for_a_user_they_do_not_concern(as_user, township_officer_a):
    from gridwatch.accounts.dashboard import _home_items
    from gridwatch.core.scoping import get_scope

    scope = get_scope(township_officer_a)
    with CaptureQueriesContext(connection) as queries:
        assert [provider(township_officer_a, scope) for provider in _home_items] == [None] * len(_home_items)
    assert len(queries) == 0
