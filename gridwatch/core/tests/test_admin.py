from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user
from gridwatch.accounts.roles import Role


def test_it_audits_a_change_made_in_the_admin(as_user, county, unit_a):
    admin_user = make_user("sys", role=Role.SYSTEM_ADMIN, area=county)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = as_user(admin_user)
    url = reverse("admin:people_unit_change", args=[unit_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "县财政局（改）", "kind": unit_a.kind, "area": county.pk, "head": ""})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="admin.unit.update").get()
    assert event.changes["name"] == {"before": "县财政局", "after": "县财政局（改）"}
    assert event.actor_label == "sys"
