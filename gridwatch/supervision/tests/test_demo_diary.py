"""The demo county's sentiment diary: what a person signing in with the demo logins finds."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from gridwatch.accounts.models import User
from gridwatch.audit.services import verify_chain
from gridwatch.cases.models import Channel
from gridwatch.conftest import login, seeded_demo
from gridwatch.supervision.models import DiaryEntry
from gridwatch.supervision.selectors import diary_entries_for

SHOWCASE = "522729001002001"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield


@pytest.mark.usefixtures("demo")
class TestDemoDiary:
    def test_it_fills_the_showcase_grids_diary_with_one_entry_turned_into_a_case(self, db):
        entries = DiaryEntry.objects.filter(grid__code=SHOWCASE)
        assert entries.count() >= 5
        assert {e.author.username for e in entries} == {"grid_leader", "grid_deputy", "grid_supervisor"}
        converted = entries.get(report__isnull=False)
        assert converted.report.channel == Channel.SUPERVISOR
        assert converted.report.subject_cadre == converted.cadre
        assert (
            DiaryEntry.objects.exclude(grid__code=SHOWCASE)
            .filter(grid__code__startswith="522729101")
            .exists()
        )
        assert verify_chain().ok

    def test_it_hides_the_entry_about_a_relation_from_the_grid_supervisor(self, db):
        supervisor = User.objects.get(username="grid_supervisor")
        leader = User.objects.get(username="grid_leader")
        hidden = DiaryEntry.objects.filter(cadre__declared_relations__user=supervisor)
        assert hidden.count() == 1
        assert not diary_entries_for(supervisor).filter(pk__in=hidden).exists()
        assert diary_entries_for(leader).filter(pk__in=hidden).exists()

    def test_it_shows_the_diary_to_the_township_but_never_to_the_cadre(self, db):
        assert (
            diary_entries_for(User.objects.get(username="cz_jiwei")).filter(grid__code=SHOWCASE).count() >= 5
        )
        assert (
            not diary_entries_for(User.objects.get(username="gs_jiwei")).filter(grid__code=SHOWCASE).exists()
        )
        assert not diary_entries_for(User.objects.get(username="cadre")).exists()
        assert not diary_entries_for(User.objects.get(username="finance_liaison")).exists()

    def test_it_opens_the_converted_entrys_case_from_the_grid_leaders_diary(self, db, client):
        leader = User.objects.get(username="grid_leader")
        entry = DiaryEntry.objects.get(report__isnull=False)
        login(client, leader, verified=False)
        response = client.get(reverse("supervision:diary_detail", args=[entry.pk]))
        assert response.status_code == 200
        case = reverse("cases:case_detail", args=[entry.report_id])
        assert case in response.content.decode()
        assert client.get(case).status_code == 200

    def test_it_creates_no_entry_on_a_second_run(self, db):
        before = DiaryEntry.objects.count()
        call_command("seed_demo", stdout=StringIO())
        assert DiaryEntry.objects.count() == before
