"""Every commitment page: the right persona gets it, another cadre and another township get 404, the wrong
role 403, the wrong method 405, anonymous visitors the sign-in page; lists cost a fixed number of queries."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gridwatch.accounts.roles import Role
from gridwatch.commitments import services
from gridwatch.commitments.models import Commitment, FulfilmentReview, YearEndRating
from gridwatch.conftest import make_user, zh

from .conftest import ITEMS, cadre_with_user, published, submitted, write


def url(name, commitment=None):
    return reverse(f"commitments:{name}", args=[commitment.pk] if commitment is not None else [])


# ------------------------------------------------------------------------------------------ cadre side


def test_it_lets_the_cadre_write_and_send_their_commitments(as_user, cadre_user, cadre_a):
    client = as_user(cadre_user)
    assert client.get(url("mine")).status_code == 200
    assert client.get(url("create")).status_code == 200
    data = {
        "year": timezone.localdate().year,
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-content": ITEMS[0]["content"],
        "items-0-target": ITEMS[0]["target"],
        "items-1-content": ITEMS[1]["content"],
        "items-1-target": ITEMS[1]["target"],
        "items-1-DELETE": "on",
        "items-2-content": "",
        "items-2-target": "",
        "then": "submit",
    }
    response = client.post(url("create"), data)
    commitment = Commitment.objects.get(cadre=cadre_a)
    assert response.status_code == 302 and response["Location"] == url("detail", commitment)
    assert commitment.status == "submitted"
    assert list(commitment.items.values_list("content", flat=True)) == [ITEMS[0]["content"]]
    page = client.get(url("detail", commitment)).content.decode()
    assert ITEMS[0]["content"] in page and zh("Awaiting review") in page
    assert zh("Target: %(target)s", target=ITEMS[0]["target"]) in page  # full-width colon in Chinese


MAY = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
DECEMBER = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


def _actions(client):
    """The links of the "My commitments" page head."""
    body = client.get(url("mine")).content.decode()
    head = body.split('<div class="page-head">', 1)[1].split('<div class="card">', 1)[0]
    return re.findall(r'href="([^"]*)"', head)


def test_it_offers_to_write_this_years_commitments_until_they_exist(as_user, cadre_user, cadre_a):
    with time_machine.travel(MAY, tick=False):
        client = as_user(cadre_user)
        assert _actions(client) == [url("create")]
        commitment = write(cadre_a)
        # Written (here a draft; the same once published): the page links to them instead of a dead end.
        assert _actions(client) == [url("detail", commitment)]
        response = client.get(url("create"))
        assert response.status_code == 302 and response["Location"] == url("detail", commitment)


def test_it_offers_next_year_in_december_once_this_year_is_written(
    as_user, cadre_user, cadre_a, community_org_a
):
    with time_machine.travel(DECEMBER, tick=False):
        client = as_user(cadre_user)
        this_year = published(cadre_a, community_org_a, year=2026)
        assert _actions(client) == [url("detail", this_year), url("create") + "?year=2027"]
        assert zh("Write the commitments for %(year)s", year=2027) in client.get(url("mine")).content.decode()
        form = client.get(url("create") + "?year=2027").content.decode()
        assert '<input type="hidden" name="year" value="2027">' in form and 'value="2026"' not in form
        assert client.get(url("create")).context["year"] == 2027  # the only year left, asked or not
        data = {
            "year": "2027",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-content": ITEMS[0]["content"],
            "items-0-target": ITEMS[0]["target"],
            "then": "save",
        }
        assert client.post(url("create"), data).status_code == 302
        assert Commitment.objects.get(cadre=cadre_a, year=2027).status == "draft"
        assert _actions(client) == [url("detail", this_year)]


def test_it_adds_a_row_without_saving(as_user, cadre_user, cadre_a):
    client = as_user(cadre_user)
    data = {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-content": "宣传惠民政策",
        "add_row": "1",
    }
    response = client.post(url("create"), data)
    assert response.status_code == 200
    assert 'name="items-2-content"' in response.content.decode()
    assert "宣传惠民政策" in response.content.decode()
    assert not Commitment.objects.exists()


def test_it_shows_the_service_refusal_on_the_form(as_user, cadre_user, cadre_a):
    client = as_user(cadre_user)
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-content": "宣传惠民政策",
        "then": "save",
    }
    response = client.post(url("create"), data)
    assert response.status_code == 400
    assert (
        zh("Give each commitment a concrete target (how much, how often, by when).")
        in response.content.decode()
    )


def test_it_lets_the_cadre_correct_a_returned_commitment(as_user, cadre_user, cadre_a, community_org_a):
    commitment = services.commitment_return(
        actor=community_org_a, commitment=submitted(cadre_a), reason="目标不具体"
    )
    client = as_user(cadre_user)
    page = client.get(url("edit", commitment)).content.decode()
    assert "目标不具体" in page
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-content": "宣传惠民政策",
        "items-0-target": "每季度1次",
        "then": "submit",
    }
    assert client.post(url("edit", commitment), data).status_code == 302
    assert Commitment.objects.get(pk=commitment.pk).status == "submitted"


def test_it_answers_403_to_the_cadre_once_the_commitment_is_sent(as_user, cadre_user, submitted_a):
    client = as_user(cadre_user)
    assert client.get(url("edit", submitted_a)).status_code == 403
    assert client.post(url("submit", submitted_a)).status_code == 403


@pytest.mark.parametrize("fixture", ["draft_a", "submitted_a"])
def test_it_answers_404_to_another_cadre(request, as_user, cadre_b_user, fixture):
    client = as_user(cadre_b_user)
    for commitment in (request.getfixturevalue(fixture),):
        assert client.get(url("detail", commitment)).status_code == 404
        assert client.get(url("edit", commitment)).status_code == 404
        assert client.post(url("submit", commitment)).status_code == 404


def test_it_hides_a_draft_from_the_reviewers(as_user, draft_a, community_org_a):
    client = as_user(community_org_a)
    assert client.get(url("detail", draft_a)).status_code == 404
    assert url("detail", draft_a) not in client.get(url("list"), {"status": ""}).content.decode()


# --------------------------------------------------------------------------------------- reviewer side


@pytest.fixture
def office(county):
    return make_user("office", role=Role.OFFICE, area=county)


READERS_OF_A = [
    "community_org_a",
    "township_officer_a",
    "county_officer",
    "grid_supervisor",
    "unit_liaison",
    "office",
]


@pytest.mark.parametrize("persona", READERS_OF_A)
def test_it_shows_a_commitment_to_the_readers_of_its_area(request, as_user, submitted_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("detail", submitted_a)).status_code == 200
    page = client.get(url("list"), {"status": "submitted"}).content.decode()
    assert url("detail", submitted_a) in page


@pytest.mark.parametrize("persona", ["community_org_b", "township_officer_b"])
def test_it_answers_404_to_another_township(request, as_user, submitted_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("detail", submitted_a)).status_code == 404
    assert client.post(url("approve", submitted_a)).status_code == 404
    assert client.post(url("return", submitted_a), {"reason": "x"}).status_code == 404
    assert url("detail", submitted_a) not in client.get(url("list"), {"status": ""}).content.decode()


def test_it_lets_the_community_org_approve_and_publish(as_user, submitted_a, community_org_a):
    client = as_user(community_org_a)
    page = client.get(url("detail", submitted_a)).content.decode()
    assert url("approve", submitted_a) in page
    response = client.post(url("approve", submitted_a))
    assert response.status_code == 302
    assert Commitment.objects.get(pk=submitted_a.pk).status == "published"


def test_it_returns_with_a_reason_and_shows_the_missing_reason(as_user, submitted_a, community_org_a):
    client = as_user(community_org_a)
    response = client.post(url("return", submitted_a), {"reason": ""})
    assert response.status_code == 400
    assert zh("Say why the commitment goes back to the cadre.") in response.content.decode()
    assert client.post(url("return", submitted_a), {"reason": "请写明次数"}).status_code == 302
    assert Commitment.objects.get(pk=submitted_a.pk).return_reason == "请写明次数"


@pytest.mark.parametrize("persona", ["grid_supervisor", "unit_liaison", "cadre_user"])
def test_it_answers_403_to_readers_who_do_not_review(request, as_user, submitted_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.post(url("approve", submitted_a)).status_code == 403
    assert client.post(url("return", submitted_a), {"reason": "x"}).status_code == 403
    assert Commitment.objects.get(pk=submitted_a.pk).status == "submitted"


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_it_answers_403_to_the_administrators(request, as_user, submitted_a, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("detail", submitted_a)).status_code == 403
    assert client.get(url("list")).status_code == 403


def test_it_answers_403_to_staff_on_the_cadre_pages(as_user, township_officer_a):
    client = as_user(township_officer_a)
    assert client.get(url("mine")).status_code == 403
    assert client.get(url("create")).status_code == 403


def test_it_answers_403_to_a_cadre_on_the_list(as_user, cadre_user):
    assert as_user(cadre_user).get(url("list")).status_code == 403


def test_it_records_the_meeting_and_the_rating_through_the_forms(as_user, published_a, community_org_a):
    client = as_user(community_org_a)
    items = list(published_a.items.all())
    today = timezone.localdate().isoformat()
    assert client.get(url("fulfilment", published_a)).status_code == 200
    data = {"held_on": today, "attendees": "社区党委书记、居民代表6名", "summary": ""}
    for item in items:
        data[f"progress_{item.position}"] = "55"
        data[f"evidence_{item.position}"] = "台账有登记"
    assert client.post(url("fulfilment", published_a), {**data, "progress_2": ""}).status_code == 400
    assert client.post(url("fulfilment", published_a), data).status_code == 302
    assert FulfilmentReview.objects.filter(commitment=published_a).exists()
    assert client.get(url("fulfilment", published_a)).status_code == 403
    assert client.get(url("rating", published_a)).status_code == 200
    data = {"rated_on": today, "contribution": "协调解决路灯维修1件"}
    for item in items:
        data[f"c_{item.position}_residents_satisfied"] = "12"
        data[f"c_{item.position}_residents_dissatisfied"] = "1"
    assert client.post(url("rating", published_a), data).status_code == 302
    page = client.get(url("detail", published_a)).content.decode()
    assert "协调解决路灯维修1件" in page and "92%" in page and "台账有登记" in page
    assert client.get(url("rating", published_a)).status_code == 403


@pytest.mark.parametrize("name", ["fulfilment", "rating"])
def test_it_keeps_the_meeting_forms_to_the_reviewers(
    as_user, published_a, grid_supervisor, township_officer_b, name
):
    assert as_user(grid_supervisor).get(url(name, published_a)).status_code == 403
    assert as_user(township_officer_b).get(url(name, published_a)).status_code == 404
    assert not YearEndRating.objects.exists()


def test_it_answers_405_to_the_wrong_method(as_user, submitted_a, community_org_a, cadre_user):
    client = as_user(community_org_a)
    for name in ("approve", "return"):
        assert client.get(url(name, submitted_a)).status_code == 405
    assert client.post(url("detail", submitted_a)).status_code == 405
    assert client.post(url("list")).status_code == 405
    assert client.delete(url("fulfilment", submitted_a)).status_code == 405
    assert client.put(url("rating", submitted_a)).status_code == 405
    client = as_user(cadre_user)
    assert client.get(url("submit", submitted_a)).status_code == 405
    assert client.post(url("mine")).status_code == 405
    assert (
        client.post(
            reverse("commitments:public_grid", args=[submitted_a.cadre.supervising_grid.code])
        ).status_code
        == 405
    )


def test_it_sends_anonymous_visitors_to_sign_in(client, submitted_a):
    for name in ("detail", "edit", "fulfilment", "rating"):
        response = client.get(url(name, submitted_a))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name in ("list", "mine", "create"):
        assert client.get(url(name)).status_code == 302


# ------------------------------------------------------------------------------------------- query counts


def _fill(n, unit, grid, reviewer, *, publish=False):
    start = Commitment.objects.count()
    for i in range(start, start + n):
        cadre = cadre_with_user(f"干部{i}", unit, grid, f"cadre{i}")
        commitment = submitted(cadre)
        if publish:
            services.commitment_approve(actor=reviewer, commitment=commitment)
            items = list(commitment.items.all())
            today = timezone.localdate()
            services.fulfilment_record(
                actor=reviewer,
                commitment=commitment,
                held_on=today,
                attendees="书记",
                progress={x.pk: (50, "e") for x in items},
            )
            services.rating_record(
                actor=reviewer,
                commitment=commitment,
                rated_on=today,
                contribution="贡献",
                counts={(x.pk, "residents"): [3, 1, 0] for x in items},
            )


def test_it_lists_commitments_in_a_fixed_number_of_queries(
    as_user, community_org_a, unit_a, grid_a, django_assert_max_num_queries
):
    client = as_user(community_org_a)
    _fill(2, unit_a, grid_a, community_org_a)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("list")).status_code == 200
    _fill(18, unit_a, grid_a, community_org_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("list"))
    assert zh("%(n)s commitments", n="20") in response.content.decode()


def test_it_shows_the_public_page_in_a_fixed_number_of_queries(
    client, community_org_a, unit_a, grid_a, django_assert_max_num_queries
):
    _fill(2, unit_a, grid_a, community_org_a, publish=True)
    public = reverse("commitments:public_grid", args=[grid_a.code])
    with django_assert_max_num_queries(20) as small:
        assert client.get(public).status_code == 200
    _fill(18, unit_a, grid_a, community_org_a, publish=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(public)
    assert response.content.decode().count("干部") >= 20


def test_it_shows_a_commitment_in_a_fixed_number_of_queries(
    as_user, community_org_a, cadre_user, cadre_a, unit_a, grid_a, django_assert_max_num_queries
):
    """The commitment page costs the same with two items and ten, with the meeting and the rating."""
    _fill(1, unit_a, grid_a, community_org_a, publish=True)
    small_one = Commitment.objects.get()
    client = as_user(community_org_a)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url("detail", small_one)).status_code == 200
    many = [{"content": f"承诺{i}", "target": f"目标{i}"} for i in range(10)]
    big = services.commitment_create(actor=cadre_user, year=timezone.localdate().year, items=many)
    services.commitment_submit(actor=cadre_user, commitment=big)
    services.commitment_approve(actor=community_org_a, commitment=big)
    items = list(big.items.all())
    services.fulfilment_record(
        actor=community_org_a,
        commitment=big,
        held_on=timezone.localdate(),
        attendees="书记",
        progress={x.pk: (30, "e") for x in items},
    )
    services.rating_record(
        actor=community_org_a,
        commitment=big,
        rated_on=timezone.localdate(),
        contribution="贡献",
        counts={(x.pk, g): [1, 1, 1] for x in items for g in ("representatives", "residents")},
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("detail", big)).status_code == 200
