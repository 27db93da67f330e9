"""A meeting's texts name cadres and matters: they are encrypted at rest, like the diary's and the cards'
texts, and the pages read them as written. Meetings recorded before the texts were encrypted are encrypted
in place by the migration."""

import importlib
import json
from types import SimpleNamespace

from django.db import connection

from gridwatch.dashboard import services
from gridwatch.dashboard.models import AnalysisMeeting, MeetingCorrection

from .test_meetings import record

PROBLEMS = "张伟同志所在网格监督卡填报不及时"


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return json.dumps(cursor.fetchall(), ensure_ascii=False, default=str)


def test_the_texts_are_unreadable_in_the_database_and_read_as_written(office, county):
    meeting = record(office, county, problems=PROBLEMS)
    services.meeting_correct(actor=office, meeting=meeting, text="补充：摆所镇另有两张监督卡逾期")
    stored = raw("SELECT attendees, problems, decisions FROM dashboard_analysismeeting") + raw(
        "SELECT text FROM dashboard_meetingcorrection"
    )
    assert "张伟" not in stored and "摆所镇" not in stored and stored.count("gAAAAA") == 4
    assert AnalysisMeeting.objects.get().problems == PROBLEMS
    assert MeetingCorrection.objects.get().text.startswith("补充")


def test_the_migration_encrypts_the_texts_recorded_before(office, county):
    meeting = record(office, county, problems=PROBLEMS)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dashboard_analysismeeting SET attendees = %s, problems = %s, decisions = %s WHERE id = %s",
            [
                "县纪委书记",
                PROBLEMS,
                "月底前补齐",
                meeting.pk.hex if connection.vendor == "sqlite" else meeting.pk,
            ],
        )
    assert PROBLEMS in raw("SELECT problems FROM dashboard_analysismeeting")
    migration = importlib.import_module("gridwatch.dashboard.migrations.0002_encrypted_texts")
    migration.encrypt(None, SimpleNamespace(connection=connection))
    assert PROBLEMS not in raw("SELECT problems FROM dashboard_analysismeeting")
    meeting = AnalysisMeeting.objects.get()
    assert (meeting.attendees, meeting.problems, meeting.decisions) == ("县纪委书记", PROBLEMS, "月底前补齐")
