"""The supervision mailbox and the follow-up with a receipt code (SECURITY.md promises 1–3)."""

import base64
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gridwatch.audit.models import AnonymousTally, AuditEvent
from gridwatch.cases import receipts
from gridwatch.cases.models import Channel, Report, ReporterIdentity, ReportMessage
from gridwatch.conftest import zh

SENTINEL_IP = "203.0.113.77"
SENTINEL_UA = "SentinelBrowser/9.9"
CODE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")


def form_data(**extra):
    data = {
        "subject_name": "王五",
        "subject_unit_text": "县水务局",
        "circle": "social",
        "what": "周末多次在农家乐接受老板宴请",
        "when": "三月每个周六",
        "where": "城郊农家乐",
        "named": "0",
        "website": "",
        "submission": receipts.submission_token_new(),
    }
    data.update(extra)
    return data


def post_report(client, url=None, **extra):
    return client.post(
        url or reverse("portal:report_form"),
        form_data(**extra),
        REMOTE_ADDR=SENTINEL_IP,
        HTTP_USER_AGENT=SENTINEL_UA,
    )


def code_of(response):
    return CODE.search(response.content.decode()).group(0)


def follow(client, code, **extra):
    return client.post(reverse("portal:report_follow_up"), {"code": code, **extra}, REMOTE_ADDR=SENTINEL_IP)


