"""Two-factor sign-in for county and township staff (SECURITY.md item 5): TOTP enrolment with a QR code,
codes that cannot be used twice, audited successes and failures."""

import datetime
import re
import urllib.parse

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridwatch.audit.models import AuditEvent

PASSWORD = "Grid-Watch-2026!"
NOW = datetime.datetime(2026, 11, 28, 9, 0, 5, tzinfo=datetime.UTC)


def code(device, at=NOW):
    with time_machine.travel(at, tick=False):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_with_password(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return response


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a"])
def test_it_sends_staff_without_a_device_to_enrolment(request, client, persona):
    user = request.getfixturevalue(persona)
    sign_in_with_password(client, user)
    response = client.get(reverse("people:cadre_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a"])
def test_it_sends_staff_with_a_device_to_the_code_page(request, client, persona):
    user = request.getfixturevalue(persona)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in_with_password(client, user)
    response = client.get(reverse("people:cadre_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


@pytest.mark.parametrize("persona", ["grid_supervisor", "unit_liaison", "cadre_user"])
def test_it_does_not_force_two_factor_on_grid_unit_and_cadre_users(request, client, persona):
    user = request.getfixturevalue(persona)
    sign_in_with_password(client, user)
    assert client.get(reverse("core:home")).status_code == 200


@override_settings(GRIDWATCH_REQUIRE_2FA=False)
def test_it_can_be_switched_off_by_the_operator(client, county_officer):
    sign_in_with_password(client, county_officer)
    assert client.get(reverse("core:home")).status_code == 200


def test_it_enrols_with_a_qr_code_and_a_first_code(client, county_officer, frozen):
    sign_in_with_password(client, county_officer)
    page = client.get(reverse("accounts:otp_enrol"), {"next": reverse("people:cadre_list")})
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=county_officer, confirmed=False)
    import base64

    # A browser draws a data-URI SVG only with its namespace; the e2e tour checks that it is drawn.
    src = re.search(r'src="(data:image/svg\+xml[^"]*)"', body).group(1)
    svg = urllib.parse.unquote(src.split(",", 1)[1])
    assert svg.startswith("<svg") and "xmlns='http://www.w3.org/2000/svg'" in svg.replace('"', "'")
    assert base64.b32encode(device.bin_key).decode() in body
    response = client.post(
        reverse("accounts:otp_enrol"), {"token": code(device), "next": reverse("people:cadre_list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:cadre_list")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:cadre_list")).status_code == 200
    assert AuditEvent.objects.filter(action="otp.enrol", object_id=str(county_officer.pk)).count() == 1


def test_it_refuses_a_wrong_enrolment_code_and_audits_it(client, county_officer, frozen):
    sign_in_with_password(client, county_officer)
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=county_officer, confirmed=False)
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:otp_enrol"), {"token": wrong})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() == 1
    assert client.get(reverse("people:cadre_list")).status_code == 302


def test_it_verifies_a_code_and_audits_it(client, county_officer, frozen):
    device = TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    sign_in_with_password(client, county_officer)
    response = client.post(reverse("accounts:otp_verify"), {"token": code(device), "next": "/people/cadres/"})
    assert response.status_code == 302 and response["Location"] == "/people/cadres/"
    assert client.get(reverse("people:cadre_list")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor_label="county").count() == 1


def test_it_refuses_a_code_used_before(client, county_officer, frozen):
    """Replay: the same code in the same 30-second window, after signing out and in again, is refused."""
    device = TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    used = code(device)
    sign_in_with_password(client, county_officer)
    assert client.post(reverse("accounts:otp_verify"), {"token": used}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, county_officer)
    response = client.post(reverse("accounts:otp_verify"), {"token": used})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert client.get(reverse("people:cadre_list")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor_label="county").count() == 1


def test_it_accepts_the_next_code_after_a_replay_is_refused(client, county_officer, frozen):
    device = TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    sign_in_with_password(client, county_officer)
    client.post(reverse("accounts:otp_verify"), {"token": code(device)})
    client.post(reverse("accounts:logout"))
    later = NOW + datetime.timedelta(seconds=60)
    frozen.move_to(later)
    sign_in_with_password(client, county_officer)
    assert client.post(reverse("accounts:otp_verify"), {"token": code(device, later)}).status_code == 302


def test_it_does_not_redirect_to_another_site_after_the_code(client, county_officer, frozen):
    device = TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    sign_in_with_password(client, county_officer)
    response = client.post(
        reverse("accounts:otp_verify"), {"token": code(device), "next": "//evil.example/x"}
    )
    assert response["Location"] == reverse("core:home")
