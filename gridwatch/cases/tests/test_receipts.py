"""Receipt codes stored under a keyed hash only, and the slow hashes of codes given before 2026-12 still
checked (SECURITY.md item 2); one report per submission token (item 10)."""

import base64
import hashlib
import math
import secrets

from argon2 import PasswordHasher
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from gridwatch.cases import receipts
from gridwatch.cases.models import Report
from gridwatch.cases.tests.test_public import CODE, SENTINEL_IP, code_of, follow, form_data, post_report
from gridwatch.cases.tests.test_staff import intake
from gridwatch.conftest import zh

LEGACY_CODE = "ABCD-EFGH-JKMN-PQRS-TUVW"  # 20 characters, as codes were given before 2026-12
WRONG = "AAAA-AAAA-AAAA-AAAA-AAAA"


def legacy_scrypt(code, n=2**11, r=8, p=1):
    """A slow hash as ``report_submit`` stored it beside the keyed hash before 2026-12."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(code.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)

    def b64(data):
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    return f"receipt-scrypt1${n}${r}${p}${b64(salt)}${b64(digest)}"


def file_legacy_report(client, slow=True):
    """A report filed before 2026-12: a 20-character code, its keyed hash and (``slow``) its slow hash."""
    post_report(client)
    Report.objects.update(
        receipt_hash=receipts.receipt_hash(LEGACY_CODE),
        receipt_slow_hash=legacy_scrypt(LEGACY_CODE) if slow else None,
    )


def test_it_stores_only_the_keyed_hash_of_a_code_of_at_least_112_bits(client, county):
    code = code_of(post_report(client))
    assert len(code.replace("-", "")) == receipts.CODE_LENGTH == 24
    assert receipts.CODE_LENGTH * math.log2(len(receipts.ALPHABET)) >= 112  # NIST SP 800-63B §5.1.2.2
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt_hash, receipt_slow_hash FROM cases_report")
        keyed, slow = cursor.fetchone()
    assert keyed == receipts.receipt_hash(code) and slow is None
    assert code not in keyed and code.replace("-", "") not in keyed
    assert zh("Your report") in follow(client, code).content.decode()


def test_it_finds_a_report_filed_with_a_twenty_character_code_by_its_slow_hash(client, county):
    file_legacy_report(client)
    for typed in (LEGACY_CODE, LEGACY_CODE.replace("-", " ").lower()):
        assert zh("Your report") in follow(client, typed).content.decode()


def test_it_checks_a_slow_hash_with_the_parameters_stored_in_it():
    for stored in (legacy_scrypt(LEGACY_CODE), legacy_scrypt(LEGACY_CODE, n=2**10)):
        assert receipts.receipt_slow_matches(LEGACY_CODE, stored)
        assert not receipts.receipt_slow_matches(WRONG, stored)


def test_it_still_checks_slow_hashes_made_by_the_password_hasher(settings):
    """Reports filed before the scrypt hash carry the password hasher's value (Argon2id in production)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    # The production hasher's format with small costs (Django reads them from the value), to keep the test
    # fast.
    argon2 = "argon2" + PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(LEGACY_CODE)
    pbkdf2 = PBKDF2PasswordHasher().encode(LEGACY_CODE, "somesalt", iterations=1000)
    for stored in (argon2, pbkdf2):
        assert receipts.receipt_slow_matches(LEGACY_CODE, stored)
        assert not receipts.receipt_slow_matches(WRONG, stored)


def test_it_matches_nothing_with_a_damaged_or_greedy_slow_hash():
    good = legacy_scrypt(LEGACY_CODE)
    algorithm, n, r, p, salt, digest = good.split("$")
    for stored in (
        "receipt-scrypt1$garbage",
        good[:-4],
        f"{algorithm}$x$8$1${salt}${digest}",
        f"{algorithm}$3$8$1${salt}${digest}",  # n must be a power of two
        f"{algorithm}${2**20}$8$1${salt}${digest}",  # 1 GiB: refused, not allocated
        f"{algorithm}${n}${r}${p}$!!${digest}",
    ):
        assert not receipts.receipt_slow_matches(LEGACY_CODE, stored), stored


def test_it_treats_a_report_whose_slow_hash_does_not_match_as_unknown(client, county):
    file_legacy_report(client)
    Report.objects.update(receipt_slow_hash=legacy_scrypt(WRONG))
    response = follow(client, LEGACY_CODE)
    body = response.content.decode()
    assert zh("No report has this receipt code. Check it and try again.") in body
    assert "周末" not in body and zh("Your report") not in body


def test_it_still_finds_a_report_filed_before_the_slow_hash(client, county):
    file_legacy_report(client, slow=False)
    assert zh("Your report") in follow(client, LEGACY_CODE).content.decode()


def test_it_counts_a_slow_hash_mismatch_as_a_wrong_code(client, county):
    file_legacy_report(client)
    Report.objects.update(receipt_slow_hash=legacy_scrypt(WRONG))
    for _ in range(receipts.WRONG_CODES_ALLOWED):
        follow(client, LEGACY_CODE)
    assert follow(client, LEGACY_CODE).status_code == 429


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


def test_it_files_nothing_and_claims_nothing_filed_when_the_cache_cannot_write(client, county, monkeypatch):
    """Django's database cache answers ``add`` with False when the database is locked (SQLite, a long write
    of another worker): that is not a report filed before."""
    monkeypatch.setattr(type(caches["default"]), "add", lambda self, *args, **kwargs: False)
    response = client.post(reverse("portal:report_form"), form_data())
    body = response.content.decode()
    assert not Report.objects.exists()
    assert response.status_code == 400 and not CODE.search(body)
    assert zh("The form has expired. Check what you typed and send it again.") in body
    assert "周末多次在农家乐接受老板宴请" in body
    assert (
        zh("This report was already received: the form was sent twice, and only one report was filed.")
        not in body
    )


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