def test_it_files_an_anonymous_report_and_shows_the_code_once_without_a_redirect(client, county):
    response = post_report(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert zh("Report received") in response.content.decode()
    code = code_of(response)
    report = Report.objects.get()
    assert report.channel == Channel.WEB and report.supervising_path == county.path
    assert report.receipt_hash == receipts.receipt_hash(code)
    assert not ReporterIdentity.objects.exists()


def test_it_keeps_no_address_user_agent_or_code_in_any_column(client, county):
    response = post_report(client)
    code = code_of(response)
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                for needle in (SENTINEL_IP, SENTINEL_UA, code, code.replace("-", "")):
                    if needle in text:
                        hits.append((table, needle))
    assert hits == []


def test_it_keeps_the_code_and_the_address_out_of_the_logs(client, county, caplog):
    caplog.set_level("DEBUG")
    code = code_of(post_report(client))
    follow(client, code)
    assert code not in caplog.text and SENTINEL_IP not in caplog.text


def test_it_stores_a_named_reporters_identity_encrypted(client, county):
    response = post_report(client, named="1", reporter_name="陈小明", reporter_phone="13912345678")
    assert response.status_code == 200
    identity = ReporterIdentity.objects.get()
    assert identity.name == "陈小明" and identity.phone == "13912345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM cases_reporteridentity")
        raw = cursor.fetchone()
    assert "陈小明" not in raw[0] and "13912345678" not in raw[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT what, subject_name FROM cases_report")
        what, subject = cursor.fetchone()
    assert "农家乐" not in what and subject == "王五"


def test_it_refuses_a_filled_honeypot_without_saving(client, county):
    response = post_report(client, website="http://spam.example")
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert zh("The report could not be sent. Reload the page and try again.") in response.content.decode()


def test_it_keeps_what_was_typed_and_says_what_is_wrong(client, county):
    response = post_report(client, subject_name="", named="1", reporter_name="陈小明", reporter_phone="abc")
    body = response.content.decode()
    assert response.status_code == 200 and not Report.objects.exists()
    assert zh("Pick the cadre from the list or type their name.") in body
    assert zh("The phone number is not valid.") in body
    assert "周末多次在农家乐接受老板宴请" in body and "陈小明" in body and "县水务局" in body


def test_it_preselects_no_circle_and_asks_for_one(client, county):
    """The resident picks the part of life the report concerns: nothing is chosen for them."""
    page = client.get(reverse("portal:report_form")).content.decode()
    select = re.search(r'<select name="circle"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.search(r'<option value="" selected>', select)
    assert select.count("selected") == 1
    response = post_report(client, circle="")
    body = response.content.decode()
    assert response.status_code == 200 and not Report.objects.exists()
    assert "errorlist" in body and "周末多次在农家乐接受老板宴请" in body


def test_it_refuses_an_overlong_account(client, county):
    response = post_report(client, what="很" * 5001)
    assert response.status_code == 200 and not Report.objects.exists()
    assert "errorlist" in response.content.decode()


def test_it_limits_reports_per_source_and_keeps_the_form(client, county):
    for _ in range(receipts.REPORTS_PER_SOURCE_PER_HOUR):
        assert post_report(client).status_code == 200
    response = post_report(client)
    assert response.status_code == 429
    assert (
        zh("Too many reports from this connection. Please try again in an hour.") in response.content.decode()
    )
    assert "周末多次在农家乐接受老板宴请" in response.content.decode()
    assert Report.objects.count() == receipts.REPORTS_PER_SOURCE_PER_HOUR
    other = client.post(reverse("portal:report_form"), form_data(), REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 200


@pytest.fixture(params=["local memory", "database"])
def any_cache(request, settings):
    """The cache of the tests and the demo, and production's database cache."""
    if request.param == "database":
        from django.core.management import call_command

        settings.CACHES = {
            "default": {"BACKEND": "gridwatch.core.cache.DatabaseCache", "LOCATION": "gridwatch_cache"}
        }
        call_command("createcachetable", verbosity=0)
    return request.param


def test_it_counts_the_hour_from_a_source_s_first_report(client, county, any_cache):
    """Five reports in the hour that began with the first; the sixth waits until that hour is over, however
    often it is tried meanwhile. (Django's ``incr`` on the database cache used to set the counter's expiry
    to the cache's default of five minutes.)"""
    import datetime

    import time_machine

    start = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert post_report(client).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        for _ in range(receipts.REPORTS_PER_SOURCE_PER_HOUR - 1):
            assert post_report(client).status_code == 200
        assert post_report(client).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        assert post_report(client).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert post_report(client).status_code == 200
    assert Report.objects.count() == receipts.REPORTS_PER_SOURCE_PER_HOUR + 1


def test_it_files_from_a_grid_page_about_a_cadre_picked_from_the_list(client, grid_a, cadre_a):
    response = post_report(
        client, reverse("portal:report_grid", args=[grid_a.code]), subject_cadre=cadre_a.pk
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.subject_cadre == cadre_a and report.grid == grid_a
    assert report.supervising_path == cadre_a.supervising_path


def test_it_refuses_a_cadre_not_supervised_in_the_grid(client, grid_a, cadre_b):
    response = post_report(
        client, reverse("portal:report_grid", args=[grid_a.code]), subject_cadre=cadre_b.pk
    )
    assert not Report.objects.exists() and "errorlist" in response.content.decode()


def test_it_shows_status_and_a_staff_reply_to_the_code_holder(
    client, as_user, county, township_officer_a, grid_a
):
    code = code_of(post_report(client, reverse("portal:report_grid", args=[grid_a.code])))
    report = Report.objects.get()
    staff = as_user(township_officer_a)
    response = staff.post(reverse("cases:case_message", args=[report.pk]), {"body": "请补充宴请的具体日期。"})
    assert response.status_code == 302
    staff.logout()
    # Typed in lower case with spaces, as people do.
    response = follow(client, code.lower().replace("-", " "))
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert (
        "请补充宴请的具体日期。" in body
        and zh("Received", context="report status") in body
        and zh("The handler") in body
    )
    assert township_officer_a.username not in body


def test_it_takes_the_reporters_reply(client, county):
    code = code_of(post_report(client))
    response = follow(client, code, action="reply", body="日期是3月2日。")
    assert zh("Your message was sent.") in response.content.decode()
    message = ReportMessage.objects.get()
    assert message.from_reporter and message.body == "日期是3月2日。"


@pytest.mark.parametrize("wrong", ["AAAA-AAAA-AAAA-AAAA-AAAA", "nonsense", "'; DROP TABLE x; --"])
def test_it_answers_unknown_and_malformed_codes_the_same(client, county, wrong):
    response = follow(client, wrong)
    assert zh("No report has this receipt code. Check it and try again.") in response.content.decode()
    assert response.status_code == 200


def test_it_throttles_the_eleventh_attempt_even_with_the_right_code(client, county):
    code = code_of(post_report(client))
    for _ in range(receipts.WRONG_CODES_ALLOWED):
        follow(client, "AAAA-AAAA-AAAA-AAAA-AAAA")
    response = follow(client, code)
    assert response.status_code == 429
    body = response.content.decode()
    assert zh("Too many wrong codes from this connection. Please try again in 15 minutes.") in body
    assert "周末" not in body
    # Another connection is not throttled.
    other = client.post(reverse("portal:report_follow_up"), {"code": code}, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 200 and zh("Your report") in other.content.decode()


def test_it_never_puts_the_code_in_a_url(client, as_user, county, county_officer):
    response = post_report(client)
    code = code_of(response)
    assert not response.has_header("Location")
    urls = []
    for response in (follow(client, code), follow(client, code, action="reply", body="补充")):
        body = response.content.decode()
        urls += re.findall(r'(?:href|action|src)="([^"]*)"', body)
        assert not response.has_header("Location")
    staff = as_user(county_officer)
    report = Report.objects.get()
    response = staff.post(reverse("cases:case_message", args=[report.pk]), {"body": "收到"})
    urls.append(response["Location"])
    body = staff.get(reverse("cases:case_detail", args=[report.pk])).content.decode()
    assert code not in body
    assert urls and not [u for u in urls if code in u or code.replace("-", "") in u]


def test_it_counts_a_public_report_for_the_day_instead_of_logging_its_time(client, county):
    """SECURITY.md item 1: an event per report, even naming none, keeps the report's time, and its place
    among the staff's timed events gives that time back. The day's count is sealed into the chain later."""
    events = AuditEvent.objects.count()
    post_report(client)
    post_report(client)
    assert AuditEvent.objects.count() == events
    tally = AnonymousTally.objects.get(action="report.submit")
    assert tally.day == timezone.localdate() and tally.count == 2 and tally.sealed_seq is None


def test_it_makes_codes_of_at_least_112_bits():
    import math

    codes = {receipts.receipt_new() for _ in range(2000)}
    assert len(codes) == 2000
    # At least 80 bits (SECURITY.md item 2), and 112 so that a keyed hash alone stores them safely (NIST SP
    # 800-63B §5.1.2.2).
    assert receipts.CODE_LENGTH * math.log2(len(receipts.ALPHABET)) >= 112
    assert all(receipts.receipt_normalise(c) == c for c in list(codes)[:50])


def test_the_cache_keeps_no_time_of_an_anonymous_report(client, county, settings):
    """SECURITY.md item 1: production's cache is a database table. The claimed token and the per-source
    counter expire at a midnight whenever the report came, and the counter holds a number only."""
    import datetime
    import pickle

    import time_machine
    from django.core.management import call_command
    from django.db import connection

    settings.CACHES = {
        "default": {"BACKEND": "gridwatch.core.cache.DatabaseCache", "LOCATION": "gridwatch_cache"}
    }
    call_command("createcachetable", verbosity=0)
    moments = [
        datetime.datetime(2026, 12, 3, h, m, s, tzinfo=datetime.UTC) for h, m, s in ((1, 7, 13), (3, 41, 2))
    ]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            assert post_report(client).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cache_key, value, expires FROM gridwatch_cache WHERE cache_key LIKE %s", [":1:cases:%"]
        )
        rows = cursor.fetchall()
    assert len(rows) == 4
    for key, value, expires in rows:
        if isinstance(expires, str):
            expires = datetime.datetime.fromisoformat(expires)
        local = timezone.localtime(expires if expires.tzinfo else expires.replace(tzinfo=datetime.UTC))
        assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0), (key, local)
        loaded = pickle.loads(base64.b64decode(value))
        assert isinstance(loaded, int), (key, loaded)
