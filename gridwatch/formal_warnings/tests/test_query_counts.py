"""The page of a notice and the issuers' queue cost a fixed number of queries whatever their size: who the
user is to the notice (an issuer for the cadre, a liaison of the unit) is asked once a page, not once per
follow-up; the queue reads the cadres and their count of notices with the proposals."""

import pytest
from django.urls import reverse

from gridwatch.conftest import make_cadre

from .conftest import issue, proposed

# The session, the user and their second factor (3); their roles and scope (4: role assignments, grid posts,
# liaison link, cadre record), the notices' reader scope narrowed from them with no query; the notice with
# its cadre, unit and
# people (1) and its follow-ups (1); whether the user issues for the cadre (2: the role, the conflicts; a
# unit liaison holds no issuer role, so the conflicts are not asked) and is a liaison of the unit (1); the
# session saved (3).
DETAIL_QUERIES = {"office": 15, "unit_liaison": 14}
QUEUE_QUERIES = 13


def detail(client, notice):
    response = client.get(reverse("formal_warnings:detail", args=[notice.pk]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("reader", ["office", "unit_liaison"])
def test_it_opens_a_notice_in_a_fixed_number_of_queries(
    request, as_user, office, cadre_a, reader, django_assert_num_queries
):
    notices = [issue(office, cadre_a) for _ in range(5)]
    first, fifth = notices[0], notices[-1]
    assert (first.follow_ups.count(), fifth.follow_ups.count()) == (1, 3)
    client = as_user(request.getfixturevalue(reader))
    detail(client, first)  # the reader's scope is resolved once per request: warm what is cached for longer
    with django_assert_num_queries(DETAIL_QUERIES[reader]):
        detail(client, first)
    with django_assert_num_queries(DETAIL_QUERIES[reader]):
        detail(client, fifth)


def test_it_lists_the_queue_in_a_fixed_number_of_queries(
    as_user, office, unit_a, grid_a, django_assert_num_queries
):
    client = as_user(office)
    for i in range(2):
        proposed(make_cadre(f"甲{i}", unit_a, grid_a))
    client.get(reverse("formal_warnings:proposals"))
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(reverse("formal_warnings:proposals")).content.decode().count("甲") == 2
    for i in range(10):
        proposed(make_cadre(f"甲{i + 2}", unit_a, grid_a))
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(reverse("formal_warnings:proposals")).content.decode().count("甲") == 12
