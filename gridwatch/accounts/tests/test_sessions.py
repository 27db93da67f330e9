"""Session policy (SECURITY.md item 5): idle timeout renewed by activity, an absolute lifetime, and
sessions that end on 'sign out everywhere', a password change, a role removed or the account disabled."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from gridwatch.accounts import services
from gridwatch.accounts.models import RoleAssignment
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import login

START = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
HOME = reverse("core:home")


def signed_in(client):
    return client.get(HOME).status_code == 200


def signed_out(client):
    """Signed out: the session that ended sends its holder to the sign-in page; after that, the home page
    sends a visitor to the public portal and a staff page to the sign-in page."""
    home = client.get(HOME)
    staff = client.get(reverse("accounts:inbox"))
    return (
        home.status_code == 302
        and (
            home["Location"].startswith(reverse("accounts:login"))
            or home["Location"] == reverse("portal:home")
        )
        and staff.status_code == 302
        and staff["Location"].startswith(reverse("accounts:login"))
    )


@pytest.fixture
def two_clients():
    return Client(), Client()


def test_it_has_a_thirty_minute_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_it_signs_out_after_thirty_minutes_idle(client, county_officer):
    with time_machine.travel(START, tick=False) as traveller:
        login(client, county_officer)
        assert signed_in(client)
        traveller.shift(datetime.timedelta(minutes=31))
        assert signed_out(client)


def test_it_keeps_an_active_session_alive(client, county_officer):
    with time_machine.travel(START, tick=False) as traveller:
        login(client, county_officer)
        for _ in range(4):
            traveller.shift(datetime.timedelta(minutes=20))
            assert signed_in(client)


def test_it_has_an_absolute_lifetime_of_a_working_day():
    assert settings.GRIDWATCH_SESSION_ABSOLUTE_SECONDS == 12 * 3600


def test_it_ends_even_an_active_session_at_the_absolute_lifetime(client, county_officer, settings):
    settings.GRIDWATCH_SESSION_ABSOLUTE_SECONDS = 2 * 3600  # shorter, so the walk takes fewer requests
    with time_machine.travel(START, tick=False) as traveller:
        login(client, county_officer)
        elapsed = datetime.timedelta()
        limit = datetime.timedelta(seconds=settings.GRIDWATCH_SESSION_ABSOLUTE_SECONDS)
        while elapsed + datetime.timedelta(minutes=25) < limit:
            traveller.shift(datetime.timedelta(minutes=25))
            elapsed += datetime.timedelta(minutes=25)
            assert signed_in(client)
        traveller.shift(datetime.timedelta(minutes=25))
        assert signed_out(client)


def test_it_signs_out_everywhere(two_clients, county_officer):
    phone, desk = two_clients
    login(phone, county_officer)
    login(desk, county_officer)
    response = phone.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    assert signed_out(desk)
    assert signed_out(phone)
    assert AuditEvent.objects.filter(action="user.logout_everywhere").count() == 1


def test_it_ends_other_sessions_when_the_password_changes(two_clients, county_officer):
    phone, desk = two_clients
    login(phone, county_officer)
    login(desk, county_officer)
    response = phone.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Grid-Watch-2026!",
            "new_password1": "Mountain-Tea-77",
            "new_password2": "Mountain-Tea-77",
        },
    )
    assert response.status_code == 302
    assert signed_in(phone)
    assert signed_out(desk)
    county_officer.refresh_from_db()
    assert county_officer.check_password("Mountain-Tea-77")
    assert AuditEvent.objects.filter(action="user.password_change").count() == 1


def test_it_shows_the_password_change_form(client, county_officer):
    login(client, county_officer)
    body = client.get(reverse("accounts:password_change")).content.decode()
    assert 'name="old_password"' in body and 'name="new_password1"' in body and 'name="new_password2"' in body


def test_it_refuses_a_weak_new_password(client, county_officer):
    login(client, county_officer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Grid-Watch-2026!",
            "new_password1": "changshun1",
            "new_password2": "changshun1",
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    county_officer.refresh_from_db()
    assert county_officer.check_password("Grid-Watch-2026!")


def test_it_ends_other_sessions_when_the_password_is_set_directly(two_clients, county_officer):
    """Even a password set outside the service (Django's session hash) ends the sessions."""
    phone, desk = two_clients
    login(desk, county_officer)
    county_officer.set_password("Mountain-Tea-77")
    county_officer.save()
    assert signed_out(desk)


def test_it_ends_the_sessions_of_a_user_whose_role_is_revoked(two_clients, county_officer, system_admin):
    phone, _ = two_clients
    login(phone, county_officer)
    assert signed_in(phone)
    services.role_revoke(actor=system_admin, assignment=RoleAssignment.objects.get(user=county_officer))
    assert signed_out(phone)
    assert AuditEvent.objects.filter(action="role.revoke").count() == 1


def test_it_ends_the_sessions_of_a_disabled_user(client, county_officer, system_admin):
    login(client, county_officer)
    services.user_set_active(actor=system_admin, user=county_officer, active=False)
    assert signed_out(client)
    assert AuditEvent.objects.filter(action="user.disable").count() == 1


def test_it_keeps_other_users_signed_in(two_clients, county_officer, township_officer_a, system_admin):
    mine, theirs = two_clients
    login(mine, county_officer)
    login(theirs, township_officer_a)
    services.user_logout_everywhere(actor=county_officer, user=county_officer)
    assert signed_out(mine)
    assert signed_in(theirs)


def test_it_sends_a_signed_in_user_from_the_sign_in_page_home(client, county_officer):
    login(client, county_officer)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302 and response["Location"] == HOME


def test_it_refuses_a_signed_in_user_sent_back_to_sign_in_by_a_refusing_page(client, county_officer):
    """No redirect loop: a signed-in user sent to the sign-in page with a `next` gets a 403."""
    login(client, county_officer)
    assert client.get(reverse("accounts:login"), {"next": "/admin/"}).status_code == 403
