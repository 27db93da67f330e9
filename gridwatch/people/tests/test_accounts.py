"""A cadre's own account (the cadre role): ``services.cadre_link_user``."""

import pytest
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import make_user, zh
from gridwatch.core.errors import ValidationFailed
from gridwatch.people import services
from gridwatch.people.models import Cadre


def test_it_links_an_account_to_a_cadre_and_audits_it_once(county_officer, cadre_a):
    user = make_user("zhangwei")
    before = AuditEvent.objects.count()
    services.cadre_link_user(actor=county_officer, cadre=cadre_a, user=user)
    assert Cadre.objects.get(pk=cadre_a.pk).user == user
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["cadre.link_user"]
    assert events[0].changes == {"user": "zhangwei"} and events[0].object_id == str(cadre_a.pk)


def test_it_opens_the_cadres_own_file_to_the_linked_account_and_nothing_else(as_user, cadre_a, cadre_b):
    user = make_user("zhangwei")
    client = as_user(user, verified=False)
    assert client.get(reverse("people:my_file")).status_code == 403
    services.cadre_link_user(actor=None, cadre=cadre_a, user=user)
    page = client.get(reverse("people:my_file"))
    assert page.status_code == 200 and "张伟" in page.content.decode()
    assert client.get(reverse("people:cadre_detail", args=[cadre_b.pk])).status_code == 404


def test_it_does_nothing_when_the_account_is_linked_already(cadre_a):
    user = make_user("zhangwei")
    services.cadre_link_user(actor=None, cadre=cadre_a, user=user)
    before = AuditEvent.objects.count()
    services.cadre_link_user(actor=None, cadre=cadre_a, user=user)
    assert AuditEvent.objects.count() == before


def test_it_refuses_to_replace_a_cadres_account(cadre_a):
    first = make_user("zhangwei")
    services.cadre_link_user(actor=None, cadre=cadre_a, user=first)
    with pytest.raises(ValidationFailed) as info:
        services.cadre_link_user(actor=None, cadre=cadre_a, user=make_user("someone_else"))
    assert str(info.value.message) == zh("%(cadre)s already has an account.", cadre="张伟")
    assert Cadre.objects.get(pk=cadre_a.pk).user == first


def test_it_refuses_an_account_that_belongs_to_another_cadre(cadre_a, cadre_b):
    user = make_user("zhangwei")
    services.cadre_link_user(actor=None, cadre=cadre_a, user=user)
    with pytest.raises(ValidationFailed) as info:
        services.cadre_link_user(actor=None, cadre=cadre_b, user=user)
    assert str(info.value.message) == zh(
        "The account %(user)s is already linked to another cadre.", user="zhangwei"
    )
    assert Cadre.objects.get(pk=cadre_b.pk).user is None


def test_it_leaves_the_cadre_unlinked_when_the_audit_fails(monkeypatch, cadre_a):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_log", broken)
    with pytest.raises(RuntimeError):
        services.cadre_link_user(actor=None, cadre=cadre_a, user=make_user("zhangwei"))
    assert Cadre.objects.get(pk=cadre_a.pk).user is None
