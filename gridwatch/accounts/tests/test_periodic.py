import datetime

import time_machine
from django.core import mail
from django.core.management import call_command

from gridwatch.accounts.models import Notification
from gridwatch.people import services as people


def _open_round(deadline):
    return people.round_open(actor=None, title="2026年度干部信息采集", deadline=deadline)


def test_it_reminds_units_that_have_not_submitted_once_per_stage(
    unit_liaison, unit_a, unit_b, django_capture_on_commit_callbacks
):
    unit_liaison.email = "liaison@example.org"
    unit_liaison.save()
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        _open_round(datetime.date(2026, 11, 20))
        call_command("run_periodic")
        assert Notification.objects.filter(user=unit_liaison).count() == 0  # deadline far away
    with time_machine.travel(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic")
            call_command("run_periodic")  # a second run sends nothing twice
        assert Notification.objects.filter(user=unit_liaison).count() == 1
        assert len(mail.outbox) == 1 and "2026年度干部信息采集" in mail.outbox[0].subject
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)):
        call_command("run_periodic")
        call_command("run_periodic")
        assert Notification.objects.filter(user=unit_liaison).count() == 2


def test_it_does_not_remind_a_unit_that_submitted(unit_liaison, unit_a, cadre_a):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        rnd = _open_round(datetime.date(2026, 11, 4))
        people.unit_submit(actor=unit_liaison, round=rnd, unit=unit_a)
        call_command("run_periodic")
    assert Notification.objects.filter(user=unit_liaison).count() == 0


def test_it_sends_sms_through_the_file_backend(
    unit_liaison, unit_a, settings, django_capture_on_commit_callbacks
):
    unit_liaison.phone = "13900000000"
    unit_liaison.save()
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        _open_round(datetime.date(2026, 11, 3))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic", only=["collection_round_reminders"])
    files = list((settings.GRIDWATCH_SMS_FILE_PATH).glob("*.json"))
    assert len(files) == 1
    assert "13900000000" in files[0].read_text(encoding="utf-8")
