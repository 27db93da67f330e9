"""Receipt codes stored under a keyed hash and a slow hash (SECURITY.md item 2), and one report per
submission token (item 10)."""

from django.db import connection
from django.urls import reverse

from gridwatch.cases import receipts
from gridwatch.cases.models import Report
from gridwatch.cases.tests.test_public import CODE, SENTINEL_IP, code_of, follow, form_data, post_report
from gridwatch.cases.tests.test_staff import intake
from gridwatch.conftest import zh


def test_it_stores_a_slow_hash_beside_the_keyed_hash_and_neither_holds_the_code(client, county):
    code = code_of(post_report(client))
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt_hash, receipt_slow_hash FROM cases_report")
        keyed, slow = cursor.fetchone()
    assert keyed == receipts.receipt_hash(code) and slow
    for value in (keyed, slow):
        assert code not in value and code.replace("-", "") not in value
    assert receipts.receipt_slow_matches(code, slow)
    assert not receipts.receipt_slow_matches("AAAA-AAAA-AAAA-AAAA-AAAA", slow)


def test_it_treats_a_report_whose_slow_hash_does_not_match_as_unknown(client, county):
    code = code_of(post_report(client))
    Report.objects.update(receipt_slow_hash=receipts.receipt_slow_hash("AAAA-AAAA-AAAA-AAAA-AAAA"))
    response = follow(client, code)
    body = response.content.decode()
    assert zh("No report has this receipt code. Check it and try again.") in body
    assert "周末" not in body and zh("Your report") not in body


def test_it_still_finds_a_report_filed_before_the_slow_hash(client, county):
    code = code_of(post_report(client))
    Report.objects.update(receipt_slow_hash=None)
    assert zh("Your report") in follow(client, code).content.decode()


def test_it_counts_a_slow_hash_mismatch_as_a_wrong_code(client, county):
    code = code_of(post_report(client))
    Report.objects.update(receipt_slow_hash=receipts.receipt_slow_hash("AAAA-AAAA-AAAA-AAAA-AAAA"))
    for _ in range(receipts.WRONG_CODES_ALLOWED):
        follow(client, code)
    assert follow(client, code).status_code == 429


def test_it_files_one_report_for_two_identical_posts(client, county):
    data = form_data()
    first = client.post(reverse("portal:report_form"), data)
    second = client.post(reverse("portal:report_form"), data)
    assert Report.objects.count() == 1
    assert first.status_code == 200 and second.status_code == 200
    body = second.content.decode()
    assert zh("Report received") in body
    assert (
        zh("This report was already received: the form was sent twice, and only one report was filed.")
        in body
    )
    # The code is shown once: never again on the second answer.
    assert CODE.search(first.content.decode()) and not CODE.search(body)
    assert "no-store" in second["Cache-Control"]


def test_it_does_not_count_a_double_submit_against_the_hourly_limit(client, county):
    data = form_data()
    for _ in range(receipts.REPORTS_PER_SOURCE_PER_HOUR + 2):
        assert client.post(reverse("portal:report_form"), data).status_code == 200
    assert Report.objects.count() == 1
    assert post_report(client).status_code == 200


def test_it_lets_a_corrected_form_be_sent_with_the_same_token(client, county):
    data = form_data(subject_name="")
    response = client.post(reverse("portal:report_form"), data)
    assert not Report.objects.exists() and "errorlist" in response.content.decode()
    data["subject_name"] = "王五"
    assert CODE.search(client.post(reverse("portal:report_form"), data).content.decode())
    assert Report.objects.count() == 1


def test_it_gives_the_token_back_when_the_hourly_limit_refuses(client, county):
    for _ in range(receipts.REPORTS_PER_SOURCE_PER_HOUR):
        post_report(client)
    data = form_data()
    assert client.post(reverse("portal:report_form"), data, REMOTE_ADDR=SENTINEL_IP).status_code == 429
    assert receipts.submission_claim(data["submission"]) == "ok"


def test_it_refuses_a_missing_or_forged_token_and_keeps_the_form(client, county):
    for token in ("", "forged:token"):
        response = client.post(reverse("portal:report_form"), form_data(submission=token))
        body = response.content.decode()
        assert response.status_code == 400
        assert zh("The form has expired. Check what you typed and send it again.") in body
        assert "周末多次在农家乐接受老板宴请" in body
    assert not Report.objects.exists()


def test_it_gives_every_rendering_of_the_form_a_fresh_token(client, county):
    first = client.get(reverse("portal:report_form")).content.decode()
    second = client.get(reverse("portal:report_form")).content.decode()
    token = 'name="submission" value="'
    assert token in first
    assert first.split(token)[1].split('"')[0] != second.split(token)[1].split('"')[0]


def test_it_records_one_staff_intake_for_a_double_submit(as_user, township_officer_a, township_a):
    client = as_user(township_officer_a)
    token = receipts.submission_token_new()
    assert CODE.search(intake(client, submission=token).content.decode())
    response = intake(client, submission=token)
    assert Report.objects.count() == 1
    assert response.status_code == 200 and not CODE.search(response.content.decode())
    assert (
        zh("The receipt code was shown when the report was first recorded. It cannot be shown again.")
        in response.content.decode()
    )
