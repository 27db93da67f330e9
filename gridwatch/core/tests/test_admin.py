from django.urls import reverse

from gridwatch.accounts.roles import Role
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user


def test_it_audits_a_change_made_in_the_admin(as_user, county, unit_a):
    admin_user = make_user("sys", role=Role.SYSTEM_ADMIN, area=county)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = as_user(admin_user)
    url = reverse("admin:people_unit_change", args=[unit_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "县财政局（改）", "kind": unit_a.kind, "area": county.pk, "head": ""}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="admin.unit.update").get()
    assert event.changes["name"] == {"before": "县财政局", "after": "县财政局（改）"}
    assert event.actor_label == "sys"


def _follow(client, url, hops=6):
    """The status codes along the redirect chain from ``url``."""
    statuses = []
    for _ in range(hops):
        response = client.get(url)
        statuses.append(response.status_code)
        if response.status_code != 302:
            return statuses, response
        url = response["Location"]
    return statuses, response


def test_it_admits_a_system_administrator_to_the_admin(as_user, system_admin):
    system_admin.is_staff = system_admin.is_superuser = True
    system_admin.save()
    response = as_user(system_admin).get("/admin/")
    assert response.status_code == 200
    assert "/admin/accounts/user/" in response.content.decode()


def test_it_refuses_staff_without_the_system_administrator_role(as_user, county_officer):
    """Signed in, is_staff and even superuser, but not a system administrator: a 403, not a redirect loop."""
    county_officer.is_staff = county_officer.is_superuser = True
    county_officer.save()
    client = as_user(county_officer)
    for url in ("/admin/", "/admin/accounts/user/"):
        statuses, _ = _follow(client, url)
        assert statuses[-1] == 403, statuses


def test_it_refuses_a_system_administrator_without_is_staff(as_user, system_admin):
    statuses, _ = _follow(as_user(system_admin), "/admin/accounts/user/")
    assert statuses[-1] == 403, statuses


def test_it_sends_an_anonymous_visitor_of_the_admin_to_the_sign_in_page(client, db):
    statuses, last = _follow(client, "/admin/accounts/user/")
    assert statuses[-1] == 200 and "accounts/login.html" in [t.name for t in last.templates]


def test_it_refuses_the_admin_to_a_password_only_session(as_user, system_admin):
    system_admin.is_staff = True
    system_admin.save()
    response = as_user(system_admin, verified=False).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_enrol"))


def test_it_audits_a_password_set_in_the_admin_without_the_password(as_user, system_admin, county_officer):
    system_admin.is_staff = system_admin.is_superuser = True
    system_admin.save()
    client = as_user(system_admin)
    url = f"/admin/accounts/user/{county_officer.pk}/password/"
    new = "Another-Strong-Pass-2026"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    county_officer.refresh_from_db()
    assert county_officer.check_password(new)
    event = AuditEvent.objects.get(action="admin.user.password_change")
    assert event.object_id == str(county_officer.pk) and event.actor_id == system_admin.pk
    assert new not in str(event.changes)


def test_it_sends_a_signed_in_system_administrator_from_the_admin_login_to_the_index(as_user, system_admin):
    system_admin.is_staff = True
    system_admin.save()
    response = as_user(system_admin).get("/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
