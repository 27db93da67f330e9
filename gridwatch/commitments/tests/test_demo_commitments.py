"""The demo county's commitments: what a person signing in with the demo logins finds."""

import pytest
from django.urls import reverse

from gridwatch.accounts.models import User
from gridwatch.audit.services import verify_chain
from gridwatch.commitments.models import Commitment
from gridwatch.conftest import login, seeded_demo
from gridwatch.people.models import CadreFileEntry

SHOWCASE = "522729001002001"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield


@pytest.mark.usefixtures("demo")
class TestDemoCommitments:
    def test_it_gives_the_demo_cadre_a_published_year_and_a_rated_last_year(self, db):
        mine = Commitment.objects.filter(cadre__user__username="cadre").order_by("year")
        last, this = list(mine)
        assert (last.status, this.status) == ("published", "published")
        assert this.year == last.year + 1
        assert hasattr(last, "fulfilment_review") and hasattr(last, "year_end_rating")
        assert last.year_end_rating.lines.count() == 6
        assert CadreFileEntry.objects.filter(cadre=this.cadre, kind="commitment").count() >= 4

    def test_it_leaves_one_draft_one_awaiting_review_and_one_returned(self, db):
        statuses = sorted(
            Commitment.objects.filter(cadre__supervising_grid__code=SHOWCASE)
            .exclude(cadre__user__username="cadre")
            .values_list("status", flat=True)
        )
        assert statuses == ["draft", "returned", "submitted"]

    def test_it_shows_the_queue_to_the_community_org_and_the_public_page(self, client, db):
        login(client, User.objects.get(username="heping_party"))
        page = client.get(reverse("commitments:list")).content.decode()
        submitted = Commitment.objects.get(status="submitted", cadre__supervising_grid__code=SHOWCASE)
        assert reverse("commitments:detail", args=[submitted.pk]) in page
        client.logout()
        page = client.get(reverse("commitments:public_grid", args=[SHOWCASE])).content.decode()
        assert "每季度参加社区志愿服务不少于2次" in page
        assert submitted.cadre.name not in page

    def test_it_keeps_the_audit_chain_whole(self, db):
        assert verify_chain().ok
