"""Lockout after repeated failed sign-ins (django-axes; SECURITY.md item 5): per user and address, and
an X-Forwarded-For header written by the client cannot move the counter."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user

PASSWORD = "Grid-Watch-2026!"


@pytest.fixture
def officer(db):
    return make_user("officer_li", password=PASSWORD)


_clients = {}


def attempt(password, *, address="203.0.113.7", username="officer_li", **headers):
    """One sign-in attempt from ``address``, as a new visitor (no cookies)."""
    client = _clients.setdefault(address, Client(REMOTE_ADDR=address))  # one handler: fast
    client.cookies.clear()
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **headers)


def signed_in(response):
    return response.status_code == 302 and reverse("accounts:login") not in response["Location"]


def test_it_signs_in_with_the_right_password(officer):
    assert signed_in(attempt(PASSWORD))


def test_it_locks_the_user_at_this_address_after_five_failures(officer):
    for _ in range(4):
        assert attempt("wrong-password").status_code == 200
    fifth = attempt("wrong-password")
    assert fifth.status_code == 429
    sixth = attempt(PASSWORD)
    assert sixth.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in sixth.templates]


def test_it_does_not_lock_the_same_user_at_another_address(officer):
    for _ in range(5):
        attempt("wrong-password")
    assert attempt(PASSWORD).status_code == 429
    assert signed_in(attempt(PASSWORD, address="198.51.100.20"))


def test_it_does_not_lock_another_user_at_the_same_address(officer):
    make_user("officer_wang", password=PASSWORD)
    for _ in range(5):
        attempt("wrong-password")
    assert signed_in(attempt(PASSWORD, username="officer_wang"))


def test_it_ignores_a_spoofed_forwarded_for_header(officer):
    """Without a proxy (AXES_IPWARE_PROXY_COUNT = 0) each attempt with a new X-Forwarded-For still counts
    against the socket address, and a fresh header does not unlock it."""
    for i in range(5):
        attempt("wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert attempt(PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    assert attempt(PASSWORD).status_code == 429


def test_it_cannot_lock_out_a_user_at_an_address_named_in_a_spoofed_header(officer):
    for _ in range(5):
        attempt("wrong-password", address="203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert signed_in(attempt(PASSWORD, address="198.51.100.20"))


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_it_counts_the_address_the_trusted_proxy_saw(officer):
    """Behind one proxy, the right-most X-Forwarded-For entry (written by the proxy) is the client; what
    the client put to its left does not matter."""
    for i in range(5):
        attempt("wrong-password", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.7")
    assert attempt(PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert signed_in(attempt(PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20"))


def test_it_audits_failed_sign_ins_without_the_password_or_address(officer):
    attempt("wrong-password-123")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_label == "officer_li"
    text = str(event.changes) + event.object_label + event.actor_label
    assert "wrong-password-123" not in text and "203.0.113.7" not in text


def test_it_takes_the_socket_address_without_a_proxy(rf, settings):
    from gridwatch.accounts.lockout import client_ip

    settings.AXES_IPWARE_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "203.0.113.7"
    settings.AXES_IPWARE_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 10.0.0.1")
    assert client_ip(request) == "203.0.113.7"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(request) == "10.0.0.2"


@pytest.fixture
def security_admin(county):
    from gridwatch.accounts.roles import Role

    return make_user("secadmin", role=Role.SECURITY_ADMIN, area=county)


def test_it_lets_the_security_administrator_release_a_lockout(officer, security_admin, as_user):
    for _ in range(5):
        attempt("wrong-password")
    assert not signed_in(attempt(PASSWORD))  # locked
    client = as_user(security_admin)
    page = client.get(reverse("accounts:lockout_list"))
    assert page.status_code == 200 and "officer_li" in page.content.decode()
    (locked,) = page.context["lockouts"]
    response = client.post(reverse("accounts:lockout_release", args=[locked.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.unlock")
    assert event.object_label == "officer_li" and event.actor_id == security_admin.pk
    assert list(client.get(reverse("accounts:lockout_list")).context["lockouts"]) == []
    assert signed_in(attempt(PASSWORD))


@pytest.mark.parametrize("persona", ["county_officer", "system_admin", "audit_admin", "township_officer_a"])
def test_it_keeps_the_lockout_page_to_the_security_administrator(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:lockout_list")).status_code == 403
    assert client.post(reverse("accounts:lockout_release", args=[1])).status_code == 403


def test_it_answers_404_for_a_lockout_that_is_not_current(security_admin, as_user):
    response = as_user(security_admin).post(reverse("accounts:lockout_release", args=[999]))
    assert response.status_code == 404
