"""The demo county's supervision register and inspections: what a person signing in with the demo logins
finds."""

import pytest
from django.urls import reverse

from gridwatch.accounts.models import User
from gridwatch.audit.services import verify_chain
from gridwatch.conftest import login, seeded_demo
from gridwatch.people.models import CadreFileEntry, FileEntryKind
from gridwatch.supervision.models import Inspection, InspectionStatus, RegisterAspect, RegisterEntry

SHOWCASE = "522729001002001"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield


@pytest.mark.usefixtures("demo")
class TestDemoRegister:
    def test_it_fills_the_showcase_grids_register_under_every_heading(self, db):
        entries = RegisterEntry.objects.filter(grid__code=SHOWCASE)
        assert entries.values("cadre").distinct().count() == 3
        assert set(entries.values_list("aspect", flat=True)) == set(RegisterAspect.values)
        assert {e.author.username for e in entries.filter(aspect=RegisterAspect.PARTY_ASSESSMENT)} == {
            "heping_party"
        }
        assert CadreFileEntry.objects.filter(kind=FileEntryKind.OBSERVATION).count() >= entries.count()
        assert verify_chain().ok

    def test_it_records_one_closed_and_one_open_inspection_by_the_office(self, db):
        inspections = Inspection.objects.filter(grid__code=SHOWCASE, inspector__username="office")
        assert sorted(inspections.values_list("status", flat=True)) == [
            InspectionStatus.CLOSED,
            InspectionStatus.OPEN,
        ]
        closed = inspections.get(status=InspectionStatus.CLOSED)
        assert closed.follow_up and closed.cadres.exists()

    def test_it_shows_the_register_to_the_party_organisation_and_not_to_the_cadre(self, client, db):
        login(client, User.objects.get(username="heping_party"))
        response = client.get(reverse("supervision:register_list"), {"grid": SHOWCASE})
        assert response.status_code == 200
        cadre_user = User.objects.get(username="cadre")
        login(client, cadre_user)
        assert client.get(reverse("supervision:register_list")).status_code == 403
        ids = {str(e.pk) for e in client.get(reverse("people:my_file")).context["timeline"]}
        hidden = CadreFileEntry.objects.filter(cadre__user=cadre_user, kind=FileEntryKind.OBSERVATION)
        assert hidden.exists()  # the demo cadre is one of the three the register is about
        assert not ids & {str(pk) for pk in hidden.values_list("pk", flat=True)}
