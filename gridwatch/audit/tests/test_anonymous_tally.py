"""A reporter's actions are counted per day and sealed into the chain once the day is over, never logged one
by one with their time (SECURITY.md item 1): an event per report, even naming none, gave the report's time
back through its place among the staff's timed events (the n-th such event of a day was the n-th report)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gridwatch.audit.models import AnonymousTally, AuditEvent
from gridwatch.audit.services import TALLY_ACTION, audit_count, audit_log, tallies_seal, verify_chain
from gridwatch.core.periodic import JOBS

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour):
    return datetime.datetime(2026, 12, day, hour, tzinfo=TZ)


def test_it_counts_a_days_actions_in_one_row_each_and_writes_no_event():
    with time_machine.travel(at(3, 9), tick=False):
        audit_count(action="report.submit")
        audit_log(actor=None, action="user.login")  # a staff event between two reports
        audit_count(action="report.submit")
        audit_count(action="report.reporter_message")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["user.login"]
    counts = {(t.day, t.action): t.count for t in AnonymousTally.objects.all()}
    assert counts == {
        (datetime.date(2026, 12, 3), "report.submit"): 2,
        (datetime.date(2026, 12, 3), "report.reporter_message"): 1,
    }


def test_it_seals_each_day_that_is_over_into_the_chain_once_in_order():
    for day, n in ((2, 3), (3, 1)):
        with time_machine.travel(at(day, 10), tick=False):
            for _ in range(n):
                audit_count(action="report.submit")
            audit_count(action="report.reporter_message")
    with time_machine.travel(at(5, 1), tick=False):
        audit_count(action="report.submit")  # today's: not sealed yet
        assert tallies_seal() == 2
        assert tallies_seal() == 0  # idempotent
    events = list(AuditEvent.objects.filter(action=TALLY_ACTION).order_by("seq"))
    assert [e.changes for e in events] == [
        {"day": "2026-12-02", "counts": {"report.reporter_message": 1, "report.submit": 3}},
        {"day": "2026-12-03", "counts": {"report.reporter_message": 1, "report.submit": 1}},
    ]
    assert all(e.actor_id is None and e.object_id == "" for e in events)
    sealed = dict(AnonymousTally.objects.filter(action="report.submit").values_list("day", "sealed_seq"))
    assert sealed == {
        datetime.date(2026, 12, 2): events[0].seq,
        datetime.date(2026, 12, 3): events[1].seq,
        datetime.date(2026, 12, 5): None,
    }
    assert verify_chain().ok


def test_a_day_is_sealed_only_once_the_day_after_it_is_over_too():
    """A write begun just before midnight (its day's first of its kind) commits before the seal can see the
    day, and a cron clock a little ahead cannot seal a day still counted: one event a day, always."""
    with time_machine.travel(at(3, 23), tick=False):
        audit_count(action="report.submit")
    with time_machine.travel(at(4, 0), tick=False):
        assert tallies_seal() == 0
        audit_count(action="report.submit")
    with time_machine.travel(at(4, 23), tick=False):
        assert tallies_seal() == 0
    with time_machine.travel(at(5, 0), tick=False):
        assert tallies_seal() == 1
    sealed = dict(AnonymousTally.objects.values_list("day", "sealed_seq"))
    assert sealed[datetime.date(2026, 12, 3)] is not None and sealed[datetime.date(2026, 12, 4)] is None


def test_the_periodic_job_seals_the_days_over(settings):
    with time_machine.travel(at(3, 12), tick=False):
        audit_count(action="report.submit")
    assert "audit_seal_tallies" in JOBS
    with time_machine.travel(at(5, 1), tick=False):
        call_command("run_periodic", verbosity=0)
    assert AnonymousTally.objects.get().sealed_seq == AuditEvent.objects.get(action=TALLY_ACTION).seq
    assert timezone.localdate(AuditEvent.objects.get(action=TALLY_ACTION).at) == datetime.date(2026, 12, 5)


def test_the_log_shows_a_sealed_day_by_its_date(as_user, audit_admin):
    from django.urls import reverse

    with time_machine.travel(at(3, 12), tick=False):
        audit_count(action="report.submit")
    with time_machine.travel(at(5, 1), tick=False):
        tallies_seal()
    body = as_user(audit_admin).get(reverse("audit:event_list")).content.decode()
    assert TALLY_ACTION in body and "2026-12-03" in body
